"""The runner and the table: determinism, rules that cannot run, selection, weights, purity."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from declarations.legal import DEFAULT_WEIGHTS, LegalParams
from declarations.rules import REGISTRY, RuleError, all_rules, rules_table, run_checks

M = 1_000_000
ROOT = Path(__file__).resolve().parents[2]

PRODUCT_SEVERITIES = {
    "MISSING": "high", "LATE": "medium", "UNEXPLAINED_INCREASE": "high", "WEALTH_EXCEEDS_INCOME": "high",
    "ASSET_DISAPPEARED": "medium", "VALUE_CHANGED": "low", "VARIATION_MISMATCH": "medium",
    "NEW_FOREIGN_ASSET": "medium", "SUPPLEMENTARY_MISSING": "medium", "FORM_INCONSISTENT": "low",
}


@pytest.fixture
def province(make_decl, make_item, make_var, make_roster, make_person):
    """Three people whose declarations, between them, fire every rule."""

    def build():
        p1 = make_person(
            make_decl("first", 2022, date(2022, 3, 20), person_id=1, items=[
                make_item("1.1", 700 * M, certificate="LD-1", year_acquired=2005),
                make_item("2.1", 2_000 * M, certificate="CH-1", year_acquired=2010),
                make_item("7.1", 500 * M, certificate="29A", year_acquired=2015)]),
            make_decl("annual", 2024, date(2025, 1, 2), person_id=1, no_change=True, items=[
                make_item("2.1", 2_000 * M, certificate="CH-1", year_acquired=2010),
                make_item("7.1", 800 * M, certificate="29A", year_acquired=2015),
                make_item("9", 10 * M, certificate="SG-1", country="", year_acquired=2023),
                make_item("5", 1_500 * M, year_acquired=2023)]),
            roster=[make_roster("first", 2022, date(2022, 3, 1), person_id=1),
                    make_roster("annual", 2023, person_id=1), make_roster("annual", 2024, person_id=1)],
            person_id=1)
        p2 = make_person(
            make_decl("annual", 2023, person_id=2, items=[make_item("5", 100 * M)]),
            make_decl("annual", 2024, person_id=2, items=[make_item("5", 100 * M)], variations=[make_var("5", 0)]),
            person_id=2)
        p3 = make_person(roster=[make_roster("annual", 2024, person_id=3)], person_id=3)
        return [p1, p2, p3]

    return build


def test_every_rule_fires_on_the_province(province):
    report = run_checks(province(), LegalParams(), date(2026, 1, 1))
    assert report.rule_errors == []
    assert report.people == 3
    assert {f.code for f in report.flags} == set(REGISTRY)
    assert {f.person_id for f in report.flags} == {1, 3}


def test_runs_are_idempotent_and_ordered(province):
    params, as_of = LegalParams(), date(2026, 1, 1)
    people = province()
    a = run_checks(people, params, as_of)
    b = run_checks(list(reversed(people)), params, as_of)
    c = run_checks(people, params, as_of)
    assert a.flags == c.flags
    assert a.flags == b.flags
    order = [rule.code for rule in all_rules()]
    keys = [(f.person_id, order.index(f.code)) for f in a.flags]
    assert keys == sorted(keys)
    assert len({f.identity for f in a.flags}) == len(a.flags)


def test_evidence_is_json(province):
    for flag in run_checks(province(), LegalParams(), date(2026, 1, 1)).flags:
        assert json.loads(json.dumps(flag.evidence)) == flag.evidence
        assert flag.evidence["rule"] == flag.code
        assert flag.evidence["article"] == REGISTRY[flag.code].article_vi
        assert flag.message_vi and flag.message_en
        assert flag.rule_version == REGISTRY[flag.code].version


def test_a_rule_that_raises_is_reported_and_the_run_goes_on(province, monkeypatch):
    rule = REGISTRY["VALUE_CHANGED"]
    original = rule.check

    def broken(person, env):
        if person.person_id == 1:
            raise RuntimeError("boom")
        return original(person, env)

    monkeypatch.setattr(rule, "check", broken)
    report = run_checks(province(), LegalParams(), date(2026, 1, 1))
    assert report.rule_errors == [RuleError("VALUE_CHANGED", 1, "RuntimeError: boom")]
    assert report.failed("VALUE_CHANGED", 1) and not report.failed("LATE", 1)
    codes = {f.code for f in report.flags}
    assert "VALUE_CHANGED" not in codes
    assert codes == set(REGISTRY) - {"VALUE_CHANGED"}


def test_no_regime_for_an_old_declaration_is_a_rule_error(run, make_decl, make_item):
    old = make_decl("annual", 2018, date(2018, 12, 20), items=[make_item("5", 0)])
    new = make_decl("annual", 2019, date(2019, 5, 1), items=[make_item("5", 10 * M)])
    older = make_decl("annual", 2017, date(2017, 12, 20), items=[make_item("5", 0)])
    report = run(older, old, new, allow_errors=True, codes=("UNEXPLAINED_INCREASE", "LATE"))
    assert [(e.code, e.person_id) for e in report.rule_errors] == [("UNEXPLAINED_INCREASE", 1)]
    assert "NoRegime" in report.rule_errors[0].error
    assert report.flags == []   # LATE still ran: all on time


def test_codes_select_rules(province):
    report = run_checks(province(), LegalParams(), date(2026, 1, 1), codes=["MISSING"])
    assert {f.code for f in report.flags} == {"MISSING"}
    with pytest.raises(ValueError, match="NOPE"):
        run_checks(province(), LegalParams(), date(2026, 1, 1), codes=["NOPE"])


def test_weights_are_parameters(province):
    params = LegalParams(weights={**DEFAULT_WEIGHTS, "MISSING": 99})
    flags = run_checks(province(), params, date(2026, 1, 1)).flags
    assert {f.weight for f in flags if f.code == "MISSING"} == {99}
    assert {f.weight for f in flags if f.code == "LATE"} == {10}


def test_rules_table_lists_every_rule():
    table = rules_table()
    assert [row["code"] for row in table] == list(DEFAULT_WEIGHTS)
    for row in table:
        assert row["severity"] == PRODUCT_SEVERITIES[row["code"]]
        assert row["weight"] == row["default_weight"] == DEFAULT_WEIGHTS[row["code"]]
        assert row["version"] >= 1
        for key in ("article_vi", "article_en", "description_vi", "description_en"):
            assert row[key].strip()
    custom = rules_table(LegalParams(weights={"LATE": 1}))
    assert {r["code"]: r["weight"] for r in custom}["LATE"] == 1


def test_rules_import_neither_flask_nor_a_database():
    """The rules take plain data: no module of the package imports the web or storage layers."""
    import ast

    forbidden = ("flask", "sqlalchemy", "sqlite3", "alembic", "declarations.db", "declarations.models",
                 "declarations.services", "declarations.views", "declarations.cli")
    for path in sorted((ROOT / "declarations" / "rules").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in forbidden), (path.name, name)
