"""The append-only audit log. Rows are written only by services.audit.record()."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from declarations.db import Base
from declarations.models._types import created_at_column


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: who acted, as text: the username, or "system"/"scheduler"/"cli" for machine actors
    actor_name: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(100), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(50))
    object_id: Mapped[str | None] = mapped_column(sa.String(50))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit row."""


@sa.event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _conn, target):
    raise AppendOnlyError(f"audit entry {target.id} cannot be changed")


@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _conn, target):
    raise AppendOnlyError(f"audit entry {target.id} cannot be deleted")
