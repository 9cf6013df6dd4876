"""The one writer of the audit log (STYLE habit 5)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from declarations.models import AuditEntry, User


@dataclass(frozen=True)
class SystemActor:
    """A machine actor: the scheduler, the command line, the importer on their behalf."""

    name: str
    id: None = None


SYSTEM = SystemActor("system")
CLI = SystemActor("cli")
SCHEDULER = SystemActor("scheduler")

Actor = User | SystemActor


def actor_name(actor: Actor) -> str:
    return actor.username if isinstance(actor, User) else actor.name


def record(session: Session, *, actor: Actor, action: str, object_type: str, object_id: Any = None,
           summary: str | None = None, before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Append an audit row in the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor.id if isinstance(actor, User) else None,
        actor_name=actor_name(actor),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, rows: list[dict]) -> None:
    """Append many audit rows at once (a check run over a province); same columns as `record`."""
    if rows:
        import sqlalchemy as sa

        session.connection().execute(sa.insert(AuditEntry), rows)
