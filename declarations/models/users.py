"""Users, their roles and the agencies they are scoped to."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from declarations.db import Base
from declarations.models._types import created_at_column

ROLES = ("declarant", "agency_officer", "inspector", "chief_inspector", "admin")
#: roles whose view of the data is limited to the agencies in `user_agencies`
AGENCY_SCOPED_ROLES = ("agency_officer", "inspector")

user_agencies = sa.Table(
    "user_agencies",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(
        "role IN ('declarant', 'agency_officer', 'inspector', 'chief_inspector', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[str] = mapped_column(sa.String(20))
    full_name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    #: a declarant's own person record (by CCCD)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()

    person = relationship("Person")
    agencies = relationship("Agency", secondary=user_agencies, order_by="Agency.name")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    @property
    def agency_ids(self) -> set[int]:
        return {agency.id for agency in self.agencies}

    @property
    def sees_all_agencies(self) -> bool:
        return self.role in ("chief_inspector", "admin")
