"""A demo province through the whole pipeline: every file imports, and the checks find exactly what was planted."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from declarations.models import Declaration, Flag, Person, RosterEntry, Upload
from declarations.services.audit import CLI
from declarations.services.checks import check_all
from declarations.services.exports import open_flag_rows
from declarations.services.imports import DeclarationStore, Limits, import_roster
from declarations.services.legal import load_params
from etl.demo.generator import generate_province
from etl.parallel import read_many


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    generate_province(out, declarants=120, years=4, seed=5)
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _import_province(db, out, manifest):
    for name in manifest["roster_files"]:
        outcome = import_roster(db, (out / name).read_bytes(), name, actor=CLI)
        db.commit()
        assert outcome.status == "accepted", outcome.errors
    store = DeclarationStore(db, actor=CLI, params=load_params(db))
    db.commit()
    files = [(name, (out / name).read_bytes()) for name in manifest["declaration_files"]]
    outcomes = []
    for name, data, result in read_many("declaration", files, workers=1, **Limits().reader_kwargs()):
        outcomes.append(store.store(name, data, result))
        db.commit()
    return outcomes


def test_every_demo_file_imports_and_counts_match(db, province):
    out, manifest = province
    outcomes = _import_province(db, out, manifest)
    assert [o.status for o in outcomes if o.status != "accepted"] == []
    counts = manifest["counts"]
    assert len(outcomes) == counts["declaration_files"]
    assert db.scalar(sa.select(sa.func.count(Declaration.id)).where(Declaration.is_current.is_(True))) \
        == counts["declarations"]
    assert db.scalar(sa.select(sa.func.count(Person.id)).where(Person.canonical_id.is_(None))) == counts["people"]
    assert db.scalar(sa.select(sa.func.count(RosterEntry.id))) == counts["roster_entries"]
    superseded = db.scalar(sa.select(sa.func.count(Declaration.id)).where(Declaration.is_current.is_(None)))
    assert superseded == counts["corrections"]
    assert db.scalar(sa.select(sa.func.count(Upload.id)).where(Upload.status == "rejected")) == 0


def test_checks_recover_exactly_the_planted_anomalies(db, province):
    out, manifest = province
    _import_province(db, out, manifest)
    check_all(db, actor=CLI, as_of=date.fromisoformat(manifest["as_of"]))
    db.commit()
    found = {(r["cccd"], r["declaration_type"], r["year"], r["rule"]) for r in open_flag_rows(db)}
    expected = {(f["cccd"], f["declaration_type"], f["year"], f["rule"]) for f in manifest["expected_flags"]}
    true_positives = found & expected
    precision = len(true_positives) / len(found)
    recall = len(true_positives) / len(expected)
    assert (sorted(found - expected), sorted(expected - found)) == ([], [])
    assert precision == recall == 1.0
    assert {rule for *_, rule in expected} == {
        "MISSING", "LATE", "UNEXPLAINED_INCREASE", "WEALTH_EXCEEDS_INCOME", "ASSET_DISAPPEARED", "VALUE_CHANGED",
        "VARIATION_MISMATCH", "NEW_FOREIGN_ASSET", "SUPPLEMENTARY_MISSING", "FORM_INCONSISTENT"}
    # a second full run changes nothing
    before = {(f.id, f.status, f.fingerprint) for f in db.scalars(sa.select(Flag))}
    summary = check_all(db, actor=CLI, as_of=date.fromisoformat(manifest["as_of"]))
    db.commit()
    assert (summary.opened, summary.closed, summary.reopened) == (0, 0, 0)
    assert {(f.id, f.status, f.fingerprint) for f in db.scalars(sa.select(Flag))} == before
