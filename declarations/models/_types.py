"""Column helpers shared by the model modules."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

#: VND amounts are exact integers (10^15 and beyond fit in 64 bits on SQLite and PostgreSQL).
Money = sa.BigInteger


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def created_at_column():
    from sqlalchemy.orm import mapped_column

    return mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
