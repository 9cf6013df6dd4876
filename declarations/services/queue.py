"""The review queue: the cases a user may see, riskiest first, filtered, counted and paged.

A constant number of queries per page, whatever its size: the page itself (joined to people,
agencies and assignees, with the overdue request as a correlated subquery), the counts, and one
IN query for the rule codes of the cases on the page.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import Agency, Case, ExplanationRequest, Flag, Person, User
from declarations.services import scoping


@dataclass
class QueueFilters:
    agency_id: int | None = None
    year: int | None = None
    declaration_type: str | None = None
    rule: str | None = None
    severity: str | None = None
    state: str | None = None          #: a CASE_STATES value, "open" (all but cleared) or "all"
    assignee: str | None = None       #: a user id, "me" or "none"

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class QueueRow:
    case_id: int
    person_id: int
    full_name: str
    identity: str | None
    agency: str | None
    declaration_type: str
    year: int
    state: str
    risk_score: int
    open_flags: int
    top_severity: str | None
    assignee: str | None
    due_on: date | None
    overdue: bool
    rules: list[str] = field(default_factory=list)


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    state_counts: dict[str, int]


def _conditions(session: Session, user: User, f: QueueFilters, *, with_state: bool = True) -> list:
    conds = [scoping.case_filter(session, user)]
    if f.agency_id:
        conds.append(Case.agency_id == f.agency_id)
    if f.year:
        conds.append(Case.year == f.year)
    if f.declaration_type:
        conds.append(Case.declaration_type == f.declaration_type)
    if f.severity:
        conds.append(Case.top_severity == f.severity)
    if f.assignee == "me":
        conds.append(Case.assignee_id == user.id)
    elif f.assignee == "none":
        conds.append(Case.assignee_id.is_(None))
    elif f.assignee and f.assignee.isdigit():
        conds.append(Case.assignee_id == int(f.assignee))
    if f.rule:
        conds.append(sa.exists().where(
            Flag.person_id == Case.person_id, Flag.rule_code == f.rule, Flag.status == "open",
            sa.or_(Flag.declaration_id == Case.declaration_id, Flag.roster_entry_id == Case.roster_entry_id)))
    if with_state:
        if f.state in (None, "", "open"):
            conds.append(Case.state != "cleared")
        elif f.state != "all":
            conds.append(Case.state == f.state)
    return conds


def queue_page(session: Session, user: User, filters: QueueFilters, *, page: int = 1, page_size: int = 50,
               today: date) -> QueuePage:
    """One page of the queue with its counts."""
    conds = _conditions(session, user, filters)
    pending = (sa.select(sa.func.min(ExplanationRequest.due_on))
               .where(ExplanationRequest.case_id == Case.id, ExplanationRequest.answered_at.is_(None))
               .correlate(Case).scalar_subquery())
    query = (sa.select(Case.id, Case.person_id, Person.full_name, Person.cccd, Person.cmnd, Agency.name,
                       Case.declaration_type, Case.year, Case.state, Case.risk_score, Case.open_flags,
                       Case.top_severity, User.username, pending, Case.declaration_id, Case.roster_entry_id)
             .join(Person, Person.id == Case.person_id)
             .outerjoin(Agency, Agency.id == Case.agency_id)
             .outerjoin(User, User.id == Case.assignee_id)
             .where(*conds)
             .order_by(Case.risk_score.desc(), Case.id)
             .limit(page_size).offset((page - 1) * page_size))
    rows, decl_ids, entry_ids = [], {}, {}
    for (cid, pid, name, cccd, cmnd, agency, dtype, year, state, risk, nflags, sev, assignee, due, did,
         rid) in session.execute(query):
        rows.append(QueueRow(cid, pid, name, cccd or cmnd, agency, dtype, year, state, risk, nflags, sev, assignee,
                             due, due is not None and due < today))
        if did is not None:
            decl_ids[did] = rows[-1]
        if rid is not None:
            entry_ids[rid] = rows[-1]
    if rows:
        rules: dict[int, set[str]] = defaultdict(set)
        parts = []
        if decl_ids:
            parts.append(Flag.declaration_id.in_(list(decl_ids)))
        if entry_ids:
            parts.append(Flag.roster_entry_id.in_(list(entry_ids)))
        if parts:
            for code, did, rid in session.execute(sa.select(Flag.rule_code, Flag.declaration_id, Flag.roster_entry_id)
                                                  .where(Flag.status == "open", sa.or_(*parts))):
                row = decl_ids.get(did) or entry_ids.get(rid)
                if row is not None:
                    rules[row.case_id].add(code)
        for row in rows:
            row.rules = sorted(rules.get(row.case_id, ()))
    state_counts = dict(session.execute(
        sa.select(Case.state, sa.func.count()).where(*_conditions(session, user, filters, with_state=False))
        .group_by(Case.state)).all())
    if filters.state in (None, "", "open"):
        total = sum(n for s, n in state_counts.items() if s != "cleared")
    elif filters.state == "all":
        total = sum(state_counts.values())
    else:
        total = state_counts.get(filters.state, 0)
    pages = max(1, -(-total // page_size))
    return QueuePage(rows, total, page, pages, state_counts)


def filter_choices(session: Session, user: User) -> dict:
    """The agencies, years and assignees the filters offer (within the user's scope)."""
    scope = scoping.agency_scope(user)
    agencies = sa.select(Agency.id, Agency.name).order_by(Agency.name)
    if scope is not None:
        agencies = agencies.where(Agency.id.in_(scope) if scope else sa.false())
    years = sa.select(Case.year).distinct().order_by(Case.year.desc())
    reviewers = (sa.select(User.id, User.username, User.full_name)
                 .where(User.role.in_(scoping.REVIEWER_ROLES), User.active.is_(True)).order_by(User.username))
    return {"agencies": session.execute(agencies).all(), "years": list(session.scalars(years)),
            "assignees": session.execute(reviewers).all()}
