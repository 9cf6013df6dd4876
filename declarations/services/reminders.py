"""Written reminders (đôn đốc) before the year-end deadline, and the Decree 130 Art. 20.2 escalation mark.

Decree 130/2020 Art. 20.2 makes "not submitting a declaration after two written reminders" a
disciplinary ground, so each reminder is a recorded fact per roster entry (one of each number, by a
unique constraint) and, after the deadline, a person who had both and still has not declared gets
`Flag.escalation_marked_at` set on their MISSING flag.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.legal import LegalParams
from declarations.models import Agency, Declaration, Flag, Person, Reminder, RosterEntry, User, user_agencies
from declarations.models._types import utcnow
from declarations.services import audit
from declarations.services.audit import Actor
from declarations.services.notifications import notify

#: Reminders chase the year-end deadline (Law Art. 36.2-3): annual and supplementary declarations.
#: First-time and personnel-work declarations are due from an event date, not from 31/12.
YEAR_END_TYPES = ("annual", "supplementary")
TYPE_NAMES_VI = {"first": "lần đầu", "annual": "hằng năm", "supplementary": "bổ sung",
                 "personnel": "phục vụ công tác cán bộ"}


@dataclass(frozen=True)
class PendingEntry:
    roster_entry_id: int
    person_id: int
    agency_id: int
    declaration_type: str
    year: int
    due: date
    full_name: str
    agency_name: str


def _declared():
    """SQL condition: the roster entry's declaration (same person, type and year) is in."""
    return sa.exists().where(Declaration.person_id == RosterEntry.person_id,
                             Declaration.declaration_type == RosterEntry.declaration_type,
                             Declaration.year == RosterEntry.year, Declaration.is_current.is_(True))


def pending_entries(session: Session, year: int, *, as_of: date, params: LegalParams) -> list[PendingEntry]:
    """Roster entries of `year` owed by the year-end deadline, not yet declared, not yet overdue on `as_of`."""
    due = params.year_end_deadline(year)
    if due < as_of:
        return []  # a reminder after the deadline is no reminder; the completeness check takes over
    rows = session.execute(
        sa.select(RosterEntry.id, RosterEntry.person_id, RosterEntry.agency_id, RosterEntry.declaration_type,
                  RosterEntry.year, Person.full_name, Agency.name)
        .join(Person, Person.id == RosterEntry.person_id).join(Agency, Agency.id == RosterEntry.agency_id)
        .where(RosterEntry.year == year, RosterEntry.declaration_type.in_(YEAR_END_TYPES), ~_declared())
        .order_by(RosterEntry.agency_id, RosterEntry.id)).all()
    return [PendingEntry(rid, pid, aid, dtype, y, due, name, agency) for rid, pid, aid, dtype, y, name, agency in rows]


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> set[int]:
    """Insert reminder rows; a row whose (roster entry, number) exists is skipped. Returns the new entries."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    stmt = insert(Reminder).on_conflict_do_nothing(index_elements=["roster_entry_id", "number"])
    created: set[int] = set()
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        created |= set(session.scalars(stmt.returning(Reminder.roster_entry_id), part))
    return created


def reminder_text(number: int, entry: PendingEntry) -> tuple[str, str]:
    """Subject and body of written reminder `number` (Vietnamese, as sent)."""
    kind = TYPE_NAMES_VI.get(entry.declaration_type, entry.declaration_type)
    subject = f"Đôn đốc kê khai tài sản, thu nhập lần {number} – năm {entry.year}"
    body = (f"Kính gửi ông/bà {entry.full_name} ({entry.agency_name}),\n\n"
            f"Theo danh sách người có nghĩa vụ kê khai tài sản, thu nhập năm {entry.year}, Thanh tra tỉnh "
            f"chưa nhận được bản kê khai {kind} của ông/bà. Đề nghị ông/bà hoàn thành việc kê khai và nộp "
            f"bản kê khai chậm nhất ngày {entry.due:%d/%m/%Y}.\n\n"
            f"Đây là văn bản đôn đốc lần {number}. Theo khoản 2 Điều 20 Nghị định 130/2020/NĐ-CP, "
            f"không nộp bản kê khai sau 02 lần được đôn đốc bằng văn bản là căn cứ xem xét xử lý kỷ luật.")
    return subject, body


def send_reminders(session: Session, *, number: int, year: int, as_of: date, actor: Actor, params: LegalParams,
                   mail: dict | None = None, job_run_id: int | None = None) -> dict:
    """Record written reminder `number` for every roster entry of `year` still without a declaration.

    Each (roster entry, number) is recorded once, whatever the number of runs; only a newly recorded
    reminder notifies the declarant (in-app, and by e-mail after the commit when configured) and the
    officers of the agency (one summary each).
    """
    if number not in (1, 2):
        raise ValueError("Decree 130 Art. 20.2 counts two written reminders: number is 1 or 2")
    entries = pending_entries(session, year, as_of=as_of, params=params)
    now = utcnow()
    created = _insert_ignoring_duplicates(session, [
        dict(roster_entry_id=e.roster_entry_id, person_id=e.person_id, year=e.year, number=number, sent_at=now,
             job_run_id=job_run_id) for e in entries])
    new = [e for e in entries if e.roster_entry_id in created]
    per_agency: dict[int, list[PendingEntry]] = defaultdict(list)
    for entry in new:
        subject, body = reminder_text(number, entry)
        notify(session, kind="reminder", subject=subject, body=body, person_id=entry.person_id, mail=mail,
               link="/")
        per_agency[entry.agency_id].append(entry)
    for agency_id, items in per_agency.items():
        officers = session.scalars(sa.select(User.id).join(user_agencies, user_agencies.c.user_id == User.id)
                                   .where(user_agencies.c.agency_id == agency_id, User.role == "agency_officer",
                                          User.active.is_(True))).all()
        if officers:
            names = "\n".join(f"- {e.full_name}" for e in items)
            notify(session, kind="reminder_summary", user_ids=officers, mail=mail,
                   subject=f"Đôn đốc lần {number} năm {year}: {len(items)} người của {items[0].agency_name} "
                           f"chưa kê khai",
                   body=f"Đã gửi văn bản đôn đốc lần {number} tới những người sau (hạn "
                        f"{items[0].due:%d/%m/%Y}):\n{names}")
    if new:
        name = audit.actor_name(actor)
        audit.record_many(session, [dict(
            at=now, actor_id=getattr(actor, "id", None), actor_name=name, action="reminder.send",
            object_type="roster_entry", object_id=str(e.roster_entry_id),
            summary=f"đôn đốc lần {number} năm {e.year}: {e.full_name}", before=None,
            after={"number": number, "year": e.year, "person_id": e.person_id, "due": e.due.isoformat()})
            for e in new])
    session.flush()
    return {"number": number, "year": year, "pending": len(entries), "recorded": len(new),
            "already_recorded": len(entries) - len(new)}


def mark_escalations(session: Session, *, actor: Actor, as_of: date | None = None,
                     mail: dict | None = None) -> dict:
    """Mark open MISSING flags whose roster entry had both written reminders (Decree 130 Art. 20.2).

    The MISSING flag exists only once the due date has passed as of the check date, so a mark is
    never set before the deadline. Already marked flags are left as they are.
    """
    both = (sa.select(Reminder.roster_entry_id).group_by(Reminder.roster_entry_id)
            .having(sa.func.count(sa.distinct(Reminder.number)) >= 2))
    flags = session.scalars(sa.select(Flag).where(
        Flag.rule_code == "MISSING", Flag.status == "open", Flag.escalation_marked_at.is_(None),
        Flag.roster_entry_id.in_(both)).order_by(Flag.id)).all()
    now = utcnow()
    for flag in flags:
        flag.escalation_marked_at = now
        audit.record(session, actor=actor, action="flag.escalation_mark", object_type="flag", object_id=flag.id,
                     summary=f"không nộp bản kê khai năm {flag.year} sau 02 lần đôn đốc (NĐ 130/2020, Điều 20.2)",
                     before={"escalation_marked_at": None},
                     after={"escalation_marked_at": now.isoformat(), "roster_entry_id": flag.roster_entry_id,
                            "as_of": as_of.isoformat() if as_of else None})
    if flags:
        chiefs = session.scalars(sa.select(User.id).where(User.role == "chief_inspector",
                                                          User.active.is_(True))).all()
        if chiefs:
            notify(session, kind="escalation_mark", user_ids=chiefs, mail=mail, link="/reports",
                   subject=f"{len(flags)} người không nộp bản kê khai sau 02 lần đôn đốc",
                   body="Các cảnh báo MISSING sau đã được đánh dấu xem xét xử lý theo khoản 2 Điều 20 "
                        "Nghị định 130/2020/NĐ-CP:\n"
                        + "\n".join(f"- {f.person.full_name if f.person else f.person_id} (năm {f.year})"
                                    for f in flags[:200]))
    session.flush()
    return {"escalations_marked": len(flags)}


def reminder_history(session: Session, roster_entry_ids: list[int]) -> dict[int, dict[int, datetime]]:
    """{roster entry id: {reminder number: sent at}} for these entries."""
    history: dict[int, dict[int, datetime]] = defaultdict(dict)
    for start in range(0, len(roster_entry_ids), 5000):
        part = roster_entry_ids[start:start + 5000]
        for rid, number, sent in session.execute(sa.select(Reminder.roster_entry_id, Reminder.number,
                                                           Reminder.sent_at).where(Reminder.roster_entry_id.in_(part))):
            history[rid][number] = sent
    return history
