"""The Inspectorate's review of a person's declaration for a type and year: the case and its steps."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from declarations.db import Base
from declarations.models._types import created_at_column

#: Review states (issue 5). Allowed transitions live in services.reviews, the one place that knows them.
CASE_STATES = ("new", "in_review", "explanation_requested", "explanation_received", "cleared",
               "escalation_proposed", "verification")


class Case(Base):
    """One review case: a person's declaration of a type for a year (or the missing one)."""

    __tablename__ = "cases"
    __table_args__ = (sa.UniqueConstraint("person_id", "declaration_type", "year"),
                      sa.Index("ix_cases_queue", "state", "risk_score"))

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    declaration_type: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    #: the current version of the declaration, when one is in
    declaration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declarations.id"), index=True)
    roster_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_entries.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(30), default="new")
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: sum of the weights of the open flags, kept in step by the checks (the queue's order)
    risk_score: Mapped[int] = mapped_column(sa.Integer, default=0, index=True)
    open_flags: Mapped[int] = mapped_column(sa.Integer, default=0)
    top_severity: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    person = relationship("Person")
    declaration = relationship("Declaration")
    agency = relationship("Agency")
    assignee = relationship("User")


class ExplanationRequest(Base):
    """A request for explanation (giải trình) to the declarant, with its due date and answer."""

    __tablename__ = "explanation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = created_at_column()
    due_on: Mapped[date] = mapped_column(sa.Date)          #: 7 days by default (Law Art. 38.2)
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_late: Mapped[bool | None] = mapped_column(sa.Boolean)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(300))
    attachment_path: Mapped[str | None] = mapped_column(sa.String(500))

    case = relationship("Case")


class Guidance(Base):
    """Guidance (hướng dẫn) issued to a declarant or an agency, at any step."""

    __tablename__ = "guidance"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = created_at_column()
    text: Mapped[str] = mapped_column(sa.Text)


class JobRun(Base):
    """One run of a scheduled job: when, how it ended, what it counted."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(60), index=True)
    trigger: Mapped[str] = mapped_column(sa.String(20))    #: "schedule" | "manual" | "catch_up"
    started_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="running")  #: running | success | error | skipped
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: for jobs that must run once per period (e.g. "2025"): a second run of the same period is a no-op
    period: Mapped[str | None] = mapped_column(sa.String(30))


class Reminder(Base):
    """A written reminder (đôn đốc) to a person who still owes a declaration; at most one of each number."""

    __tablename__ = "reminders"
    __table_args__ = (sa.UniqueConstraint("roster_entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_entry_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_entries.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    number: Mapped[int] = mapped_column(sa.Integer)        #: 1 or 2 (Decree 130 Art. 20.2)
    sent_at: Mapped[datetime] = created_at_column()
    job_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_runs.id"))


class Notification(Base):
    """An in-app notification (and, when mail is configured, the e-mail sent after commit)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    email_to: Mapped[str | None] = mapped_column(sa.String(200))
    #: "off" (mail not configured or no address) | "pending" | "sent" | "failed"
    email_status: Mapped[str] = mapped_column(sa.String(10), default="off")


class SchedulerLock(Base):
    """The lock row that keeps a second scheduler from running jobs on SQLite (PostgreSQL: advisory lock)."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    acquired_at: Mapped[datetime] = created_at_column()
    heartbeat_at: Mapped[datetime] = created_at_column()


