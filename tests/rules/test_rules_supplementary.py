"""SUPPLEMENTARY_MISSING: new assets of a year Y worth V(Y) or more and no declaration for Y."""
from __future__ import annotations

from datetime import date

M = 1_000_000
OLD_V, NEW_V = 300 * M, 1_000 * M
CODE = ("SUPPLEMENTARY_MISSING",)


def _history(make_decl, make_item, *, new_value=OLD_V, acquired=2023, extra=(), declared_in=2024):
    """first 2022, then an annual for `declared_in` listing an item acquired in `acquired`."""
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1,
                      items=[make_item("5", 100 * M, year_acquired=2020)])
    later = make_decl("annual", declared_in, date(declared_in, 12, 20), declaration_id=2,
                      items=[make_item("5", 100 * M, year_acquired=2020),
                             make_item("7.1", new_value, certificate="30A-999", year_acquired=acquired, row=8)])
    return [first, later, *extra]


def test_fires_at_exactly_v_for_the_year_of_acquisition(run, one, make_decl, make_item):
    flag = one(run(*_history(make_decl, make_item), codes=CODE), "SUPPLEMENTARY_MISSING")
    assert (flag.year, flag.declaration_id, flag.severity, flag.weight) == (2023, 2, "medium", 25)
    ev = flag.evidence
    assert (ev["acquired_year"], ev["new_total"], ev["threshold"], ev["regime"]) == (2023, OLD_V, OLD_V, "L36_2018")
    assert ev["first_declaration_year"] == 2022
    assert ev["due_date"] == "2023-12-31"
    assert [(i["section"], i["value"], i["row"], i["declaration_id"]) for i in ev["items"]] == [("7.1", OLD_V, 8, 2)]


def test_not_at_v_minus_1(run, make_decl, make_item):
    assert run(*_history(make_decl, make_item, new_value=OLD_V - 1), codes=CODE).flags == []


def test_an_annual_declaration_for_y_satisfies_it(run, make_decl, make_item):
    annual = make_decl("annual", 2023, date(2023, 12, 20), declaration_id=3,
                       items=[make_item("5", 100 * M, year_acquired=2020)])
    assert run(*_history(make_decl, make_item, extra=[annual]), codes=CODE).flags == []


def test_a_supplementary_declaration_for_y_satisfies_it(run, make_decl, make_item):
    supp = make_decl("supplementary", 2023, date(2023, 11, 1), declaration_id=3,
                     items=[make_item("6.1", 10 * M, year_acquired=2023)])
    assert run(*_history(make_decl, make_item, extra=[supp]), codes=CODE).flags == []


def test_acquired_in_the_first_year_or_before_does_not_count(run, make_decl, make_item):
    assert run(*_history(make_decl, make_item, acquired=2022, new_value=5_000 * M), codes=CODE).flags == []


def test_items_already_declared_do_not_count_again(run, one, make_decl, make_item):
    """The item first appears in a personnel declaration of 2023: the flag is attached there."""
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1, items=[])
    car = dict(section="7.1", value=OLD_V, certificate="30A-999", year_acquired=2023)
    personnel = make_decl("personnel", 2023, date(2023, 8, 1), declaration_id=2, items=[make_item(**car)])
    annual = make_decl("annual", 2024, date(2024, 12, 20), declaration_id=3, items=[make_item(**car)])
    flag = one(run(first, personnel, annual, codes=CODE), "SUPPLEMENTARY_MISSING")
    assert (flag.declaration_id, flag.year, flag.evidence["new_total"]) == (2, 2023, OLD_V)


def test_unidentified_items_match_by_name_and_year(run, one, make_decl, make_item):
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1, items=[])
    gold = dict(section="4", value=200 * M, year_acquired=2023)
    a = make_decl("annual", 2024, date(2024, 12, 20), declaration_id=2,
                  items=[make_item(**gold, name="Vàng SJC")])
    b = make_decl("annual", 2025, date(2025, 12, 20), declaration_id=3,
                  items=[make_item(**gold, name="vang sjc"), make_item("5", 100 * M, year_acquired=2023)])
    flag = one(run(first, a, b, codes=CODE), "SUPPLEMENTARY_MISSING")
    # 200 M (first seen in 2024's declaration) + 100 M (first seen in 2025's) reach V at the second
    assert (flag.declaration_id, flag.year, flag.evidence["new_total"]) == (3, 2023, OLD_V)
    assert [i["declaration_id"] for i in flag.evidence["items"]] == [2, 3]


def test_threshold_is_that_of_31_12_of_y(run, one, make_decl, make_item):
    # Y = 2026: the regime on 31/12/2026 is Law 132/2025, V = 1 bn
    assert run(*_history(make_decl, make_item, acquired=2026, declared_in=2027, new_value=NEW_V - 1),
               codes=CODE).flags == []
    flag = one(run(*_history(make_decl, make_item, acquired=2026, declared_in=2027, new_value=NEW_V),
                   codes=CODE), "SUPPLEMENTARY_MISSING")
    assert (flag.year, flag.evidence["threshold"], flag.evidence["regime"]) == (2026, NEW_V, "L132_2025")
    # Y = 2025 keeps the old V
    assert one(run(*_history(make_decl, make_item, acquired=2025, declared_in=2026), codes=CODE),
               "SUPPLEMENTARY_MISSING").evidence["threshold"] == OLD_V


def test_not_before_the_year_end_deadline_of_y(run, one, make_decl, make_item):
    """A personnel declaration in mid-2023 shows a 2023 asset: the supplementary is not yet due."""
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1, items=[])
    personnel = make_decl("personnel", 2023, date(2023, 8, 1), declaration_id=2,
                          items=[make_item("7.1", OLD_V, certificate="30A", year_acquired=2023)])
    assert run(first, personnel, as_of=date(2023, 12, 31), codes=CODE).flags == []
    assert one(run(first, personnel, as_of=date(2024, 1, 1), codes=CODE), "SUPPLEMENTARY_MISSING")


def test_one_flag_per_year(run, make_decl, make_item):
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1, items=[])
    annual = make_decl("annual", 2025, date(2025, 12, 20), declaration_id=2, items=[
        make_item("7.1", OLD_V, certificate="A", year_acquired=2023),
        make_item("7.1", OLD_V, certificate="B", year_acquired=2024),
        make_item("7.1", OLD_V, certificate="C", year_acquired=2025)])
    report = run(first, annual, codes=CODE)
    assert [(f.year, f.declaration_id) for f in report.flags] == [(2023, 2), (2024, 2)]
