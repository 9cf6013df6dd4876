"""UNEXPLAINED_INCREASE, WEALTH_EXCEEDS_INCOME, VARIATION_MISMATCH, and how prev(D) is chosen."""
from __future__ import annotations

import random
from datetime import date

import pytest

M = 1_000_000
OLD_V, NEW_V = 300 * M, 1_000 * M        # variation threshold before / from 01/07/2026
OLD_TI, NEW_TI = 50 * M, 150 * M         # item threshold before / from 01/07/2026
BEFORE, FROM = date(2026, 6, 30), date(2026, 7, 1)


@pytest.fixture
def pair(make_decl, make_item):
    """prev: annual 2023 with a house (2 bn) and cash (500 M); cur: annual 2024, cash + `rise`."""

    def build(rise: int, *, cur_type: str = "annual", completed_on: date | None = None,
              variations=(), income_total: int = 0, no_change: bool = False, section: str = "5",
              prev_completed: date = date(2023, 12, 20)):
        house = dict(section="2.1", value=2_000 * M, certificate="CT-001", year_acquired=2010)
        prev = make_decl("annual", 2023, prev_completed, declaration_id=1,
                         items=[make_item(**house, row=5), make_item("5", 500 * M, row=6)])
        items = [make_item(**house, row=5), make_item("5", 500 * M, row=6)]
        if rise:
            items.append(make_item(section, rise, name="Tài sản mới", year_acquired=2024, row=7))
        cur = make_decl(cur_type, 2024 if completed_on is None else completed_on.year,
                        completed_on or date(2024, 12, 20), declaration_id=2, items=items,
                        variations=variations, income_total=income_total, no_change=no_change)
        return prev, cur

    return build


# UNEXPLAINED_INCREASE ------------------------------------------------------------------------

CODE_UI = ("UNEXPLAINED_INCREASE",)


def test_unexplained_increase_fires_at_exactly_v(run, one, pair):
    flag = one(run(*pair(OLD_V), codes=CODE_UI), "UNEXPLAINED_INCREASE")
    assert (flag.declaration_id, flag.year, flag.severity, flag.weight) == (2, 2024, "high", 40)
    ev = flag.evidence
    assert (ev["total_previous"], ev["total_current"], ev["delta_total"]) == (2_500 * M, 2_800 * M, OLD_V)
    assert ev["section_deltas"] == {"5": OLD_V}
    assert ev["unexplained_sections"] == {"5": OLD_V}
    assert ev["unexplained_total"] == OLD_V
    assert (ev["threshold"], ev["threshold_name"], ev["regime"]) == (OLD_V, "variation_threshold", "L36_2018")
    assert ev["previous"]["declaration_id"] == 1 and ev["previous"]["year"] == 2023
    assert ev["declaration"]["declaration_id"] == 2
    assert [(i["section"], i["value"], i["row"], i["sheet"]) for i in ev["items"]] == [
        ("5", 500 * M, 6, "Tài sản"), ("5", OLD_V, 7, "Tài sản")]
    assert ev["article"]


def test_unexplained_increase_not_at_v_minus_1(run, pair):
    assert run(*pair(OLD_V - 1), codes=CODE_UI).flags == []


def test_explained_section_does_not_fire(run, pair, make_var):
    assert run(*pair(OLD_V, variations=[make_var("5", OLD_V, "Thừa kế")]), codes=CODE_UI).flags == []


def test_row_without_explanation_explains_nothing(run, one, pair, make_var):
    report = run(*pair(OLD_V, variations=[make_var("5", OLD_V, "  ")]), codes=CODE_UI)
    assert one(report, "UNEXPLAINED_INCREASE").evidence["unexplained_total"] == OLD_V


def test_no_change_text_explains_nothing(run, one, pair):
    assert one(run(*pair(OLD_V, no_change=True), codes=CODE_UI), "UNEXPLAINED_INCREASE")


def test_income_row_explains_no_asset_section(run, one, pair, make_var):
    report = run(*pair(OLD_V, variations=[make_var("income", 900 * M, "Lương")]), codes=CODE_UI)
    assert one(report, "UNEXPLAINED_INCREASE")


def test_parent_row_covers_child_sections(run, pair, make_var):
    prev, cur = pair(OLD_V, section="3.1", variations=[make_var("3", OLD_V, "Trồng cây")])
    assert run(prev, cur, codes=CODE_UI).flags == []


def test_child_row_does_not_cover_parent_section(run, one, pair, make_var):
    prev, cur = pair(OLD_V, section="3", variations=[make_var("3.1", OLD_V, "Trồng cây")])
    assert one(run(prev, cur, codes=CODE_UI), "UNEXPLAINED_INCREASE").evidence["unexplained_sections"] == {
        "3": OLD_V}


def test_explained_part_does_not_count(run, make_decl, make_item, make_var):
    prev = make_decl("annual", 2023, items=[make_item("5", 100 * M)])
    cur = make_decl("annual", 2024, items=[make_item("5", 300 * M), make_item("7.1", 200 * M, certificate="29A")],
                    variations=[make_var("7.1", 200 * M, "Bán đất")])
    # ΔT = 400 M ≥ V, but the unexplained rise (section 5) is 200 M < V
    assert run(prev, cur, codes=CODE_UI).flags == []


def test_delta_total_below_v_does_not_fire_even_if_a_section_rose(run, make_decl, make_item):
    prev = make_decl("annual", 2023, items=[make_item("5", 100 * M), make_item("4", 200 * M)])
    cur = make_decl("annual", 2024, items=[make_item("5", 400 * M), make_item("4", 50 * M)])
    # ΔT5 = +300 M but ΔT = +150 M < V
    assert run(prev, cur, codes=CODE_UI).flags == []


@pytest.mark.parametrize(("completed_on", "fires"), [(BEFORE, True), (FROM, False)])
def test_unexplained_increase_threshold_by_completion_date(run, codes_of, pair, completed_on, fires):
    report = run(*pair(OLD_V, completed_on=completed_on), codes=CODE_UI)
    assert codes_of(report) == (["UNEXPLAINED_INCREASE"] if fires else [])


def test_unexplained_increase_new_regime_exactly_v(run, one, pair):
    flag = one(run(*pair(NEW_V, completed_on=FROM), codes=CODE_UI), "UNEXPLAINED_INCREASE")
    assert (flag.evidence["threshold"], flag.evidence["regime"]) == (NEW_V, "L132_2025")
    assert run(*pair(NEW_V - 1, completed_on=FROM), codes=CODE_UI).flags == []


# WEALTH_EXCEEDS_INCOME -----------------------------------------------------------------------

CODE_WI = ("WEALTH_EXCEEDS_INCOME",)


def test_wealth_exceeds_income_fires_at_exactly_v(run, one, pair):
    flag = one(run(*pair(500 * M, income_total=200 * M), codes=CODE_WI), "WEALTH_EXCEEDS_INCOME")
    ev = flag.evidence
    assert (ev["delta_total"], ev["income_total"], ev["excess"], ev["threshold"]) == (500 * M, 200 * M, OLD_V, OLD_V)
    assert (flag.severity, flag.weight, flag.year, flag.declaration_id) == ("high", 40, 2024, 2)
    assert ev["previous"]["declaration_id"] == 1


def test_wealth_exceeds_income_not_at_v_minus_1(run, pair):
    assert run(*pair(500 * M, income_total=200 * M + 1), codes=CODE_WI).flags == []


def test_wealth_exceeds_income_ignores_explanations(run, one, pair, make_var):
    # Explaining an increase does not make it covered by declared income.
    assert one(run(*pair(OLD_V, variations=[make_var("5", OLD_V)]), codes=CODE_WI), "WEALTH_EXCEEDS_INCOME")


@pytest.mark.parametrize(("completed_on", "income", "fires"), [
    (BEFORE, 700 * M, True), (FROM, 700 * M, False), (FROM, 0, True), (FROM, 1, False)])
def test_wealth_exceeds_income_threshold_by_completion_date(run, codes_of, pair, completed_on, income, fires):
    report = run(*pair(NEW_V, completed_on=completed_on, income_total=income), codes=CODE_WI)
    assert codes_of(report) == (["WEALTH_EXCEEDS_INCOME"] if fires else [])


# VARIATION_MISMATCH --------------------------------------------------------------------------

CODE_VM = ("VARIATION_MISMATCH",)


def test_variation_mismatch_fires_above_the_item_threshold(run, one, pair, make_var):
    prev, cur = pair(200 * M, variations=[make_var("5", 150 * M - 1, row=8), make_var("income", 5 * M)])
    flag = one(run(prev, cur, codes=CODE_VM), "VARIATION_MISMATCH")
    assert (flag.severity, flag.weight, flag.declaration_id) == ("medium", 15, 2)
    ev = flag.evidence
    assert (ev["threshold"], ev["threshold_name"], ev["regime"]) == (OLD_TI, "item_threshold", "L36_2018")
    assert ev["sections"] == [{"section": "5", "declared": 150 * M - 1, "actual": 200 * M,
                               "difference": -(OLD_TI + 1), "variation_rows": [8]}]
    assert {(i["declaration_id"], i["row"]) for i in ev["items"]} == {(1, 6), (2, 6), (2, 7)}


def test_variation_mismatch_not_at_exactly_the_item_threshold(run, pair, make_var):
    assert run(*pair(200 * M, variations=[make_var("5", 150 * M)]), codes=CODE_VM).flags == []


def test_variation_rows_of_a_section_are_summed(run, pair, make_var):
    rows = [make_var("5", 120 * M), make_var("5", 80 * M)]
    assert run(*pair(200 * M, variations=rows), codes=CODE_VM).flags == []


def test_variation_parent_row_counts_children(run, pair, make_var):
    assert run(*pair(200 * M, section="6.1", variations=[make_var("6", 200 * M)]), codes=CODE_VM).flags == []


def test_sections_without_rows_are_not_compared(run, pair, make_var):
    assert run(*pair(900 * M, section="7.2", variations=[make_var("5", 0)]), codes=CODE_VM).flags == []


@pytest.mark.parametrize(("completed_on", "fires"), [(BEFORE, True), (FROM, False)])
def test_variation_mismatch_threshold_by_completion_date(run, codes_of, pair, make_var, completed_on, fires):
    report = run(*pair(100 * M, completed_on=completed_on, variations=[make_var("5", 0)]), codes=CODE_VM)
    assert codes_of(report) == (["VARIATION_MISMATCH"] if fires else [])


def test_variation_mismatch_new_regime_boundary(run, pair, make_var, one):
    assert run(*pair(NEW_TI, completed_on=FROM, variations=[make_var("5", 0)]), codes=CODE_VM).flags == []
    flag = one(run(*pair(NEW_TI + 1, completed_on=FROM, variations=[make_var("5", 0)]), codes=CODE_VM),
               "VARIATION_MISMATCH")
    assert flag.evidence["threshold"] == NEW_TI


def test_no_change_declares_zero_for_every_section(run, one, pair):
    assert run(*pair(OLD_TI, no_change=True), codes=CODE_VM).flags == []
    flag = one(run(*pair(OLD_TI + 1, no_change=True), codes=CODE_VM), "VARIATION_MISMATCH")
    assert flag.evidence["no_change"] is True
    assert flag.evidence["sections"] == [{"section": "5", "declared": 0, "actual": OLD_TI + 1,
                                          "difference": -(OLD_TI + 1), "variation_rows": []}]


def test_no_rows_and_no_text_is_a_form_matter_not_a_mismatch(run, pair):
    prev, cur = pair(900 * M)
    assert run(prev, cur, codes=CODE_VM).flags == []


# Regime crossing, prev(D), types -------------------------------------------------------------

def test_regime_crossing_uses_the_later_declaration(run, make_decl, make_item, make_var):
    """2025 → 2026: the old thresholds would fire all three rules, the new ones fire none."""
    prev = make_decl("annual", 2025, date(2025, 12, 20), items=[make_item("5", 1_000 * M)])
    cur = make_decl("annual", 2026, date(2026, 12, 20), items=[make_item("5", 1_500 * M)],
                    variations=[make_var("5", 400 * M, None)])
    codes = ("UNEXPLAINED_INCREASE", "WEALTH_EXCEEDS_INCOME", "VARIATION_MISMATCH")
    assert run(prev, cur, codes=codes).flags == []
    # the same figures compared under the old regime (later declaration completed before 01/07/2026)
    old_cur = make_decl("annual", 2026, date(2026, 6, 30), items=[make_item("5", 1_500 * M)],
                        variations=[make_var("5", 400 * M, None)])
    report = run(prev, old_cur, codes=codes)
    assert sorted(f.code for f in report.flags) == sorted(codes)
    assert {f.evidence["regime"] for f in report.flags} == {"L36_2018"}


def test_first_time_then_personnel_are_compared(run, one, make_decl, make_item):
    first = make_decl("first", 2024, date(2024, 3, 5), declaration_id=1, items=[make_item("5", 100 * M)])
    personnel = make_decl("personnel", 2024, date(2024, 9, 1), declaration_id=2,
                          items=[make_item("5", 100 * M + OLD_V)])
    flag = one(run(first, personnel, codes=CODE_UI), "UNEXPLAINED_INCREASE")
    assert flag.declaration_id == 2
    assert flag.evidence["previous"] == {"declaration_id": 1, "declaration_type": "first", "year": 2024,
                                         "completed_on": "2024-03-05"}


def test_supplementary_is_not_compared_year_over_year(run, one, make_decl, make_item):
    first = make_decl("first", 2022, date(2022, 3, 1), declaration_id=1, items=[make_item("5", 100 * M)])
    supp = make_decl("supplementary", 2023, date(2023, 12, 1), declaration_id=2,
                     items=[make_item("7.1", 900 * M, certificate="30A")])
    annual = make_decl("annual", 2024, date(2024, 12, 20), declaration_id=3,
                       items=[make_item("5", 100 * M + OLD_V)])
    report = run(first, supp, annual, codes=("UNEXPLAINED_INCREASE", "ASSET_DISAPPEARED"))
    flag = one(report, "UNEXPLAINED_INCREASE")
    assert flag.declaration_id == 3 and flag.evidence["previous"]["declaration_id"] == 1
    assert flag.evidence["delta_total"] == OLD_V


def test_first_declaration_alone_is_not_compared(run, make_decl, make_item):
    report = run(make_decl("first", 2024, date(2024, 3, 5), items=[make_item("5", 10_000 * M)]),
                 codes=CODE_UI + CODE_WI + CODE_VM)
    assert report.flags == []


def test_same_day_declarations_are_not_each_others_prev(run, make_decl, make_item):
    a = make_decl("annual", 2023, date(2024, 1, 10), items=[make_item("5", 0)])
    b = make_decl("personnel", 2024, date(2024, 1, 10), items=[make_item("5", 5_000 * M)])
    assert run(a, b, codes=CODE_UI).flags == []


def test_prev_is_latest_before_ties_by_year_then_id(run, one, make_decl, make_item):
    a = make_decl("annual", 2022, date(2023, 1, 10), declaration_id=5, items=[make_item("5", 0)])
    b = make_decl("annual", 2023, date(2023, 1, 10), declaration_id=4, items=[make_item("5", 0)])
    c = make_decl("annual", 2024, date(2024, 12, 20), declaration_id=6, items=[make_item("5", OLD_V)])
    flag = one(run(c, a, b, codes=CODE_UI), "UNEXPLAINED_INCREASE")
    assert flag.evidence["previous"]["declaration_id"] == 4   # year 2023 beats 2022 on the same day


def test_comparison_follows_completion_order_not_input_order(run, make_decl, make_item):
    decls = [make_decl("annual", y, date(y, 12, 20), items=[make_item("5", (y - 2019) * 400 * M)])
             for y in range(2020, 2025)]
    shuffled = decls[:]
    random.Random(3).shuffle(shuffled)
    a, b = run(*decls, codes=CODE_UI), run(*shuffled, codes=CODE_UI)
    assert a.flags == b.flags
    assert [(f.declaration_id, f.evidence["previous"]["year"]) for f in a.flags] == [
        (d.declaration_id, d.year - 1) for d in decls[1:]]


def test_covers_is_parent_to_child_only():
    from declarations.rules.context import covers

    assert covers("3", "3") and covers("3", "3.1") and covers("6", "6.4")
    assert not covers("3.1", "3") and not covers("1", "10") and not covers("3.1", "3.2")
