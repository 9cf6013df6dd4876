"""The one parser per kind of value: what each accepts, what it refuses, and that it never raises
anything but ParseError."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl import layout
from etl.parsers import (MAX_AMOUNT, ParseError, parse_amount, parse_date, parse_decimal,
                         parse_declaration_type, parse_earner, parse_identity, parse_relation, parse_section,
                         parse_text, parse_year)
from etl.records import Identity


def refused(parser, raw, **options) -> str:
    with pytest.raises(ParseError) as info:
        parser(raw, **options)
    assert info.value.message_vi and info.value.message_en
    return info.value.code


# --- amounts -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (1_200_000_000, 1_200_000_000),
    (1_200_000_000.0, 1_200_000_000),
    (Decimal("1200000000"), 1_200_000_000),
    ("1200000000", 1_200_000_000),
    ("1.200.000.000", 1_200_000_000),
    ("1.200.000.000 đồng", 1_200_000_000),
    ("1.200.000.000đ", 1_200_000_000),
    ("1.200.000.000 VNĐ", 1_200_000_000),
    ("1.200.000.000 VND", 1_200_000_000),
    ("VND 1.200.000.000", 1_200_000_000),
    ("1,2 tỷ", 1_200_000_000),
    ("1,2 tỉ", 1_200_000_000),
    ("1 tỷ 200 triệu", 1_200_000_000),
    ("1 tỷ 200 triệu đồng", 1_200_000_000),
    ("850 triệu", 850_000_000),
    ("850triệu", 850_000_000),
    ("500 nghìn", 500_000),
    ("500 ngàn", 500_000),
    ("2 tỷ 5 triệu 300 nghìn", 2_005_300_000),
    ("1.500 tỷ", 1_500_000_000_000),
    ("-300.000.000", -300_000_000),
    ("+300.000.000", 300_000_000),
    ("\u2212300.000.000", -300_000_000),
    ("300,000,000", 300_000_000),
    ("1 200 000 000", 1_200_000_000),
    ("1.200.000.000,00", 1_200_000_000),
    ("  1.200.000.000  ", 1_200_000_000),
    ("0", 0),
    ("Không xác định được giá trị", None),
    ("KHÔNG XÁC ĐỊNH ĐƯỢC GIÁ TRỊ", None),
    ("Khong xac dinh duoc gia tri", None),
])
def test_amount_accepted(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", [
    "1.5", "1,5", "1,200", "0.1", "1.2 tỷ", "1 tỷ 200", "1 triệu 2 tỷ", "1 tỷ 1000 triệu", "abc", "12a",
    "1.20.000", "1..200", "--5", "tỷ", "đồng", 0.5, 1.2e9 + 0.5, float("nan"), float("inf"), True,
    date(2020, 1, 1), time(1, 2), "1.200.000,50", "Không xác định", MAX_AMOUNT + 1, "", "   ", None,
])
def test_amount_refused(raw):
    assert refused(parse_amount, raw) == "bad_amount"


def test_amount_options():
    assert refused(parse_amount, "-5", allow_negative=False) == "bad_amount"
    assert refused(parse_amount, "Không xác định được giá trị", allow_unknown=False) == "bad_amount"
    assert parse_amount(-5) == -5


def _vn_grouped(n: int) -> str:
    return f"{abs(n):,}".replace(",", ".")


def _units(n: int) -> str:
    """n (a multiple of 1000) as «X tỷ Y triệu Z nghìn», the leading term grouped with dots."""
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands = rest // 1000
    terms = []
    if billions:
        terms.append(f"{_vn_grouped(billions)} tỷ")
    if millions:
        terms.append(f"{millions} triệu")
    if thousands:
        terms.append(f"{thousands} nghìn")
    return " ".join(terms)


AMOUNTS = st.integers(min_value=0, max_value=10**15)


@given(AMOUNTS, st.sampled_from(["", " đồng", "đ", " VNĐ", " VND", " vnđ"]), st.sampled_from(["", "-", "+"]))
def test_every_amount_in_grouped_forms_reads_back(n, suffix, sign):
    expected = -n if sign == "-" else n
    assert parse_amount(f"{sign}{n}{suffix}") == expected
    assert parse_amount(f"{sign}{_vn_grouped(n)}{suffix}") == expected
    if n >= 1000:
        assert parse_amount(f"{sign}{n:,}".replace(",", " ") + suffix) == expected
    if n >= 1_000_000:
        assert parse_amount(f"{sign}{n:,}{suffix}") == expected


@given(AMOUNTS, st.sampled_from(["", " đồng"]))
def test_every_amount_in_unit_forms_reads_back(n, suffix):
    billions = format(Decimal(n) / Decimal(10**9), "f").replace(".", ",")
    assert parse_amount(f"{billions} tỷ{suffix}") == n
    thousands_multiple = n - n % 1000
    if thousands_multiple:
        assert parse_amount(_units(thousands_multiple) + suffix) == thousands_multiple


@given(st.integers(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT))
def test_every_integer_number_reads_back(n):
    assert parse_amount(n) == n
    if abs(n) < 2**53:
        assert parse_amount(float(n)) == n


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (date(1980, 3, 5), date(1980, 3, 5)),
    (datetime(1980, 3, 5), date(1980, 3, 5)),
    (29285, date(1980, 3, 5)),
    (29285.0, date(1980, 3, 5)),
    ("05/03/1980", date(1980, 3, 5)),
    ("5/3/1980", date(1980, 3, 5)),
    ("05-03-1980", date(1980, 3, 5)),
    ("05.03.1980", date(1980, 3, 5)),
    ("1980-03-05", date(1980, 3, 5)),
    ("12/03/1980", date(1980, 3, 12)),      # day first, never month first
    ("ngày 5 tháng 3 năm 1980", date(1980, 3, 5)),
    (" 29/02/2024 ", date(2024, 2, 29)),
])
def test_date_accepted(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", [
    "03/13/1980", "31/02/2020", "29/02/2023", "5/3/80", "1980/03/05", "05/03-1980", "1980", 1985, 1985.0,
    29285.5, datetime(1980, 3, 5, 8, 30), time(8, 30), timedelta(days=1), "", None, True, "hôm qua",
    "00/01/2000", "01/01/1800", float("nan"),
])
def test_date_refused(raw):
    assert refused(parse_date, raw) == "bad_date"


DATES = st.dates(min_value=date(1920, 1, 1), max_value=date(2100, 12, 31))


@given(DATES)
def test_every_date_in_each_form_reads_back(d):
    forms = [d, datetime(d.year, d.month, d.day), (d - date(1899, 12, 30)).days,
             d.strftime("%d/%m/%Y"), f"{d.day}/{d.month}/{d.year}", d.strftime("%d-%m-%Y"),
             d.strftime("%d.%m.%Y"), d.isoformat(), f"ngày {d.day} tháng {d.month} năm {d.year}"]
    for form in forms:
        assert parse_date(form) == d


# --- identity numbers --------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("001075012345", Identity("cccd", "001075012345")),
    ("001 075 012 345", Identity("cccd", "001075012345")),
    ("001.075.012.345", Identity("cccd", "001075012345")),
    ("'001075012345", Identity("cccd", "001075012345")),
    (1075012345, Identity("cccd", "001075012345")),            # Excel dropped two leading zeros
    (1075012345.0, Identity("cccd", "001075012345")),
    (36190000222, Identity("cccd", "036190000222")),
    (123456789012, Identity("cccd", "123456789012")),
    ("012345678", Identity("cmnd", "012345678")),
    (123456789, Identity("cmnd", "123456789")),
    (12345678, Identity("cmnd", "012345678")),                 # a CMND that lost its leading zero
])
def test_identity_accepted(raw, expected):
    assert parse_identity(raw) == expected


@pytest.mark.parametrize("raw", [
    "1075012345", "12345678901", "1234567890123", "abc", "00107501234x", 1234567, 1234567890123, 1.5, -123456789,
    0, "", None, True, date(2020, 1, 1), "١٢٣٤٥٦٧٨٩",
])
def test_identity_refused(raw):
    assert refused(parse_identity, raw) == "bad_identity"


# --- sections, vocabularies, years, decimals, text ------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (1.1, "1.1"), (7.2, "7.2"), (2.2, "2.2"), (6.3, "6.3"), (4, "4"), (4.0, "4"), (9, "9"), ("5", "5"),
    ("1.1", "1.1"), ("1.1.", "1.1"), ("1,1", "1.1"), ("Mục 1.1", "1.1"), ("mục 7.1", "7.1"), ("II.1.1", "1.1"),
    ("1.1. Đất ở", "1.1"), ("7.2 Tài sản khác", "7.2"), ("Đất ở", "1.1"), (" 3.2 ", "3.2"),
])
def test_section_accepted(raw, expected):
    assert parse_section(raw) == expected


@pytest.mark.parametrize("raw", ["1", "6", 6, 7, 1.15, 10, "11", "1.10", "7.3", "1.1 Nhà ở", "Tổng thu nhập", "",
                                 True, date(2020, 1, 1), float("nan")])
def test_section_refused(raw):
    assert refused(parse_section, raw) == "bad_section"


@pytest.mark.parametrize("raw", layout.INCOME_SECTION_LABELS)
def test_income_row_of_variations(raw):
    assert parse_section(raw, allow_income=True) == layout.INCOME_SECTION


@pytest.mark.parametrize(("parser", "raw", "expected"), [
    (parse_declaration_type, "Lần đầu", "first"),
    (parse_declaration_type, "Hằng năm", "annual"),
    (parse_declaration_type, "HÀNG NĂM", "annual"),
    (parse_declaration_type, "hang nam", "annual"),
    (parse_declaration_type, "Bổ sung", "supplementary"),
    (parse_declaration_type, "Phục vụ công tác cán bộ", "personnel"),
    (parse_relation, "Vợ", "wife"),
    (parse_relation, "chồng", "husband"),
    (parse_relation, "Con chưa thành niên", "minor_child"),
    (parse_earner, "Người kê khai", "declarant"),
    (parse_earner, "Vợ hoặc chồng", "spouse"),
    (parse_earner, "Thu nhập chung", "joint"),
])
def test_vocabularies(parser, raw, expected):
    assert parser(raw) == expected


@pytest.mark.parametrize(("parser", "raw", "code"), [
    (parse_declaration_type, "Đột xuất", "bad_declaration_type"),
    (parse_declaration_type, 2024, "bad_declaration_type"),
    (parse_relation, "Bố", "bad_relation"),
    (parse_earner, "Hàng xóm", "bad_earner"),
])
def test_vocabularies_refused(parser, raw, code):
    assert refused(parser, raw) == code


def test_year():
    assert [parse_year(v) for v in (2024, 2024.0, "2024", "Năm 2024")] == [2024] * 4
    assert parse_year(1975, low=1900) == 1975
    for raw in (1989, 2101, 2024.5, "24", "2024a", True, date(2024, 1, 1), ""):
        assert refused(parse_year, raw) == "bad_year"


@pytest.mark.parametrize(("raw", "expected"), [
    (120.5, Decimal("120.5")), (3, Decimal(3)), (3.0, Decimal(3)), ("120,5", Decimal("120.5")),
    ("120.5", Decimal("120.5")), ("1.234,5", Decimal("1234.5")), ("1.234.567", Decimal(1234567)),
    ("75 m2", Decimal(75)), ("75m²", Decimal(75)), ("12", Decimal(12)),
])
def test_decimal_accepted(raw, expected):
    assert parse_decimal(raw) == expected


def test_decimal_refused():
    for raw in ("1.234", "abc", "-3", -3, float("inf"), True, ""):
        assert refused(parse_decimal, raw) == "bad_number"
    assert parse_decimal("-3", allow_negative=True) == Decimal(-3)


def test_text_is_nfc_with_spaces_folded():
    nfd = "Nguye\u0302\u0303n   Va\u0306n  A"
    assert parse_text(f"  {nfd} ") == "Nguyễn Văn A"
    assert parse_text(123456.0) == "123456"
    assert parse_text("   ") is None
    assert parse_text(None) is None
    assert refused(parse_text, date(2020, 1, 1)) == "bad_text"


# --- nothing but ParseError, whatever the input -------------------------------------------------

RAW = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,- đồngtỷriệuhìnVNĐ/", max_size=30),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
PARSERS = [parse_amount, parse_date, parse_identity, parse_section, parse_declaration_type, parse_relation,
           parse_earner, parse_year, parse_decimal, parse_text]


@given(RAW)
def test_parsers_raise_nothing_but_parse_error(raw):
    for parser in PARSERS:
        try:
            result = parser(raw)
        except ParseError as exc:
            assert exc.code and exc.message_vi and exc.message_en
            continue
        if parser is parse_amount and result is not None:
            assert isinstance(result, int) and abs(result) <= MAX_AMOUNT
        if parser is parse_date:
            assert isinstance(result, date) and not isinstance(result, datetime)
        if parser is parse_decimal:
            assert isinstance(result, Decimal) and result.is_finite() and not math.isnan(result)
