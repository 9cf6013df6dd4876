"""MISSING and LATE: due dates per type (Law Art. 36), the 31/12 boundary, internal deadlines."""
from __future__ import annotations

from datetime import date

import pytest

from declarations.legal import DEFAULT_DEADLINES, LegalParams

CODES = ("MISSING", "LATE")


# MISSING -------------------------------------------------------------------------------------

def test_missing_fires_after_the_annual_deadline(run, one, make_roster):
    entry = make_roster("annual", 2024, roster_entry_id=7)
    flag = one(run(roster=[entry], as_of=date(2025, 1, 1), codes=CODES), "MISSING")
    assert (flag.roster_entry_id, flag.declaration_id, flag.year) == (7, None, 2024)
    assert (flag.severity, flag.weight) == ("high", 50)
    ev = flag.evidence
    assert ev["due_date"] == "2024-12-31"
    assert ev["as_of"] == "2025-01-01"
    assert ev["days_overdue"] == 1
    assert ev["declaration_type"] == "annual"
    assert ev["roster_entry_id"] == 7


def test_missing_not_on_the_due_day_itself(run, make_roster):
    report = run(roster=[make_roster("annual", 2024)], as_of=date(2024, 12, 31), codes=CODES)
    assert report.flags == []


def test_missing_not_when_filed(run, make_decl, make_roster):
    report = run(make_decl("annual", 2024, date(2024, 12, 20)), roster=[make_roster("annual", 2024)],
                 as_of=date(2025, 3, 1), codes=CODES)
    assert report.flags == []


def test_missing_needs_the_same_type_and_year(run, one, make_decl, make_roster):
    report = run(make_decl("annual", 2023, date(2023, 12, 20)),
                 make_decl("supplementary", 2024, date(2024, 12, 20)),
                 roster=[make_roster("annual", 2024)], as_of=date(2025, 3, 1), codes=CODES)
    assert one(report, "MISSING").year == 2024


def test_missing_when_filed_only_after_the_check_date(run, one, make_decl, make_roster):
    late = make_decl("annual", 2024, date(2025, 2, 1), declaration_id=55)
    report = run(late, roster=[make_roster("annual", 2024)], as_of=date(2025, 1, 10), codes=("MISSING",))
    assert one(report, "MISSING").evidence["completed_after_as_of"] == [55]


@pytest.mark.parametrize(("dtype", "event", "last_ok", "first_missing"), [
    ("first", date(2024, 3, 1), date(2024, 3, 11), date(2024, 3, 12)),          # 10 days after
    ("personnel", date(2024, 6, 20), date(2024, 6, 10), date(2024, 6, 11)),     # 10 days before
])
def test_missing_event_types(run, one, make_roster, dtype, event, last_ok, first_missing):
    entry = make_roster(dtype, 2024, event)
    assert run(roster=[entry], as_of=last_ok, codes=CODES).flags == []
    flag = one(run(roster=[entry], as_of=first_missing, codes=CODES), "MISSING")
    assert flag.evidence["event_date"] == event.isoformat()
    assert flag.evidence["due_date"] == last_ok.isoformat()


def test_missing_internal_deadline_is_earlier(run, one, make_roster):
    params = LegalParams(internal_deadlines={2024: date(2024, 12, 15)})
    entry = make_roster("annual", 2024)
    assert run(roster=[entry], as_of=date(2024, 12, 15), codes=CODES, params=params).flags == []
    flag = one(run(roster=[entry], as_of=date(2024, 12, 16), codes=CODES, params=params), "MISSING")
    assert flag.evidence["due_date"] == "2024-12-15"
    assert flag.evidence["internal_deadline"] == "2024-12-15"


# LATE ----------------------------------------------------------------------------------------

def test_annual_completed_on_31_12_is_on_time(run, make_decl):
    assert run(make_decl("annual", 2024, date(2024, 12, 31)), codes=CODES).flags == []


def test_annual_completed_on_01_01_is_late(run, one, make_decl):
    decl = make_decl("annual", 2024, date(2025, 1, 1), declaration_id=12)
    flag = one(run(decl, codes=CODES), "LATE")
    assert (flag.declaration_id, flag.roster_entry_id, flag.year) == (12, None, 2024)
    assert (flag.severity, flag.weight) == ("medium", 10)
    assert flag.evidence["due_date"] == "2024-12-31"
    assert flag.evidence["completed_on"] == "2025-01-01"
    assert flag.evidence["days_late"] == 1


def test_the_31_12_boundary_is_a_parameter(run, one, make_decl):
    params = LegalParams(deadlines={**DEFAULT_DEADLINES, "deadline_day_inclusive": False})
    flag = one(run(make_decl("annual", 2024, date(2024, 12, 31)), codes=CODES, params=params), "LATE")
    assert flag.evidence["days_late"] == 0
    assert flag.evidence["deadline_day_inclusive"] is False


def test_internal_deadline_makes_annual_due_earlier(run, one, make_decl):
    params = LegalParams(internal_deadlines={2024: date(2024, 12, 15)})
    assert run(make_decl("annual", 2024, date(2024, 12, 15)), codes=CODES, params=params).flags == []
    flag = one(run(make_decl("annual", 2024, date(2024, 12, 20)), codes=CODES, params=params), "LATE")
    assert flag.evidence["due_date"] == "2024-12-15"
    assert flag.evidence["days_late"] == 5
    # another year keeps 31/12
    assert run(make_decl("annual", 2023, date(2023, 12, 20)), codes=CODES, params=params).flags == []


def test_supplementary_due_at_year_end(run, one, make_decl):
    assert run(make_decl("supplementary", 2024, date(2024, 12, 31)), codes=CODES).flags == []
    assert one(run(make_decl("supplementary", 2024, date(2025, 1, 1)), codes=CODES), "LATE")


@pytest.mark.parametrize(("dtype", "event", "on_time", "late"), [
    ("first", date(2024, 3, 1), date(2024, 3, 11), date(2024, 3, 12)),
    ("personnel", date(2024, 6, 20), date(2024, 6, 10), date(2024, 6, 11)),
])
def test_event_types_take_the_event_date_from_the_roster(run, one, make_decl, make_roster,
                                                           dtype, event, on_time, late):
    entry = make_roster(dtype, 2024, event, roster_entry_id=31)
    assert run(make_decl(dtype, 2024, on_time), roster=[entry], codes=CODES).flags == []
    flag = one(run(make_decl(dtype, 2024, late), roster=[entry], codes=CODES), "LATE")
    assert flag.evidence["days_late"] == 1
    assert flag.evidence["roster_entry_id"] == 31
    assert flag.evidence["event_date"] == event.isoformat()


def test_event_type_without_roster_entry_is_not_late(run, make_decl):
    assert run(make_decl("first", 2024, date(2024, 12, 30)), codes=CODES).flags == []


def test_several_roster_entries_use_the_latest_due_date(run, one, make_decl, make_roster):
    early = make_roster("first", 2024, date(2024, 3, 1), roster_entry_id=1)
    later = make_roster("first", 2024, date(2024, 5, 1), roster_entry_id=2)
    assert run(make_decl("first", 2024, date(2024, 5, 11)), roster=[early, later], codes=CODES).flags == []
    flag = one(run(make_decl("first", 2024, date(2024, 5, 12)), roster=[early, later], codes=CODES), "LATE")
    assert flag.evidence["roster_entry_id"] == 2
