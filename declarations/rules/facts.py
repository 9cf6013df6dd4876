"""The plain input of the rules: one person's current declarations and roster entries.

The services build these from the database, the benchmarks build them directly; the rules never
see a model, a session or a request. Amounts are VND integers; `identifier` is precomputed with
`etl.layout.item_identifier` by whoever builds the facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ItemFact:
    """One row of the `Tài sản` sheet."""

    item_id: int | None
    section: str                #: section code as written, e.g. "1.1", "3", "3.1", "9"
    name: str
    identifier: str | None      #: etl.layout.item_identifier(section, certificate, address)
    value: int | None           #: VND; None when unknown
    value_unknown: bool         #: "Không xác định được giá trị"
    other_info: str | None
    country: str | None
    year_acquired: int | None
    sheet: str | None
    row: int | None
    certificate: str | None = None
    address: str | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class VariationFact:
    """One row of the `Biến động` sheet; section "income" is the `Tổng thu nhập` row."""

    section: str
    quantity_change: Decimal | None
    value_change: int | None    #: signed VND
    explanation: str | None
    row: int | None


@dataclass(frozen=True, slots=True)
class DeclarationFact:
    """The current version of one declaration."""

    declaration_id: int
    person_id: int
    declaration_type: str       #: "first" | "annual" | "supplementary" | "personnel"
    year: int                   #: Năm kê khai
    completed_on: date          #: Ngày hoàn thành kê khai; selects the legal regime
    items: tuple[ItemFact, ...]
    income_total: int           #: sum of the `Thu nhập` rows, 0 when none
    variations: tuple[VariationFact, ...]
    no_change: bool             #: `Biến động` says "Không có biến động"
    has_income_sheet: bool      #: `Thu nhập` present with at least one row
    has_variation_sheet: bool   #: `Biến động` present with rows or the no-change text


@dataclass(frozen=True, slots=True)
class RosterFact:
    """One roster line: the person owes a declaration of this type for this year."""

    roster_entry_id: int
    person_id: int
    declaration_type: str
    year: int
    event_date: date | None     #: tiếp nhận / bổ nhiệm; required for first and personnel


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """Everything the rules need about one person (CMND and CCCD records already merged)."""

    person_id: int
    declarations: tuple[DeclarationFact, ...]   #: current versions only, any order
    roster: tuple[RosterFact, ...]
