"""FORM_INCONSISTENT: one flag per declaration listing every breach of the form's rules."""
from __future__ import annotations

from datetime import date

import pytest

M = 1_000_000
CODE = ("FORM_INCONSISTENT",)


def _problems(flag):
    return [p["problem"] for p in flag.evidence["problems"]]


def test_clean_declarations_do_not_fire(run, make_decl, make_item, make_var):
    first = make_decl("first", 2023, date(2023, 3, 1), items=[make_item("5", 10 * M)])
    annual = make_decl("annual", 2024, items=[make_item("9", 5 * M, certificate="X", country="Úc"),
                                              make_item("8", None, value_unknown=True, other_info="Thừa kế")],
                       variations=[make_var("5", 0)])
    no_change = make_decl("annual", 2025, no_change=True)
    assert run(first, annual, no_change, codes=CODE).flags == []


def test_first_with_variations_and_income(run, one, make_decl, make_var):
    first = make_decl("first", 2023, date(2023, 3, 1), declaration_id=4,
                      variations=[make_var("5", 10 * M, row=7)], income_total=50 * M)
    flag = one(run(first, codes=CODE), "FORM_INCONSISTENT")
    assert (flag.declaration_id, flag.year, flag.severity, flag.weight) == (4, 2023, "low", 5)
    assert flag.evidence["problems"] == [
        {"problem": "variations_in_first", "rows": [7]},
        {"problem": "income_in_first", "income_total": 50 * M}]


@pytest.mark.parametrize("dtype", ["annual", "personnel", "supplementary"])
def test_later_declaration_without_variation_sheet(run, one, make_decl, dtype):
    flag = one(run(make_decl(dtype, 2024, has_variation_sheet=False), codes=CODE), "FORM_INCONSISTENT")
    assert _problems(flag) == ["variations_missing"]


def test_foreign_item_without_country_and_unknown_value_without_reason(run, one, make_decl, make_item, make_var):
    decl = make_decl("annual", 2024, variations=[make_var("5", 0)], items=[
        make_item("9", 5 * M, certificate="X", country=" ", row=11),
        make_item("7.2", None, value_unknown=True, other_info=None, row=12),
        make_item("8", None, value_unknown=True, country="", row=13)])
    flag = one(run(decl, codes=CODE), "FORM_INCONSISTENT")
    assert [(p["problem"], p["item"]["row"]) for p in flag.evidence["problems"]] == [
        ("foreign_without_country", 11), ("unknown_value_without_reason", 12),
        ("foreign_without_country", 13), ("unknown_value_without_reason", 13)]
