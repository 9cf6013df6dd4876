"""Agencies, people and the identity links between records of the same person."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from declarations.db import Base
from declarations.models._types import created_at_column


class Agency(Base):
    """Cơ quan/đơn vị, with a parent so a province's tree can be drawn."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    #: label_key of the name: how the importers recognise an agency however it is spelt
    name_key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = created_at_column()

    parent: Mapped["Agency | None"] = relationship(remote_side=[id])


class Person(Base):
    """A declarant. CCCD identifies a person; older records carry a 9-digit CMND only."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    cccd: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    cmnd: Mapped[str | None] = mapped_column(sa.String(9), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: NFC, case-folded: the key that links a CMND record to a CCCD record with the same birth date
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    #: the CCCD person this record was found to be (set on CMND-only records once linked)
    canonical_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    position: Mapped[str | None] = mapped_column(sa.String(300))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = created_at_column()

    agency: Mapped[Agency | None] = relationship()

    @property
    def identity_number(self) -> str | None:
        return self.cccd or self.cmnd


class IdentityLink(Base):
    """A recorded finding that two person records are the same person, with its evidence."""

    __tablename__ = "identity_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)         # the CCCD record
    linked_person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)  # the CMND record
    method: Mapped[str] = mapped_column(sa.String(50))   #: e.g. "name_and_birth_date"
    evidence: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = created_at_column()


class RosterEntry(Base):
    """One line of an agency's list of people who must declare (danh sách người có nghĩa vụ kê khai)."""

    __tablename__ = "roster_entries"
    __table_args__ = (sa.UniqueConstraint("person_id", "declaration_type", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    position: Mapped[str | None] = mapped_column(sa.String(300))
    declaration_type: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    #: tiếp nhận/bổ nhiệm (first-time) or expected appointment (personnel work)
    event_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id"))
    created_at: Mapped[datetime] = created_at_column()

    person: Mapped[Person] = relationship()
    agency: Mapped[Agency] = relationship()
