"""The legal parameters, as plain data: regimes with their dates and thresholds, deadlines, weights.

This is the one place that knows them. The database holds the versioned table an administrator
extends (models.legal); `services.legal.load_params()` reads it into a `LegalParams`; rules, the
deadline engine and reports ask that object. The constants below are only the seed rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: Deadlines are counted in Vietnam's time.
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """Today in Asia/Ho_Chi_Minh: the date the law's deadlines are counted in."""
    return datetime.now(TIMEZONE).date()


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    effective_from: date
    item_threshold: int        #: VND; Law Art. 35.b (per item / per section total)
    variation_threshold: int   #: VND; Law Art. 36.2, 40, 41.1.b (supplementary trigger, explanation)
    legal_basis: str = ""


SEED_REGIMES: tuple[Regime, ...] = (
    Regime("L36_2018", "Luật 36/2018/QH14 + Nghị định 130/2020/NĐ-CP", date(2019, 7, 1),
           50_000_000, 300_000_000, "Luật PCTN 2018, Điều 35, 36; NĐ 130/2020"),
    Regime("L132_2025", "Luật 132/2025/QH15", date(2026, 7, 1),
           150_000_000, 1_000_000_000, "Luật 132/2025/QH15 sửa đổi Luật PCTN"),
)

#: Default risk weights per rule code; administrators may change them (stored in the database).
DEFAULT_WEIGHTS: dict[str, int] = {
    "MISSING": 50,
    "LATE": 10,
    "UNEXPLAINED_INCREASE": 40,
    "WEALTH_EXCEEDS_INCOME": 40,
    "ASSET_DISAPPEARED": 20,
    "VALUE_CHANGED": 5,
    "VARIATION_MISMATCH": 15,
    "NEW_FOREIGN_ASSET": 20,
    "SUPPLEMENTARY_MISSING": 25,
    "FORM_INCONSISTENT": 5,
}

#: Deadline parameters (Law Art. 36) and their defaults.
DEFAULT_DEADLINES: dict[str, int | bool] = {
    "first_time_days": 10,            # Art. 36.1.b: within 10 days of the event
    "personnel_days_before": 10,      # Art. 36.4: at least 10 days before the expected date
    "annual_deadline_month": 12,      # Art. 36.3: before 31 December
    "annual_deadline_day": 31,
    "deadline_day_inclusive": True,   # "trước ngày 31/12" is ambiguous: 31/12 counts as on time
    "explanation_days": 7,            # Art. 38.2: 7 days to explain or re-declare
}

VALUE_CHANGE_TOLERANCE = 0.10   #: VALUE_CHANGED fires above a 10% change of acquisition value


class NoRegime(LookupError):
    """No legal regime is in force on the date asked about."""


@dataclass(frozen=True)
class LegalParams:
    regimes: tuple[Regime, ...] = SEED_REGIMES
    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    deadlines: dict[str, int | bool] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    #: province-set earlier internal deadlines for annual (and supplementary) declarations, per year
    internal_deadlines: dict[int, date] = field(default_factory=dict)

    def regime_on(self, day: date) -> Regime:
        """The regime in force on `day`: the one with the latest effective date not after it."""
        best: Regime | None = None
        for regime in self.regimes:
            if regime.effective_from <= day and (best is None or regime.effective_from > best.effective_from):
                best = regime
        if best is None:
            raise NoRegime(f"no legal regime in force on {day.isoformat()}")
        return best

    def year_end_deadline(self, year: int) -> date:
        """31/12 of `year` (a parameter), or the province's earlier internal deadline for it."""
        legal = date(year, int(self.deadlines["annual_deadline_month"]), int(self.deadlines["annual_deadline_day"]))
        internal = self.internal_deadlines.get(year)
        return min(legal, internal) if internal else legal

    def due_date(self, declaration_type: str, year: int, event_date: date | None) -> date:
        """The last day on which a declaration is on time (Law Art. 36)."""
        if declaration_type == "first":
            if event_date is None:
                raise ValueError("a first-time declaration is due from its event date")
            return event_date + timedelta(days=int(self.deadlines["first_time_days"]))
        if declaration_type == "personnel":
            if event_date is None:
                raise ValueError("a personnel-work declaration is due from its event date")
            return event_date - timedelta(days=int(self.deadlines["personnel_days_before"]))
        if declaration_type in ("annual", "supplementary"):
            return self.year_end_deadline(year)
        raise ValueError(f"unknown declaration type {declaration_type!r}")

    def is_late(self, completed_on: date, due: date) -> bool:
        """Completed after the due date; the boundary day itself is on time unless configured otherwise."""
        if self.deadlines["deadline_day_inclusive"]:
            return completed_on > due
        return completed_on >= due

    def weight(self, code: str) -> int:
        return int(self.weights.get(code, DEFAULT_WEIGHTS.get(code, 0)))
