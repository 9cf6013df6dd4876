"""Workbooks for the view and browser tests, built with openpyxl in PRODUCT.md's format."""
from __future__ import annotations

import io

from openpyxl import Workbook

TYPE_LABELS = {"first": "Lần đầu", "annual": "Hằng năm", "supplementary": "Bổ sung",
               "personnel": "Phục vụ công tác cán bộ"}
ASSET_HEADERS = ["Mục", "Người đứng tên", "Tên tài sản", "Địa chỉ", "Diện tích (m2)", "Số lượng",
                 "Số giấy chứng nhận/đăng ký", "Năm có tài sản", "Giá trị (đồng)", "Quốc gia", "Thông tin khác"]


def declaration_workbook(*, cccd: str = "001085012345", full_name: str = "Nguyễn Văn An",
                         declaration_type: str = "annual", year: int = 2024, completed_on: str | None = None,
                         agency: str = "Sở Tài chính", position: str = "Trưởng phòng",
                         assets: list[tuple] | None = None, incomes: list[tuple] | None = None,
                         variations: list[tuple] | str | None = None, date_of_birth: str = "15/03/1975") -> bytes:
    """One declaration workbook; `assets` rows are (section, name, certificate, year_acquired, value[, country])."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thông tin chung"
    ws.append(["BẢN KÊ KHAI TÀI SẢN, THU NHẬP"])
    ws.append([])
    for label, value in (("Loại kê khai", TYPE_LABELS[declaration_type]), ("Năm kê khai", year),
                         ("Ngày hoàn thành kê khai", completed_on or f"15/12/{year}"), ("Họ và tên", full_name),
                         ("Ngày sinh", date_of_birth), ("Số CCCD", cccd), ("Chức vụ/chức danh", position),
                         ("Cơ quan/đơn vị công tác", agency), ("Nơi thường trú", "12 Lê Lợi, TP Demo")):
        ws.append([label, value])
    sheet = wb.create_sheet("Tài sản")
    sheet.append(ASSET_HEADERS)
    for row in assets if assets is not None else [("1.1", "Đất ở tại phường 1", "GCN-001", 2010, "1.200.000.000"),
                                                  ("5", "Tiền gửi tiết kiệm", None, 2020, "300.000.000")]:
        section, name, cert, acquired, value, *rest = row
        sheet.append([section, full_name, name, "Phường 1, TP Demo" if section.startswith(("1", "2")) else None,
                      None, 1, cert, acquired, value, rest[0] if rest else None, None])
    if declaration_type != "first":
        income = wb.create_sheet("Thu nhập")
        income.append(["Người có thu nhập", "Số tiền (đồng)", "Ghi chú"])
        for earner, amount in incomes if incomes is not None else [("Người kê khai", "250.000.000")]:
            income.append([earner, amount, None])
        var = wb.create_sheet("Biến động")
        if variations is None or variations == "none":
            var.append(["Không có biến động"])
        else:
            var.append(["Mục", "Tăng/giảm số lượng", "Tăng/giảm giá trị (đồng)", "Giải trình nguồn gốc"])
            for section, value, explanation in variations:
                var.append([section, None, value, explanation])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_workbook(rows: list[tuple], *, agency: str = "Sở Tài chính") -> bytes:
    """A roster: rows are (full_name, date_of_birth, cccd, declaration_type, year[, event_date])."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP"])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Chức vụ/chức danh", "Cơ quan/đơn vị", "Loại kê khai",
               "Năm", "Ngày phát sinh", "Ghi chú"])
    for i, (name, dob, cccd, dtype, year, *rest) in enumerate(rows, 1):
        ws.append([i, name, dob, cccd, "Chuyên viên", agency, TYPE_LABELS[dtype], year, rest[0] if rest else None,
                   None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bad_declaration_workbook(**kwargs) -> bytes:
    """A workbook with cell-level errors: an unreadable amount and an impossible date."""
    kwargs.setdefault("completed_on", "31/13/2024")
    kwargs.setdefault("assets", [("1.1", "Đất ở tại phường 1", "GCN-001", 2010, "một tỷ"),
                                 ("5", "Tiền gửi tiết kiệm", None, 2020, "300.000.000")])
    return declaration_workbook(**kwargs)

