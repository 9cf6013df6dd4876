"""MISSING and LATE: deadlines of Law Art. 36, computed by `LegalParams.due_date`."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from declarations.rules.base import FlagResult, Rule, register
from declarations.rules.context import PersonContext, RunEnv
from declarations.rules.facts import RosterFact

_EVENT_TYPES = ("first", "personnel")


def _deadline_evidence(env: RunEnv, declaration_type: str, year: int, event_date: date | None,
                       due: date) -> dict:
    internal = env.params.internal_deadlines.get(year) if declaration_type not in _EVENT_TYPES else None
    return {
        "declaration_type": declaration_type,
        "year": year,
        "event_date": event_date.isoformat() if event_date else None,
        "due_date": due.isoformat(),
        "internal_deadline": internal.isoformat() if internal else None,
        "deadline_day_inclusive": bool(env.params.deadlines["deadline_day_inclusive"]),
    }


@register
class Missing(Rule):
    """A roster entry whose declaration is not in by its due date, as of the check date."""

    code = "MISSING"
    severity = "high"
    article_vi = "Luật PCTN 2018, Điều 36; NĐ 130/2020/NĐ-CP, Điều 20.2"
    article_en = "Anti-Corruption Law 2018, Art. 36; Decree 130/2020, Art. 20.2"
    description_vi = "Người có tên trong danh sách chưa nộp bản kê khai khi đã quá hạn."
    description_en = "A person on the roster has not filed the declaration owed by its due date."
    message_vi = ("Chưa có bản kê khai {type_vi} năm {year}; hạn {due_date:date}, "
                  "đã quá {days_overdue} ngày (tính đến {as_of:date}).")
    message_en = ("No {type_en} declaration for {year}; due {due_date:date}, "
                  "{days_overdue} days overdue as of {as_of:date}.")

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        params, as_of = env.params, env.as_of
        filed: dict[tuple[str, int], list[int]] = {}
        late_filed: dict[tuple[str, int], list[int]] = {}
        for view in person.declarations:
            fact = view.fact
            key = (fact.declaration_type, fact.year)
            target = filed if fact.completed_on <= as_of else late_filed
            target.setdefault(key, []).append(fact.declaration_id)
        for entry in person.roster:
            due = params.due_date(entry.declaration_type, entry.year, entry.event_date)
            if not params.is_late(as_of, due):
                continue
            key = (entry.declaration_type, entry.year)
            if key in filed:
                continue
            yield self._flag(env, person.person_id, entry, due, late_filed.get(key, []))

    def _flag(self, env: RunEnv, person_id: int, entry: RosterFact, due: date,
              after_as_of: list[int]) -> FlagResult:
        evidence = _deadline_evidence(env, entry.declaration_type, entry.year, entry.event_date, due)
        evidence.update({
            "roster_entry_id": entry.roster_entry_id,
            "as_of": env.as_of.isoformat(),
            "days_overdue": (env.as_of - due).days,
            # declarations of that type and year completed after the check date, if any
            "completed_after_as_of": sorted(after_as_of),
        })
        return self.flag(env, person_id, entry.year, evidence, roster_entry_id=entry.roster_entry_id)


@register
class Late(Rule):
    """A declaration completed after its due date."""

    code = "LATE"
    severity = "medium"
    article_vi = "Luật PCTN 2018, Điều 36; Điều 94.1.h"
    article_en = "Anti-Corruption Law 2018, Art. 36; Art. 94.1.h"
    description_vi = "Bản kê khai hoàn thành sau thời hạn kê khai."
    description_en = "A declaration was completed after its due date."
    message_vi = ("Bản kê khai {type_vi} năm {year} hoàn thành ngày {completed_on:date}, hạn "
                  "{due_date:date}: chậm {days_late} ngày.")
    message_en = ("The {type_en} declaration for {year} was completed on {completed_on:date}, due "
                  "{due_date:date}: {days_late} days late.")

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        params = env.params
        for view in person.declarations:
            fact = view.fact
            entry: RosterFact | None = None
            if fact.declaration_type in _EVENT_TYPES:
                # The event date comes from the roster; with several entries for the same type and
                # year, the one giving the latest due date (never flag a declaration that is on
                # time for one of the appointments it may serve).
                best: tuple[date, int] | None = None
                for candidate in person.roster:
                    if (candidate.declaration_type == fact.declaration_type
                            and candidate.year == fact.year):
                        cand_due = params.due_date(candidate.declaration_type, candidate.year,
                                                   candidate.event_date)
                        if best is None or (cand_due, candidate.roster_entry_id) > best:
                            best = (cand_due, candidate.roster_entry_id)
                            entry = candidate
                if best is None:
                    continue
                due = best[0]
            else:
                due = params.due_date(fact.declaration_type, fact.year, None)
            if not params.is_late(fact.completed_on, due):
                continue
            evidence = _deadline_evidence(env, fact.declaration_type, fact.year,
                                          entry.event_date if entry else None, due)
            evidence.update({
                "declaration_id": fact.declaration_id,
                "completed_on": fact.completed_on.isoformat(),
                "days_late": (fact.completed_on - due).days,
                "roster_entry_id": entry.roster_entry_id if entry else None,
            })
            yield self.flag(env, person.person_id, fact.year, evidence,
                            declaration_id=fact.declaration_id)
