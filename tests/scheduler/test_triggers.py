"""The jobs fire on the right dates in Asia/Ho_Chi_Minh (triggers asked with explicit "now" values)."""
from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest

from declarations.scheduler import (ANNUAL_CHECK, INTERNAL_CHECK_PREFIX, NIGHTLY, REMINDER_1, REMINDER_2, job_specs)
from tests.scheduler.clock import HCM, hcm


def _specs(config, deadlines=None):
    return {spec.id: spec for spec in job_specs(config, deadlines)}


def test_every_job_has_a_stable_id_and_a_trigger_in_ho_chi_minh_time(app):
    specs = _specs(app.config)
    assert set(specs) == {ANNUAL_CHECK, REMINDER_1, REMINDER_2, NIGHTLY}
    for spec in specs.values():
        assert str(spec.trigger.timezone) == "Asia/Ho_Chi_Minh"
        assert spec.grace > 0


@pytest.mark.parametrize("job_id, now, expected", [
    # the annual completeness check: 1 January, for the year just ended
    (ANNUAL_CHECK, hcm(2025, 12, 31, 23, 59), hcm(2026, 1, 1, 0, 30)),
    (ANNUAL_CHECK, hcm(2026, 1, 1, 0, 31), hcm(2027, 1, 1, 0, 30)),
    (ANNUAL_CHECK, hcm(2025, 6, 15), hcm(2026, 1, 1, 0, 30)),
    # written reminders lần 1 and lần 2: 1 and 20 December
    (REMINDER_1, hcm(2025, 6, 1), hcm(2025, 12, 1, 8, 0)),
    (REMINDER_1, hcm(2025, 12, 1, 8, 0, 1), hcm(2026, 12, 1, 8, 0)),
    (REMINDER_2, hcm(2025, 12, 1, 8, 0), hcm(2025, 12, 20, 8, 0)),
    (REMINDER_2, hcm(2025, 12, 20, 7, 59), hcm(2025, 12, 20, 8, 0)),
    # the nightly re-run
    (NIGHTLY, hcm(2025, 12, 31, 2, 0, 1), hcm(2026, 1, 1, 2, 0)),
    (NIGHTLY, hcm(2025, 12, 31, 1, 0), hcm(2025, 12, 31, 2, 0)),
])
def test_next_fire_times(app, job_id, now, expected):
    fire = _specs(app.config)[job_id].trigger.get_next_fire_time(None, now)
    assert fire == expected
    assert fire.utcoffset() == timedelta(hours=7)


def test_the_annual_check_fires_at_local_midnight_not_utc(app):
    """00:30 on 1 January in Ho Chi Minh City is 17:30 UTC on 31 December."""
    fire = _specs(app.config)[ANNUAL_CHECK].trigger.get_next_fire_time(None, hcm(2025, 12, 31, 12, 0))
    assert fire.astimezone(timezone.utc).replace(tzinfo=None).isoformat() == "2025-12-31T17:30:00"
    # asked from a UTC "now" just after that instant, the next one is a year later
    later = fire.astimezone(timezone.utc) + timedelta(seconds=1)
    assert _specs(app.config)[ANNUAL_CHECK].trigger.get_next_fire_time(None, later) == hcm(2027, 1, 1, 0, 30)


def test_dates_are_parameters(app):
    app.config.update(SCHEDULE_REMINDERS=("15/11 09:00", "05/12 14:30"), SCHEDULE_ANNUAL_CHECK="02/01 06:00",
                      SCHEDULE_NIGHTLY="23:15")
    specs = _specs(app.config)
    now = hcm(2025, 10, 1)
    assert specs[REMINDER_1].trigger.get_next_fire_time(None, now) == hcm(2025, 11, 15, 9, 0)
    assert specs[REMINDER_2].trigger.get_next_fire_time(None, now) == hcm(2025, 12, 5, 14, 30)
    assert specs[ANNUAL_CHECK].trigger.get_next_fire_time(None, now) == hcm(2026, 1, 2, 6, 0)
    assert specs[NIGHTLY].trigger.get_next_fire_time(None, now) == hcm(2025, 10, 1, 23, 15)


def test_bad_schedule_parameters_are_refused(app):
    app.config["SCHEDULE_REMINDERS"] = ("31/02 08:00", "20/12 08:00")
    with pytest.raises(ValueError):
        job_specs(app.config)
    app.config["SCHEDULE_REMINDERS"] = ("01/12 08:00",)
    with pytest.raises(ValueError):
        job_specs(app.config)


def test_a_province_internal_deadline_adds_a_check_the_day_after(app):
    specs = _specs(app.config, {2025: date(2025, 12, 15)})
    spec = specs[f"{INTERNAL_CHECK_PREFIX}2025"]
    assert spec.trigger.get_next_fire_time(None, hcm(2025, 12, 1)) == hcm(2025, 12, 16, 0, 30)
    assert spec.period(date(2025, 12, 16)) == "2025"
    assert spec.trigger.run_date.tzinfo is not None and spec.trigger.run_date.utcoffset() == timedelta(hours=7)


def test_periods(app):
    specs = _specs(app.config)
    assert specs[ANNUAL_CHECK].period(date(2026, 1, 1)) == "2025"
    assert specs[REMINDER_1].period(date(2025, 12, 1)) == "2025"
    assert specs[NIGHTLY].period(date(2025, 12, 1)) == "2025-12-01"
    assert HCM.key == "Asia/Ho_Chi_Minh"
