"""The legal parameters as data an administrator can extend without a code change."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from declarations.db import Base
from declarations.models._types import Money, created_at_column


class LegalRegime(Base):
    """A legal regime with the date it takes effect and its thresholds (PRODUCT.md table)."""

    __tablename__ = "legal_regimes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    effective_from: Mapped[date] = mapped_column(sa.Date, unique=True)
    item_threshold: Mapped[int] = mapped_column(Money)        #: Law Art. 35.b
    variation_threshold: Mapped[int] = mapped_column(Money)   #: Law Art. 36.2, 40, 41.1.b
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()


class Parameter(Base):
    """A named parameter set (flag weights, deadlines, province deadlines), stored as JSON."""

    __tablename__ = "parameters"

    key: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    value: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = created_at_column()
