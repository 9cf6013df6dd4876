"""The synthetic province: files as the manifest says, deterministic, every file readable back to
what was generated, and the checks finding exactly the planted flags (docs/checks.md)."""
from __future__ import annotations

import dataclasses
import json
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest

from etl.demo import Manifest, build_province, generate_province
from etl.demo.generator import RULES
from etl.layout import item_identifier
from etl.text import name_key

PARAMS = dict(declarants=120, years=4, seed=11, last_year=2025, messy_share=0.4, anomaly_rate=0.2)


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("province")
    return out, generate_province(out, **PARAMS)


def _flag_key(flag: dict) -> tuple:
    return (flag["cccd"], flag["declaration_type"], flag["year"], flag["rule"])


def _plain(record) -> dict:
    """A record as data, without where it was read from (sheet, row)."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("row", "sheet")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(dataclasses.asdict(record))


# -- the files and the manifest -----------------------------------------------------------------

def test_files_on_disk_are_those_of_the_manifest(province):
    out, manifest = province
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert on_disk == sorted(manifest.files)
    assert manifest.files == manifest.roster_files + manifest.declaration_files
    counts = manifest.counts
    assert counts["people"] == PARAMS["declarants"]
    assert counts["roster_files"] == len(manifest.roster_files) == PARAMS["years"]
    assert counts["declaration_files"] == len(manifest.declaration_files)
    assert counts["declarations"] == counts["declaration_files"] - counts["corrections"]
    assert counts["corrections"] == len(manifest.corrections) >= 2
    assert 0 < counts["messy_files"] < len(manifest.files)
    assert counts["legacy_cmnd_people"] >= 2
    assert counts["agencies"] == len(manifest.agencies)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest.to_json()
    assert Manifest.from_json(manifest.to_json()) == manifest


def test_manifest_flags(province):
    _out, manifest = province
    flags = manifest.expected_flags
    assert flags == sorted(flags, key=_flag_key)
    assert len({_flag_key(f) for f in flags}) == len(flags)
    assert {f["rule"] for f in flags} == set(RULES)          # every kind of anomaly is planted
    assert all(len(f["cccd"]) == 12 and f["cccd"].isdigit() for f in flags)
    assert manifest.as_of == date(PARAMS["last_year"] + 1, 1, 15)
    for correction in manifest.corrections:
        assert correction["superseded"] < correction["current"]   # sorted import applies it last
        assert {correction["superseded"], correction["current"]} <= set(manifest.declaration_files)


def test_generation_is_deterministic(tmp_path):
    small = dict(declarants=25, years=2, seed=3, last_year=2025, messy_share=0.5)
    first = generate_province(tmp_path / "a", **small)
    second = generate_province(tmp_path / "b", **small)
    assert first == second
    for name in first.files + ["manifest.json"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other = build_province(**{**small, "seed": 4})
    assert [d.record for d in other.declaration_files] != [
        d.record for d in build_province(**small).declaration_files]


def test_last_year_defaults_to_last_calendar_year():
    province = build_province(declarants=6, years=2, seed=1)
    assert province.parameters["last_year"] == date.today().year - 1
    assert all(r.year <= date.today().year - 1 for f in province.roster_files for r in f.records)


def test_messy_habits_and_identities_are_in_the_files(province):
    out, manifest = province
    texts = []
    for name in manifest.files:
        with zipfile.ZipFile(out / name) as package:
            if "xl/sharedStrings.xml" in package.namelist():
                texts.append(package.read("xl/sharedStrings.xml").decode("utf-8"))
    blob = "\n".join(texts)
    assert any(unicodedata.normalize("NFC", t) != t for t in texts)      # NFD text
    assert " tỷ" in blob or " triệu" in blob or " đồng" in blob            # amounts typed as text
    assert "Hàng năm" in blob or "Kê khai hằng năm" in blob               # a synonym of «Hằng năm»
    province_ = build_province(**PARAMS)
    cmnd_people = {p.pid for p in province_.persons if p.cmnd}
    kinds = {(f.pid, f.record.identity.kind) for f in province_.declaration_files if f.pid in cmnd_people}
    assert any((pid, "cmnd") in kinds and (pid, "cccd") in kinds for pid in cmnd_people)


# -- reading the files back -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def read_back(province):
    declaration = pytest.importorskip("etl.declaration")
    roster = pytest.importorskip("etl.roster")
    out, manifest = province
    declarations, rosters = {}, {}
    for name in manifest.declaration_files:
        result = declaration.read_declaration((out / name).read_bytes(), name)
        assert result.errors == [], (name, result.errors[:3])
        declarations[name] = result.records[0]
    for name in manifest.roster_files:
        result = roster.read_roster((out / name).read_bytes(), name)
        assert result.errors == [], (name, result.errors[:3])
        rosters[name] = result.records
    return declarations, rosters


def test_every_file_reads_back_to_what_was_generated(read_back):
    declarations, rosters = read_back
    generated = build_province(**PARAMS)
    assert len(declarations) == len(generated.declaration_files)
    for dfile in generated.declaration_files:
        assert _plain(declarations[dfile.path]) == _plain(dfile.record), dfile.path
    for rfile in generated.roster_files:
        assert [_plain(r) for r in rosters[rfile.path]] == [_plain(r) for r in rfile.records], rfile.path


# -- the checks find exactly the planted flags ----------------------------------------------------

def _check(declarations: list, roster: list, as_of: date, params=None) -> list[dict]:
    """Records (declarations in import order) -> rules facts -> run_checks -> manifest-style flags.

    A person is a CCCD; a CMND record is that person when the normalized name and date of birth
    match a CCCD record (PRODUCT.md, "People across years"). The current version of a declaration
    is the last one read for the same person, type and year.
    """
    rules = pytest.importorskip("declarations.rules")
    from declarations.legal import LegalParams

    cccd_by_person = {}
    for rec in [*declarations, *roster]:
        if rec.identity.kind == "cccd":
            cccd_by_person[(name_key(rec.full_name), rec.date_of_birth)] = rec.identity.number
    number_of: dict[str, int] = {}

    def person_id(rec) -> int:
        number = rec.identity.number
        if rec.identity.kind == "cmnd":
            number = cccd_by_person.get((name_key(rec.full_name), rec.date_of_birth), number)
        return number_of.setdefault(number, len(number_of) + 1)

    current = {}
    for rec in declarations:
        current[(person_id(rec), rec.declaration_type, rec.year)] = rec
    people: dict[int, tuple[list, list]] = {}
    types: dict[tuple[str, int], str] = {}
    for did, ((pid, dtype, year), rec) in enumerate(current.items(), start=1):
        items = tuple(rules.ItemFact(
            item_id=None, section=a.section, name=a.name,
            identifier=item_identifier(a.section, a.certificate, a.address), value=a.value,
            value_unknown=a.value_unknown, other_info=a.other_info, country=a.country,
            year_acquired=a.year_acquired, sheet=a.sheet, row=a.row, certificate=a.certificate,
            address=a.address, owner=a.owner) for a in rec.assets)
        variations = tuple(rules.VariationFact(v.section, v.quantity_change, v.value_change, v.explanation,
                                               v.row) for v in rec.variations)
        people.setdefault(pid, ([], []))[0].append(rules.DeclarationFact(
            did, pid, dtype, year, rec.completed_on, items, sum(i.amount for i in rec.incomes), variations,
            rec.no_change, rec.has_income_sheet, rec.has_variation_sheet))
        types[("d", did)] = dtype
    for rid, rec in enumerate(roster, start=1):
        pid = person_id(rec)
        people.setdefault(pid, ([], []))[1].append(rules.RosterFact(rid, pid, rec.declaration_type, rec.year,
                                                                   rec.event_date))
        types[("r", rid)] = rec.declaration_type
    facts = [rules.PersonFacts(pid, tuple(d), tuple(r)) for pid, (d, r) in people.items()]
    report = rules.run_checks(facts, params or LegalParams(), as_of)
    assert report.rule_errors == []
    label = {pid: number for number, pid in number_of.items()}
    flags = []
    for f in report.flags:
        about = ("d", f.declaration_id) if f.declaration_id is not None else ("r", f.roster_entry_id)
        flags.append({"cccd": label[f.person_id], "declaration_type": types[about], "year": f.year,
                      "rule": f.code})
    return sorted(flags, key=_flag_key)


def test_checks_on_the_files_find_exactly_the_expected_flags(province, read_back):
    _out, manifest = province
    declarations, rosters = read_back
    roster = [r for name in manifest.roster_files for r in rosters[name]]
    found = _check([declarations[name] for name in manifest.declaration_files], roster, manifest.as_of)
    assert found == manifest.expected_flags


def _check_in_memory(province, params=None) -> list[dict]:
    declarations = [f.record for f in sorted(province.declaration_files, key=lambda f: f.path)]
    roster = [r for f in province.roster_files for r in f.records]
    return _check(declarations, roster, province.as_of, params)


@pytest.mark.parametrize("seed", [1, 2])
def test_clean_province_raises_no_flag(seed):
    # Both regimes: declarations completed before and after 01/07/2026.
    province = build_province(declarants=150, years=4, seed=seed, last_year=2027, anomaly_rate=0)
    assert province.expected_flags == []
    assert province.corrections                    # corrections of clean data stay clean
    assert _check_in_memory(province) == []


@pytest.mark.parametrize("years, last_year, declarants, rate, seed", [
    (4, 2027, 200, 0.5, 5),     # across the change of law on 01/07/2026: every variant, both regimes
    (1, 2025, 40, 0.2, 6),      # one year: no comparisons, deadlines and form only
    (2, 2026, 80, 0.3, 7),
    (6, 2028, 120, 0.3, 8),
])
def test_planted_flags_are_exactly_what_the_checks_find(years, last_year, declarants, rate, seed):
    province = build_province(declarants=declarants, years=years, seed=seed, last_year=last_year,
                              anomaly_rate=rate)
    assert province.expected_flags
    assert _check_in_memory(province) == province.expected_flags
    completed = [f.record.completed_on for f in province.declaration_files]
    assert max(completed) <= province.as_of
    if last_year >= 2027:
        assert min(completed) < date(2026, 7, 1) <= max(completed)


def test_deadlines_follow_the_legal_parameters():
    # A province's earlier internal deadlines (PRODUCT.md): on-time dates move with them.
    from declarations.legal import LegalParams

    params = LegalParams(internal_deadlines={2024: date(2024, 12, 10), 2025: date(2025, 11, 30)})
    province = build_province(declarants=150, years=4, seed=9, last_year=2025, anomaly_rate=0.3,
                              params=params)
    assert _check_in_memory(province, params) == province.expected_flags
