"""What the rules share: the run's parameters, and per person the sorted declarations with their
totals, computed once and read by every rule (docs/checks.md, "Terms")."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from declarations.legal import LegalParams, Regime
from declarations.rules.facts import DeclarationFact, ItemFact, PersonFacts, RosterFact
from etl.layout import FOREIGN_SECTIONS, FULL_DECLARATION_TYPES
from etl.text import label_key

_FULL = frozenset(FULL_DECLARATION_TYPES)
_FOREIGN = frozenset(FOREIGN_SECTIONS)

# Item names repeat across people and years ("Tiền gửi tiết kiệm"...): normalize each spelling once.
item_name_key = lru_cache(maxsize=1 << 17)(label_key)


def match_key(item: ItemFact) -> str | tuple[str, str, int | None]:
    """The item's identifier, else (section, label_key(name), year_acquired) (docs/checks.md)."""
    if item.identifier is not None:
        return item.identifier
    return (item.section, item_name_key(item.name), item.year_acquired)


def covers(row_section: str, item_section: str) -> bool:
    """A `Biến động` row for a parent code ("3") also covers its children ("3.1")."""
    return item_section == row_section or item_section.startswith(row_section + ".")


@lru_cache(maxsize=4096)
def section_order(section: str) -> tuple:
    """"1.1" < "2.1" < "3" < "3.1" < "10": numeric where the code is numeric."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in section.split("."))


def section_deltas(cur: DeclView, prev: DeclView) -> dict[str, int]:
    """ΔTs per section code as written on the items, non-zero ones only, in section order."""
    a, b = cur.by_section, prev.by_section
    out = {}
    for section in sorted(a.keys() | b.keys(), key=section_order):
        delta = a.get(section, 0) - b.get(section, 0)
        if delta:
            out[section] = delta
    return out


class RunEnv:
    """The parameters of one run, with the regime lookups cached by date."""

    __slots__ = ("params", "as_of", "_regimes", "_weights")

    def __init__(self, params: LegalParams, as_of: date) -> None:
        self.params = params
        self.as_of = as_of
        self._regimes: dict[date, Regime] = {}
        self._weights: dict[str, int] = {}

    def regime_on(self, day: date) -> Regime:
        regime = self._regimes.get(day)
        if regime is None:
            regime = self._regimes[day] = self.params.regime_on(day)
        return regime

    def weight(self, code: str) -> int:
        w = self._weights.get(code)
        if w is None:
            w = self._weights[code] = self.params.weight(code)
        return w


class DeclView:
    """One declaration with its totals: T, the known value per section as written, and the
    items of sections 8 and 9; identifiers are indexed on first use."""

    __slots__ = ("fact", "total", "by_section", "foreign", "is_full", "prev", "_ids", "_dups")

    def __init__(self, fact: DeclarationFact) -> None:
        self.fact = fact
        total = 0
        by_section: dict[str, int] = {}
        foreign: list[ItemFact] = []
        for item in fact.items:
            section = item.section
            value = item.value
            if value:
                total += value
                by_section[section] = by_section.get(section, 0) + value
            if section in _FOREIGN:
                foreign.append(item)
        self.total = total
        self.by_section = by_section
        self.foreign = foreign
        self.is_full = fact.declaration_type in _FULL
        self.prev: DeclView | None = None
        self._ids: dict[str, ItemFact] | None = None
        self._dups: dict[str, list[ItemFact]] | None = None

    def identified(self) -> tuple[dict[str, ItemFact], dict[str, list[ItemFact]]]:
        """identifier -> first item carrying it, and identifier -> all items for the rare
        identifiers that several items of this declaration carry."""
        if self._ids is None:
            ids: dict[str, ItemFact] = {}
            dups: dict[str, list[ItemFact]] = {}
            for item in self.fact.items:
                ident = item.identifier
                if ident is None:
                    continue
                first = ids.get(ident)
                if first is None:
                    ids[ident] = item
                elif ident in dups:
                    dups[ident].append(item)
                else:
                    dups[ident] = [first, item]
            self._ids, self._dups = ids, dups
        return self._ids, self._dups  # type: ignore[return-value]

    def section_delta(self, prev: DeclView, row_section: str) -> int:
        """ΔT over a section and its children (docs/checks.md, VARIATION_MISMATCH)."""
        delta = 0
        for section, value in self.by_section.items():
            if covers(row_section, section):
                delta += value
        for section, value in prev.by_section.items():
            if covers(row_section, section):
                delta -= value
        return delta


def _order(view: DeclView) -> tuple[date, int, int]:
    fact = view.fact
    return (fact.completed_on, fact.year, fact.declaration_id)


class PersonContext:
    """One person's declarations in completion order, full ones linked to their prev(D)."""

    __slots__ = ("person_id", "declarations", "compared", "roster")

    def __init__(self, facts: PersonFacts) -> None:
        self.person_id = facts.person_id
        views = [DeclView(fact) for fact in facts.declarations]
        views.sort(key=_order)
        self.declarations: list[DeclView] = views
        self.roster: tuple[RosterFact, ...] = facts.roster
        # prev(D): the full declaration with the latest completed_on strictly before D's; among
        # several on that day the greatest (year, id), which the sort puts last.
        compared: list[DeclView] = []
        candidate: DeclView | None = None
        full = [v for v in views if v.is_full]
        j = 0
        for view in full:
            day = view.fact.completed_on
            while full[j].fact.completed_on < day:
                candidate = full[j]
                j += 1
            if candidate is not None:
                view.prev = candidate
                compared.append(view)
        self.compared: list[DeclView] = compared
