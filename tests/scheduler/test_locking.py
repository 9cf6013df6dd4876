"""Two schedulers against the same database: one runs the jobs, the other waits and takes over if it dies.

On PostgreSQL (the CI's PostgreSQL pass, DATABASE_URL=postgresql://...) the lock is a session advisory
lock held by a dedicated connection; on SQLite, a lock row with a heartbeat and an expiry.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import JobRun, SchedulerLock
from declarations.scheduler import ADVISORY_KEY, NIGHTLY, REMINDER_1, AdvisoryLock, RowLock, scheduler_status
from tests.scheduler.clock import hcm


def _dialect(app) -> str:
    return app.extensions["db_engine"].dialect.name


def _kill(scheduler) -> None:
    """The holder's process dies: its APScheduler thread stops and its lock session ends, nothing is released."""
    if scheduler.aps is not None:
        scheduler.aps.shutdown(wait=True)
        scheduler.aps = None
    if isinstance(scheduler.lock, AdvisoryLock):
        scheduler.lock.conn.invalidate()   # the connection is gone: PostgreSQL drops the session's locks
        scheduler.lock.conn, scheduler.lock.held = None, False
    scheduler.leader = False


def _eventually(attempt, deadline: float = 10.0) -> bool:
    """Poll `attempt` until it succeeds or the deadline passes: PostgreSQL ends a dead client's session (and
    drops its locks) a moment after the connection is gone, so a standby may need a few tries, as in life."""
    end = time.monotonic() + deadline
    while not attempt():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def _successes(app) -> Counter:
    with app.app_context(), new_session() as s:
        return Counter(s.execute(sa.select(JobRun.job_id, JobRun.period).where(JobRun.outcome != "skipped")).all())


def test_two_schedulers_run_each_job_once(app, make_scheduler):
    a, _ = make_scheduler(hcm(2025, 11, 30, 12, 0), holder="scheduler-a")
    b, _ = make_scheduler(hcm(2025, 11, 30, 12, 0), holder="scheduler-b")
    expected_lock = AdvisoryLock if _dialect(app) == "postgresql" else RowLock
    assert isinstance(a.lock, expected_lock) and isinstance(b.lock, expected_lock)
    a.step(hcm(2025, 11, 30, 12, 0))
    b.step(hcm(2025, 11, 30, 12, 0))
    assert a.leader and not b.leader
    # Both are asked at the same instants (as two processes would be); only the holder runs anything.
    ran_by = {"a": [], "b": []}
    for now in (hcm(2025, 12, 1, 2, 0), hcm(2025, 12, 1, 8, 0), hcm(2025, 12, 1, 8, 0, 30), hcm(2025, 12, 2, 2, 0)):
        ran_by["a"] += [r.job_id for r in a.step(now)]
        ran_by["b"] += [r.job_id for r in b.step(now)]
    assert ran_by["b"] == []
    assert Counter(ran_by["a"]) == {NIGHTLY: 2, REMINDER_1: 1}
    counts = _successes(app)
    assert all(n == 1 for n in counts.values()), counts
    assert counts[(REMINDER_1, "2025")] == 1

    # The holder dies; the standby takes over on its next poll (SQLite: once the heartbeat has expired).
    _kill(a)
    expiry = timedelta(seconds=float(app.config.get("SCHEDULER_LOCK_EXPIRY_SECONDS", 300)))
    later = hcm(2025, 12, 2, 2, 1) + (expiry if _dialect(app) == "sqlite" else timedelta(0))
    assert _eventually(lambda: b.step(later) == [] and b.leader)
    ran = [r.job_id for r in b.step(hcm(2025, 12, 3, 2, 0))]
    assert ran == [NIGHTLY]
    counts = _successes(app)
    assert all(n == 1 for n in counts.values()), counts
    assert counts[(NIGHTLY, "2025-12-03")] == 1


def test_a_standby_does_not_take_over_a_live_holder(app, make_scheduler):
    a, _ = make_scheduler(hcm(2025, 12, 1), holder="scheduler-a")
    b, _ = make_scheduler(hcm(2025, 12, 1), holder="scheduler-b")
    assert a.step(hcm(2025, 12, 1)) == [] and a.leader
    for minutes in range(0, 60, 5):   # the holder keeps heartbeating; the standby keeps polling
        now = hcm(2025, 12, 1, 3, minutes)
        a.step(now)
        assert b.step(now) == [] and not b.leader
    a.shutdown()                        # a clean stop releases the lock at once
    assert not a.leader
    b.step(hcm(2025, 12, 1, 4, 0))
    assert b.leader


def test_status_shows_who_runs_the_jobs(app, make_scheduler):
    a, _ = make_scheduler(hcm(2025, 12, 1), holder="scheduler-a")
    with app.app_context(), new_session() as s:
        assert scheduler_status(s, app.config)["alive"] is False
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    a.step(now)
    with app.app_context(), new_session() as s:
        status = scheduler_status(s, app.config)
    assert status["alive"] is True and status["holder"] == "scheduler-a"


def test_sqlite_lock_row_heartbeat_and_expiry(app):
    if _dialect(app) != "sqlite":
        pytest.skip("the lock row is SQLite's lock; PostgreSQL uses the advisory lock (test below)")
    engine = app.extensions["db_engine"]
    expiry = timedelta(seconds=60)
    first, second = RowLock(engine, "first", expiry), RowLock(engine, "second", expiry)
    t0 = hcm(2025, 12, 1, 8, 0)
    assert first.acquire(t0) and not second.acquire(t0)
    assert first.refresh(t0 + timedelta(seconds=50))
    assert not second.acquire(t0 + timedelta(seconds=100))          # 50 s since the last heartbeat
    assert second.acquire(t0 + timedelta(seconds=111))              # 61 s: the holder is dead
    assert not first.refresh(t0 + timedelta(seconds=112))           # and learns it has lost the lock
    with app.app_context(), new_session() as s:
        assert s.get(SchedulerLock, "scheduler").holder == "second"
    second.release()
    assert first.acquire(t0 + timedelta(seconds=113))


def test_postgresql_advisory_lock_is_held_by_a_dedicated_session(app):
    if _dialect(app) != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgresql://...)")
    engine = app.extensions["db_engine"]
    first, second = AdvisoryLock(engine, "first"), AdvisoryLock(engine, "second")
    now = hcm(2025, 12, 1)
    try:
        assert first.acquire(now) and not second.acquire(now)
        with engine.connect() as conn:
            holders = conn.execute(sa.text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND ((classid::bigint << 32) | objid::bigint) = :k"), {"k": ADVISORY_KEY}).scalars().all()
        assert holders == [first.conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()]
        assert first.refresh(now)
        first.conn.invalidate()              # the holder's session dies
        first.conn, first.held = None, False
        assert _eventually(lambda: second.acquire(now)) and second.refresh(now)
        assert not first.acquire(now)
    finally:
        first.release()
        second.release()
