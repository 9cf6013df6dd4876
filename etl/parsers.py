"""The one parser for each kind of value in a workbook: amounts, dates, identity numbers, section
codes, coded vocabularies, years, decimals and text.

Each takes a raw cell value as python-calamine returns it (str, int, float, bool, date, datetime,
time, timedelta) or as typed on the command line, and returns the value or raises `ParseError`,
and nothing else, whatever the input (property-tested). Forgiving about spelling, strict about
meaning: where two readings are possible the value is refused, never guessed.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from etl import layout
from etl.errors import render
from etl.records import Identity
from etl.text import label_key as _label_key
from etl.text import nfc, strip_diacritics

#: Labels, codes and vocabulary words repeat from cell to cell and workbook to workbook.
label_key = lru_cache(maxsize=16384)(_label_key)


class ParseError(ValueError):
    """A value that cannot be read with certainty; `code` is the stable error code."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def raw_text(raw: object) -> str:
    """The raw cell value as text, for error reports (integral floats without '.0', dates dd/mm/yyyy)."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.strftime("%d/%m/%Y %H:%M:%S") if raw.time() != time() else raw.strftime("%d/%m/%Y")
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return str(raw)


def _fail(code: str, raw: object, reason: str | None = None, **params: object) -> ParseError:
    text = raw_text(raw)
    if len(text) > 80:
        text = text[:77] + "…"
    vi, en = render(code, reason=reason, value=text, **params)
    return ParseError(code, vi, en)


def is_blank(raw: object) -> bool:
    """An empty cell: None, '' or white space only."""
    return raw is None or (isinstance(raw, str) and (raw == "" or raw.isspace()))


# ---------------------------------------------------------------------------------------------
# Amounts (VND)

#: The largest amount accepted: far beyond any real declaration, and within a signed 64-bit column.
MAX_AMOUNT = 10**18
_UNKNOWN_KEY = label_key(layout.UNKNOWN_VALUE_TEXT)
_UNITS = {"ty": 10**9, "ti": 10**9, "trieu": 10**6, "nghin": 10**3, "ngan": 10**3}
_CURRENCY_SUFFIX = re.compile(r"\s*(?:vnd|dong|d)\.?$")
_CURRENCY_PREFIX = re.compile(r"^vnd\s*")
_SIGN = re.compile(r"^([+\-\u2212])\s*")
# Plain spellings, read with Vietnamese conventions ('.' groups thousands, ',' is the decimal mark).
_DIGITS = re.compile(r"\d+")
_VN_GROUPED = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?")         # 1.200.000.000 / 1.200,50
_VN_DECIMAL = re.compile(r"(\d+),(\d+)")                               # 1200000,00
_EN_GROUPED = re.compile(r"(\d{1,3}(?:,\d{3}){2,})(?:\.(\d+))?")      # 300,000,000 (two groups at least)
_SPACE_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+")                     # 1 200 000 000
# Spellings with units: a leading number (may be grouped or decimal) then smaller whole terms.
_UNIT_WORD = r"(?:ty|ti|trieu|nghin|ngan)"
_UNIT_TERM = re.compile(r"(\d+(?:\.\d{3})*(?:,\d+)?)\s*(" + _UNIT_WORD + r")\s*")
_UNIT_FORM = re.compile(r"(?:\d+(?:\.\d{3})*(?:,\d+)?\s*" + _UNIT_WORD + r"\s*)+")


def parse_amount(raw: object, *, allow_negative: bool = True, allow_unknown: bool = True) -> int | None:
    """An amount in VND, exact; None for the legal value «Không xác định được giá trị»."""
    if isinstance(raw, bool) or is_blank(raw):
        raise _fail("bad_amount", raw, "empty" if is_blank(raw) else "wrong_type")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _fail("bad_amount", raw, "not_a_number")
        value = Decimal(raw)          # exact binary value: 0.1 is refused as a fraction, as it should be
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _fail("bad_amount", raw, "not_a_number")
        value = raw
    elif isinstance(raw, str):
        if len(raw) > 100:
            raise _fail("bad_amount", raw, "not_a_number")
        text = nfc(raw)
        if text[:1] in "kK" and label_key(text) == _UNKNOWN_KEY:
            if not allow_unknown:
                raise _fail("bad_amount", raw, "unknown_not_allowed")
            return None
        value = _amount_text(text, raw)
    else:
        raise _fail("bad_amount", raw, "wrong_type")
    if value != value.to_integral_value():
        raise _fail("bad_amount", raw, "fraction")
    if abs(value) > MAX_AMOUNT:
        raise _fail("bad_amount", raw, "too_large")
    if value < 0 and not allow_negative:
        raise _fail("bad_amount", raw, "negative")
    return int(value)


def _amount_text(text: str, raw: object) -> Decimal:
    t = strip_diacritics(text).casefold()
    sign = 1
    match = _SIGN.match(t)
    if match:
        sign = -1 if match.group(1) != "+" else 1
        t = t[match.end():]
    if not t.isascii():
        raise _fail("bad_amount", raw, "not_a_number")
    t = _CURRENCY_PREFIX.sub("", t, count=1)
    t = _CURRENCY_SUFFIX.sub("", t, count=1).strip()
    if not t:
        raise _fail("bad_amount", raw, "not_a_number")
    if _DIGITS.fullmatch(t):
        return sign * Decimal(t)
    m = _VN_GROUPED.fullmatch(t)
    if m:
        return sign * _decimal(m.group(1).replace(".", ""), m.group(2))
    m = _VN_DECIMAL.fullmatch(t)
    if m:
        return sign * _decimal(m.group(1), m.group(2))
    m = _EN_GROUPED.fullmatch(t)
    if m:
        return sign * _decimal(m.group(1).replace(",", ""), m.group(2))
    if _SPACE_GROUPED.fullmatch(t):
        return sign * Decimal(t.replace(" ", ""))
    if _UNIT_FORM.fullmatch(t):
        return sign * _unit_amount(t, raw)
    raise _fail("bad_amount", raw, "ambiguous" if re.fullmatch(r"[\d.,\s]+", t) else "not_a_number")


def _decimal(whole: str, fraction: str | None) -> Decimal:
    return Decimal(f"{whole}.{fraction}") if fraction else Decimal(whole)


def _unit_amount(t: str, raw: object) -> Decimal:
    """'1 tỷ 200 triệu', '1,2 tỷ', '850 triệu': units strictly decreasing, later terms whole and < 1000."""
    total = Decimal(0)
    previous = None
    for m in _UNIT_TERM.finditer(t):
        number, unit = m.group(1), _UNITS[m.group(2)]
        if previous is not None:
            if unit >= previous or not number.isdigit() or int(number) >= previous // unit:
                raise _fail("bad_amount", raw, "ambiguous")
        whole, _, fraction = number.replace(".", "").partition(",")
        total += _decimal(whole, fraction or None) * unit
        previous = unit
    return total


# ---------------------------------------------------------------------------------------------
# Dates

_EXCEL_EPOCH = date(1899, 12, 30)
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
#: Serial numbers are accepted from 01/01/1920 only: below that a number is more likely a year typed
#: into a date cell (1985 would otherwise read as 07/06/1905).
_MIN_SERIAL = (date(1920, 1, 1) - _EXCEL_EPOCH).days
_MAX_SERIAL = (MAX_DATE - _EXCEL_EPOCH).days
_DMY = re.compile(r"(\d{1,2})([/\-.])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_VN_LONG = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def parse_date(raw: object) -> date:
    """A calendar date: an Excel date, a serial number, or text d/m/yyyy, d-m-yyyy, d.m.yyyy,
    yyyy-mm-dd or «ngày d tháng m năm yyyy». Day first, always: never month/day."""
    if isinstance(raw, bool) or is_blank(raw):
        raise _fail("bad_date", raw, "empty" if is_blank(raw) else "wrong_type")
    if isinstance(raw, datetime):
        if raw.time() != time():
            raise _fail("bad_date", raw, "time_part")
        return _in_range(raw.date(), raw)
    if isinstance(raw, date):
        return _in_range(raw, raw)
    if isinstance(raw, (int, float)):
        if not (isinstance(raw, int) or (math.isfinite(raw) and raw.is_integer())):
            raise _fail("bad_date", raw, "time_part" if math.isfinite(raw) else "not_a_date")
        if not _MIN_SERIAL <= raw <= _MAX_SERIAL:
            raise _fail("bad_date", raw, "serial_range")
        return _EXCEL_EPOCH + timedelta(days=int(raw))
    if not isinstance(raw, str):
        raise _fail("bad_date", raw, "wrong_type")
    if len(raw) > 60:
        raise _fail("bad_date", raw, "not_a_date")
    text = strip_diacritics(nfc(raw)).casefold()
    if not text.isascii():
        raise _fail("bad_date", raw, "not_a_date")
    m = _DMY.fullmatch(text)
    if m:
        return _make_date(int(m.group(4)), int(m.group(3)), int(m.group(1)), raw)
    m = _YMD.fullmatch(text)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    m = _VN_LONG.fullmatch(text)
    if m:
        return _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)), raw)
    raise _fail("bad_date", raw, "not_a_date")


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise _fail("bad_date", raw, "no_such_date") from None
    return _in_range(value, raw)


def _in_range(value: date, raw: object) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise _fail("bad_date", raw, "date_range")
    return value


# ---------------------------------------------------------------------------------------------
# Identity numbers

_ID_SEPARATORS = re.compile(r"[\s.\-]")


def parse_identity(raw: object) -> Identity:
    """A CCCD (12 digits) or CMND (9 digits).

    Text must carry all its digits (spaces, dots and hyphens are ignored). A number typed into
    Excel loses its leading zeros: CCCD numbers begin with a province code 001–096, so a numeric
    cell of 10–12 digits is a CCCD padded back to 12; 9 digits is a CMND, and 8 digits a CMND
    that lost its leading zero (a CCCD can never lose four).
    """
    if isinstance(raw, bool) or is_blank(raw):
        raise _fail("bad_identity", raw, "empty" if is_blank(raw) else "wrong_type")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise _fail("bad_identity", raw, "digits")
        number = int(raw)
        digits = str(number)
        if number <= 0:
            raise _fail("bad_identity", raw, "digits")
        if 10 <= len(digits) <= 12:
            return Identity("cccd", digits.zfill(12))
        if 8 <= len(digits) <= 9:
            return Identity("cmnd", digits.zfill(9))
        raise _fail("bad_identity", raw, "digits")
    if not isinstance(raw, str):
        raise _fail("bad_identity", raw, "wrong_type")
    text = _ID_SEPARATORS.sub("", nfc(raw)).lstrip("'")
    if text.isascii() and text.isdigit():
        if len(text) == 12:
            return Identity("cccd", text)
        if len(text) == 9:
            return Identity("cmnd", text)
    raise _fail("bad_identity", raw, "digits")


# ---------------------------------------------------------------------------------------------
# Section codes

_SECTION_BY_NAME = {label_key(name): code for code, name in layout.SECTIONS.items()}
_INCOME_KEYS = frozenset(label_key(label) for label in layout.INCOME_SECTION_LABELS)
# "1.1", "1,1", "Mục 1.1", "1.1.", "II.1.1", "1.1. Đất ở"
_SECTION_TEXT = re.compile(r"(?:muc\s*)?(?:ii\s*[.\-]\s*)?(\d)(?:\s*[.,]\s*(\d))?\s*\.?\s*(.*)")


def parse_section(raw: object, *, allow_income: bool = False) -> str:
    """A section code of the form (layout.SECTIONS); with `allow_income`, `Tổng thu nhập` too."""
    if isinstance(raw, bool) or is_blank(raw):
        raise _fail("bad_section", raw, "empty" if is_blank(raw) else "wrong_type")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw) or not 0 < raw < 10:
            raise _fail("bad_section", raw, "not_a_code")
        tenths = round(raw * 10)
        if abs(raw * 10 - tenths) > 1e-6:
            raise _fail("bad_section", raw, "not_a_code")
        code = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
        if code in layout.SECTIONS:
            return code
        raise _fail("bad_section", raw, "not_a_code")
    if not isinstance(raw, str) or len(raw) > 200:
        raise _fail("bad_section", raw, "wrong_type" if not isinstance(raw, str) else "not_a_code")
    if raw.strip() in layout.SECTIONS:
        return raw.strip()
    key = label_key(raw)
    if allow_income and key in _INCOME_KEYS:
        return layout.INCOME_SECTION
    if key in _SECTION_BY_NAME:
        return _SECTION_BY_NAME[key]
    m = _SECTION_TEXT.fullmatch(strip_diacritics(nfc(raw)).casefold())
    if m:
        code = m.group(1) + (f".{m.group(2)}" if m.group(2) else "")
        rest = m.group(3)
        if code in layout.SECTIONS and (not rest or label_key(rest) == label_key(layout.SECTIONS[code])):
            return code
    raise _fail("bad_section", raw, "not_a_code")


# ---------------------------------------------------------------------------------------------
# Coded vocabularies

def _vocabulary(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {label_key(s): code for code, options in spellings.items() for s in options}


_DECLARATION_TYPES = _vocabulary(layout.DECLARATION_TYPES)
_RELATIONS = _vocabulary(layout.RELATIONS)
_EARNERS = _vocabulary(layout.INCOME_EARNERS)


def _coded(raw: object, vocabulary: dict[str, str], code: str) -> str:
    if isinstance(raw, str) and len(raw) <= 200:
        found = vocabulary.get(label_key(raw))
        if found is not None:
            return found
    raise _fail(code, raw, "empty" if is_blank(raw) else None)


def parse_declaration_type(raw: object) -> str:
    """«Lần đầu» | «Hằng năm» (also «Hàng năm») | «Bổ sung» | «Phục vụ công tác cán bộ» -> code."""
    return _coded(raw, _DECLARATION_TYPES, "bad_declaration_type")


def parse_relation(raw: object) -> str:
    """«Vợ» | «Chồng» | «Con chưa thành niên» -> "wife" | "husband" | "minor_child"."""
    return _coded(raw, _RELATIONS, "bad_relation")


def parse_earner(raw: object) -> str:
    """The `Người có thu nhập` of an income row -> "declarant" | "spouse" | "minor_child" | "joint"."""
    return _coded(raw, _EARNERS, "bad_earner")


# ---------------------------------------------------------------------------------------------
# Years, decimals, text

_YEAR_TEXT = re.compile(r"(?:nam\s*)?(\d{4})")


def parse_year(raw: object, *, low: int = 1990, high: int = 2100) -> int:
    """A year between `low` and `high`: a number, or text «2024» / «Năm 2024»."""
    year = None
    if isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        year = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        year = int(raw)
    elif isinstance(raw, str) and len(raw) <= 40:
        m = _YEAR_TEXT.fullmatch(strip_diacritics(nfc(raw)).casefold())
        if m and m.group(1).isascii():
            year = int(m.group(1))
    if year is None or not low <= year <= high:
        raise _fail("bad_year", raw, low=low, high=high)
    return year


_AREA_UNIT = re.compile(r"\s*m\s*(?:2|²)$")
_DEC_PLAIN = re.compile(r"\d+")
_DEC_COMMA = re.compile(r"(\d+),(\d+)")                          # 120,5
_DEC_VN_GROUPED = re.compile(r"(\d{1,3}(?:\.\d{3})+),(\d+)|(\d{1,3}(?:\.\d{3}){2,})")  # 1.234,5 / 1.234.567
_DEC_DOT = re.compile(r"\d+\.\d+")                                # 120.5 (dot decimal) ...
_DEC_AMBIGUOUS = re.compile(r"\d{1,3}\.\d{3}")                      # ... but 1.234 may be 1234: refused


def parse_decimal(raw: object, *, allow_negative: bool = False) -> Decimal:
    """A quantity or an area (a trailing m2/m² is allowed): exact, ',' as the decimal mark."""
    if isinstance(raw, bool) or is_blank(raw):
        raise _fail("bad_number", raw, "empty" if is_blank(raw) else "wrong_type")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _fail("bad_number", raw, "not_a_number")
        # the shortest text that is this float: 120.5, not 120.4999…; 3.0 is 3
        value = Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _fail("bad_number", raw, "not_a_number")
        value = raw
    elif isinstance(raw, str):
        if len(raw) > 60:
            raise _fail("bad_number", raw, "not_a_number")
        value = _decimal_text(raw)
    else:
        raise _fail("bad_number", raw, "wrong_type")
    if abs(value) >= Decimal(10) ** 15:
        raise _fail("bad_number", raw, "too_large")
    if value < 0 and not allow_negative:
        raise _fail("bad_number", raw, "negative")
    return value


def _decimal_text(raw: str) -> Decimal:
    t = _AREA_UNIT.sub("", nfc(raw).casefold())
    sign = 1
    match = _SIGN.match(t)
    if match:
        sign = -1 if match.group(1) != "+" else 1
        t = t[match.end():]
    if not t.isascii():
        raise _fail("bad_number", raw, "not_a_number")
    try:
        if _DEC_PLAIN.fullmatch(t):
            return sign * Decimal(t)
        m = _DEC_COMMA.fullmatch(t)
        if m:
            return sign * Decimal(f"{m.group(1)}.{m.group(2)}")
        m = _DEC_VN_GROUPED.fullmatch(t)
        if m:
            if m.group(3):
                return sign * Decimal(m.group(3).replace(".", ""))
            return sign * Decimal(f"{m.group(1).replace('.', '')}.{m.group(2)}")
        if _DEC_AMBIGUOUS.fullmatch(t):
            raise _fail("bad_number", raw, "ambiguous_number")
        if _DEC_DOT.fullmatch(t):
            return sign * Decimal(t)
    except InvalidOperation:
        pass
    raise _fail("bad_number", raw, "not_a_number")


def parse_text(raw: object) -> str | None:
    """Text in NFC with white space folded; None when empty. Numbers are written without '.0'."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return nfc(raw) or None
    if isinstance(raw, bool) or isinstance(raw, (date, time, timedelta)):
        raise _fail("bad_text", raw)
    if isinstance(raw, (int, float, Decimal)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise _fail("bad_text", raw)
        return raw_text(raw)
    raise _fail("bad_text", raw)
