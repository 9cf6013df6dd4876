"""The rule table: every check with its stable code, severity, weight, messages and legal article.

A rule is one small class registered here under its code (STYLE habit 7). It reads a
`PersonContext` (computed once per person and shared by all rules) and yields `FlagResult`s with
structured evidence. Wording lives in the message templates only; tests and services rely on the
code and the evidence.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from declarations.legal import DEFAULT_WEIGHTS
from etl.layout import DECLARATION_TYPES

if TYPE_CHECKING:
    from declarations.rules.context import DeclView, PersonContext, RunEnv
    from declarations.rules.facts import ItemFact

SEVERITIES = ("high", "medium", "low")
_TYPE_EN = {"first": "first-time", "annual": "annual", "supplementary": "supplementary",
            "personnel": "personnel-work"}


@dataclass(frozen=True, slots=True)
class FlagResult:
    """One flag: what fired, on which declaration (or roster entry), for which year, and why."""

    code: str
    severity: str
    weight: int
    rule_version: int
    person_id: int
    declaration_id: int | None
    roster_entry_id: int | None
    year: int
    evidence: dict
    message_vi: str
    message_en: str

    @property
    def identity(self) -> tuple:
        """What makes two runs' flags "the same flag" (PRODUCT.md: one per rule and declaration)."""
        return (self.code, self.person_id, self.declaration_id, self.roster_entry_id, self.year)


_SPECIAL_FIELD = re.compile(r"\{(\w+):(vnd|date)\}")


class _Template:
    """A str.format template with two extra specs, compiled once and rendered by the C formatter:
    `{amount:vnd}` prints VND as the language writes it (1.200.000.000 / 1,200,000,000) and
    `{day:date}` prints an ISO date as dd/mm/yyyy (PRODUCT.md)."""

    __slots__ = ("text", "fields", "thousands")

    def __init__(self, text: str, thousands: str) -> None:
        self.fields = tuple(dict.fromkeys(_SPECIAL_FIELD.findall(text)))
        self.text = _SPECIAL_FIELD.sub(r"{\1__\2}", text)
        self.thousands = thousands

    def render(self, args: dict) -> str:
        if self.fields:
            args = dict(args)
            for name, spec in self.fields:
                value = args[name]
                if value is None:
                    shown = "?"
                elif spec == "vnd":
                    shown = f"{value:,}".replace(",", self.thousands)
                else:
                    year, month, day = str(value).split("-")
                    shown = f"{day}/{month}/{year}"
                args[f"{name}__{spec}"] = shown
        return self.text.format_map(args)


class Rule:
    """Base of every rule; subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    severity: ClassVar[str]
    version: ClassVar[int] = 1
    article_vi: ClassVar[str]
    article_en: ClassVar[str]
    description_vi: ClassVar[str]
    description_en: ClassVar[str]
    message_vi: ClassVar[str]       #: str.format template over the evidence and message arguments
    message_en: ClassVar[str]
    _templates: ClassVar[tuple[_Template, _Template]]

    @property
    def default_weight(self) -> int:
        return DEFAULT_WEIGHTS.get(self.code, 0)

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        """Yield the flags of this rule for one person."""
        raise NotImplementedError

    def flag(self, env: RunEnv, person_id: int, year: int, evidence: dict, *,
             declaration_id: int | None = None, roster_entry_id: int | None = None,
             **message_args: Any) -> FlagResult:
        """Build this rule's flag; the messages are rendered from the evidence and `message_args`."""
        evidence["rule"] = self.code
        evidence["article"] = self.article_vi
        args = {"year": year, **evidence, **message_args}
        dtype = args.get("declaration_type")
        if dtype in DECLARATION_TYPES:
            args["type_vi"] = DECLARATION_TYPES[dtype][0].lower()
            args["type_en"] = _TYPE_EN[dtype]
        return FlagResult(
            code=self.code, severity=self.severity, weight=env.weight(self.code),
            rule_version=self.version, person_id=person_id, declaration_id=declaration_id,
            roster_entry_id=roster_entry_id, year=year, evidence=evidence,
            message_vi=self._templates[0].render(args),
            message_en=self._templates[1].render(args),
        )


class PairRule(Rule):
    """A year-over-year rule: runs on every full declaration that has a previous full one."""

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        for cur in person.compared:
            flag = self.check_pair(cur, cur.prev, env)
            if flag is not None:
                yield flag

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        raise NotImplementedError


REGISTRY: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: instantiate the rule and enter it in the table under its code."""
    if cls.severity not in SEVERITIES:
        raise ValueError(f"{cls.__name__}: bad severity {cls.severity!r}")
    if cls.code in REGISTRY:
        raise ValueError(f"rule code {cls.code!r} registered twice")
    cls._templates = (_Template(cls.message_vi, "."), _Template(cls.message_en, ","))
    REGISTRY[cls.code] = cls()
    return cls


def _order(code: str) -> tuple[int, str]:
    # The order of PRODUCT.md's table, which DEFAULT_WEIGHTS follows.
    codes = list(DEFAULT_WEIGHTS)
    return (codes.index(code) if code in codes else len(codes), code)


def all_rules() -> list[Rule]:
    """Every registered rule, in the order of PRODUCT.md's table."""
    return [REGISTRY[code] for code in sorted(REGISTRY, key=_order)]


# Evidence helpers shared by the rules ---------------------------------------------------------

def item_evidence(item: ItemFact, declaration_id: int | None = None) -> dict:
    """An item as evidence: enough to find it in the workbook and see its value."""
    ev = {
        "item_id": item.item_id,
        "section": item.section,
        "name": item.name,
        "identifier": item.identifier,
        "value": item.value,
        "value_unknown": item.value_unknown,
        "year_acquired": item.year_acquired,
        "sheet": item.sheet,
        "row": item.row,
    }
    if declaration_id is not None:
        ev["declaration_id"] = declaration_id
    return ev


def declaration_ref(view: DeclView) -> dict:
    fact = view.fact
    return {
        "declaration_id": fact.declaration_id,
        "declaration_type": fact.declaration_type,
        "year": fact.year,
        "completed_on": fact.completed_on.isoformat(),
    }


def comparison_evidence(cur: DeclView, prev: DeclView, env: RunEnv, threshold_name: str | None = None,
                        threshold: int | None = None) -> dict:
    """What every year-over-year flag shows: both declarations, both totals, ΔT, the regime."""
    regime = env.regime_on(cur.fact.completed_on)
    evidence = {
        "declaration": declaration_ref(cur),
        "previous": declaration_ref(prev),
        "total_previous": prev.total,
        "total_current": cur.total,
        "delta_total": cur.total - prev.total,
        "regime": regime.code,
        "regime_basis": regime.legal_basis,
    }
    if threshold_name is not None:
        evidence["threshold_name"] = threshold_name
        evidence["threshold"] = threshold
    return evidence
