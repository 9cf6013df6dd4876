"""Real .xlsx declaration and roster workbooks for tests, written with openpyxl in the official layout."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import openpyxl

from etl.layout import ASSETS, GENERAL, INCOME, RELATIVES, ROSTER, VARIATIONS

TYPE_LABELS = {"first": "Lần đầu", "annual": "Hằng năm", "supplementary": "Bổ sung",
               "personnel": "Phục vụ công tác cán bộ"}


@dataclass
class Asset:
    section: str
    name: str
    value: int | str | None
    certificate: str | None = None
    address: str | None = None
    year_acquired: int | None = 2015
    country: str | None = None
    other_info: str | None = None
    owner: str | None = None
    area: float | None = None
    quantity: float | None = None


@dataclass
class Decl:
    declaration_type: str = "annual"
    year: int = 2024
    completed_on: date | str = date(2024, 12, 1)
    full_name: str = "Nguyễn Văn An"
    date_of_birth: date | str = date(1975, 4, 30)
    id_number: str | int = "001075012345"
    position: str = "Phó Giám đốc"
    agency: str = "Sở Tài chính"
    residence: str = "12 Hàng Bài, Hà Nội"
    assets: list[Asset] = field(default_factory=list)
    incomes: list[tuple[str, int | str]] = field(default_factory=list)
    #: rows (section, value change, explanation) or the string "none" for "Không có biến động"
    variations: list[tuple] | str | None = None
    relatives: list[tuple] = field(default_factory=list)


def declaration_bytes(decl: Decl) -> bytes:
    """The workbook for `decl`: Thông tin chung as label/value pairs, then the tables."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = GENERAL.name
    ws.append(["BẢN KÊ KHAI TÀI SẢN, THU NHẬP"])
    ws.append([])
    labels = {c.field: c.label for c in GENERAL.columns}
    for fname, value in (("declaration_type", TYPE_LABELS.get(decl.declaration_type, decl.declaration_type)),
                         ("year", decl.year), ("completed_on", decl.completed_on), ("full_name", decl.full_name),
                         ("date_of_birth", decl.date_of_birth), ("id_number", decl.id_number),
                         ("position", decl.position), ("agency", decl.agency), ("residence", decl.residence)):
        ws.append([labels[fname], value])
    if decl.relatives:
        rel = book.create_sheet(RELATIVES.name)
        rel.append([c.label for c in RELATIVES.columns])
        for row in decl.relatives:
            rel.append(list(row))
    assets = book.create_sheet(ASSETS.name)
    assets.append([c.label for c in ASSETS.columns])
    for a in decl.assets:
        assets.append([a.section, a.owner, a.name, a.address, a.area, a.quantity, a.certificate, a.year_acquired,
                       a.value, a.country, a.other_info])
    if decl.incomes:
        inc = book.create_sheet(INCOME.name)
        inc.append([c.label for c in INCOME.columns])
        for earner, amount in decl.incomes:
            inc.append([earner, amount, None])
    if decl.variations is not None:
        var = book.create_sheet(VARIATIONS.name)
        if decl.variations == "none":
            var.append(["Không có biến động"])
        else:
            var.append([c.label for c in VARIATIONS.columns])
            for section, change, explanation in decl.variations:
                var.append([section, None, change, explanation])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_bytes(rows: list[tuple], title: str = "DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI") -> bytes:
    """Rows: (full_name, date_of_birth, cccd, position, agency, type label, year, event_date)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = ROSTER.name
    ws.append([title])
    ws.append([c.label for c in ROSTER.columns])
    for i, (name, dob, cccd, position, agency, dtype, year, event) in enumerate(rows, start=1):
        ws.append([i, name, dob, cccd, position, agency, TYPE_LABELS.get(dtype, dtype), year, event, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOME = Asset("2.1", "Nhà ở", 1_200_000_000, certificate="CS-0001", address="12 Hàng Bài")
LAND = Asset("1.1", "Đất ở", 2_500_000_000, certificate="CS-0002", address="12 Hàng Bài")
SAVINGS = Asset("5", "Tiền gửi tiết kiệm", 800_000_000)
CAR = Asset("7.1", "Ô tô", 600_000_000, certificate="29A-123.45")


def first_declaration(**kw) -> Decl:
    base = dict(declaration_type="first", year=2023, completed_on=date(2023, 3, 5),
                assets=[LAND, HOME, SAVINGS], incomes=[], variations=None)
    base.update(kw)
    return Decl(**base)


def annual_declaration(**kw) -> Decl:
    base = dict(declaration_type="annual", year=2024, completed_on=date(2024, 12, 1),
                assets=[LAND, HOME, SAVINGS], incomes=[("Người kê khai", 400_000_000)], variations="none")
    base.update(kw)
    return Decl(**base)
