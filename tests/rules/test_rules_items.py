"""ASSET_DISAPPEARED, VALUE_CHANGED, NEW_FOREIGN_ASSET: items followed across years."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

M = 1_000_000


@pytest.fixture
def years(make_decl):
    def build(prev_items, cur_items, variations=(), no_change=False):
        prev = make_decl("annual", 2023, date(2023, 12, 20), declaration_id=1, items=prev_items)
        cur = make_decl("annual", 2024, date(2024, 12, 20), declaration_id=2, items=cur_items,
                        variations=variations, no_change=no_change)
        return prev, cur

    return build


# ASSET_DISAPPEARED ---------------------------------------------------------------------------

CODE_AD = ("ASSET_DISAPPEARED",)


def test_identified_item_gone_without_decrease_fires(run, one, years, make_item):
    house = make_item("2.1", 2_000 * M, certificate="CH 123", row=9)
    flag = one(run(*years([house, make_item("5", 10 * M)], [make_item("5", 10 * M)]), codes=CODE_AD),
               "ASSET_DISAPPEARED")
    assert (flag.severity, flag.weight, flag.declaration_id, flag.year) == ("medium", 20, 2, 2024)
    [item] = flag.evidence["items"]
    assert (item["section"], item["identifier"], item["value"], item["row"], item["declaration_id"]) == (
        "2.1", house.identifier, 2_000 * M, 9, 1)
    assert flag.evidence["previous"]["declaration_id"] == 1


def test_item_still_there_does_not_fire(run, years, make_item):
    house = dict(section="2.1", value=2_000 * M, certificate="CH 123")
    assert run(*years([make_item(**house)], [make_item(**house)]), codes=CODE_AD).flags == []


def test_address_identifier_is_normalized(run, years, make_item):
    prev = make_item("1.1", 500 * M, address="Số 1, Phường Trần Hưng Đạo")
    cur = make_item("1.1", 500 * M, address="so 1 phuong tran hung dao")
    assert run(*years([prev], [cur]), codes=CODE_AD).flags == []


def test_item_without_identifier_never_disappears(run, years, make_item):
    assert run(*years([make_item("5", 900 * M), make_item("7.2", 90 * M)], []), codes=CODE_AD).flags == []


@pytest.mark.parametrize("variation", [
    dict(section="2.1", value_change=-2_000 * M),
    dict(section="2", value_change=-1 * M),                                   # parent code covers 2.1
    dict(section="2.1", value_change=None, quantity_change=Decimal("-1")),
])
def test_declared_decrease_for_the_section_explains_it(run, years, make_item, make_var, variation):
    house = make_item("2.1", 2_000 * M, certificate="CH 123")
    var = make_var(variation.pop("section"), variation.pop("value_change"), "Đã bán", **variation)
    assert run(*years([house], [], variations=[var]), codes=CODE_AD).flags == []


@pytest.mark.parametrize("variation", [
    dict(section="2.1", value_change=2_000 * M),    # an increase is not a decrease
    dict(section="1.1", value_change=-2_000 * M),   # another section
    dict(section="income", value_change=-2_000 * M),
])
def test_other_variation_rows_do_not_explain_it(run, one, years, make_item, make_var, variation):
    house = make_item("2.1", 2_000 * M, certificate="CH 123")
    var = make_var(variation["section"], variation["value_change"], "Đã bán")
    assert one(run(*years([house], [], variations=[var]), codes=CODE_AD), "ASSET_DISAPPEARED")


# VALUE_CHANGED -------------------------------------------------------------------------------

CODE_VC = ("VALUE_CHANGED",)


def _car(make_item, value, **kw):
    return make_item("7.1", value, certificate="29A-123.45", name="Xe ô tô", **kw)


def test_value_change_of_exactly_10_percent_does_not_fire(run, years, make_item):
    assert run(*years([_car(make_item, 1_000 * M)], [_car(make_item, 1_100 * M)]), codes=CODE_VC).flags == []
    assert run(*years([_car(make_item, 1_000 * M)], [_car(make_item, 900 * M)]), codes=CODE_VC).flags == []


def test_value_change_above_10_percent_fires(run, one, years, make_item):
    old, new = _car(make_item, 1_000 * M, row=5), _car(make_item, 1_100 * M + 1, row=6)
    flag = one(run(*years([old], [new]), codes=CODE_VC), "VALUE_CHANGED")
    assert (flag.severity, flag.weight, flag.declaration_id) == ("low", 5, 2)
    [change] = flag.evidence["changes"]
    assert (change["identifier"], change["old_value"], change["new_value"], change["change"]) == (
        old.identifier, 1_000 * M, 1_100 * M + 1, 100 * M + 1)
    assert [(i["declaration_id"], i["row"]) for i in change["previous_items"] + change["current_items"]] == [
        (1, 5), (2, 6)]
    assert flag.evidence["tolerance"] == {"numerator": 1, "denominator": 10}


def test_value_decrease_above_10_percent_fires(run, one, years, make_item):
    assert one(run(*years([_car(make_item, 1_000 * M)], [_car(make_item, 900 * M - 1)]), codes=CODE_VC),
               "VALUE_CHANGED")


def test_value_from_zero_counts(run, one, years, make_item):
    assert one(run(*years([_car(make_item, 0)], [_car(make_item, 1)]), codes=CODE_VC), "VALUE_CHANGED")
    assert run(*years([_car(make_item, 0)], [_car(make_item, 0)]), codes=CODE_VC).flags == []


def test_unknown_values_are_not_compared(run, years, make_item):
    unknown = _car(make_item, None, value_unknown=True, other_info="Được tặng")
    assert run(*years([unknown], [_car(make_item, 1_000 * M)]), codes=CODE_VC).flags == []
    assert run(*years([_car(make_item, 1_000 * M)], [unknown]), codes=CODE_VC).flags == []


def test_items_without_identifier_are_not_compared(run, years, make_item):
    assert run(*years([make_item("5", 100 * M)], [make_item("5", 900 * M)]), codes=CODE_VC).flags == []


# NEW_FOREIGN_ASSET ---------------------------------------------------------------------------

CODE_NF = ("NEW_FOREIGN_ASSET",)


def test_new_foreign_account_fires(run, one, years, make_item):
    account = make_item("9", 5 * M, certificate="SG-0001", name="Tài khoản DBS", row=12)
    flag = one(run(*years([make_item("5", 10 * M)], [make_item("5", 10 * M), account]), codes=CODE_NF),
               "NEW_FOREIGN_ASSET")
    assert (flag.severity, flag.weight, flag.declaration_id) == ("medium", 20, 2)
    [item] = flag.evidence["items"]
    assert (item["section"], item["identifier"], item["row"], item["country"]) == ("9", account.identifier, 12,
                                                                                  "Singapore")


def test_known_foreign_account_does_not_fire(run, years, make_item):
    account = dict(section="9", value=5 * M, certificate="SG-0001")
    assert run(*years([make_item(**account)], [make_item(**account)]), codes=CODE_NF).flags == []


def test_foreign_item_without_identifier_matches_by_name_and_year(run, years, make_item):
    prev = make_item("8", 3_000 * M, name="Căn hộ tại Singapore", year_acquired=2018)
    cur = make_item("8", 3_000 * M, name="can ho tai  SINGAPORE", year_acquired=2018)
    assert run(*years([prev], [cur]), codes=CODE_NF).flags == []


def test_foreign_item_with_another_year_is_new(run, one, years, make_item):
    prev = make_item("8", 3_000 * M, name="Căn hộ tại Singapore", year_acquired=2018)
    cur = make_item("8", 3_000 * M, name="Căn hộ tại Singapore", year_acquired=2024)
    assert one(run(*years([prev], [prev, cur]), codes=CODE_NF), "NEW_FOREIGN_ASSET")


def test_domestic_new_items_do_not_fire(run, years, make_item):
    assert run(*years([], [make_item("7.1", 900 * M, certificate="30A")]), codes=CODE_NF).flags == []


def test_foreign_item_in_a_first_declaration_is_not_new(run, make_decl, make_item):
    first = make_decl("first", 2024, date(2024, 3, 5), items=[make_item("9", 5 * M, certificate="X")])
    assert run(first, codes=CODE_NF).flags == []


def test_items_sharing_an_identifier_are_compared_by_their_sum(run, one, years, make_item):
    prev = [_car(make_item, 600 * M), _car(make_item, 400 * M)]
    assert run(*years(prev, [_car(make_item, 1_000 * M)]), codes=CODE_VC).flags == []
    flag = one(run(*years(prev, [_car(make_item, 1_200 * M)]), codes=CODE_VC), "VALUE_CHANGED")
    [change] = flag.evidence["changes"]
    assert (change["old_value"], change["new_value"], len(change["previous_items"])) == (1_000 * M, 1_200 * M, 2)
