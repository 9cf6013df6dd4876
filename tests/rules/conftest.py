"""Factories for the rules' plain facts: each fixture returns a callable with sensible defaults."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from declarations.legal import LegalParams
from declarations.rules import (DeclarationFact, FlagResult, ItemFact, PersonFacts, RosterFact,
                                RunReport, VariationFact, run_checks)
from etl.layout import item_identifier

MILLION = 1_000_000
FAR_FUTURE = date(2035, 1, 1)   # default check date: every deadline has passed


@pytest.fixture
def make_item() -> Callable[..., ItemFact]:
    rows = itertools.count(5)

    def make(section: str = "5", value: int | None = 100 * MILLION, *, name: str | None = None,
             certificate: str | None = None, address: str | None = None,
             year_acquired: int | None = 2015, country: str | None = None,
             value_unknown: bool = False, other_info: str | None = None, row: int | None = None,
             item_id: int | None = None) -> ItemFact:
        if country is None and section in ("8", "9"):
            country = "Singapore"
        return ItemFact(
            item_id=item_id, section=section, name=name or f"Tài sản mục {section}",
            identifier=item_identifier(section, certificate, address), value=value,
            value_unknown=value_unknown, other_info=other_info, country=country,
            year_acquired=year_acquired, sheet="Tài sản", row=row if row is not None else next(rows),
            certificate=certificate, address=address)

    return make


@pytest.fixture
def make_var() -> Callable[..., VariationFact]:
    rows = itertools.count(5)

    def make(section: str, value_change: int | None, explanation: str | None = "Lương, thưởng", *,
             quantity_change: Decimal | None = None, row: int | None = None) -> VariationFact:
        return VariationFact(section=section, quantity_change=quantity_change,
                             value_change=value_change, explanation=explanation,
                             row=row if row is not None else next(rows))

    return make


@pytest.fixture
def make_decl() -> Callable[..., DeclarationFact]:
    ids = itertools.count(100)

    def make(declaration_type: str = "annual", year: int = 2024, completed_on: date | None = None, *,
             items: tuple[ItemFact, ...] | list[ItemFact] = (), income_total: int = 0,
             variations: tuple[VariationFact, ...] | list[VariationFact] = (),
             no_change: bool = False, has_income_sheet: bool | None = None,
             has_variation_sheet: bool | None = None, declaration_id: int | None = None,
             person_id: int = 1) -> DeclarationFact:
        later = declaration_type != "first"
        return DeclarationFact(
            declaration_id=declaration_id if declaration_id is not None else next(ids),
            person_id=person_id, declaration_type=declaration_type, year=year,
            completed_on=completed_on or date(year, 12, 20), items=tuple(items),
            income_total=income_total, variations=tuple(variations), no_change=no_change,
            has_income_sheet=has_income_sheet if has_income_sheet is not None else income_total > 0,
            has_variation_sheet=(has_variation_sheet if has_variation_sheet is not None
                                 else later or bool(variations) or no_change))

    return make


@pytest.fixture
def make_roster() -> Callable[..., RosterFact]:
    ids = itertools.count(900)

    def make(declaration_type: str = "annual", year: int = 2024, event_date: date | None = None, *,
             person_id: int = 1, roster_entry_id: int | None = None) -> RosterFact:
        return RosterFact(roster_entry_id=roster_entry_id if roster_entry_id is not None else next(ids),
                          person_id=person_id, declaration_type=declaration_type, year=year,
                          event_date=event_date)

    return make


def _person(*declarations: DeclarationFact, roster: tuple[RosterFact, ...] | list[RosterFact] = (),
            person_id: int = 1) -> PersonFacts:
    return PersonFacts(person_id=person_id, declarations=tuple(declarations), roster=tuple(roster))


@pytest.fixture
def make_person() -> Callable[..., PersonFacts]:
    return _person


@pytest.fixture
def run() -> Callable[..., RunReport]:
    """Run the checks over facts (declarations of person 1, or whole PersonFacts); fails on rule
    errors unless asked not to."""

    def do(*facts: DeclarationFact | PersonFacts, roster: tuple[RosterFact, ...] | list[RosterFact] = (),
           as_of: date = FAR_FUTURE, codes: tuple[str, ...] | None = None,
           params: LegalParams | None = None, allow_errors: bool = False) -> RunReport:
        if facts and isinstance(facts[0], PersonFacts):
            persons = list(facts)
        else:
            persons = [_person(*facts, roster=roster)]  # type: ignore[arg-type]
        report = run_checks(persons, params or LegalParams(), as_of, codes)
        if not allow_errors:
            assert report.rule_errors == []
        return report

    return do


@pytest.fixture
def one() -> Callable[[RunReport, str], FlagResult]:
    """The single flag of a code in a report (fails when there are none or several)."""

    def pick(report: RunReport, code: str) -> FlagResult:
        found = [f for f in report.flags if f.code == code]
        assert len(found) == 1, found
        return found[0]

    return pick


@pytest.fixture
def codes_of() -> Callable[[RunReport], list[str]]:
    return lambda report: [f.code for f in report.flags]
