"""Uploads, declarations (versioned) and their contents as read from the workbook."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from declarations.db import Base
from declarations.models._types import Money, created_at_column


class Upload(Base):
    """One file received, accepted or rejected; the original bytes are kept on disk."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))          #: "declaration" | "roster"
    filename: Mapped[str] = mapped_column(sa.String(300))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.Integer)
    stored_path: Mapped[str | None] = mapped_column(sa.String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = created_at_column()
    #: "accepted" | "rejected" | "duplicate" (byte-identical to an accepted upload: a no-op)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    errors: Mapped[list | None] = mapped_column(sa.JSON)
    error_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    batch_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)


class Declaration(Base):
    """One version of a person's declaration of a type for a year."""

    __tablename__ = "declarations"
    # One current version per person, type and year: `is_current` is True on it and NULL on the
    # versions it superseded, and NULLs are distinct in a unique constraint on both databases.
    __table_args__ = (sa.UniqueConstraint("person_id", "declaration_type", "year", "is_current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    declaration_type: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    completed_on: Mapped[date] = mapped_column(sa.Date)        #: ngày hoàn thành kê khai
    received_at: Mapped[datetime] = created_at_column()
    regime_code: Mapped[str] = mapped_column(sa.String(30))    #: the legal regime in force on completed_on
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declarations.id"))
    is_current: Mapped[bool | None] = mapped_column(sa.Boolean)
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id"))
    # General information as written on the form.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    id_number: Mapped[str] = mapped_column(sa.String(12))
    position: Mapped[str | None] = mapped_column(sa.String(300))
    agency_name: Mapped[str | None] = mapped_column(sa.String(300))
    residence: Mapped[str | None] = mapped_column(sa.Text)
    no_change: Mapped[bool] = mapped_column(sa.Boolean, default=False)   #: "Không có biến động"
    has_income_sheet: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    has_variation_sheet: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    #: derived at import, kept for queries and reports: T and I of PRODUCT.md
    total_assets: Mapped[int] = mapped_column(Money, default=0)
    income_total: Mapped[int] = mapped_column(Money, default=0)

    person = relationship("Person")
    agency = relationship("Agency")
    upload: Mapped[Upload | None] = relationship()
    relatives: Mapped[list["Relative"]] = relationship(order_by="Relative.id", cascade="all, delete-orphan")
    items: Mapped[list["AssetItem"]] = relationship(order_by="AssetItem.id", cascade="all, delete-orphan")
    incomes: Mapped[list["IncomeRow"]] = relationship(order_by="IncomeRow.id", cascade="all, delete-orphan")
    variations: Mapped[list["VariationRow"]] = relationship(order_by="VariationRow.id",
                                                            cascade="all, delete-orphan")


class Relative(Base):
    """Spouse or minor child listed on the declaration."""

    __tablename__ = "declaration_relatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(sa.String(20))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    id_number: Mapped[str | None] = mapped_column(sa.String(12))
    occupation: Mapped[str | None] = mapped_column(sa.String(300))
    workplace: Mapped[str | None] = mapped_column(sa.String(300))
    residence: Mapped[str | None] = mapped_column(sa.Text)
    row: Mapped[int | None] = mapped_column(sa.Integer)


class AssetItem(Base):
    """One asset item (Decree 130, Appendix I, part II), with the cell it was read from."""

    __tablename__ = "asset_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(sa.String(8))
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.Text)
    address: Mapped[str | None] = mapped_column(sa.Text)
    area: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    certificate: Mapped[str | None] = mapped_column(sa.String(200))
    #: the key that follows the item across years (etl.layout.item_identifier), or NULL
    identifier: Mapped[str | None] = mapped_column(sa.String(400))
    year_acquired: Mapped[int | None] = mapped_column(sa.Integer)
    value: Mapped[int | None] = mapped_column(Money)            #: VND, exact; NULL when unknown
    value_unknown: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    country: Mapped[str | None] = mapped_column(sa.String(100))
    other_info: Mapped[str | None] = mapped_column(sa.Text)    #: also the reason for an unknown value
    sheet: Mapped[str | None] = mapped_column(sa.String(100))
    row: Mapped[int | None] = mapped_column(sa.Integer)


class IncomeRow(Base):
    """A line of `Thu nhập`: total income between this declaration and the previous one."""

    __tablename__ = "income_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    earner: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(sa.Text)
    row: Mapped[int | None] = mapped_column(sa.Integer)


class VariationRow(Base):
    """A line of `Biến động` (Decree 130, Appendix I, part III)."""

    __tablename__ = "variation_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(sa.String(8))        #: section code or "income"
    quantity_change: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 3))
    value_change: Mapped[int | None] = mapped_column(Money)   #: signed VND
    explanation: Mapped[str | None] = mapped_column(sa.Text)
    row: Mapped[int | None] = mapped_column(sa.Integer)
