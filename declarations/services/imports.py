"""Importing workbooks: each one a unit of work, all of it or nothing; batches report per workbook."""
from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.legal import LegalParams, NoRegime
from declarations.models import (Agency, AssetItem, AuditEntry, Declaration, IncomeRow, Person, Relative,
                                 RosterEntry, Upload, VariationRow)
from declarations.models._types import utcnow
from declarations.services import audit
from declarations.services.audit import Actor
from declarations.services.people import resolve_person
from declarations.services.users import get_or_create_agency
from etl.layout import GENERAL, item_identifier
from etl.records import CellError, DeclarationRecord, RosterRecord
from etl.text import label_key, name_key, nfc


@dataclass(frozen=True)
class Limits:
    """Refusal limits for uploaded files (config values)."""

    max_bytes: int = 10 * 1024 * 1024
    max_uncompressed: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_errors: int = 200

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(config["MAX_WORKBOOK_BYTES"], config["MAX_UNCOMPRESSED_BYTES"],
                   config["MAX_COMPRESSION_RATIO"], config["MAX_ERRORS_PER_WORKBOOK"])

    def reader_kwargs(self) -> dict:
        return {"max_errors": self.max_errors, "max_bytes": self.max_bytes,
                "max_uncompressed": self.max_uncompressed, "max_ratio": self.max_ratio}


@dataclass
class ImportOutcome:
    """What happened to one workbook."""

    filename: str
    status: str                      #: "accepted" | "rejected" | "duplicate"
    sha256: str
    upload_id: int | None = None
    declaration_id: int | None = None
    person_id: int | None = None
    version: int | None = None
    superseded_id: int | None = None
    rows: int = 0                    #: roster lines read
    errors: list[CellError] = field(default_factory=list)
    errors_truncated: int = 0


@dataclass
class BatchReport:
    batch_id: str
    outcomes: list[ImportOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def all_accepted(self) -> bool:
        return all(o.status in ("accepted", "duplicate") for o in self.outcomes)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored_path(folder: str | None, sha: str) -> str | None:
    """Where the original bytes live: content-addressed, so the path is known before they are written."""
    return str(Path(folder) / sha[:2] / f"{sha}.xlsx") if folder else None


def _write_bytes(path: str | None, data: bytes) -> None:
    if path is None or os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.part"
    with open(tmp, "wb") as stream:
        stream.write(data)
    os.replace(tmp, path)


def _store_bytes(folder: str | None, sha: str, data: bytes) -> str | None:
    """Keep the original file (a rolled-back import leaves at most a harmless, content-addressed copy)."""
    path = _stored_path(folder, sha)
    _write_bytes(path, data)
    return path


def _errors_json(errors: list[CellError]) -> list[dict]:
    from declarations.schemas import CellErrorSchema

    return CellErrorSchema(many=True).dump(errors)


def _reject(session: Session, *, kind: str, filename: str, sha: str, data: bytes, errors: list[CellError],
            truncated: int, actor: Actor, upload_folder: str | None, batch_id: str | None) -> ImportOutcome:
    upload = Upload(kind=kind, filename=filename, sha256=sha, size=len(data), status="rejected",
                    stored_path=_store_bytes(upload_folder, sha, data), errors=_errors_json(errors),
                    error_count=len(errors) + truncated, batch_id=batch_id,
                    uploaded_by_id=getattr(actor, "id", None))
    session.add(upload)
    session.flush()
    audit.record(session, actor=actor, action=f"{kind}.reject", object_type="upload", object_id=upload.id,
                 summary=f"{filename}: {len(errors) + truncated} errors")
    return ImportOutcome(filename, "rejected", sha, upload_id=upload.id, errors=errors, errors_truncated=truncated)


def _duplicate_of(session: Session, kind: str, sha: str) -> Upload | None:
    return session.scalar(sa.select(Upload).where(Upload.kind == kind, Upload.sha256 == sha,
                                                  Upload.status == "accepted").limit(1))


def import_declaration(session: Session, data: bytes, filename: str, *, actor: Actor, params: LegalParams,
                       limits: Limits = Limits(), upload_folder: str | None = None, batch_id: str | None = None,
                       scope_agency_ids: set[int] | None = None, scope_person_id: int | None = None,
                       recheck: bool = True, as_of: date | None = None) -> ImportOutcome:
    """Import one declaration workbook: all of it, or nothing but the upload record and its errors.

    The person is re-checked in the same transaction (`recheck`). `scope_*` limit whose declarations
    the actor may upload (a declarant: their own; an agency officer: their agencies').
    """
    from etl.declaration import read_declaration

    store = DeclarationStore(session, actor=actor, params=params, upload_folder=upload_folder, batch_id=batch_id,
                             scope_agency_ids=scope_agency_ids, scope_person_id=scope_person_id)
    outcome = store.store(filename, data, read_declaration(data, filename, **limits.reader_kwargs()))
    if recheck and outcome.status == "accepted":
        from declarations.services.checks import check_people

        check_people(session, [outcome.person_id], actor=actor, params=params, as_of=as_of)
    return outcome


# Statements built once and reused with bound values: building SQL expressions per workbook cost
# more than running them.
_P = sa.bindparam
_DUPLICATE = sa.select(Upload.id).where(Upload.kind == "declaration", Upload.sha256 == _P("sha"),
                                        Upload.status == "accepted").limit(1)
_PERSON_BY = {
    "cccd": sa.select(Person.id, Person.canonical_id, Person.agency_id).where(Person.cccd == _P("number")),
    "cmnd": sa.select(Person.id, Person.canonical_id, Person.agency_id).where(Person.cmnd == _P("number")),
}
_PERSON_AGENCY = sa.select(Person.agency_id).where(Person.id == _P("pid"))
_ROSTER_AGENCY = (sa.select(RosterEntry.agency_id).where(RosterEntry.person_id == _P("pid"))
                  .order_by(RosterEntry.year.desc()).limit(1))
_SET_PERSON_AGENCY = sa.update(Person).where(Person.id == _P("pid")).values(agency_id=_P("agency_id"))
_CURRENT = sa.select(Declaration.id, Declaration.version).where(
    Declaration.person_id == _P("pid"), Declaration.declaration_type == _P("dtype"), Declaration.year == _P("year"),
    Declaration.is_current.is_(True))
_RELEASE = sa.update(Declaration).where(Declaration.id == _P("did")).values(is_current=None)
_INSERT_UPLOAD = sa.insert(Upload).returning(Upload.id)
_INSERT_PERSON = sa.insert(Person).returning(Person.id)
_INSERT_DECLARATION = sa.insert(Declaration).returning(Declaration.id)
_UPLOAD_KEYS = ["kind", "filename", "sha256", "size", "status", "stored_path", "error_count", "batch_id",
                "uploaded_by_id", "uploaded_at"]
_PERSON_KEYS = ["cccd", "full_name", "name_key", "date_of_birth", "position", "agency_id", "created_at"]
_DECLARATION_KEYS = ["person_id", "agency_id", "declaration_type", "year", "completed_on", "received_at",
                     "regime_code", "version", "supersedes_id", "is_current", "upload_id", "full_name",
                     "date_of_birth", "id_number", "position", "agency_name", "residence", "no_change",
                     "has_income_sheet", "has_variation_sheet", "total_assets", "income_total"]
_ITEM_KEYS = ["declaration_id", "section", "owner", "name", "address", "area", "quantity", "certificate",
              "identifier", "year_acquired", "value", "value_unknown", "country", "other_info", "sheet", "row"]
_RELATIVE_KEYS = ["declaration_id", "relation", "full_name", "date_of_birth", "id_number", "occupation",
                  "workplace", "residence", "row"]
_INCOME_KEYS = ["declaration_id", "earner", "amount", "note", "row"]
_VARIATION_KEYS = ["declaration_id", "section", "quantity_change", "value_change", "explanation", "row"]
_AUDIT_KEYS = ["at", "actor_id", "actor_name", "action", "object_type", "object_id", "summary", "before", "after"]



class DeclarationStore:
    """Stores read declaration workbooks, one savepoint each, with the look-ups a batch shares cached.

    Writes go through Core statements (a province uploads thousands of workbooks at once); the rare
    cases that need the full logic (a CMND-era record to link, an unknown agency) take the ORM services.
    """

    def __init__(self, session: Session, *, actor: Actor, params: LegalParams, upload_folder: str | None = None,
                 batch_id: str | None = None, scope_agency_ids: set[int] | None = None,
                 scope_person_id: int | None = None, background_writes: bool = False) -> None:
        self.session, self.actor, self.params = session, actor, params
        self.upload_folder, self.batch_id = upload_folder, batch_id
        self.scope_agency_ids, self.scope_person_id = scope_agency_ids, scope_person_id
        self.actor_id = getattr(actor, "id", None)
        self.actor_name = audit.actor_name(actor)
        self.agencies: dict[str, int] = dict(session.execute(sa.select(Agency.name_key, Agency.id)).all())
        self.cmnd_candidates: set[tuple[str, date]] | None = None
        #: a batch writes the original files on a thread while the next workbook is stored
        self._writer = ThreadPoolExecutor(max_workers=2) if background_writes else None
        self._pending: list[Future] = []
        self._statements: dict = {}

    def forget(self) -> None:
        """Drop what was cached from a transaction that was rolled back (and end the read that reloads it)."""
        self.agencies = dict(self.session.execute(sa.select(Agency.name_key, Agency.id)).all())
        self.cmnd_candidates = None
        self.session.rollback()

    def close(self) -> None:
        """Wait for the original files still being written; raise if one could not be."""
        if self._writer is not None:
            for future in self._pending:
                future.result()
            self._pending.clear()
            self._writer.shutdown()
            self._writer = None

    def __enter__(self) -> "DeclarationStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _keep_original(self, sha: str, data: bytes) -> str | None:
        path = _stored_path(self.upload_folder, sha)
        if self._writer is None:
            _write_bytes(path, data)
        else:
            self._pending.append(self._writer.submit(_write_bytes, path, data))
        return path


    def _person(self, record: DeclarationRecord) -> tuple[int | None, int | None]:
        """(canonical person id, its agency id) for the identity on the form, or (None, None)."""
        conn = self.session.connection()
        row = self._first(conn, f"person_{record.identity.kind}", {"number": record.identity.number})
        if row is None:
            return None, None
        if row[1] is not None:
            return row[1], self._first(conn, "person_agency", {"pid": row[1]})[0]
        return row[0], row[2]

    def _first(self, conn, name: str, values: dict):
        cursor = self._prepared(name).execute(conn, values)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def _could_link(self, record: DeclarationRecord) -> bool:
        """A new CCCD person may be a CMND-era record of the same name and birth date."""
        if record.identity.kind == "cmnd":
            return True
        if record.date_of_birth is None:
            return False
        if self.cmnd_candidates is None:
            self.cmnd_candidates = set(self.session.execute(sa.select(Person.name_key, Person.date_of_birth).where(
                Person.cmnd.is_not(None), Person.cccd.is_(None), Person.canonical_id.is_(None))).all())
        return (name_key(record.full_name), record.date_of_birth) in self.cmnd_candidates

    def _agency_id(self, record: DeclarationRecord, person_id: int | None, *, create: bool = True) -> int | None:
        """The agency named on the form, else the one of the person's latest roster line, else a new one."""
        if record.agency:
            key = label_key(record.agency)
            if key in self.agencies:
                return self.agencies[key]
        if person_id is not None:
            agency_id = self.session.connection().execute(_ROSTER_AGENCY, {"pid": person_id}).scalar()
            if agency_id is not None:
                return agency_id
        if create and record.agency:
            agency = get_or_create_agency(self.session, record.agency)
            self.agencies[agency.name_key] = agency.id
            return agency.id
        return None

    def _scope_error(self, record: DeclarationRecord) -> CellError | None:
        """Whether the actor may upload this declaration: a declarant their own, an officer their agencies'."""
        person_id, _ = self._person(record)
        if self.scope_person_id is not None and person_id != self.scope_person_id:
            own = self.session.get(Person, self.scope_person_id)
            if not (own and record.identity.number in (own.cccd, own.cmnd)):
                return CellError("not_own_declaration", GENERAL.name, None, None, "Số CCCD", record.identity.number,
                                 "Bản kê khai này không phải của bạn", "This declaration is not yours")
        if self.scope_agency_ids is not None:
            agency_id = self._agency_id(record, person_id, create=False)
            if agency_id is None or agency_id not in self.scope_agency_ids:
                return CellError("agency_out_of_scope", GENERAL.name, None, None, "Cơ quan/đơn vị công tác",
                                 record.agency, "Cơ quan/đơn vị không thuộc phạm vi của bạn",
                                 "The agency is not one you may upload for")
        return None

    def store(self, filename: str, data: bytes, result, *, savepoint: bool = True) -> ImportOutcome:
        """Store one read workbook, or its rejection; flushes, never commits.

        Inside a larger transaction (a web batch) the workbook gets a savepoint of its own; a caller
        that gives each workbook its own transaction may pass `savepoint=False`.
        """
        session = self.session
        sha = _sha256(data)
        original = self._first(session.connection(), "duplicate", {"sha": sha})
        if original is not None:
            return ImportOutcome(filename, "duplicate", sha, upload_id=original[0])
        errors = list(result.errors)
        record: DeclarationRecord | None = result.records[0] if result.ok and result.records else None
        regime = None
        if record is not None:
            try:
                regime = self.params.regime_on(record.completed_on)
            except NoRegime:
                errors.append(CellError("no_regime", GENERAL.name, None, None, "Ngày hoàn thành kê khai",
                                        record.completed_on.strftime("%d/%m/%Y"),
                                        "Không có quy định pháp luật áp dụng cho ngày hoàn thành kê khai này",
                                        "No legal regime is in force on this completion date"))
        if record is not None and not errors:
            scope_error = self._scope_error(record)
            if scope_error is not None:
                errors.append(scope_error)
        if errors or record is None:
            return _reject(session, kind="declaration", filename=filename, sha=sha, data=data, errors=errors,
                           truncated=result.errors_truncated, actor=self.actor, upload_folder=self.upload_folder,
                           batch_id=self.batch_id)
        if not savepoint:
            return self._insert(filename, sha, data, record, regime.code)
        with session.begin_nested():
            return self._insert(filename, sha, data, record, regime.code)

    def _prepared(self, name: str):
        """The hot statements, compiled once per store for this connection's dialect."""
        if not self._statements:
            from declarations.db import Prepared

            dialect = self.session.get_bind().dialect
            self._statements = {
                "upload": Prepared(_INSERT_UPLOAD, dialect, _UPLOAD_KEYS),
                "person": Prepared(_INSERT_PERSON, dialect, _PERSON_KEYS),
                "declaration": Prepared(_INSERT_DECLARATION, dialect, _DECLARATION_KEYS),
                "item": Prepared(sa.insert(AssetItem), dialect, _ITEM_KEYS),
                "relative": Prepared(sa.insert(Relative), dialect, _RELATIVE_KEYS),
                "income": Prepared(sa.insert(IncomeRow), dialect, _INCOME_KEYS),
                "variation": Prepared(sa.insert(VariationRow), dialect, _VARIATION_KEYS),
                "audit": Prepared(sa.insert(AuditEntry), dialect, _AUDIT_KEYS),
                "current": Prepared(_CURRENT, dialect),
                "release": Prepared(_RELEASE, dialect),
                "set_agency": Prepared(_SET_PERSON_AGENCY, dialect),
                "duplicate": Prepared(_DUPLICATE, dialect),
                "person_cccd": Prepared(_PERSON_BY["cccd"], dialect),
                "person_cmnd": Prepared(_PERSON_BY["cmnd"], dialect),
                "person_agency": Prepared(_PERSON_AGENCY, dialect),
            }
        return self._statements[name]

    def _returning(self, conn, name: str, values: dict) -> int:
        return self._first(conn, name, values)[0]

    def _insert(self, filename: str, sha: str, data: bytes, record: DeclarationRecord,
                regime_code: str) -> ImportOutcome:
        session, now = self.session, utcnow()
        conn = session.connection()
        run = self._prepared
        upload_id = self._returning(conn, "upload", dict(
            kind="declaration", filename=filename, sha256=sha, size=len(data), status="accepted",
            stored_path=self._keep_original(sha, data), error_count=0, batch_id=self.batch_id,
            uploaded_by_id=self.actor_id, uploaded_at=now))
        person_id, person_agency = self._person(record)
        audits = []
        if person_id is None and self._could_link(record):
            person_id = resolve_person(session, record.identity, record.full_name, record.date_of_birth,
                                       actor=self.actor, source=f"upload:{filename}").id
            self.cmnd_candidates = None
        agency_id = self._agency_id(record, person_id)
        if person_id is None:
            person_id = self._returning(conn, "person", dict(
                cccd=record.identity.number, full_name=nfc(record.full_name), name_key=name_key(record.full_name),
                date_of_birth=record.date_of_birth, position=record.position, agency_id=agency_id,
                created_at=now))
            audits.append(self._audit(now, "person.create", "person", person_id,
                                      f"CCCD {record.identity.number}", {"source": f"upload:{filename}"}))
        elif person_agency is None and agency_id is not None:
            run("set_agency").execute(conn, {"pid": person_id, "agency_id": agency_id}).close()
        previous = self._first(conn, "current", {"pid": person_id, "dtype": record.declaration_type,
                                                 "year": record.year})
        if previous is not None:
            # one current version per person, type and year: release the old one first
            run("release").execute(conn, {"did": previous[0]}).close()
        previous_id = previous[0] if previous else None
        version = previous[1] + 1 if previous else 1
        total = sum(a.value or 0 for a in record.assets)
        declaration_id = self._returning(conn, "declaration", dict(
            person_id=person_id, agency_id=agency_id, declaration_type=record.declaration_type, year=record.year,
            completed_on=record.completed_on, received_at=now, regime_code=regime_code, version=version,
            supersedes_id=previous_id, is_current=True, upload_id=upload_id,
            full_name=record.full_name, date_of_birth=record.date_of_birth, id_number=record.identity.number,
            position=record.position, agency_name=record.agency, residence=record.residence,
            no_change=record.no_change, has_income_sheet=record.has_income_sheet,
            has_variation_sheet=record.has_variation_sheet, total_assets=total,
            income_total=sum(i.amount for i in record.incomes)))
        if record.assets:
            run("item").executemany(conn, [dict(
                declaration_id=declaration_id, section=a.section, owner=a.owner, name=a.name, address=a.address,
                area=a.area, quantity=a.quantity, certificate=a.certificate,
                identifier=item_identifier(a.section, a.certificate, a.address), year_acquired=a.year_acquired,
                value=a.value, value_unknown=a.value_unknown, country=a.country, other_info=a.other_info,
                sheet=a.sheet, row=a.row) for a in record.assets])
        if record.relatives:
            run("relative").executemany(conn, [dict(
                declaration_id=declaration_id, relation=r.relation, full_name=r.full_name,
                date_of_birth=r.date_of_birth, id_number=r.identity.number if r.identity else None,
                occupation=r.occupation, workplace=r.workplace, residence=r.residence, row=r.row)
                for r in record.relatives])
        if record.incomes:
            run("income").executemany(conn, [dict(declaration_id=declaration_id, earner=i.earner, amount=i.amount,
                                                  note=i.note, row=i.row) for i in record.incomes])
        if record.variations:
            run("variation").executemany(conn, [dict(
                declaration_id=declaration_id, section=v.section, quantity_change=v.quantity_change,
                value_change=v.value_change, explanation=v.explanation, row=v.row) for v in record.variations])
        audits.append(self._audit(
            now, "declaration.import", "declaration", declaration_id,
            f"{record.full_name} · {record.declaration_type} {record.year} · v{version}",
            {"upload_id": upload_id, "filename": filename, "sha256": sha, "version": version,
             "supersedes": previous_id, "total_assets": total}))
        run("audit").executemany(conn, audits)
        return ImportOutcome(filename, "accepted", sha, upload_id=upload_id, declaration_id=declaration_id,
                             person_id=person_id, version=version, superseded_id=previous_id)

    def _audit(self, now, action, object_type, object_id, summary, after) -> dict:
        return dict(at=now, actor_id=self.actor_id, actor_name=self.actor_name, action=action,
                    object_type=object_type, object_id=str(object_id), summary=summary, before=None, after=after)


def import_roster(session: Session, data: bytes, filename: str, *, actor: Actor, limits: Limits = Limits(),
                  upload_folder: str | None = None, batch_id: str | None = None,
                  scope_agency_ids: set[int] | None = None) -> ImportOutcome:
    """Import one roster workbook: create or update people, agencies and roster lines, or nothing."""
    from etl.roster import read_roster

    sha = _sha256(data)
    original = _duplicate_of(session, "roster", sha)
    if original is not None:
        return ImportOutcome(filename, "duplicate", sha, upload_id=original.id)
    result = read_roster(data, filename, **limits.reader_kwargs())
    errors = list(result.errors)
    if not errors and scope_agency_ids is not None:
        for rec in result.records:
            agency = session.scalar(sa.select(Agency).where(Agency.name_key == label_key(rec.agency)))
            if agency is None or agency.id not in scope_agency_ids:
                errors.append(CellError("agency_out_of_scope", None, rec.row, None, "Cơ quan/đơn vị", rec.agency,
                                        "Cơ quan/đơn vị không thuộc phạm vi của bạn",
                                        "The agency is not one you may upload for"))
                if len(errors) >= limits.max_errors:
                    break
    if errors:
        return _reject(session, kind="roster", filename=filename, sha=sha, data=data, errors=errors,
                       truncated=result.errors_truncated, actor=actor, upload_folder=upload_folder,
                       batch_id=batch_id)
    with session.begin_nested():
        upload = Upload(kind="roster", filename=filename, sha256=sha, size=len(data), status="accepted",
                        stored_path=_store_bytes(upload_folder, sha, data), error_count=0, batch_id=batch_id,
                        uploaded_by_id=getattr(actor, "id", None))
        session.add(upload)
        session.flush()
        counts = _store_roster(session, result.records, upload, actor=actor, filename=filename)
        audit.record(session, actor=actor, action="roster.import", object_type="upload", object_id=upload.id,
                     summary=f"{filename}: {len(result.records)} rows", after=counts)
    return ImportOutcome(filename, "accepted", sha, upload_id=upload.id, rows=len(result.records))


def _store_roster(session: Session, records: list[RosterRecord], upload: Upload, *, actor: Actor,
                  filename: str) -> dict:
    """Set-based: load the people, agencies and lines it touches once, insert the new ones in bulk."""
    agencies = {a.name_key: a.id for a in session.scalars(sa.select(Agency))}
    for rec in records:
        key = label_key(rec.agency)
        if key not in agencies:
            agencies[key] = get_or_create_agency(session, rec.agency).id
    cccds = {r.identity.number for r in records if r.identity.kind == "cccd"}
    cmnds = {r.identity.number for r in records if r.identity.kind == "cmnd"}
    by_identity: dict[tuple[str, str], Person] = {}
    for chunk in _chunks(sorted(cccds), 5000):
        for p in session.scalars(sa.select(Person).where(Person.cccd.in_(chunk))):
            by_identity[("cccd", p.cccd)] = p
    for chunk in _chunks(sorted(cmnds), 5000):
        for p in session.scalars(sa.select(Person).where(Person.cmnd.in_(chunk))):
            by_identity[("cmnd", p.cmnd)] = p
    created = updated = 0
    person_ids: dict[tuple[str, str], int] = {}
    new_people: dict[tuple[str, str], RosterRecord] = {}
    for rec in records:
        ident = (rec.identity.kind, rec.identity.number)
        person = by_identity.get(ident)
        if person is None:
            new_people.setdefault(ident, rec)
            continue
        target = session.get(Person, person.canonical_id) if person.canonical_id else person
        person_ids[ident] = target.id
        target.agency_id = agencies[label_key(rec.agency)]
        if rec.position:
            target.position = rec.position
        if target.date_of_birth is None and rec.date_of_birth:
            target.date_of_birth = rec.date_of_birth
    # New people whose identity could link to an existing record go one by one (rare); the rest in bulk.
    linkable = set(session.execute(sa.select(Person.name_key, Person.date_of_birth).where(
        Person.cmnd.is_not(None), Person.cccd.is_(None), Person.canonical_id.is_(None))).all())
    bulk: list[dict] = []
    for ident, rec in new_people.items():
        if ident[0] == "cmnd" or (name_key(rec.full_name), rec.date_of_birth) in linkable:
            person = resolve_person(session, rec.identity, rec.full_name, rec.date_of_birth, actor=actor,
                                    source=f"roster:{filename}")
            person.agency_id = agencies[label_key(rec.agency)]
            person.position = rec.position or person.position
            person_ids[ident] = person.id
            created += 1
        else:
            bulk.append(dict(cccd=rec.identity.number, full_name=rec.full_name,
                             name_key=name_key(rec.full_name), date_of_birth=rec.date_of_birth,
                             agency_id=agencies[label_key(rec.agency)], position=rec.position))
    if bulk:
        now = utcnow()
        for row in bulk:
            row["created_at"] = now
        ids = session.execute(sa.insert(Person).returning(Person.id, Person.cccd), bulk).all()
        for pid, cccd in ids:
            person_ids[("cccd", cccd)] = pid
        created += len(bulk)
    session.flush()
    existing = {}
    pids = sorted(set(person_ids.values()))
    for chunk in _chunks(pids, 5000):
        for entry in session.scalars(sa.select(RosterEntry).where(RosterEntry.person_id.in_(chunk))):
            existing[(entry.person_id, entry.declaration_type, entry.year)] = entry
    inserts: dict[tuple, dict] = {}
    for rec in records:
        pid = person_ids[(rec.identity.kind, rec.identity.number)]
        key = (pid, rec.declaration_type, rec.year)
        values = dict(agency_id=agencies[label_key(rec.agency)], position=rec.position, event_date=rec.event_date,
                      note=rec.note, upload_id=upload.id)
        entry = existing.get(key)
        if entry is not None:
            for name, value in values.items():
                setattr(entry, name, value)
            updated += 1
        else:
            inserts[key] = dict(person_id=pid, declaration_type=rec.declaration_type, year=rec.year, **values)
    if inserts:
        now = utcnow()
        session.execute(sa.insert(RosterEntry), [dict(v, created_at=now) for v in inserts.values()])
    session.flush()
    return {"people_created": created, "entries_created": len(inserts), "entries_updated": updated,
            "rows": len(records)}


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- batches --------------------------------------------------------------------------------------

def expand_paths(paths: Iterable[str | Path]) -> list[tuple[str, bytes]]:
    """Files, folders (recursively, .xlsx/.xlsm/.xls) and .zip archives, as (name, bytes) sorted by name."""
    found: list[tuple[str, bytes]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".zip"):
                    found.extend(expand_paths([child]))
        elif path.suffix.lower() == ".zip":
            found.extend(expand_zip(path.read_bytes(), path.name))
        else:
            found.append((str(path), path.read_bytes()))
    return found


def expand_zip(data: bytes, name: str, *, max_members: int = 5000, max_total: int = 500 * 1024 * 1024,
               max_member_bytes: int = 10 * 1024 * 1024) -> list[tuple[str, bytes]]:
    """The workbooks inside an uploaded .zip, for the importer to accept or refuse one by one.

    A member is never inflated past `max_member_bytes` + 1 bytes: a larger one reaches the importer
    truncated and is refused there as too large; a damaged one is passed on as far as it reads and
    refused as not a workbook. An archive over the member or size limits goes to the importer whole,
    whose safety check refuses it.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")
                   and Path(m.filename).suffix.lower() in (".xlsx", ".xlsm", ".xls")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError):
        return [(name, data)]
    if len(members) > max_members or sum(m.file_size for m in members) > max_total:
        return [(name, data)]  # let the safety check refuse it as a whole
    found = []
    for member in sorted(members, key=lambda m: m.filename):
        try:
            with archive.open(member) as stream:
                payload = stream.read(max_member_bytes + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, NotImplementedError, OSError, EOFError):
            payload = b""  # encrypted or damaged member: refused by the importer as unreadable
        found.append((f"{name}/{member.filename}", payload))
    return found


def new_batch_id() -> str:
    return str(uuid.uuid4())
