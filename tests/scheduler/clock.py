"""A controlled clock for the scheduler tests: wall-clock times in Asia/Ho_Chi_Minh, set by the test."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def hcm(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A wall-clock time in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, second, tzinfo=HCM)


class Clock:
    """An injected clock: set it, the scheduler reads it; nothing sleeps."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now
