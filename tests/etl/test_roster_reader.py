"""The roster reader: one sheet, header below title rows, event dates where the law needs them."""
from __future__ import annotations

import io
import time
from datetime import date

import xlsxwriter
from tests.etl.conftest import ROSTER_HEADER

from etl.records import Identity
from etl.roster import read_roster


def read_ok(data):
    result = read_roster(data, "danh-sach.xlsx")
    assert result.errors == [], [e.as_tuple() for e in result.errors]
    return result.records


def errors_of(data):
    result = read_roster(data, "danh-sach.xlsx")
    assert result.records == []
    return [e.as_tuple() for e in result.errors]


def test_reads_the_official_roster(xlsx, roster_sheets):
    first, second = read_ok(xlsx(roster_sheets))
    assert (first.full_name, first.date_of_birth, first.identity, first.position, first.agency) == (
        "Nguyễn Văn An", date(1975, 4, 30), Identity("cccd", "001075012345"), "Phó Giám đốc", "Sở Tài chính")
    assert (first.declaration_type, first.year, first.event_date, first.note, first.row) == (
        "annual", 2024, None, None, 4)
    assert (second.declaration_type, second.event_date, second.note, second.row) == (
        "first", date(2024, 3, 1), "Tuyển dụng", 5)


def test_tolerances(xlsx):
    header = ["Số thứ tự", "Ho ten", "NGÀY SINH", "CCCD/CMND", "Cơ quan", "Loại kê khai", "Năm kê khai",
              "Ngày tiếp nhận/bổ nhiệm", "Chức vụ"]
    rows = [
        ["UBND TỈNH X"], ["THANH TRA TỈNH"], ["DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI"], [],
        header,
        [1, "Le Thi Hoa".replace("Le", "Lê"), "03/02/1990", 36190000222, "Sở Y tế", "Hàng năm", "2024", None, None],
        [2, None, None, None, None, None, None, None, None],                      # numbered, otherwise empty
        [],
        [3, "Phạm Văn Đức", date(1968, 9, 2), "012345678", "Sở Y tế", "phuc vu cong tac can bo", 2024.0,
         "15/06/2024", "Giám đốc"],
        ["Tổng cộng: 2 người"],
        ["Tổng cộng", None, None, None, None, None, None, None, None],
    ]
    records = read_ok(xlsx({"Hướng dẫn": [["Điền danh sách ở trang sau"]], "DS 2024": rows},
                           merged={"DS 2024": ["A1:I1", "A3:I3"]}))
    assert [(r.full_name, r.identity, r.agency, r.declaration_type, r.year, r.event_date, r.position, r.row)
            for r in records] == [
        ("Lê Thi Hoa", Identity("cccd", "036190000222"), "Sở Y tế", "annual", 2024, None, None, 6),
        ("Phạm Văn Đức", Identity("cmnd", "012345678"), "Sở Y tế", "personnel", 2024, date(2024, 6, 15),
         "Giám đốc", 9),
    ]


def test_event_date_required_for_first_time_and_personnel_declarations(xlsx, roster_sheets):
    rows = roster_sheets["Danh sách"]
    rows[4][8] = None
    rows.append([3, "Phạm Văn Đức", date(1968, 9, 2), "012345678", "GĐ", "Sở Y tế", "Phục vụ công tác cán bộ",
                 2024, None, None])
    assert errors_of(xlsx(roster_sheets)) == [("required", "Danh sách", 5, "I"), ("required", "Danh sách", 6, "I")]


def test_event_date_column_missing_when_needed(xlsx, roster_sheets):
    rows = roster_sheets["Danh sách"]
    for row in rows[2:]:
        del row[8]
    assert errors_of(xlsx(roster_sheets)) == [("missing_column", "Danh sách", 3, None)]
    del rows[4]                                   # no first-time row left: the column is not needed
    assert len(read_ok(xlsx(roster_sheets))) == 1


def test_bad_values_point_at_their_cells(xlsx, roster_sheets):
    rows = roster_sheets["Danh sách"]
    rows[3][2] = "1975-13-01"
    rows[3][3] = "10750123"
    rows[4][5] = None
    rows[4][6] = "Định kỳ"
    rows[4][7] = 24
    result = read_roster(xlsx(roster_sheets))
    assert [e.as_tuple() for e in result.errors] == [
        ("bad_date", "Danh sách", 4, "C"), ("bad_identity", "Danh sách", 4, "D"), ("required", "Danh sách", 5, "F"),
        ("bad_declaration_type", "Danh sách", 5, "G"), ("bad_year", "Danh sách", 5, "H")]
    assert (result.errors[1].header, result.errors[1].value) == ("Số CCCD", "10750123")


def test_duplicate_entries(xlsx, roster_sheets):
    rows = roster_sheets["Danh sách"]
    rows.append(list(rows[3]))
    rows[-1][0] = 3
    rows[-1][3] = 1075012345                      # the same CCCD without its leading zeros
    assert errors_of(xlsx(roster_sheets)) == [("duplicate_entry", "Danh sách", 6, None)]


def test_no_sheet_with_a_roster_header(xlsx):
    data = xlsx({"Sheet1": [["Danh sách"], ["Họ và tên", "Ngày sinh", "Ghi chú"], ["A", "01/01/1980"]]})
    assert errors_of(data) == [("missing_column", "Sheet1", 2, None)] * 4   # CCCD, agency, type, year


def test_fifty_thousand_rows_read_in_well_under_ten_seconds():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    sheet.write_row(0, 0, ["DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI"])
    sheet.write_row(2, 0, ROSTER_HEADER)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for i in range(50_000):
        r = i + 3
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, f"Nguyễn Văn {i}")
        sheet.write_datetime(r, 2, date(1960 + i % 40, 1 + i % 12, 1 + i % 28), day)
        sheet.write_number(r, 3, (1 + i % 96) * 10**9 + i)             # CCCD as a number, zeros lost
        sheet.write_string(r, 4, "Chuyên viên")
        sheet.write_string(r, 5, f"Sở {i % 30}")
        sheet.write_string(r, 6, "Hằng năm" if i % 3 else "Lần đầu")
        sheet.write_number(r, 7, 2024)
        if not i % 3:
            sheet.write_datetime(r, 8, date(2024, 1 + i % 12, 1 + i % 28), day)
    book.close()
    started = time.perf_counter()
    records = read_ok(buffer.getvalue())
    elapsed = time.perf_counter() - started
    assert len(records) == 50_000
    assert records[0].identity == Identity("cccd", "001000000000")
    assert records[-1].row == 50_003
    assert elapsed < 10, elapsed
