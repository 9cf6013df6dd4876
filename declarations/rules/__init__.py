"""The checks: a registry of rules, one small unit per code, and a runner over plain facts.

No Flask and no database here: the services turn rows into `PersonFacts`, call `run_checks`, and
store the `FlagResult`s; the CLI, the scheduler, the importer and the benchmarks do the same.
"""
from __future__ import annotations

# Importing the rule modules registers their rules, in PRODUCT.md's table order.
from declarations.rules import completeness, form, items, supplementary, yoy  # noqa: F401
from declarations.rules.base import REGISTRY, FlagResult, Rule, all_rules
from declarations.rules.facts import DeclarationFact, ItemFact, PersonFacts, RosterFact, VariationFact
from declarations.rules.runner import RuleError, RunReport, rules_table, run_checks, select_rules

__all__ = [
    "REGISTRY", "DeclarationFact", "FlagResult", "ItemFact", "PersonFacts", "RosterFact", "Rule",
    "RuleError", "RunReport", "VariationFact", "all_rules", "rules_table", "run_checks",
    "select_rules",
]
