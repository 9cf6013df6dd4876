"""Running the checks over stored data and keeping the stored flags in step, idempotently."""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.legal import LegalParams, today
from declarations.models import (AssetItem, Declaration, Flag, Person, RosterEntry,
                                 VariationRow)
from declarations.models._types import utcnow
from declarations.rules.facts import DeclarationFact, ItemFact, PersonFacts, RosterFact, VariationFact
from declarations.rules.runner import select_rules, run_checks
from declarations.services import audit
from declarations.services.audit import Actor

CHUNK = 2000   #: people per round trip in a full run: bounded memory, few queries


@dataclass
class CheckSummary:
    as_of: date
    people: int = 0
    opened: int = 0
    updated: int = 0
    reopened: int = 0
    closed: int = 0
    unchanged: int = 0
    rule_errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "people": self.people, "opened": self.opened,
                "updated": self.updated, "reopened": self.reopened, "closed": self.closed,
                "unchanged": self.unchanged, "rule_errors": len(self.rule_errors)}


# --- facts from the database ------------------------------------------------------------------------

def load_facts(session: Session, person_ids: Sequence[int]) -> list[PersonFacts]:
    """The rules' plain input for these people: current declarations with items and variations, roster.

    Read with Core statements on the session's connection (no ORM row handling: a province is
    millions of item rows); a long sorted list of ids is read as one id range and filtered here.
    """
    if not person_ids:
        return []
    ids = list(person_ids)
    wanted = set(ids)
    if len(ids) > 50:
        lo, hi = min(ids), max(ids)
        who = lambda column: column.between(lo, hi)  # noqa: E731
    else:
        who = lambda column: column.in_(ids)  # noqa: E731
    conn = session.connection()
    rows = lambda stmt: _raw_rows(conn, stmt)  # noqa: E731
    current = sa.and_(who(Declaration.person_id), Declaration.is_current.is_(True))
    decl_rows = rows(
        sa.select(Declaration.id, Declaration.person_id, Declaration.declaration_type, Declaration.year,
                  Declaration.completed_on, Declaration.income_total, Declaration.no_change,
                  Declaration.has_income_sheet, Declaration.has_variation_sheet).where(current))
    items: dict[int, list[ItemFact]] = defaultdict(list)
    variations: dict[int, list[VariationFact]] = defaultdict(list)
    decl_ids = [r[0] for r in decl_rows]

    def _of_declarations(column):
        # a few people: the declaration ids themselves (a plan that needs no statistics);
        # a range of people: a join, which the planner turns into one index range scan
        if len(ids) <= 50:
            return column.in_(decl_ids)
        return column.in_(sa.select(Declaration.id).where(current))

    if decl_rows:
        for r in rows(
                sa.select(AssetItem.declaration_id, AssetItem.id, AssetItem.section, AssetItem.name,
                          AssetItem.identifier, AssetItem.value, AssetItem.value_unknown, AssetItem.other_info,
                          AssetItem.country, AssetItem.year_acquired, AssetItem.sheet, AssetItem.row,
                          AssetItem.certificate, AssetItem.address, AssetItem.owner)
                .where(_of_declarations(AssetItem.declaration_id)).order_by(AssetItem.id)):
            items[r[0]].append(ItemFact(r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], r[9], r[10],
                                        r[11], r[12], r[13], r[14]))
        for r in rows(
                sa.select(VariationRow.declaration_id, VariationRow.section, VariationRow.quantity_change,
                          VariationRow.value_change, VariationRow.explanation, VariationRow.row)
                .where(_of_declarations(VariationRow.declaration_id)).order_by(VariationRow.id)):
            quantity = None if r[2] is None else Decimal(str(r[2]))
            variations[r[0]].append(VariationFact(r[1], quantity, r[3], r[4], r[5]))
    declarations: dict[int, list[DeclarationFact]] = defaultdict(list)
    for (did, pid, dtype, year, completed, income, no_change, has_income, has_var) in decl_rows:
        if pid in wanted:
            declarations[pid].append(DeclarationFact(did, pid, dtype, year, _date(completed),
                                                     tuple(items.get(did, ())),
                                                     int(income or 0), tuple(variations.get(did, ())),
                                                     bool(no_change), bool(has_income), bool(has_var)))
    roster: dict[int, list[RosterFact]] = defaultdict(list)
    for r in rows(
            sa.select(RosterEntry.id, RosterEntry.person_id, RosterEntry.declaration_type, RosterEntry.year,
                      RosterEntry.event_date).where(who(RosterEntry.person_id))):
        if r[1] in wanted:
            roster[r[1]].append(RosterFact(r[0], r[1], r[2], r[3], _date(r[4])))
    return [PersonFacts(pid, tuple(declarations.get(pid, ())), tuple(roster.get(pid, ()))) for pid in ids]


def _raw_rows(conn: sa.Connection, stmt) -> list[tuple]:
    """Run a read-only select straight on the DB-API cursor: plain tuples, no per-row processing.

    Only integer ids and booleans are bound, rendered as literals by the dialect itself.
    """
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _date(value) -> date | None:
    """SQLite hands dates back as ISO text on a raw cursor; PostgreSQL as dates."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _canonical_ids(session: Session, person_ids: Iterable[int]) -> list[int]:
    ids = set(person_ids)
    if not ids:
        return []
    linked = session.execute(sa.select(Person.id, Person.canonical_id).where(
        Person.id.in_(ids), Person.canonical_id.is_not(None))).all()
    for pid, canon in linked:
        ids.discard(pid)
        ids.add(canon)
    return sorted(ids)


# --- storing the results ----------------------------------------------------------------------------

def subject_key(result) -> str:
    if result.roster_entry_id is not None:
        key = f"r:{result.roster_entry_id}"
    else:
        key = f"d:{result.declaration_id}"
    if result.code == "SUPPLEMENTARY_MISSING":
        key += f"+y{result.year}"
    return key


def fingerprint(evidence: dict) -> str:
    return hashlib.sha256(json.dumps(evidence, sort_keys=True, default=str).encode()).hexdigest()


def _reconcile(session: Session, person_ids: list[int], report, codes: set[str], *, actor: Actor,
               summary: CheckSummary, now: datetime) -> None:
    """Make the stored flags of these people equal to the run's results, auditing every change."""
    failed = {(e.code, e.person_id) for e in report.rule_errors}
    existing: dict[tuple[str, str], Flag] = {}
    for chunk in _chunks(person_ids, 5000):
        for flag in session.scalars(sa.select(Flag).where(Flag.person_id.in_(chunk), Flag.rule_code.in_(codes))):
            existing[(flag.rule_code, flag.subject_key)] = flag
    seen: set[tuple[str, str]] = set()
    inserts: list[dict] = []
    audits: list[dict] = []
    actor_id = getattr(actor, "id", None)
    name = audit.actor_name(actor)
    for result in report.flags:
        key = (result.code, subject_key(result))
        if key in seen:
            continue
        seen.add(key)
        fp = fingerprint(result.evidence)
        flag = existing.get(key)
        if flag is None:
            inserts.append(dict(rule_code=result.code, rule_version=result.rule_version, severity=result.severity,
                                weight=result.weight, person_id=result.person_id,
                                declaration_id=result.declaration_id, roster_entry_id=result.roster_entry_id,
                                year=result.year, subject_key=key[1], evidence=result.evidence, fingerprint=fp,
                                message_vi=result.message_vi, message_en=result.message_en, status="open",
                                created_at=now, updated_at=now))
            continue
        changed = flag.fingerprint != fp
        if flag.status == "open":
            if changed or flag.weight != result.weight or flag.rule_version != result.rule_version:
                _refresh(flag, result, fp, now)
                summary.updated += 1
            else:
                summary.unchanged += 1
        elif flag.status == "closed" or (flag.status == "dismissed" and changed):
            before = flag.status
            _refresh(flag, result, fp, now)
            flag.status, flag.closed_at, flag.close_reason = "open", None, None
            summary.reopened += 1
            audits.append(_audit_row(now, actor_id, name, "flag.reopen", flag.id,
                                     "the condition holds again" if before == "closed"
                                     else "the data changed since the reviewer's decision",
                                     {"status": before}, {"status": "open", "fingerprint": fp}))
        else:
            summary.unchanged += 1  # a reviewer's decision on unchanged data stands
    for key, flag in existing.items():
        if key in seen or flag.status != "open" or (flag.rule_code, flag.person_id) in failed:
            continue
        flag.status, flag.closed_at, flag.updated_at = "closed", now, now
        flag.close_reason = "condition no longer holds"
        summary.closed += 1
        audits.append(_audit_row(now, actor_id, name, "flag.close", flag.id,
                                 "condition no longer holds (data corrected or completed)",
                                 {"status": "open"}, {"status": "closed", "rule": flag.rule_code,
                                                      "subject": flag.subject_key}))
    session.flush()
    if inserts:
        created = session.execute(sa.insert(Flag).returning(Flag.id, Flag.rule_code, Flag.subject_key),
                                  inserts).all()
        summary.opened += len(created)
        audits.extend(_audit_row(now, actor_id, name, "flag.open", fid, f"{code} {subject}", None,
                                 {"rule": code, "subject": subject}) for fid, code, subject in created)
    if audits:
        audit.record_many(session, audits)


def _refresh(flag: Flag, result, fp: str, now: datetime) -> None:
    flag.rule_version, flag.severity, flag.weight = result.rule_version, result.severity, result.weight
    flag.evidence, flag.fingerprint = result.evidence, fp
    flag.message_vi, flag.message_en, flag.updated_at = result.message_vi, result.message_en, now


def _audit_row(now, actor_id, actor_name, action, flag_id, summary, before, after) -> dict:
    return dict(at=now, actor_id=actor_id, actor_name=actor_name, action=action, object_type="flag",
                object_id=str(flag_id), summary=summary, before=before, after=after)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- the use cases ----------------------------------------------------------------------------------

def check_people(session: Session, person_ids: Iterable[int], *, actor: Actor, params: LegalParams | None = None,
                 as_of: date | None = None, codes: Collection[str] | None = None) -> CheckSummary:
    """Re-check some people (after an import or a correction) inside the caller's transaction."""
    from declarations.services.legal import load_params

    params = params or load_params(session)
    as_of = as_of or today()
    ids = _canonical_ids(session, person_ids)
    summary = CheckSummary(as_of=as_of)
    _check_chunk(session, ids, params=params, as_of=as_of, codes=codes, actor=actor, summary=summary)
    return summary


def check_all(session: Session, *, actor: Actor, params: LegalParams | None = None, as_of: date | None = None,
              codes: Collection[str] | None = None, chunk: int = CHUNK) -> CheckSummary:
    """Re-check every person (the nightly run, the completeness check, `declarations check`)."""
    from declarations.services.legal import load_params

    params = params or load_params(session)
    as_of = as_of or today()
    summary = CheckSummary(as_of=as_of)
    ids = list(session.scalars(sa.select(Person.id).where(Person.canonical_id.is_(None)).order_by(Person.id)))
    for part in _chunks(ids, chunk):
        _check_chunk(session, list(part), params=params, as_of=as_of, codes=codes, actor=actor, summary=summary)
    audit.record(session, actor=actor, action="check.run", object_type="check", object_id=as_of.isoformat(),
                 summary=f"{summary.people} people", after=summary.as_dict())
    return summary


def _check_chunk(session: Session, ids: list[int], *, params, as_of, codes, actor, summary) -> None:
    facts = load_facts(session, ids)
    report = run_checks(facts, params, as_of, codes)
    summary.people += report.people
    summary.rule_errors.extend({"code": e.code, "person_id": e.person_id, "error": e.error}
                               for e in report.rule_errors)
    rule_codes = {r.code for r in select_rules(codes)}
    _reconcile(session, ids, report, rule_codes, actor=actor, summary=summary, now=utcnow())
    sync_cases(session, ids)


# --- risk ---------------------------------------------------------------------------------------------

def person_risk(session: Session, person_ids: Collection[int]) -> dict[int, int]:
    """Risk score per person: the sum of the weights of all their open flags (MISSING included)."""
    if not person_ids:
        return {}
    rows = session.execute(sa.select(Flag.person_id, sa.func.sum(Flag.weight))
                           .where(Flag.person_id.in_(list(person_ids)), Flag.status == "open")
                           .group_by(Flag.person_id)).all()
    return {pid: int(total) for pid, total in rows}


# --- review cases -------------------------------------------------------------------------------------

def sync_cases(session: Session, person_ids: Sequence[int]) -> None:
    """Keep one review case per (person, type, year) that has flags, with its risk score up to date.

    A case is opened the first time a flag concerns that declaration (or the missing one); its risk
    score is the sum of the weights of the open flags, which orders the inspectors' queue.
    """
    from declarations.models import Case

    if not person_ids:
        return
    ids = list(person_ids)
    severity_rank = {"high": 3, "medium": 2, "low": 1}
    totals: dict[tuple, list] = {}
    rows = session.execute(
        sa.select(Flag.person_id, Flag.status, Flag.weight, Flag.severity,
                  sa.func.coalesce(Declaration.declaration_type, RosterEntry.declaration_type),
                  sa.func.coalesce(Declaration.year, RosterEntry.year),
                  sa.func.coalesce(Declaration.agency_id, RosterEntry.agency_id), RosterEntry.id)
        .outerjoin(Declaration, Declaration.id == Flag.declaration_id)
        .outerjoin(RosterEntry, RosterEntry.id == Flag.roster_entry_id)
        .where(Flag.person_id.in_(ids))).all()
    for pid, status, weight, severity, dtype, year, agency_id, entry_id in rows:
        if dtype is None:
            continue
        slot = totals.setdefault((pid, dtype, year), [0, 0, None, agency_id, entry_id])
        if status == "open":
            slot[0] += weight
            slot[1] += 1
            if slot[2] is None or severity_rank[severity] > severity_rank[slot[2]]:
                slot[2] = severity
        slot[3] = slot[3] or agency_id
        slot[4] = slot[4] or entry_id
    current = {(d.person_id, d.declaration_type, d.year): d for d in session.execute(
        sa.select(Declaration.id, Declaration.person_id, Declaration.declaration_type, Declaration.year,
                  Declaration.agency_id).where(Declaration.person_id.in_(ids), Declaration.is_current.is_(True)))}
    cases = {(c.person_id, c.declaration_type, c.year): c
             for c in session.scalars(sa.select(Case).where(Case.person_id.in_(ids)))}
    now = utcnow()
    inserts = []
    for key in set(totals) | set(cases):
        risk, count, severity, agency_id, entry_id = totals.get(key, [0, 0, None, None, None])
        decl = current.get(key)
        case = cases.get(key)
        if case is None:
            if count == 0:
                continue
            inserts.append(dict(person_id=key[0], declaration_type=key[1], year=key[2],
                                declaration_id=decl.id if decl else None, roster_entry_id=entry_id,
                                agency_id=(decl.agency_id if decl else None) or agency_id, state="new",
                                risk_score=risk, open_flags=count, top_severity=severity,
                                created_at=now, updated_at=now))
            continue
        new = (risk, count, severity, decl.id if decl else case.declaration_id)
        if (case.risk_score, case.open_flags, case.top_severity, case.declaration_id) != new:
            case.risk_score, case.open_flags, case.top_severity, case.declaration_id = new
            case.updated_at = now
        if case.agency_id is None:
            case.agency_id = (decl.agency_id if decl else None) or agency_id
    if inserts:
        session.execute(sa.insert(Case), inserts)
    session.flush()
