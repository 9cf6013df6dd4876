"""The checks over stored data: incremental after import, full runs, idempotence, corrections, decisions."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from declarations.legal import LegalParams
from declarations.models import AuditEntry, Case, Flag, Person
from declarations.services.audit import SYSTEM
from declarations.services.checks import check_all, person_risk
from declarations.services.imports import import_declaration, import_roster
from tests.workbooks import (HOME, LAND, SAVINGS, Asset, annual_declaration, declaration_bytes, first_declaration,
                             roster_bytes)

PARAMS = LegalParams()
AS_OF = date(2025, 1, 15)
AN = ("Nguyễn Văn An", date(1975, 4, 30), "001075012345", "Phó Giám đốc", "Sở Tài chính")


def _import(db, decl, name="a.xlsx"):
    outcome = import_declaration(db, declaration_bytes(decl), name, actor=SYSTEM, params=PARAMS, as_of=AS_OF)
    db.commit()
    return outcome


def _roster(db, rows):
    outcome = import_roster(db, roster_bytes(rows), "roster.xlsx", actor=SYSTEM)
    db.commit()
    assert outcome.status == "accepted", outcome.errors
    return outcome


def _open(db) -> set[tuple]:
    return {(f.rule_code, f.year, f.declaration_id, f.roster_entry_id)
            for f in db.scalars(sa.select(Flag).where(Flag.status == "open"))}


def _full_run(db, as_of=AS_OF):
    summary = check_all(db, actor=SYSTEM, params=PARAMS, as_of=as_of)
    db.commit()
    return summary


BIG_NEW_HOUSE = Asset("2.1", "Nhà mới", 2_000_000_000, certificate="CS-9999", address="1 Trần Phú")


def test_import_rechecks_the_person_in_the_same_transaction(db):
    _import(db, first_declaration(), "2023.xlsx")
    second = _import(db, annual_declaration(assets=[LAND, HOME, SAVINGS, BIG_NEW_HOUSE]), "2024.xlsx")
    flags = {f.rule_code: f for f in db.scalars(sa.select(Flag).where(Flag.declaration_id == second.declaration_id))}
    assert {"UNEXPLAINED_INCREASE", "WEALTH_EXCEEDS_INCOME", "VARIATION_MISMATCH"} <= set(flags)
    evidence = flags["WEALTH_EXCEEDS_INCOME"].evidence
    assert any(v == 2_000_000_000 for v in evidence.values() if isinstance(v, int))
    case = db.scalar(sa.select(Case).where(Case.declaration_id == second.declaration_id))
    assert case.state == "new" and case.risk_score == sum(f.weight for f in flags.values())


def test_rejected_workbook_leaves_the_roster_entry_missing(db):
    _roster(db, [AN + ("annual", 2024, None)])
    bad = import_declaration(db, declaration_bytes(annual_declaration(completed_on="32/12/2024")), "bad.xlsx",
                             actor=SYSTEM, params=PARAMS, as_of=AS_OF)
    db.commit()
    assert bad.status == "rejected"
    _full_run(db)
    flags = db.scalars(sa.select(Flag).where(Flag.status == "open")).all()
    assert [(f.rule_code, f.year, f.roster_entry_id is not None) for f in flags] == [("MISSING", 2024, True)]


def test_missing_closes_when_the_declaration_arrives_and_late_opens(db):
    _roster(db, [AN + ("annual", 2024, None)])
    _full_run(db)
    assert {code for code, *_ in _open(db)} == {"MISSING"}
    _import(db, first_declaration(year=2023), "2023.xlsx")
    _import(db, annual_declaration(completed_on=date(2025, 1, 3)), "2024.xlsx")
    _full_run(db)
    assert {code for code, *_ in _open(db)} == {"LATE"}
    closed = db.scalar(sa.select(Flag).where(Flag.rule_code == "MISSING"))
    assert closed.status == "closed" and closed.close_reason
    assert db.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "flag.close",
                                                                   AuditEntry.object_id == str(closed.id))) == 1


def test_a_correction_removes_a_flag(db):
    _import(db, first_declaration(), "2023.xlsx")
    wrong = _import(db, annual_declaration(assets=[LAND, HOME, SAVINGS, BIG_NEW_HOUSE]), "2024.xlsx")
    assert any(code == "UNEXPLAINED_INCREASE" for code, *_ in _open(db))
    explained = annual_declaration(assets=[LAND, HOME, SAVINGS, BIG_NEW_HOUSE],
                                   incomes=[("Người kê khai", 2_200_000_000)],
                                   variations=[("2.1", 2_000_000_000, "Thừa kế từ cha mẹ")])
    fixed = _import(db, explained, "2024-sua.xlsx")
    assert fixed.version == 2
    assert _open(db) == set()
    old = db.scalars(sa.select(Flag).where(Flag.declaration_id == wrong.declaration_id)).all()
    assert old and all(f.status == "closed" for f in old)


def test_two_full_runs_give_identical_flags(db):
    _roster(db, [AN + ("annual", 2024, None), ("Lê Thị Hoa", date(1990, 2, 3), "036190000222", "Chuyên viên",
                                                "Sở Y tế", "annual", 2024, None)])
    first_bytes = declaration_bytes(first_declaration())   # the same bytes re-imported below
    import_declaration(db, first_bytes, "2023.xlsx", actor=SYSTEM, params=PARAMS, as_of=AS_OF)
    db.commit()
    _import(db, annual_declaration(assets=[LAND, SAVINGS], completed_on=date(2025, 1, 2)), "2024.xlsx")
    first = _full_run(db)
    snapshot = {(f.id, f.rule_code, f.subject_key, f.fingerprint, f.status) for f in db.scalars(sa.select(Flag))}
    second = _full_run(db)
    assert second.opened == second.closed == second.reopened == second.updated == 0
    assert second.unchanged == first.opened + first.unchanged
    assert {(f.id, f.rule_code, f.subject_key, f.fingerprint, f.status) for f in db.scalars(sa.select(Flag))} == snapshot
    # a no-op re-import of the same bytes changes nothing either
    again = import_declaration(db, first_bytes, "copy.xlsx", actor=SYSTEM, params=PARAMS, as_of=AS_OF)
    db.commit()
    assert again.status == "duplicate"
    assert {(f.id, f.rule_code, f.subject_key, f.fingerprint, f.status) for f in db.scalars(sa.select(Flag))} == snapshot


def test_a_dismissed_flag_stays_dismissed_unless_the_data_change(db):
    _import(db, first_declaration(), "2023.xlsx")
    _import(db, annual_declaration(assets=[LAND, SAVINGS]), "2024.xlsx")   # the house vanished
    flag = db.scalar(sa.select(Flag).where(Flag.rule_code == "ASSET_DISAPPEARED"))
    flag.status = "dismissed"
    db.commit()
    _full_run(db)
    assert db.get(Flag, flag.id).status == "dismissed"
    # the data change (the land goes too): the decision no longer covers it
    _import(db, annual_declaration(assets=[SAVINGS]), "2024-v2.xlsx")
    reopened = db.scalars(sa.select(Flag).where(Flag.rule_code == "ASSET_DISAPPEARED", Flag.status == "open")).all()
    assert len(reopened) == 1 and len(reopened[0].evidence["items"]) == 2


def test_cmnd_declaration_compares_with_the_cccd_one(db):
    _import(db, first_declaration(id_number="012345678"), "2023.xlsx")
    _import(db, annual_declaration(assets=[LAND, HOME, SAVINGS, BIG_NEW_HOUSE]), "2024.xlsx")
    person = db.scalar(sa.select(Person).where(Person.cccd == "001075012345"))
    codes = {f.rule_code for f in db.scalars(sa.select(Flag).where(Flag.person_id == person.id))}
    assert "UNEXPLAINED_INCREASE" in codes
    assert person_risk(db, [person.id])[person.id] > 0


def test_first_time_then_personnel_work_declaration_is_compared(db):
    _import(db, first_declaration(), "2023.xlsx")
    personnel = replace(annual_declaration(assets=[LAND, HOME, SAVINGS, BIG_NEW_HOUSE]), declaration_type="personnel")
    outcome = _import(db, personnel, "p.xlsx")
    codes = {f.rule_code for f in db.scalars(sa.select(Flag).where(Flag.declaration_id == outcome.declaration_id))}
    assert "UNEXPLAINED_INCREASE" in codes
