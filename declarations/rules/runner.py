"""Run a set of rules over a set of people: plain facts in, flags and rule errors out."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from declarations.legal import LegalParams
from declarations.rules.base import REGISTRY, FlagResult, Rule, all_rules
from declarations.rules.context import PersonContext, RunEnv
from declarations.rules.facts import PersonFacts


@dataclass(frozen=True, slots=True)
class RuleError:
    """A rule that could not run for a person: its flags for that person are unknown, not absent."""

    code: str
    person_id: int
    error: str


@dataclass
class RunReport:
    flags: list[FlagResult] = field(default_factory=list)
    rule_errors: list[RuleError] = field(default_factory=list)
    people: int = 0             #: how many people were checked

    def failed(self, code: str, person_id: int) -> bool:
        """Whether `code` could not run for that person (so its old flags must not be closed)."""
        return any(e.code == code and e.person_id == person_id for e in self.rule_errors)


def select_rules(codes: Collection[str] | None = None) -> list[Rule]:
    """The registered rules, in table order; `codes` restricts them and must all exist."""
    rules = all_rules()
    if codes is None:
        return rules
    unknown = set(codes) - REGISTRY.keys()
    if unknown:
        raise ValueError(f"unknown rule code(s): {', '.join(sorted(unknown))}")
    return [r for r in rules if r.code in codes]


def run_checks(persons: Iterable[PersonFacts], params: LegalParams, as_of: date,
               codes: Collection[str] | None = None) -> RunReport:
    """Evaluate the rules for every person; a rule that raises is reported and the run goes on."""
    rules = select_rules(codes)
    order = {rule.code: i for i, rule in enumerate(rules)}
    env = RunEnv(params, as_of)
    report = RunReport()
    flags, errors = report.flags, report.rule_errors
    for facts in persons:
        report.people += 1
        try:
            person = PersonContext(facts)
        except Exception as exc:  # bad facts for one person must not stop the province's run
            errors.extend(RuleError(rule.code, facts.person_id, _describe(exc)) for rule in rules)
            continue
        for rule in rules:
            try:
                produced = list(rule.check(person, env))
            except Exception as exc:  # STYLE habit 7: a rule that cannot run reports it
                errors.append(RuleError(rule.code, person.person_id, _describe(exc)))
                continue
            flags.extend(produced)
    flags.sort(key=lambda f: (f.person_id, order[f.code], f.year,
                              -1 if f.declaration_id is None else f.declaration_id,
                              -1 if f.roster_entry_id is None else f.roster_entry_id))
    return report


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def rules_table(params: LegalParams | None = None) -> list[dict]:
    """Every rule with its code, severity, weight, version, article and description (vi and en)."""
    rows = []
    for rule in all_rules():
        rows.append({
            "code": rule.code,
            "severity": rule.severity,
            "weight": params.weight(rule.code) if params is not None else rule.default_weight,
            "default_weight": rule.default_weight,
            "version": rule.version,
            "article_vi": rule.article_vi,
            "article_en": rule.article_en,
            "description_vi": rule.description_vi,
            "description_en": rule.description_en,
        })
    return rows
