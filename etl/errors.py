"""The catalogue of import error codes with their messages in Vietnamese and English.

Codes are stable (tests, the batch report and the UI key on them); the wording may change. A message
is a template filled from named parameters, so the Vietnamese and English texts say the same thing.
"""
from __future__ import annotations

from etl.records import CellError

#: code -> (Vietnamese template, English template)
MESSAGES: dict[str, tuple[str, str]] = {
    # The file as a whole, refused before any cell is read.
    "file_too_large": ("Tệp lớn hơn giới hạn {limit_mb} MB.",
                       "The file is larger than the {limit_mb} MB limit."),
    "not_xlsx": ("Tệp không phải sổ tính Excel .xlsx hợp lệ.",
                 "The file is not a valid Excel .xlsx workbook."),
    "xls_format": ("Tệp ở định dạng Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.",
                   "The file is in the old Excel format (.xls). Open it in Excel and save it as .xlsx."),
    "encrypted": ("Tệp được đặt mật khẩu hoặc mã hóa. Hãy gỡ mật khẩu rồi tải lên lại.",
                  "The file is password-protected or encrypted. Remove the password and upload it again."),
    "zip_bomb": ("Tệp nén bất thường (kích thước giải nén hoặc tỷ lệ nén vượt giới hạn); tệp bị từ chối.",
                 "The file's compression is abnormal (uncompressed size or ratio over the limit); "
                 "it is refused."),
    "macros": ("Tệp chứa macro (.xlsm). Hãy lưu lại dưới dạng .xlsx không có macro.",
               "The file contains macros (.xlsm). Save it as a macro-free .xlsx workbook."),
    "xml_entities": ("Tệp chứa khai báo DOCTYPE/ENTITY trong XML, không được chấp nhận.",
                     "The file contains XML DOCTYPE/ENTITY declarations, which are not accepted."),
    "unreadable": ("Không đọc được nội dung sổ tính: {detail}",
                   "The workbook's content cannot be read: {detail}"),
    "empty_workbook": ("Sổ tính không có dữ liệu.", "The workbook contains no data."),
    "sheet_too_large": ("Trang tính có vùng dữ liệu quá lớn (hơn {limit} ô).",
                        "The sheet's data area is too large (more than {limit} cells)."),
    "formula_no_value": ("Ô chứa công thức nhưng không có giá trị đã tính. Hãy mở tệp bằng Excel, "
                         "lưu lại, hoặc thay công thức bằng giá trị.",
                         "The cell holds a formula without a computed value. Open and save the file "
                         "in Excel, or replace the formula by its value."),
    # The structure of the workbook.
    "missing_sheet": ("Thiếu trang tính «{sheet}».", "The sheet «{sheet}» is missing."),
    "duplicate_sheet": ("Có nhiều trang tính cùng là «{expected}»: «{sheet}».",
                        "More than one sheet is «{expected}»: «{sheet}»."),
    "missing_column": ("Thiếu cột «{header}».", "The column «{header}» is missing."),
    "duplicate_column": ("Cột «{header}» xuất hiện nhiều lần.", "The column «{header}» appears more than once."),
    "missing_field": ("Thiếu mục «{header}».", "The field «{header}» is missing."),
    "duplicate_field": ("Mục «{header}» được ghi nhiều lần với giá trị khác nhau.",
                        "The field «{header}» is given more than once with different values."),
    "required": ("«{header}» không được để trống.", "«{header}» must not be empty."),
    "no_change_conflict": ("Trang «Biến động» vừa ghi «Không có biến động» vừa có dòng biến động.",
                           "The «Biến động» sheet says «Không có biến động» and also lists changes."),
    "duplicate_entry": ("Dòng trùng với dòng {other_row} (cùng người, loại kê khai, năm và ngày phát sinh).",
                        "This row repeats row {other_row} (same person, type, year and event date)."),
    # Values.
    "bad_amount": ("«{value}» không phải số tiền hợp lệ (đồng){reason_vi}.",
                   "«{value}» is not a valid amount in VND{reason_en}."),
    "bad_date": ("«{value}» không phải ngày hợp lệ (ngày/tháng/năm){reason_vi}.",
                 "«{value}» is not a valid date (day/month/year){reason_en}."),
    "bad_identity": ("«{value}» không phải số CCCD (12 chữ số) hay CMND (9 chữ số){reason_vi}.",
                     "«{value}» is not a CCCD (12 digits) or CMND (9 digits) number{reason_en}."),
    "bad_section": ("«{value}» không phải mã mục tài sản hợp lệ (1.1, 1.2, 2.1, … 9){reason_vi}.",
                    "«{value}» is not a valid asset section code (1.1, 1.2, 2.1, … 9){reason_en}."),
    "bad_declaration_type": ("«{value}» không phải loại kê khai (Lần đầu, Hằng năm, Bổ sung, "
                             "Phục vụ công tác cán bộ).",
                             "«{value}» is not a declaration type (Lần đầu, Hằng năm, Bổ sung, "
                             "Phục vụ công tác cán bộ)."),
    "bad_relation": ("«{value}» không phải quan hệ hợp lệ (Vợ, Chồng, Con chưa thành niên).",
                     "«{value}» is not a valid relation (Vợ, Chồng, Con chưa thành niên)."),
    "bad_earner": ("«{value}» không phải người có thu nhập hợp lệ (Người kê khai, Vợ hoặc chồng, "
                   "Con chưa thành niên, Thu nhập chung).",
                   "«{value}» is not a valid income earner (Người kê khai, Vợ hoặc chồng, "
                   "Con chưa thành niên, Thu nhập chung)."),
    "bad_year": ("«{value}» không phải năm hợp lệ ({low}–{high}).",
                 "«{value}» is not a valid year ({low}–{high})."),
    "bad_number": ("«{value}» không phải số hợp lệ{reason_vi}.", "«{value}» is not a valid number{reason_en}."),
    "bad_text": ("«{value}» không phải văn bản hợp lệ cho ô này.", "«{value}» is not valid text for this cell."),
}

#: why a value was refused: key -> (Vietnamese, English); appended to the value messages above
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("ô trống", "the cell is empty"),
    "fraction": ("số tiền không được lẻ dưới một đồng", "amounts cannot have fractions of a đồng"),
    "negative": ("không được là số âm", "it must not be negative"),
    "too_large": ("giá trị quá lớn", "the value is too large"),
    "unknown_not_allowed": ("ở đây không được ghi «Không xác định được giá trị»",
                            "«Không xác định được giá trị» is not allowed here"),
    "ambiguous": ("cách viết không rõ ràng; hãy viết như 1.200.000.000 hoặc 1,2 tỷ",
                  "the spelling is ambiguous; write it like 1.200.000.000 or 1,2 tỷ"),
    "ambiguous_number": ("cách viết không rõ ràng; hãy dùng dấu phẩy cho phần thập phân, ví dụ 120,5",
                         "the spelling is ambiguous; use a comma for decimals, e.g. 120,5"),
    "not_a_number": ("không đọc được thành số", "it cannot be read as a number"),
    "not_a_date": ("không đọc được thành ngày", "it cannot be read as a date"),
    "no_such_date": ("ngày không tồn tại trong lịch", "no such calendar date"),
    "date_range": ("ngày nằm ngoài khoảng cho phép", "the date is outside the accepted range"),
    "serial_range": ("số này không phải một ngày (có thể là năm?)", "this number is not a date (a year?)"),
    "time_part": ("có phần giờ", "it has a time of day"),
    "digits": ("phải gồm 9 hoặc 12 chữ số", "it must have 9 or 12 digits"),
    "not_a_code": ("không có trong danh sách mục của mẫu kê khai", "it is not in the form's list of sections"),
    "wrong_type": ("kiểu dữ liệu của ô không phù hợp", "the cell's data type does not fit"),
}


def render(code: str, *, reason: str | None = None, **params: object) -> tuple[str, str]:
    """The (Vietnamese, English) message of `code`, filled from `params` and an optional reason."""
    vi, en = MESSAGES[code]
    if reason is not None:
        reason_vi, reason_en = REASONS[reason]
        params.setdefault("reason_vi", f": {reason_vi}")
        params.setdefault("reason_en", f": {reason_en}")
    params.setdefault("reason_vi", "")
    params.setdefault("reason_en", "")
    return vi.format_map(_Defaults(params)), en.format_map(_Defaults(params))


class _Defaults(dict):
    """Leave an unknown placeholder visible rather than failing to report an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def cell_error(code: str, *, sheet: str | None = None, row: int | None = None, column: str | None = None,
               header: str | None = None, value: str | None = None, reason: str | None = None,
               **params: object) -> CellError:
    """A CellError for `code` at the given place, with both messages rendered."""
    fields = {"sheet": sheet or "", "header": header or "", "value": value or ""}
    fields.update(params)
    vi, en = render(code, reason=reason, **fields)
    return CellError(code=code, sheet=sheet, row=row, column=column, header=header, value=value,
                     message_vi=vi, message_en=en)
