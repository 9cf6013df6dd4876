"""Fixtures for the workbook readers: real .xlsx files written with openpyxl into a temporary folder."""
from __future__ import annotations

import copy
import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

ASSET_HEADER = ["Mục", "Người đứng tên", "Tên tài sản", "Địa chỉ", "Diện tích (m2)", "Số lượng",
                "Số giấy chứng nhận/đăng ký", "Năm có tài sản", "Giá trị (đồng)", "Quốc gia", "Thông tin khác"]

DECLARATION = {
    "Thông tin chung": [
        ["BẢN KÊ KHAI TÀI SẢN, THU NHẬP"],
        [],
        ["Loại kê khai", "Hằng năm"],
        ["Năm kê khai", 2024],
        ["Ngày hoàn thành kê khai", date(2024, 12, 20)],
        ["Họ và tên", "Nguyễn Văn An"],
        ["Ngày sinh", date(1975, 4, 30)],
        ["Số CCCD", "001075012345"],
        ["Chức vụ/chức danh", "Phó Giám đốc"],
        ["Cơ quan/đơn vị công tác", "Sở Tài chính"],
        ["Nơi thường trú", "12 Hàng Bài, Hoàn Kiếm, Hà Nội"],
    ],
    "Vợ chồng và con": [
        ["Quan hệ", "Họ và tên", "Ngày sinh", "Số CCCD", "Nghề nghiệp", "Nơi làm việc", "Nơi thường trú"],
        ["Vợ", "Trần Thị Bình", date(1978, 1, 15), "001178000111", "Giáo viên", "Trường THCS A", "Hà Nội"],
        ["Con chưa thành niên", "Nguyễn Văn Cường", date(2012, 6, 1), None, "Học sinh", None, "Hà Nội"],
    ],
    "Tài sản": [
        ASSET_HEADER,
        ["1.1", "Nguyễn Văn An", "Đất ở", "12 Hàng Bài, Hoàn Kiếm", 120.5, None, "CS 01234", 2010,
         2_500_000_000, None, None],
        ["2.1", "Nguyễn Văn An", "Nhà ở", "12 Hàng Bài, Hoàn Kiếm", 240, None, "CS 01234", 2012,
         1_200_000_000, None, None],
        ["5", "Nguyễn Văn An", "Tiền gửi tiết kiệm", None, None, None, None, 2023, 800_000_000, None, None],
        ["7.1", "Trần Thị Bình", "Ô tô Toyota Vios", None, None, 1, "29A-123.45", 2020, 550_000_000, None, None],
        ["9", "Nguyễn Văn An", "Tài khoản ngân hàng", None, None, None, "SG-778899", 2021, 150_000_000,
         "Singapore", None],
    ],
    "Thu nhập": [
        ["Người có thu nhập", "Số tiền (đồng)", "Ghi chú"],
        ["Người kê khai", 450_000_000, "Lương"],
        ["Vợ hoặc chồng", 300_000_000, None],
    ],
    "Biến động": [
        ["Mục", "Tăng/giảm số lượng", "Tăng/giảm giá trị (đồng)", "Giải trình nguồn gốc"],
        ["5", None, 200_000_000, "Tiết kiệm từ lương"],
        ["Tổng thu nhập", None, 750_000_000, None],
    ],
}

ROSTER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Chức vụ/chức danh", "Cơ quan/đơn vị",
                 "Loại kê khai", "Năm", "Ngày phát sinh", "Ghi chú"]
ROSTER = {
    "Danh sách": [
        ["DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI NĂM 2024"],
        [],
        ROSTER_HEADER,
        [1, "Nguyễn Văn An", date(1975, 4, 30), "001075012345", "Phó Giám đốc", "Sở Tài chính", "Hằng năm",
         2024, None, None],
        [2, "Lê Thị Hoa", date(1990, 2, 3), "036190000222", "Chuyên viên", "Sở Tài chính", "Lần đầu",
         2024, date(2024, 3, 1), "Tuyển dụng"],
    ],
}


def write_xlsx(sheets: dict[str, list[list]], *, merged: dict[str, list[str]] | None = None,
               origin: dict[str, tuple[int, int]] | None = None) -> bytes:
    """A workbook with one sheet per entry, rows written from `origin` (1-based row, column; A1 by
    default); `merged` lists ranges to merge per sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        r0, c0 = (origin or {}).get(name, (1, 1))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.cell(row=r0 + i, column=c0 + j, value=value)
        for ref in (merged or {}).get(name, []):
            ws.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same package with some parts replaced or added (hostile files are built this way)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            part = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, part)
        for name, part in (add or {}).items():
            target.writestr(name, part)
    return out.getvalue()


@pytest.fixture
def declaration_sheets():
    """A fresh, mutable copy of a valid declaration's sheets."""
    return copy.deepcopy(DECLARATION)


@pytest.fixture
def roster_sheets():
    """A fresh, mutable copy of a valid roster's sheets."""
    return copy.deepcopy(ROSTER)


@pytest.fixture
def xlsx(tmp_path: Path):
    """Write sheets as a real .xlsx file in tmp_path and return its bytes."""
    counter = iter(range(1_000_000))

    def make(sheets: dict[str, list[list]], **options) -> bytes:
        data = write_xlsx(sheets, **options)
        path = tmp_path / f"workbook-{next(counter)}.xlsx"
        path.write_bytes(data)
        return path.read_bytes()

    return make
