"""Plain records the readers return, and the structured errors they report.

These are the boundary between reading a workbook and storing it: the services turn them into
rows, the tests compare them field by field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class CellError:
    """One thing that could not be read with certainty, pointing at the cell (STYLE habit 8)."""

    code: str                   #: stable code, e.g. "bad_amount", "missing_sheet", "zip_bomb"
    sheet: str | None = None    #: sheet name as written in the workbook
    row: int | None = None      #: Excel row number (1-based)
    column: str | None = None   #: column letter, e.g. "I"
    header: str | None = None   #: header (or label) as written
    value: str | None = None    #: the raw value, as text
    message_vi: str = ""
    message_en: str = ""

    def as_tuple(self) -> tuple:
        return (self.code, self.sheet, self.row, self.column)


@dataclass(frozen=True)
class Identity:
    kind: str                   #: "cccd" (12 digits) or "cmnd" (9 digits)
    number: str


@dataclass
class RelativeRecord:
    relation: str               #: "wife" | "husband" | "minor_child"
    full_name: str
    date_of_birth: date | None = None
    identity: Identity | None = None
    occupation: str | None = None
    workplace: str | None = None
    residence: str | None = None
    row: int | None = None


@dataclass
class AssetRecord:
    section: str                #: canonical section code, e.g. "1.1", "7.1", "9"
    name: str
    owner: str | None = None
    address: str | None = None
    area: Decimal | None = None
    quantity: Decimal | None = None
    certificate: str | None = None
    year_acquired: int | None = None
    value: int | None = None    #: VND, exact; None when unknown
    value_unknown: bool = False  #: "Không xác định được giá trị"
    country: str | None = None
    other_info: str | None = None
    sheet: str | None = None
    row: int | None = None


@dataclass
class IncomeRecord:
    earner: str                 #: "declarant" | "spouse" | "minor_child" | "joint"
    amount: int
    note: str | None = None
    row: int | None = None


@dataclass
class VariationRecord:
    section: str                #: canonical section code, or "income" for `Tổng thu nhập`
    quantity_change: Decimal | None = None
    value_change: int | None = None   #: signed VND
    explanation: str | None = None
    row: int | None = None


@dataclass
class DeclarationRecord:
    declaration_type: str       #: "first" | "annual" | "supplementary" | "personnel"
    year: int
    completed_on: date
    full_name: str
    date_of_birth: date | None
    identity: Identity
    position: str | None = None
    agency: str | None = None
    residence: str | None = None
    relatives: list[RelativeRecord] = field(default_factory=list)
    assets: list[AssetRecord] = field(default_factory=list)
    incomes: list[IncomeRecord] = field(default_factory=list)
    variations: list[VariationRecord] = field(default_factory=list)
    no_change: bool = False           #: `Biến động` says "Không có biến động"
    has_income_sheet: bool = False    #: `Thu nhập` present with at least one row
    has_variation_sheet: bool = False  #: `Biến động` present with rows or the no-change text


@dataclass
class RosterRecord:
    full_name: str
    date_of_birth: date | None
    identity: Identity
    agency: str
    declaration_type: str
    year: int
    position: str | None = None
    event_date: date | None = None
    note: str | None = None
    row: int | None = None


@dataclass
class ReadResult:
    """What a reader returns: the records, or the errors that reject the workbook whole."""

    records: list = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    errors_truncated: int = 0   #: errors found beyond the cap and not listed

    @property
    def ok(self) -> bool:
        return not self.errors
