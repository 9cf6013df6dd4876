"""Who owed a declaration for a year and who delivered it: on time, late, missing or not yet due.

Obligations come from the roster (roster_entries); deliveries are the current declarations of the
same person, type and year; the due date is LegalParams.due_date (Law Art. 36), the one place that
knows deadlines.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from declarations.legal import LegalParams
from declarations.models import Agency, Declaration, Person, RosterEntry

STATUSES = ("on_time", "late", "missing", "pending")


@dataclass
class Obligation:
    roster_entry_id: int
    person_id: int
    full_name: str
    identity: str | None
    position: str | None
    agency_id: int
    agency: str
    declaration_type: str
    year: int
    due_on: date | None
    completed_on: date | None
    declaration_id: int | None
    status: str


@dataclass
class AgencyCompleteness:
    agency_id: int
    agency: str
    counts: Counter = field(default_factory=Counter)

    @property
    def obliged(self) -> int:
        return sum(self.counts.values())

    @property
    def declared(self) -> int:
        return self.counts["on_time"] + self.counts["late"]

    @property
    def rate(self) -> float:
        return self.declared / self.obliged if self.obliged else 0.0


def obligations(session: Session, year: int, *, params: LegalParams, as_of: date,
                agency_ids: set[int] | None = None) -> list[Obligation]:
    """Each roster line of `year` with its due date and what came in (one query)."""
    decl = aliased(Declaration)
    query = (sa.select(RosterEntry.id, RosterEntry.person_id, Person.full_name, Person.cccd, Person.cmnd,
                       RosterEntry.position, RosterEntry.agency_id, Agency.name, RosterEntry.declaration_type,
                       RosterEntry.year, RosterEntry.event_date, decl.completed_on, decl.id)
             .join(Person, Person.id == RosterEntry.person_id)
             .join(Agency, Agency.id == RosterEntry.agency_id)
             .outerjoin(decl, sa.and_(decl.person_id == RosterEntry.person_id,
                                      decl.declaration_type == RosterEntry.declaration_type,
                                      decl.year == RosterEntry.year, decl.is_current.is_(True)))
             .where(RosterEntry.year == year)
             .order_by(Agency.name, Person.full_name, RosterEntry.id))
    if agency_ids is not None:
        query = query.where(RosterEntry.agency_id.in_(agency_ids) if agency_ids else sa.false())
    rows = []
    for (rid, pid, name, cccd, cmnd, position, aid, agency, dtype, ryear, event, completed, did) in session.execute(query):
        try:
            due = params.due_date(dtype, ryear, event)
        except ValueError:
            due = None  # a first-time line without its event date: no deadline to measure against
        if completed is not None:
            status = "late" if due is not None and params.is_late(completed, due) else "on_time"
        elif due is not None and params.is_late(as_of, due):
            status = "missing"
        else:
            status = "pending"
        rows.append(Obligation(rid, pid, name, cccd or cmnd, position, aid, agency, dtype, ryear, due, completed,
                               did, status))
    return rows


def per_agency(rows: list[Obligation]) -> list[AgencyCompleteness]:
    """The obligations counted per agency and status, agencies by name."""
    by_agency: dict[int, AgencyCompleteness] = {}
    for row in rows:
        slot = by_agency.setdefault(row.agency_id, AgencyCompleteness(row.agency_id, row.agency))
        slot.counts[row.status] += 1
    return sorted(by_agency.values(), key=lambda a: a.agency)


def totals(rows: list[Obligation]) -> Counter:
    return Counter(row.status for row in rows)


def roster_years(session: Session, agency_ids: set[int] | None = None) -> list[int]:
    query = sa.select(RosterEntry.year).distinct().order_by(RosterEntry.year.desc())
    if agency_ids is not None:
        query = query.where(RosterEntry.agency_id.in_(agency_ids) if agency_ids else sa.false())
    return list(session.scalars(query))


def completeness_xlsx(rows: list[Obligation], *, title: str) -> bytes:
    """The list as a workbook: Vietnamese headers, dates dd/mm/yyyy."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from declarations.services.exports import TYPE_NAMES

    names = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa kê khai", "pending": "Chưa đến hạn"}
    wb = Workbook()
    ws = wb.active
    ws.title = "Tình hình kê khai"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    headers = ["STT", "Họ và tên", "Số CCCD/CMND", "Chức vụ/chức danh", "Cơ quan/đơn vị", "Loại kê khai", "Năm",
               "Hạn kê khai", "Ngày hoàn thành kê khai", "Tình trạng"]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, 1):
        ws.append([i, row.full_name, row.identity, row.position, row.agency, TYPE_NAMES.get(row.declaration_type),
                   row.year, row.due_on, row.completed_on, names[row.status]])
        for col in (8, 9):
            ws.cell(row=i + 2, column=col).number_format = "dd/mm/yyyy"
        ws.cell(row=i + 2, column=3).number_format = "@"
    for letter, width in zip("ABCDEFGHIJ", (6, 28, 16, 24, 30, 22, 8, 14, 14, 16)):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
