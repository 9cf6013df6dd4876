"""Blank workbooks in the official layout (PRODUCT.md, "Workbook formats"), made with openpyxl.

People start from these, so what they fill in is what the readers expect: the sheet names and
headers come from `etl.layout` (the first spelling of each), coded columns get dropdowns, amounts
and dates get their number formats. The demo generator writes its tidy workbooks in the same
layout (`TITLE_ROW`, `HEADER_ROW`, `FIRST_DATA_ROW`, `GENERAL_FIRST_ROW`, the titles and widths).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from etl.layout import (
    ASSETS, DECLARATION_TYPES, GENERAL, INCOME, INCOME_EARNERS, INCOME_SECTION_LABELS, NO_CHANGE_TEXT,
    RELATIONS, RELATIVES, ROSTER, SECTIONS, UNKNOWN_VALUE_TEXT, VARIATIONS, Sheet,
)

#: Table sheets: the title in row 1 (merged across the columns), the header in row 2, data below.
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
#: `Thông tin chung`: the title in row 1, the label/value pairs from row 3, labels in column A.
GENERAL_FIRST_ROW = 3
#: How many rows of a blank template carry the dropdowns.
TEMPLATE_ROWS = 500

VND_FORMAT = "#,##0"          # shown with dot separators under a Vietnamese locale
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"             # identity numbers stay text, so leading zeros survive
INSTRUCTIONS_SHEET = "Hướng dẫn"

TITLES: dict[str, str] = {
    "general": "BẢN KÊ KHAI TÀI SẢN, THU NHẬP",
    "relatives": "THÔNG TIN VỀ VỢ HOẶC CHỒNG, CON CHƯA THÀNH NIÊN",
    "assets": "THÔNG TIN MÔ TẢ VỀ TÀI SẢN",
    "income": "TỔNG THU NHẬP GIỮA HAI LẦN KÊ KHAI",
    "variations": "BIẾN ĐỘNG TÀI SẢN, THU NHẬP VÀ GIẢI TRÌNH NGUỒN GỐC CỦA TÀI SẢN, THU NHẬP TĂNG THÊM",
    "roster": "DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP",
}

#: Column widths (characters) per record field; 16 when not listed.
WIDTHS: dict[str, float] = {
    "seq": 6, "section": 8, "owner": 24, "name": 34, "address": 40, "area": 14, "quantity": 10,
    "certificate": 22, "year_acquired": 12, "value": 20, "country": 14, "other_info": 36,
    "relation": 20, "full_name": 26, "date_of_birth": 13, "id_number": 16, "occupation": 20,
    "workplace": 30, "residence": 40, "earner": 24, "amount": 20, "note": 36,
    "quantity_change": 14, "value_change": 22, "explanation": 48, "position": 30, "agency": 36,
    "declaration_type": 24, "year": 8, "event_date": 14,
}

#: Number formats per field, shared with the demo generator.
AMOUNT_FIELDS = frozenset({"value", "amount", "value_change"})
DATE_FIELDS = frozenset({"date_of_birth", "completed_on", "event_date"})
TEXT_FIELDS = frozenset({"id_number", "certificate"})

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

_INSTRUCTIONS_DECLARATION = (
    "HƯỚNG DẪN ĐIỀN BẢN KÊ KHAI",
    "1. Mỗi tệp là một bản kê khai của một người. Không đổi tên các trang tính và các tiêu đề cột.",
    "2. Trang «Thông tin chung»: điền giá trị vào cột B, cạnh từng nội dung ở cột A. "
    "Loại kê khai chọn trong danh sách: Lần đầu, Hằng năm, Bổ sung, Phục vụ công tác cán bộ.",
    "3. Ngày ghi theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 25/12/2025.",
    "4. Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số); ghi đủ cả các số 0 ở đầu.",
    "5. Số tiền ghi bằng đồng Việt Nam, ví dụ 1.200.000.000. Tài sản không xác định được giá trị thì "
    f"ghi «{UNKNOWN_VALUE_TEXT}» và nêu lý do ở cột «Thông tin khác».",
    "6. Trang «Tài sản»: mỗi tài sản một dòng; cột «Mục» chọn mã mục của mẫu kê khai (bảng dưới). "
    "Tài sản ở nước ngoài (mục 8) và tài khoản ở nước ngoài (mục 9) phải ghi quốc gia.",
    "7. Trang «Thu nhập» và «Biến động»: không điền khi kê khai lần đầu. Các lần kê khai sau phải điền "
    f"«Biến động»; nếu không có thay đổi, ghi «{NO_CHANGE_TEXT}» vào ô đầu tiên dưới tiêu đề.",
    "8. «Tăng/giảm giá trị» ghi số dương khi tăng, số âm khi giảm; mọi khoản tăng phải giải trình nguồn gốc.",
    "",
    "Mã mục tài sản (Nghị định 130/2020/NĐ-CP, Phụ lục I, phần II):",
)

_INSTRUCTIONS_ROSTER = (
    "HƯỚNG DẪN ĐIỀN DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI",
    "1. Mỗi dòng là một nghĩa vụ kê khai của một người trong một năm.",
    "2. Loại kê khai chọn trong danh sách: Lần đầu, Hằng năm, Phục vụ công tác cán bộ, Bổ sung.",
    "3. «Ngày phát sinh» bắt buộc với Lần đầu (ngày tiếp nhận, tuyển dụng, bố trí vào vị trí) và với "
    "Phục vụ công tác cán bộ (ngày dự kiến bổ nhiệm); ghi theo dạng dd/mm/yyyy.",
    "4. Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số); ghi đủ cả các số 0 ở đầu.",
)


def write_declaration_template(path: str | Path) -> Path:
    """Write a blank declaration workbook (bản kê khai) in the official layout; return the path."""
    wb = Workbook()
    general = wb.active
    _general_sheet(general)
    _table_sheet(wb.create_sheet(RELATIVES.name), RELATIVES, {
        "relation": _list_validation(_official(RELATIONS)),
    })
    _table_sheet(wb.create_sheet(ASSETS.name), ASSETS, {
        "section": _list_validation(list(SECTIONS)),
    })
    _table_sheet(wb.create_sheet(INCOME.name), INCOME, {
        "earner": _list_validation(_official(INCOME_EARNERS)),
    })
    _table_sheet(wb.create_sheet(VARIATIONS.name), VARIATIONS, {
        "section": _list_validation([*SECTIONS, INCOME_SECTION_LABELS[0]], warn=True),
    })
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), _INSTRUCTIONS_DECLARATION, sections=True)
    wb.active = 0
    return _save(wb, path)


def write_roster_template(path: str | Path) -> Path:
    """Write a blank roster workbook (danh sách người có nghĩa vụ kê khai); return the path."""
    wb = Workbook()
    _table_sheet(wb.active, ROSTER, {
        "declaration_type": _list_validation(_official(DECLARATION_TYPES)),
    })
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), _INSTRUCTIONS_ROSTER, sections=False)
    wb.active = 0
    return _save(wb, path)


def _official(vocabulary: dict[str, tuple[str, ...]]) -> list[str]:
    return [spellings[0] for spellings in vocabulary.values()]


def _list_validation(values: list[str], *, warn: bool = False) -> DataValidation:
    # An inline list (max 255 characters in Excel); a warning rather than a stop where people may
    # legitimately type something else (e.g. the long form of "Tổng thu nhập").
    formula = '"' + ",".join(values) + '"'
    if len(formula) > 257:
        raise ValueError("dropdown list longer than Excel allows")
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        errorStyle="warning" if warn else "stop")
    dv.showErrorMessage = True
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = "Chọn một giá trị trong danh sách."
    dv.promptTitle = "Chọn trong danh sách"
    dv.prompt = ", ".join(values)[:255]
    dv.showInputMessage = True
    return dv


def _general_sheet(ws: Worksheet) -> None:
    ws.title = GENERAL.name
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 48
    _title(ws, TITLES["general"], 2)
    types = _list_validation(_official(DECLARATION_TYPES))
    ws.add_data_validation(types)
    for offset, column in enumerate(GENERAL.columns):
        row = GENERAL_FIRST_ROW + offset
        label = ws.cell(row=row, column=1, value=column.label)
        label.font = _HEADER_FONT
        label.fill = _HEADER_FILL
        label.border = _BORDER
        value = ws.cell(row=row, column=2)
        value.border = _BORDER
        if column.field in DATE_FIELDS:
            value.number_format = DATE_FORMAT
        elif column.field in TEXT_FIELDS:
            value.number_format = TEXT_FORMAT
        elif column.field == "year":
            value.number_format = "0"
        if column.field == "declaration_type":
            types.add(value.coordinate)


def _table_sheet(ws: Worksheet, sheet: Sheet, validations: dict[str, DataValidation]) -> None:
    ws.title = sheet.name
    ncols = len(sheet.columns)
    _title(ws, TITLES[sheet.key], ncols)
    last = FIRST_DATA_ROW + TEMPLATE_ROWS - 1
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=HEADER_ROW, column=index, value=column.label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP_CENTER
        cell.border = _BORDER
        ws.column_dimensions[letter].width = WIDTHS.get(column.field, 16)
        number_format = _number_format(column.field)
        if number_format:
            # A column style: what is typed anywhere below the header takes the format, and the
            # blank template carries no empty cells for the readers to skip.
            ws.column_dimensions[letter].number_format = number_format
        dv = validations.get(column.field)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncols)}{HEADER_ROW}"


def _number_format(field: str) -> str | None:
    if field in AMOUNT_FIELDS:
        return VND_FORMAT
    if field in DATE_FIELDS:
        return DATE_FORMAT
    if field in TEXT_FIELDS:
        return TEXT_FORMAT
    return None


def _title(ws: Worksheet, text: str, ncols: int) -> None:
    cell = ws.cell(row=TITLE_ROW, column=1, value=text)
    cell.font = _TITLE_FONT
    cell.alignment = _WRAP_CENTER
    if ncols > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)
    ws.row_dimensions[TITLE_ROW].height = 30


def _instructions(ws: Worksheet, lines: tuple[str, ...], *, sections: bool) -> None:
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 110
    row = 1
    for index, line in enumerate(lines):
        cell = ws.cell(row=row, column=1, value=line)
        if index == 0:
            cell.font = _TITLE_FONT
        row += 1
    if sections:
        for code, name in SECTIONS.items():
            ws.cell(row=row, column=1, value=code).font = _HEADER_FONT
            ws.cell(row=row, column=2, value=name)
            row += 1
        ws.cell(row=row, column=1, value=INCOME_SECTION_LABELS[0]).font = _HEADER_FONT
        ws.cell(row=row, column=2, value="Dòng tổng thu nhập giữa hai lần kê khai (chỉ ở trang «Biến động»)")


def _save(wb: Workbook, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
