"""Flags raised by the checks, with their evidence, and their life cycle."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from declarations.db import Base
from declarations.models._types import created_at_column

#: open: the condition holds and nobody has decided; closed: the condition no longer holds (automatic);
#: dismissed: a reviewer decided it needs nothing (not reopened unless the data change)
FLAG_STATUSES = ("open", "closed", "dismissed")


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        sa.UniqueConstraint("rule_code", "subject_key"),
        sa.Index("ix_flags_declaration_status", "declaration_id", "status"),
        sa.Index("ix_flags_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(sa.String(40), index=True)
    rule_version: Mapped[int] = mapped_column(sa.Integer)
    severity: Mapped[str] = mapped_column(sa.String(10))
    weight: Mapped[int] = mapped_column(sa.Integer)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    declaration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declarations.id"))
    roster_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_entries.id", ondelete="SET NULL"),
                                                        index=True)
    #: the declaration's Năm kê khai; the roster's Năm for MISSING; Y for SUPPLEMENTARY_MISSING
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    #: what the flag is about, stable across runs: "d:<declaration id>", "r:<roster entry id>", "+y<year>"
    subject_key: Mapped[str] = mapped_column(sa.String(60))
    evidence: Mapped[dict] = mapped_column(sa.JSON)
    #: hash of the evidence: a re-run that finds other figures counts as "the data changed"
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    message_vi: Mapped[str] = mapped_column(sa.Text)
    message_en: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: MISSING after two written reminders: a disciplinary ground (Decree 130 Art. 20.2)
    escalation_marked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    person = relationship("Person")
    declaration = relationship("Declaration")
    roster_entry = relationship("RosterEntry")
