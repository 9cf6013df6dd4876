"""The declaration reader: forgiving about form (each tolerance of PRODUCT.md read to the right values),
strict about meaning (each refusal with its exact (code, sheet, row, column))."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from tests.etl.conftest import ASSET_HEADER

from etl.declaration import read_declaration
from etl.records import Identity


def read_ok(data):
    result = read_declaration(data, "ke-khai.xlsx")
    assert result.errors == [], [e.as_tuple() for e in result.errors]
    assert len(result.records) == 1
    return result.records[0]


def errors_of(data, **options):
    result = read_declaration(data, "ke-khai.xlsx", **options)
    assert result.records == []
    return [e.as_tuple() for e in result.errors]


# --- the official form, as written by the template ------------------------------------------------

def test_reads_the_official_form(xlsx, declaration_sheets):
    record = read_ok(xlsx(declaration_sheets))
    assert (record.declaration_type, record.year, record.completed_on) == ("annual", 2024, date(2024, 12, 20))
    assert (record.full_name, record.date_of_birth) == ("Nguyễn Văn An", date(1975, 4, 30))
    assert record.identity == Identity("cccd", "001075012345")
    assert (record.position, record.agency) == ("Phó Giám đốc", "Sở Tài chính")
    assert record.residence == "12 Hàng Bài, Hoàn Kiếm, Hà Nội"

    assert [(r.relation, r.full_name, r.date_of_birth, r.identity, r.row) for r in record.relatives] == [
        ("wife", "Trần Thị Bình", date(1978, 1, 15), Identity("cccd", "001178000111"), 2),
        ("minor_child", "Nguyễn Văn Cường", date(2012, 6, 1), None, 3),
    ]
    land, house, cash, car, account = record.assets
    assert (land.section, land.name, land.area, land.certificate, land.year_acquired, land.value) == (
        "1.1", "Đất ở", Decimal("120.5"), "CS 01234", 2010, 2_500_000_000)
    assert (land.sheet, land.row, land.value_unknown) == ("Tài sản", 2, False)
    assert (house.section, house.area, house.value) == ("2.1", Decimal(240), 1_200_000_000)
    assert (cash.section, cash.value, cash.row) == ("5", 800_000_000, 4)
    assert (car.section, car.quantity, car.certificate, car.owner) == ("7.1", Decimal(1), "29A-123.45",
                                                                      "Trần Thị Bình")
    assert (account.section, account.country, account.row) == ("9", "Singapore", 6)

    assert [(i.earner, i.amount, i.note, i.row) for i in record.incomes] == [
        ("declarant", 450_000_000, "Lương", 2), ("spouse", 300_000_000, None, 3)]
    assert [(v.section, v.quantity_change, v.value_change, v.explanation, v.row) for v in record.variations] == [
        ("5", None, 200_000_000, "Tiết kiệm từ lương", 2), ("income", None, 750_000_000, None, 3)]
    assert (record.no_change, record.has_income_sheet, record.has_variation_sheet) == (False, True, True)


def test_optional_sheets_may_be_absent(xlsx, declaration_sheets):
    for name in ("Vợ chồng và con", "Thu nhập", "Biến động"):
        del declaration_sheets[name]
    declaration_sheets["Thông tin chung"][2][1] = "Lần đầu"
    record = read_ok(xlsx(declaration_sheets))
    assert (record.declaration_type, record.relatives, record.incomes, record.variations) == ("first", [], [], [])
    assert (record.has_income_sheet, record.has_variation_sheet, record.no_change) == (False, False, False)


def test_empty_optional_sheets_and_header_only_tables(xlsx, declaration_sheets):
    declaration_sheets["Thu nhập"] = [declaration_sheets["Thu nhập"][0]]
    declaration_sheets["Biến động"] = []
    declaration_sheets["Vợ chồng và con"] = []
    record = read_ok(xlsx(declaration_sheets))
    assert (record.has_income_sheet, record.has_variation_sheet, record.relatives) == (False, False, [])


def test_prefilled_codes_without_data_are_not_rows(xlsx, declaration_sheets):
    # A template may list the earners and section codes in advance; rows left blank are no rows.
    declaration_sheets["Thu nhập"][1:] = [["Người kê khai", None, None], ["Vợ hoặc chồng", None, None]]
    declaration_sheets["Tài sản"].append(["8"] + [None] * 10)
    record = read_ok(xlsx(declaration_sheets))
    assert (record.incomes, record.has_income_sheet, len(record.assets)) == ([], False, 5)


# --- tolerances ----------------------------------------------------------------------------------

def test_sheet_names_ignore_case_diacritics_spacing_and_numbering(xlsx, declaration_sheets):
    renamed = {"THONG TIN CHUNG": "Thông tin chung", "1. Tài  sản": "Tài sản", "thu nhap": "Thu nhập",
               "Biến Động Tài Sản": "Biến động", "Vợ, chồng và con": "Vợ chồng và con"}
    record = read_ok(xlsx({new: declaration_sheets[old] for new, old in renamed.items()}))
    assert (len(record.assets), len(record.incomes), len(record.variations), len(record.relatives)) == (5, 2, 2, 2)
    assert record.assets[0].sheet == "1. Tài  sản"


def test_headers_by_synonym_in_any_order_and_spelling(xlsx, declaration_sheets):
    header = ["GIA TRI (VND)", "Ghi chú", "muc", "Quốc gia", "Tên tài sản", "Số giấy chứng nhận",
              "Diện tích", "Năm hình thành", "Chủ sở hữu", "STT"]
    declaration_sheets["Tài sản"] = [
        header,
        [2_500_000_000, None, "1.1", None, "Đất ở", "CS 01234", 120.5, 2010, "Nguyễn Văn An", 1],
        [150_000_000, "Tài khoản lương", "9", "Singapore", "Tài khoản", "SG-1", None, 2021, None, 2],
    ]
    record = read_ok(xlsx(declaration_sheets))
    assert [(a.section, a.name, a.value, a.certificate, a.area, a.year_acquired, a.owner, a.country, a.other_info)
            for a in record.assets] == [
        ("1.1", "Đất ở", 2_500_000_000, "CS 01234", Decimal("120.5"), 2010, "Nguyễn Văn An", None, None),
        ("9", "Tài khoản", 150_000_000, "SG-1", None, 2021, None, "Singapore", "Tài khoản lương")]


def test_title_rows_merged_titles_blank_rows_totals_and_column_numbers(xlsx, declaration_sheets):
    rows = declaration_sheets["Tài sản"]
    declaration_sheets["Tài sản"] = [
        ["II. THÔNG TIN MÔ TẢ VỀ TÀI SẢN"],
        ["(Kèm theo bản kê khai năm 2024)"],
        [],
        rows[0],
        [f"({n})" for n in range(1, 12)],
        rows[1],
        [],
        rows[2],
        [None] * 11,
        rows[3], rows[4], rows[5],
        ["Tổng cộng", None, None, None, None, None, None, None, 5_200_000_000, None, None],
    ]
    data = xlsx(declaration_sheets, merged={"Tài sản": ["A1:K1", "A2:K2"]})
    record = read_ok(data)
    assert [(a.section, a.row) for a in record.assets] == [("1.1", 6), ("2.1", 8), ("5", 10), ("7.1", 11),
                                                          ("9", 12)]


def test_table_not_starting_at_a1(xlsx, declaration_sheets):
    data = xlsx(declaration_sheets, origin={"Tài sản": (3, 2), "Thông tin chung": (2, 3)})
    record = read_ok(data)
    assert [(a.section, a.row) for a in record.assets][:2] == [("1.1", 4), ("2.1", 5)]
    assert record.full_name == "Nguyễn Văn An"


def test_numbers_typed_as_text_and_codes_typed_as_numbers(xlsx, declaration_sheets):
    declaration_sheets["Tài sản"][1:] = [
        [1.1, None, "Đất ở", "Xã A", "120,5", None, None, "2010", "1.200.000.000 đồng", None, None],
        [2.1, None, "Nhà ở", "Xã A", "80 m2", None, None, 2012.0, "1,2 tỷ", None, None],
        [4, None, "Vàng", None, None, "10", None, None, "850 triệu", None, None],
        [7.2, None, "Tranh", None, None, None, None, None, "1 tỷ 200 triệu", None, None],
        ["6.1", None, "Cổ phiếu", None, None, "1.000.000", None, None, "300,000,000", None, None],
    ]
    declaration_sheets["Thông tin chung"][3][1] = "2024"
    declaration_sheets["Thông tin chung"][4][1] = "20/12/2024"
    declaration_sheets["Biến động"][1] = [5, "-2", "-300.000.000", "Chi tiêu"]
    record = read_ok(xlsx(declaration_sheets))
    assert [(a.section, a.area, a.quantity, a.year_acquired, a.value) for a in record.assets] == [
        ("1.1", Decimal("120.5"), None, 2010, 1_200_000_000),
        ("2.1", Decimal(80), None, 2012, 1_200_000_000),
        ("4", None, Decimal(10), None, 850_000_000),
        ("7.2", None, None, None, 1_200_000_000),
        ("6.1", None, Decimal(1_000_000), None, 300_000_000),
    ]
    assert (record.year, record.completed_on) == (2024, date(2024, 12, 20))
    assert (record.variations[0].section, record.variations[0].quantity_change,
            record.variations[0].value_change) == ("5", Decimal(-2), -300_000_000)


def test_cccd_that_lost_its_leading_zeros(xlsx, declaration_sheets):
    declaration_sheets["Thông tin chung"][7][1] = 1075012345
    declaration_sheets["Vợ chồng và con"][1][3] = 1178000111.0
    record = read_ok(xlsx(declaration_sheets))
    assert record.identity == Identity("cccd", "001075012345")
    assert record.relatives[0].identity == Identity("cccd", "001178000111")


def test_cmnd_era_declaration(xlsx, declaration_sheets):
    declaration_sheets["Thông tin chung"][7] = ["Số CMND", "012345678"]
    assert read_ok(xlsx(declaration_sheets)).identity == Identity("cmnd", "012345678")


def test_nfd_text_is_normalized_to_nfc(xlsx, declaration_sheets):
    nfd = unicodedata.normalize("NFD", "Nguyễn  Văn An")
    declaration_sheets["Thông tin chung"][5][1] = nfd
    declaration_sheets["Thông tin chung"][2] = [unicodedata.normalize("NFD", "Loại kê khai"),
                                                unicodedata.normalize("NFD", "Hằng năm")]
    declaration_sheets["Tài sản"][1][2] = unicodedata.normalize("NFD", "Đất ở")
    record = read_ok(xlsx(declaration_sheets))
    assert record.full_name == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", record.full_name)
    assert record.assets[0].name == "Đất ở" and unicodedata.is_normalized("NFC", record.assets[0].name)


def test_general_sheet_labels_anywhere_merged_enumerated_and_inline(xlsx):
    general = [
        ["BẢN KÊ KHAI TÀI SẢN, THU NHẬP", None, None, None, None],
        [None, "1. Loại kê khai:", None, "Hàng năm", None],       # label merged B:C, value in D
        [None, "2. Năm kê khai", 2024.0, None, None],
        [None, "Ngày hoàn thành việc kê khai", "ngày 20 tháng 12 năm 2024"],
        [None, "Họ và tên: Nguyễn Văn An"],
        [None, "Ngày sinh", "30/04/1975", "Số định danh cá nhân", "001075012345"],
        [None, "Cơ quan, đơn vị công tác", None, None, "Sở Tài chính"],
    ]
    from tests.etl.conftest import DECLARATION
    sheets = dict(DECLARATION, **{"Thông tin chung": general})
    record = read_ok(xlsx(sheets, merged={"Thông tin chung": ["B2:C2", "A1:E1"]}))
    assert (record.declaration_type, record.year, record.completed_on) == ("annual", 2024, date(2024, 12, 20))
    assert (record.full_name, record.date_of_birth) == ("Nguyễn Văn An", date(1975, 4, 30))
    assert (record.identity.number, record.agency, record.position) == ("001075012345", "Sở Tài chính", None)


def test_unknown_value_is_legal(xlsx, declaration_sheets):
    declaration_sheets["Tài sản"][3][8] = "Không xác định được giá trị"
    declaration_sheets["Tài sản"][3][10] = "Tài sản thừa kế, chưa định giá"
    cash = read_ok(xlsx(declaration_sheets)).assets[2]
    assert (cash.value, cash.value_unknown, cash.other_info) == (None, True, "Tài sản thừa kế, chưa định giá")


@pytest.mark.parametrize("where", ["A2", "B5"])
def test_no_change(xlsx, declaration_sheets, where):
    row, column = int(where[1:]), "AB".index(where[0])
    rows = [[None, None] for _ in range(row)]
    rows[0] = ["BIẾN ĐỘNG TÀI SẢN, THU NHẬP"]
    rows[row - 1][column] = "Không có biến động"
    declaration_sheets["Biến động"] = rows
    record = read_ok(xlsx(declaration_sheets))
    assert (record.no_change, record.has_variation_sheet, record.variations) == (True, True, [])


def test_no_change_under_the_header(xlsx, declaration_sheets):
    declaration_sheets["Biến động"][1:] = [["Không có biến động"]]
    record = read_ok(xlsx(declaration_sheets))
    assert (record.no_change, record.has_variation_sheet, record.variations) == (True, True, [])


# --- refusals, each pointing at its cell -----------------------------------------------------------

def test_missing_sheets(xlsx, declaration_sheets):
    del declaration_sheets["Tài sản"]
    del declaration_sheets["Thông tin chung"]
    assert errors_of(xlsx(declaration_sheets)) == [("missing_sheet", "Thông tin chung", None, None),
                                                   ("missing_sheet", "Tài sản", None, None)]


def test_duplicate_sheet(xlsx, declaration_sheets):
    declaration_sheets["Tai san"] = declaration_sheets["Tài sản"]
    assert errors_of(xlsx(declaration_sheets)) == [("duplicate_sheet", "Tai san", None, None)]


def test_missing_and_duplicate_columns(xlsx, declaration_sheets):
    header = list(ASSET_HEADER)
    header[8] = "Trị giá"                  # not a known spelling of "Giá trị (đồng)"
    header[10] = "Tên tài sản"             # the name column twice
    declaration_sheets["Tài sản"][0] = header
    result = read_declaration(xlsx(declaration_sheets))
    assert [e.as_tuple() for e in result.errors] == [("missing_column", "Tài sản", 1, None),
                                                     ("duplicate_column", "Tài sản", 1, "K")]
    assert (result.errors[0].header, result.errors[1].header) == ("Giá trị (đồng)", "Tên tài sản")


def test_table_without_header(xlsx, declaration_sheets):
    declaration_sheets["Thu nhập"] = [["Người kê khai", 450_000_000]]
    assert errors_of(xlsx(declaration_sheets)) == [("missing_column", "Thu nhập", None, None),
                                                   ("missing_column", "Thu nhập", None, None)]


def test_missing_fields_and_empty_required_values(xlsx, declaration_sheets):
    general = declaration_sheets["Thông tin chung"]
    del general[6]                           # Ngày sinh
    general[5][1] = None                     # Họ và tên left empty
    general[2][1] = "   "                    # Loại kê khai only spaces
    result = read_declaration(xlsx(declaration_sheets))
    assert [e.as_tuple() for e in result.errors] == [("required", "Thông tin chung", 3, "B"),
                                                     ("required", "Thông tin chung", 6, "B"),
                                                     ("missing_field", "Thông tin chung", None, None)]
    assert [e.header for e in result.errors] == ["Loại kê khai", "Họ và tên", "Ngày sinh"]


def test_every_bad_value_is_reported_in_one_pass(xlsx, declaration_sheets):
    general = declaration_sheets["Thông tin chung"]
    general[2][1] = "Đột xuất"
    general[3][1] = 1985
    general[4][1] = "12/31/2024"
    general[7][1] = "1075012345"
    declaration_sheets["Vợ chồng và con"][1][0] = "Bố"
    assets = declaration_sheets["Tài sản"]
    assets[1][0] = "1"
    assets[1][8] = "1.5"
    assets[2][4] = "1.234"
    assets[3][7] = "năm ngoái"
    assets[4][8] = -550_000_000
    assets[5][2] = None
    declaration_sheets["Thu nhập"][1][0] = "Hàng xóm"
    declaration_sheets["Thu nhập"][2][1] = "Không xác định được giá trị"
    declaration_sheets["Biến động"][1][0] = "Tổng tài sản"
    declaration_sheets["Biến động"][2][2] = "nhiều"
    result = read_declaration(xlsx(declaration_sheets))
    assert [e.as_tuple() for e in result.errors] == [
        ("bad_declaration_type", "Thông tin chung", 3, "B"),
        ("bad_year", "Thông tin chung", 4, "B"),
        ("bad_date", "Thông tin chung", 5, "B"),
        ("bad_identity", "Thông tin chung", 8, "B"),
        ("bad_relation", "Vợ chồng và con", 2, "A"),
        ("bad_section", "Tài sản", 2, "A"),
        ("bad_amount", "Tài sản", 2, "I"),
        ("bad_number", "Tài sản", 3, "E"),
        ("bad_year", "Tài sản", 4, "H"),
        ("bad_amount", "Tài sản", 5, "I"),
        ("required", "Tài sản", 6, "C"),
        ("bad_earner", "Thu nhập", 2, "A"),
        ("bad_amount", "Thu nhập", 3, "B"),
        ("bad_section", "Biến động", 2, "A"),
        ("bad_amount", "Biến động", 3, "C"),
    ]
    first = result.errors[0]
    assert (first.header, first.value) == ("Loại kê khai", "Đột xuất")
    assert (result.errors[6].header, result.errors[6].value) == ("Giá trị (đồng)", "1.5")
    assert result.errors[9].value == "-550000000"
    assert all(e.message_vi and e.message_en for e in result.errors)


def test_errors_are_capped_with_a_count_of_the_rest(xlsx, declaration_sheets):
    for row in declaration_sheets["Tài sản"][1:]:
        row[8] = "nhiều tiền"
        row[0] = "X"
    result = read_declaration(xlsx(declaration_sheets), max_errors=3)
    assert len(result.errors) == 3 and result.errors_truncated == 7
    assert not result.ok and result.records == []


def test_no_change_with_rows_is_a_conflict(xlsx, declaration_sheets):
    declaration_sheets["Biến động"].append(["Không có biến động"])
    assert errors_of(xlsx(declaration_sheets)) == [("no_change_conflict", "Biến động", 4, "A")]


def test_duplicate_field_with_different_values(xlsx, declaration_sheets):
    declaration_sheets["Thông tin chung"].append(["Họ tên", "Nguyễn Văn Ân"])
    assert errors_of(xlsx(declaration_sheets)) == [("duplicate_field", "Thông tin chung", 12, "B")]


def test_error_columns_follow_the_sheet_origin(xlsx, declaration_sheets):
    declaration_sheets["Tài sản"][2][8] = "abc"
    data = xlsx(declaration_sheets, origin={"Tài sản": (4, 3)})
    assert errors_of(data) == [("bad_amount", "Tài sản", 6, "K")]
