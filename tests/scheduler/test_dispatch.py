"""The scheduler's dispatch with an injected clock: the right jobs on the right dates, catch-up once after downtime."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import JobRun
from declarations.scheduler import ANNUAL_CHECK, INTERNAL_CHECK_PREFIX, NIGHTLY, REMINDER_1, REMINDER_2, request_run
from declarations.services.audit import SYSTEM
from declarations.services.legal import set_parameter
from tests.scheduler.clock import hcm


def _runs(app, job_id=None):
    with app.app_context(), new_session() as s:
        query = sa.select(JobRun).order_by(JobRun.id)
        if job_id:
            query = query.where(JobRun.job_id == job_id)
        return s.scalars(query).all()


def test_a_season_of_days_runs_each_job_on_its_date(app, make_scheduler):
    """Noon every day from 28/11/2025 to 02/01/2026: reminders on 1 and 20 December, the annual check on 1 January."""
    scheduler, clock = make_scheduler(hcm(2025, 11, 28, 12, 0))
    day = hcm(2025, 11, 28, 12, 0)
    first_step_of = {}
    while day <= hcm(2026, 1, 2, 12, 0):
        clock.now = day
        for run in scheduler.step(day):
            first_step_of.setdefault(run.job_id, []).append(day.date())
        day += timedelta(days=1)
    runs = _runs(app)
    assert all(run.outcome == "success" for run in runs), [(r.job_id, r.error) for r in runs if r.outcome != "success"]
    dated = {(r.job_id, r.counts["as_of"]) for r in runs if r.job_id != NIGHTLY}
    assert dated == {(REMINDER_1, "2025-12-01"), (REMINDER_2, "2025-12-20"), (ANNUAL_CHECK, "2026-01-01")}
    assert [r.period for r in runs if r.job_id == ANNUAL_CHECK] == ["2025"]
    # ... each noticed at the first step after its fire time
    assert first_step_of[REMINDER_1] == [date(2025, 12, 1)] and first_step_of[ANNUAL_CHECK] == [date(2026, 1, 1)]
    # the nightly run: once a night, as of that night (the first step on 28/11 comes after 02:00: next is 29/11)
    nightly = [r.counts["as_of"] for r in runs if r.job_id == NIGHTLY]
    assert nightly == [(date(2025, 11, 29) + timedelta(days=n)).isoformat() for n in range(35)]


def test_restart_after_a_missed_date_runs_the_job_once(app, make_scheduler):
    first, _ = make_scheduler(hcm(2025, 12, 30, 10, 0), holder="first")
    first.step(hcm(2025, 12, 30, 10, 0))
    assert _runs(app) == []
    first.shutdown()  # the scheduler is down over New Year: 1 January 00:30 and five nights are missed
    second, _ = make_scheduler(hcm(2026, 1, 5, 10, 0), holder="second")
    ran = second.step(hcm(2026, 1, 5, 10, 0))
    assert sorted(r.job_id for r in ran) == sorted([ANNUAL_CHECK, NIGHTLY])
    annual = _runs(app, ANNUAL_CHECK)
    assert len(annual) == 1
    assert annual[0].outcome == "success" and annual[0].trigger == "catch_up"
    assert annual[0].counts["as_of"] == "2026-01-01" and annual[0].period == "2025"   # as of the missed date
    nightly = _runs(app, NIGHTLY)
    assert len(nightly) == 1 and nightly[0].counts["as_of"] == "2026-01-05"            # coalesced: once, the latest
    assert second.step(hcm(2026, 1, 5, 10, 1)) == []
    assert len(_runs(app)) == 2
    # and the next ones are on schedule again
    assert [r.job_id for r in second.step(hcm(2026, 1, 6, 2, 0))] == [NIGHTLY]


def test_a_run_missed_beyond_its_grace_time_is_recorded_not_run(app, make_scheduler):
    first, _ = make_scheduler(hcm(2025, 12, 3, 12, 0), holder="first")
    first.step(hcm(2025, 12, 3, 12, 0))
    first.shutdown()
    # back 23 hours after the last missed nightly run (grace 20 hours): nothing runs, the miss is recorded
    second, _ = make_scheduler(hcm(2025, 12, 6, 1, 0), holder="second")
    runs = second.step(hcm(2025, 12, 6, 1, 0))
    assert [(r.job_id, r.outcome) for r in runs] == [(NIGHTLY, "skipped")]
    assert "missed" in runs[0].error
    assert [r.job_id for r in second.step(hcm(2025, 12, 6, 2, 0))] == [NIGHTLY]


def test_a_changed_trigger_replaces_the_stored_job(app, make_scheduler):
    first, _ = make_scheduler(hcm(2025, 11, 1), holder="first")
    first.step(hcm(2025, 11, 1))
    assert first.aps.get_job(REMINDER_1).next_run_time == hcm(2025, 12, 1, 8, 0)
    first.shutdown()
    app.config["SCHEDULE_REMINDERS"] = ("25/11 08:00", "15/12 08:00")
    second, _ = make_scheduler(hcm(2025, 11, 2), holder="second")
    second.step(hcm(2025, 11, 2))
    assert second.aps.get_job(REMINDER_1).next_run_time == hcm(2025, 11, 25, 8, 0)
    assert second.aps.get_job(REMINDER_2).next_run_time == hcm(2025, 12, 15, 8, 0)
    assert {job.id for job in second.aps.get_jobs()} == {ANNUAL_CHECK, REMINDER_1, REMINDER_2, NIGHTLY}


def test_an_internal_deadline_adds_a_one_off_check(app, make_scheduler):
    with app.app_context(), new_session() as s, s.begin():
        set_parameter(s, "internal_deadlines", {"2025": "2025-12-15"}, actor=SYSTEM)
    scheduler, _ = make_scheduler(hcm(2025, 12, 10))
    scheduler.step(hcm(2025, 12, 10))
    job_id = f"{INTERNAL_CHECK_PREFIX}2025"
    assert scheduler.aps.get_job(job_id).next_run_time == hcm(2025, 12, 16, 0, 30)
    scheduler.step(hcm(2025, 12, 15, 12, 0))
    ran = scheduler.step(hcm(2025, 12, 16, 0, 31))
    assert [r.job_id for r in ran] == [job_id]
    assert ran[0].counts["as_of"] == "2025-12-16" and ran[0].period == "2025"
    assert scheduler.aps.get_job(job_id) is None            # a one-off: gone from the store once run
    scheduler.sync_jobs(hcm(2025, 12, 16, 1, 0))            # and not scheduled again: its period is done
    assert scheduler.aps.get_job(job_id) is None


def test_a_second_scheduled_run_of_a_done_period_is_a_no_op(app):
    from declarations.scheduler import run_job

    first = run_job(app, ANNUAL_CHECK, as_of=date(2026, 1, 1), trigger="schedule", force=False)
    again = run_job(app, ANNUAL_CHECK, as_of=date(2026, 1, 2), trigger="schedule", force=False)
    manual = run_job(app, ANNUAL_CHECK, as_of=date(2026, 1, 2))
    assert (first.outcome, again.outcome, manual.outcome) == ("success", "skipped", "success")
    assert "already done" in again.error


def test_run_now_is_queued_and_run_by_the_scheduler(app, make_scheduler):
    with app.app_context(), new_session() as s, s.begin():
        queued = request_run(s, REMINDER_1, actor=SYSTEM, config=app.config)
    scheduler, _ = make_scheduler(hcm(2025, 12, 2, 9, 0))
    ran = scheduler.step(hcm(2025, 12, 2, 9, 0))
    assert [(r.id, r.job_id, r.trigger, r.outcome) for r in ran if r.job_id == REMINDER_1] == [
        (queued.id, REMINDER_1, "manual", "success")]
    assert scheduler.step(hcm(2025, 12, 2, 9, 1)) == []


def test_a_failing_job_is_recorded_and_the_scheduler_goes_on(app, make_scheduler, monkeypatch):
    from declarations.services import checks

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(checks, "check_all", broken)
    scheduler, _ = make_scheduler(hcm(2025, 12, 2, 1, 0))
    scheduler.step(hcm(2025, 12, 2, 1, 0))
    runs = scheduler.step(hcm(2025, 12, 2, 2, 0))
    assert [(r.job_id, r.outcome) for r in runs] == [(NIGHTLY, "error")]
    assert "database on fire" in runs[0].error and runs[0].finished_at is not None
    monkeypatch.undo()
    assert [(r.job_id, r.outcome) for r in scheduler.step(hcm(2025, 12, 3, 2, 0))] == [(NIGHTLY, "success")]
