"""Year over year: a declaration beside the same person's previous full declarations, item by item.

Items are matched by their identifier (etl.layout.item_identifier: certificate, address, registration
or account number), else by section and normalized name; the per-section totals give the change.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import AssetItem, Declaration
from etl.layout import FULL_DECLARATION_TYPES, SECTIONS
from etl.text import label_key


@dataclass
class Column:
    declaration_id: int
    declaration_type: str
    year: int
    completed_on: date
    total_assets: int
    income_total: int


@dataclass
class ItemRow:
    key: str
    section: str
    name: str
    identifier: str | None
    values: list[int | None]           #: per column; None where the item is absent or unknown
    present: list[bool]
    status: str                        #: "added" | "removed" | "changed" | "same" (current vs previous)


@dataclass
class SectionRow:
    section: str
    name: str
    totals: list[int]
    change: int | None                 #: current minus previous; None without a previous declaration


@dataclass
class Comparison:
    columns: list[Column]
    items: list[ItemRow]
    sections: list[SectionRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return len(self.columns) > 1


def match_key(item: AssetItem) -> str:
    """The key that recognises an item across years: its identifier, else section and name."""
    return item.identifier or f"{item.section}|name:{label_key(item.name)}"


def compare(session: Session, declaration: Declaration, *, max_previous: int = 4) -> Comparison:
    """The declaration with up to `max_previous` earlier full declarations of the person, oldest first."""
    previous = session.scalars(
        sa.select(Declaration).where(Declaration.person_id == declaration.person_id,
                                     Declaration.is_current.is_(True),
                                     Declaration.declaration_type.in_(FULL_DECLARATION_TYPES),
                                     Declaration.id != declaration.id,
                                     Declaration.completed_on < declaration.completed_on)
        .order_by(Declaration.completed_on.desc(), Declaration.year.desc(), Declaration.id.desc())
        .limit(max_previous)).all()
    decls = list(reversed(previous)) + [declaration]
    columns = [Column(d.id, d.declaration_type, d.year, d.completed_on, int(d.total_assets or 0),
                      int(d.income_total or 0)) for d in decls]
    position = {d.id: i for i, d in enumerate(decls)}
    by_key: dict[str, dict[int, AssetItem]] = defaultdict(dict)
    order: list[str] = []
    section_totals: dict[str, list[int]] = defaultdict(lambda: [0] * len(decls))
    items = session.scalars(sa.select(AssetItem).where(AssetItem.declaration_id.in_(list(position)))
                            .order_by(AssetItem.declaration_id, AssetItem.id)).all()
    for item in items:
        col = position[item.declaration_id]
        key = match_key(item)
        n = 1
        while col in by_key[key + ("" if n == 1 else f"#{n}")]:
            n += 1
        key = key + ("" if n == 1 else f"#{n}")
        if key not in by_key or not by_key[key]:
            order.append(key)
        by_key[key][col] = item
        section_totals[item.section][col] += int(item.value or 0)
    cur, prev = len(decls) - 1, len(decls) - 2
    rows = []
    counts = {"added": 0, "removed": 0, "changed": 0, "same": 0}
    for key in order:
        found = by_key[key]
        sample = found.get(cur) or found[max(found)]
        values = [found[i].value if i in found else None for i in range(len(decls))]
        present = [i in found for i in range(len(decls))]
        if prev < 0:
            status = "same"
        elif present[cur] and not present[prev]:
            status = "added"
        elif present[prev] and not present[cur]:
            status = "removed"
        elif not present[cur]:
            continue  # gone before the previous declaration: history, not a change
        elif values[cur] != values[prev]:
            status = "changed"
        else:
            status = "same"
        counts[status] += 1
        rows.append(ItemRow(key, sample.section, sample.name, sample.identifier, values, present, status))
    section_order = {code: i for i, code in enumerate(SECTIONS)}
    rows.sort(key=lambda r: (section_order.get(r.section, 99), r.section, r.name))
    sections = [SectionRow(code, SECTIONS.get(code, code), totals,
                           totals[cur] - totals[prev] if prev >= 0 else None)
                for code, totals in sorted(section_totals.items(), key=lambda kv: section_order.get(kv[0], 99))]
    return Comparison(columns, rows, sections, counts)


def totals_over_years(session: Session, person_id: int) -> list[Column]:
    """Every current declaration of the person, oldest first: the series for the chart."""
    return [Column(d.id, d.declaration_type, d.year, d.completed_on, int(d.total_assets or 0), int(d.income_total or 0))
            for d in session.execute(
                sa.select(Declaration.id, Declaration.declaration_type, Declaration.year, Declaration.completed_on,
                          Declaration.total_assets, Declaration.income_total)
                .where(Declaration.person_id == person_id, Declaration.is_current.is_(True))
                .order_by(Declaration.completed_on, Declaration.year, Declaration.id))]


def items_by_section(declaration: Declaration) -> list[tuple[str, str, list[AssetItem]]]:
    """The declaration's items grouped by the sections of the official form, in the form's order."""
    grouped: dict[str, list[AssetItem]] = defaultdict(list)
    for item in declaration.items:
        grouped[item.section].append(item)
    order = {code: i for i, code in enumerate(SECTIONS)}
    return [(code, SECTIONS.get(code, code), grouped[code]) for code in sorted(grouped, key=lambda c: order.get(c, 99))]
