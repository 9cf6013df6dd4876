"""Importing workbooks through the services: values, atomicity, duplicates, corrections, identity links."""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from declarations.legal import LegalParams
from declarations.models import (Agency, AssetItem, AuditEntry, Declaration, IdentityLink, Person, RosterEntry,
                                 Upload)
from declarations.services.audit import SYSTEM
from declarations.services.imports import expand_zip, import_declaration, import_roster
from tests.workbooks import (CAR, HOME, LAND, SAVINGS, Asset, annual_declaration, declaration_bytes,
                             first_declaration, roster_bytes)

PARAMS = LegalParams()


def _import(db, decl_or_bytes, name="a.xlsx", **kw):
    data = decl_or_bytes if isinstance(decl_or_bytes, bytes) else declaration_bytes(decl_or_bytes)
    outcome = import_declaration(db, data, name, actor=SYSTEM, params=PARAMS, as_of=date(2026, 1, 15), **kw)
    db.commit()
    return outcome


def _counts(db) -> dict:
    return {model.__tablename__: db.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Person, Declaration, AssetItem, Upload, RosterEntry)}


def test_accepted_workbook_is_stored_with_exact_values(db, tmp_path):
    outcome = _import(db, annual_declaration(assets=[LAND, HOME, SAVINGS, CAR]), upload_folder=str(tmp_path))
    assert outcome.status == "accepted" and outcome.version == 1
    declaration = db.get(Declaration, outcome.declaration_id)
    assert (declaration.declaration_type, declaration.year, declaration.completed_on) == ("annual", 2024,
                                                                                          date(2024, 12, 1))
    assert declaration.regime_code == "L36_2018"
    assert declaration.total_assets == 2_500_000_000 + 1_200_000_000 + 800_000_000 + 600_000_000
    assert declaration.income_total == 400_000_000
    assert declaration.no_change is True
    items = {(i.section, i.value, i.identifier, i.sheet, i.row) for i in declaration.items}
    assert ("7.1", 600_000_000, "7.1|no:29a12345", "Tài sản", 5) in items
    assert ("5", 800_000_000, None, "Tài sản", 4) in items
    person = db.get(Person, declaration.person_id)
    assert person.cccd == "001075012345" and person.name_key == "nguyễn văn an"
    upload = db.get(Upload, outcome.upload_id)
    with open(upload.stored_path, "rb") as stored:
        assert upload.status == "accepted" and stored.read()[:2] == b"PK"
    assert db.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_type == "declaration")) == "declaration.import"


def test_regime_follows_the_completion_date(db):
    before = _import(db, annual_declaration(year=2026, completed_on=date(2026, 6, 30)), "a.xlsx")
    after = _import(db, annual_declaration(year=2026, completed_on=date(2026, 7, 1), declaration_type="personnel"),
                    "b.xlsx")
    assert db.get(Declaration, before.declaration_id).regime_code == "L36_2018"
    assert db.get(Declaration, after.declaration_id).regime_code == "L132_2025"


def test_error_in_the_last_row_stores_nothing(db):
    bad = annual_declaration(assets=[LAND, HOME, SAVINGS, Asset("5", "Tiền mặt", "nhiều tiền")])
    before = _counts(db)
    outcome = _import(db, bad)
    assert outcome.status == "rejected"
    assert [e.as_tuple() for e in outcome.errors] == [("bad_amount", "Tài sản", 5, "I")]
    after = _counts(db)
    assert after == {**before, "uploads": before["uploads"] + 1}   # only the upload record and its errors
    upload = db.get(Upload, outcome.upload_id)
    assert upload.status == "rejected" and upload.errors[0]["row"] == 5 and upload.errors[0]["column"] == "I"


def test_identical_bytes_again_change_nothing(db):
    data = declaration_bytes(annual_declaration())
    first = _import(db, data)
    before = _counts(db)
    audit_before = db.scalar(sa.select(sa.func.count(AuditEntry.id)))
    again = _import(db, data, "copy.xlsx")
    assert again.status == "duplicate" and again.upload_id == first.upload_id
    assert _counts(db) == before
    assert db.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_before


def test_a_different_workbook_supersedes_and_keeps_history(db):
    first = _import(db, annual_declaration())
    second = _import(db, annual_declaration(assets=[LAND, HOME, replace(SAVINGS, value=900_000_000)]), "fix.xlsx")
    assert second.status == "accepted" and second.version == 2 and second.superseded_id == first.declaration_id
    old, new = db.get(Declaration, first.declaration_id), db.get(Declaration, second.declaration_id)
    assert old.is_current is None and new.is_current is True and new.supersedes_id == old.id
    assert db.scalar(sa.select(sa.func.count(Declaration.id)).where(Declaration.person_id == new.person_id)) == 2
    third = _import(db, annual_declaration(assets=[LAND]), "fix2.xlsx")
    assert third.version == 3
    assert db.scalar(sa.select(sa.func.count(Declaration.id)).where(Declaration.is_current.is_(True))) == 1


def test_cmnd_records_link_to_cccd_records(db):
    old = _import(db, first_declaration(id_number="012345678", full_name="NGUYỄN  VĂN AN"), "2023.xlsx")
    nfd_name = "Nguye\u0302\u0303n Va\u0306n An"   # the same name typed with combining marks
    new = _import(db, annual_declaration(full_name=nfd_name), "2024.xlsx")
    assert old.status == new.status == "accepted"
    cccd_person = db.scalar(sa.select(Person).where(Person.cccd == "001075012345"))
    cmnd_person = db.scalar(sa.select(Person).where(Person.cmnd == "012345678"))
    assert cmnd_person.canonical_id == cccd_person.id
    link = db.scalar(sa.select(IdentityLink))
    assert (link.person_id, link.linked_person_id) == (cccd_person.id, cmnd_person.id)
    assert link.evidence["date_of_birth"] == "1975-04-30" and link.evidence["cmnd"] == "012345678"
    # both declarations now belong to the CCCD person
    assert set(db.scalars(sa.select(Declaration.person_id))) == {cccd_person.id}


def test_numeric_cccd_that_lost_its_leading_zeros(db):
    outcome = _import(db, annual_declaration(id_number=1075012345))
    assert db.get(Person, outcome.person_id).cccd == "001075012345"


def test_declarant_may_upload_only_their_own(db):
    me = Person(cccd="001099000001", full_name="Khác", name_key="khác")
    db.add(me)
    db.commit()
    outcome = _import(db, annual_declaration(), scope_person_id=me.id)
    assert outcome.status == "rejected" and outcome.errors[0].code == "not_own_declaration"
    assert db.scalar(sa.select(sa.func.count(Declaration.id))) == 0


def test_roster_creates_and_updates_people_agencies_and_lines(db):
    rows = [("Nguyễn Văn An", date(1975, 4, 30), "001075012345", "Phó Giám đốc", "Sở Tài chính", "annual", 2024,
             None),
            ("Lê Thị Hoa", date(1990, 2, 3), "036190000222", "Chuyên viên", "Sở Y tế", "first", 2024,
             date(2024, 3, 1))]
    outcome = import_roster(db, roster_bytes(rows), "roster.xlsx", actor=SYSTEM)
    db.commit()
    assert outcome.status == "accepted" and outcome.rows == 2
    assert db.scalar(sa.select(sa.func.count(RosterEntry.id))) == 2
    assert set(db.scalars(sa.select(Agency.name))) == {"Sở Tài chính", "Sở Y tế"}
    rows[1] = rows[1][:3] + ("Trưởng phòng", "SỞ Y TẾ") + rows[1][5:]
    again = import_roster(db, roster_bytes(rows, title="Danh sách (bản sửa)"), "roster2.xlsx", actor=SYSTEM)
    db.commit()
    assert again.status == "accepted"
    assert db.scalar(sa.select(sa.func.count(RosterEntry.id))) == 2
    assert db.scalar(sa.select(sa.func.count(Agency.id))) == 2   # "SỞ Y TẾ" is "Sở Y tế"
    hoa = db.scalar(sa.select(Person).where(Person.cccd == "036190000222"))
    assert hoa.position == "Trưởng phòng"
    entry = db.scalar(sa.select(RosterEntry).where(RosterEntry.person_id == hoa.id))
    assert (entry.declaration_type, entry.year, entry.event_date) == ("first", 2024, date(2024, 3, 1))


def test_roster_rows_missing_event_date_are_refused(db):
    rows = [("Lê Thị Hoa", date(1990, 2, 3), "036190000222", "Chuyên viên", "Sở Y tế", "first", 2024, None)]
    outcome = import_roster(db, roster_bytes(rows), "roster.xlsx", actor=SYSTEM)
    db.commit()
    assert outcome.status == "rejected"
    assert [(e.code, e.row) for e in outcome.errors] == [("required", 3)]
    assert db.scalar(sa.select(sa.func.count(RosterEntry.id))) == 0


def test_zip_batch_each_workbook_on_its_own(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("1.xlsx", declaration_bytes(annual_declaration()))
        archive.writestr("2.xlsx", declaration_bytes(annual_declaration(id_number="abc")))
        archive.writestr("notes.txt", "ignored")
    members = expand_zip(buffer.getvalue(), "batch.zip")
    assert [name for name, _ in members] == ["batch.zip/1.xlsx", "batch.zip/2.xlsx"]
    outcomes = [_import(db, data, name) for name, data in members]
    assert [o.status for o in outcomes] == ["accepted", "rejected"]
    assert outcomes[1].errors[0].as_tuple()[:2] == ("bad_identity", "Thông tin chung")


@pytest.mark.parametrize("payload, code", [
    (b"not a workbook at all", "not_xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "xls_format"),
])
def test_hostile_or_broken_files_are_refused_with_a_code(db, payload, code):
    outcome = _import(db, payload, "bad.xlsx")
    assert outcome.status == "rejected" and outcome.errors[0].code == code


def test_a_zip_batch_member_is_never_inflated_past_the_limit(db):
    """A 50 MB member of zeros compresses to ~50 kB; it is refused without being inflated in full."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xlsx", b"\0" * (50 * 1024 * 1024))
        archive.writestr("ok.xlsx", declaration_bytes(annual_declaration()))
    members = expand_zip(buffer.getvalue(), "batch.zip", max_member_bytes=10 * 1024 * 1024)
    assert [(name, len(payload)) for name, payload in members][0] == ("batch.zip/bomb.xlsx", 10 * 1024 * 1024 + 1)
    outcomes = [_import(db, payload, name) for name, payload in members]
    assert [(o.status, o.errors[0].code if o.errors else None) for o in outcomes] == [
        ("rejected", "file_too_large"), ("accepted", None)]
