"""APScheduler wiring: the scheduled jobs, their persistent store, the one-leader lock; each job owns its transaction.

The scheduler runs in its own process (`declarations scheduler`), never inside web workers, and
`create_app()` never starts it. Design:

* Jobs have stable ids and live in an APScheduler `SQLAlchemyJobStore` in the app's database (table
  `apscheduler_jobs`, excluded from migrations by `declarations.schema.include_object`). Triggers are in
  Asia/Ho_Chi_Minh (config TIMEZONE); every date is a config value (`SCHEDULE_DEFAULTS`) or a legal
  parameter (the province's internal deadlines).
* On start the jobs are (re)added with `replace_existing=True`; a job whose trigger did not change keeps
  the next run time stored before the restart, so a date missed while the scheduler was down is still
  due: it runs once (coalesce) if it is within the job's misfire grace time, else it is recorded as missed.
* Only one scheduler per database runs jobs: PostgreSQL, a session advisory lock held by a dedicated
  connection for the scheduler's life; SQLite, a row in `scheduler_locks` with a heartbeat and an
  expiry. A second scheduler waits as a standby, polls the lock and takes over when the holder dies.
* The dispatch (which jobs are due at `now`, coalescing, grace) takes `now` as an argument, so tests run
  it with an injected clock; in production the APScheduler loop calls it with the real clock.
* Every run is a `JobRun` row (start, end, outcome, counts, error). Periodic jobs record their period
  (the year, or the day for the nightly run): a scheduled second run of a period already done is a no-op.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from threading import TIMEOUT_MAX
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from declarations.models import JobRun, SchedulerLock
from declarations.models._types import utcnow
from declarations.services import audit
from declarations.services.audit import SCHEDULER, Actor

log = logging.getLogger(__name__)

JOB_STORE_TABLE = "apscheduler_jobs"
LOCK_NAME = "scheduler"
#: the PostgreSQL advisory lock key: a stable 63-bit number derived from the lock's name
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"declarations.scheduler").digest()[:8], "big") >> 1

#: Schedule parameters (override any of them in instance/config.py). Dates are "DD/MM HH:MM" local time.
SCHEDULE_DEFAULTS: dict[str, Any] = {
    # Law Art. 36.3: annual declarations are due by 31/12; on 1 January the year just ended is checked.
    "SCHEDULE_ANNUAL_CHECK": "01/01 00:30",
    # written reminders (đôn đốc) lần 1, lần 2 before the deadline (Decree 130 Art. 20.2)
    "SCHEDULE_REMINDERS": ("01/12 08:00", "20/12 08:00"),
    # the completeness check after a province-set earlier internal deadline: the next day at this time
    "SCHEDULE_INTERNAL_CHECK_TIME": "00:30",
    "SCHEDULE_NIGHTLY": "02:00",
    # how late a missed run may still happen at start (seconds); beyond it, it is recorded as missed
    "SCHEDULE_GRACE_ANNUAL": 31 * 86400,
    "SCHEDULE_GRACE_REMINDER": 15 * 86400,
    "SCHEDULE_GRACE_NIGHTLY": 20 * 3600,
    "SCHEDULER_POLL_SECONDS": 5.0,            # lock heartbeat, standby polling, manual runs
    # SQLite: a holder silent this long is dead. Generous, because a long job's write transaction
    # can hold up the holder's heartbeat on SQLite.
    "SCHEDULER_LOCK_EXPIRY_SECONDS": 300,
    "SCHEDULER_SYNC_SECONDS": 300,             # re-read the internal deadlines this often
}

ANNUAL_CHECK = "completeness-check-annual"
INTERNAL_CHECK_PREFIX = "completeness-check-internal-"
REMINDER_1 = "reminder-1"
REMINDER_2 = "reminder-2"
NIGHTLY = "checks-nightly"
#: how late a run may start and still count as on schedule rather than a catch-up after downtime
ON_TIME = timedelta(minutes=5)


def setting(config, name: str):
    return config.get(name, SCHEDULE_DEFAULTS[name])


def local_tz(config) -> ZoneInfo:
    return ZoneInfo(config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))


# --- the jobs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobContext:
    """What a job function gets besides its session: the date it runs as of, its run, its config."""

    as_of: date
    run_id: int
    config: Any
    actor: Actor = SCHEDULER

    @property
    def mail(self) -> dict | None:
        from declarations.services.notifications import mail_config

        return mail_config(self.config)


def _run_checks(session: Session, ctx: JobContext) -> dict:
    from declarations.services.checks import check_all
    from declarations.services.legal import load_params
    from declarations.services.reminders import mark_escalations

    summary = check_all(session, actor=ctx.actor, params=load_params(session), as_of=ctx.as_of)
    counts = summary.as_dict()
    counts.update(mark_escalations(session, actor=ctx.actor, as_of=ctx.as_of, mail=ctx.mail))
    return counts


def _reminder(number: int) -> Callable[[Session, JobContext], dict]:
    def run(session: Session, ctx: JobContext) -> dict:
        from declarations.services.legal import load_params
        from declarations.services.reminders import send_reminders

        return send_reminders(session, number=number, year=ctx.as_of.year, as_of=ctx.as_of, actor=ctx.actor,
                              params=load_params(session), mail=ctx.mail, job_run_id=ctx.run_id)
    return run


@dataclass(frozen=True)
class JobSpec:
    id: str
    title_vi: str
    title_en: str
    trigger: BaseTrigger
    grace: int                                   #: misfire grace time, seconds
    run: Callable[[Session, JobContext], dict]
    period: Callable[[date], str]                #: the period a run as of that date accounts for

    @property
    def schedule_text(self) -> str:
        return describe_trigger(self.trigger)


def _day_month_time(text: str, name: str) -> tuple[int, int, int, int]:
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})\s+(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ValueError(f"{name}: expected 'DD/MM HH:MM', got {text!r}")
    day, month, hour, minute = map(int, match.groups())
    date(2024, month, day)  # a real day of the year (29/02 allowed)
    return day, month, hour, minute


def _clock_time(text: str, name: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ValueError(f"{name}: expected 'HH:MM', got {text!r}")
    return int(match[1]), int(match[2])


def job_specs(config, internal_deadlines: dict[int, date] | None = None) -> list[JobSpec]:
    """The scheduled jobs for this configuration and these province-set internal deadlines."""
    tz = local_tz(config)
    specs: list[JobSpec] = []
    day, month, hour, minute = _day_month_time(setting(config, "SCHEDULE_ANNUAL_CHECK"), "SCHEDULE_ANNUAL_CHECK")
    specs.append(JobSpec(
        ANNUAL_CHECK, "Kiểm tra tính đầy đủ sau hạn kê khai hằng năm",
        "Annual completeness check after the year-end deadline",
        CronTrigger(month=month, day=day, hour=hour, minute=minute, timezone=tz),
        int(setting(config, "SCHEDULE_GRACE_ANNUAL")), _run_checks, lambda d: str(d.year - 1)))
    hour, minute = _clock_time(setting(config, "SCHEDULE_INTERNAL_CHECK_TIME"), "SCHEDULE_INTERNAL_CHECK_TIME")
    for year, deadline in sorted((internal_deadlines or {}).items()):
        run_at = datetime.combine(deadline + timedelta(days=1), time(hour, minute), tz)
        specs.append(JobSpec(
            f"{INTERNAL_CHECK_PREFIX}{year}", f"Kiểm tra tính đầy đủ sau hạn nội bộ của tỉnh năm {year}",
            f"Completeness check after the province's internal deadline for {year}",
            DateTrigger(run_date=run_at, timezone=tz), int(setting(config, "SCHEDULE_GRACE_ANNUAL")),
            _run_checks, lambda d, y=year: str(y)))
    reminders = tuple(setting(config, "SCHEDULE_REMINDERS"))
    if len(reminders) != 2:
        raise ValueError("SCHEDULE_REMINDERS: two dates, the first and the second written reminder")
    for number, (job_id, text) in enumerate(zip((REMINDER_1, REMINDER_2), reminders), start=1):
        day, month, hour, minute = _day_month_time(text, "SCHEDULE_REMINDERS")
        specs.append(JobSpec(
            job_id, f"Đôn đốc kê khai lần {number}", f"Written reminder {number}",
            CronTrigger(month=month, day=day, hour=hour, minute=minute, timezone=tz),
            int(setting(config, "SCHEDULE_GRACE_REMINDER")), _reminder(number), lambda d: str(d.year)))
    hour, minute = _clock_time(setting(config, "SCHEDULE_NIGHTLY"), "SCHEDULE_NIGHTLY")
    specs.append(JobSpec(
        NIGHTLY, "Chạy lại toàn bộ kiểm tra hằng đêm", "Nightly full re-run of the checks",
        CronTrigger(hour=hour, minute=minute, timezone=tz), int(setting(config, "SCHEDULE_GRACE_NIGHTLY")),
        _run_checks, lambda d: d.isoformat()))
    return specs


def describe_trigger(trigger: BaseTrigger) -> str:
    """A short Vietnamese description of when a trigger fires."""
    if isinstance(trigger, DateTrigger):
        return f"một lần, {trigger.run_date:%d/%m/%Y %H:%M}"
    if isinstance(trigger, CronTrigger):
        fields = {f.name: str(f) for f in trigger.fields}
        at = f"{int(fields['hour']):02d}:{int(fields['minute']):02d}"
        if fields["month"] == "*" and fields["day"] == "*":
            return f"hằng ngày lúc {at}"
        return f"hằng năm ngày {int(fields['day']):02d}/{int(fields['month']):02d} lúc {at}"
    return str(trigger)


def spec_for(config, job_id: str, internal_deadlines: dict[int, date] | None = None) -> JobSpec:
    """The spec of `job_id`; an internal-deadline check is known by its year even if no longer configured."""
    deadlines = dict(internal_deadlines or {})
    if job_id.startswith(INTERNAL_CHECK_PREFIX):
        year = job_id[len(INTERNAL_CHECK_PREFIX):]
        if not year.isdigit():
            raise KeyError(job_id)
        deadlines.setdefault(int(year), date(int(year), 12, 31))
    for spec in job_specs(config, deadlines):
        if spec.id == job_id:
            return spec
    raise KeyError(job_id)


def _internal_deadlines(app: Flask) -> dict[int, date]:
    from declarations.db import new_session
    from declarations.services.legal import load_params

    with app.app_context(), new_session() as session:
        return dict(load_params(session).internal_deadlines)


# --- running one job: its own transactions --------------------------------------------------------

def _today(config) -> date:
    return datetime.now(local_tz(config)).date()


def run_job(app: Flask, job_id: str, *, as_of: date | None = None, trigger: str = "manual",
            force: bool = True, run_id: int | None = None) -> JobRun:
    """Run one job now as of `as_of` (default today), recording the run; returns the finished JobRun.

    The run is recorded in its own transaction first (so it shows as running), the job's work is one
    transaction that commits or rolls back whole (notification e-mail goes out only after it commits),
    and the outcome is recorded last. A scheduled run (`force=False`) of a period already done is skipped.
    """
    from declarations.db import new_session

    with app.app_context():
        spec = spec_for(app.config, job_id, _internal_deadlines(app))
        as_of = as_of or _today(app.config)
        period = spec.period(as_of)
        with new_session() as session, session.begin():
            if run_id is not None:
                run = session.get(JobRun, run_id)
                run.outcome, run.started_at, run.period = "running", utcnow(), period
            else:
                run = JobRun(job_id=job_id, trigger=trigger, outcome="running", period=period, started_at=utcnow())
                session.add(run)
            done = None if force else session.scalar(
                sa.select(JobRun.id).where(JobRun.job_id == job_id, JobRun.period == period,
                                           JobRun.outcome == "success").limit(1))
            if done is not None:
                run.outcome, run.finished_at = "skipped", utcnow()
                run.error = f"already done for period {period} (run #{done})"
            session.flush()
            run_id = run.id
        if run.outcome == "skipped":
            log.info("job %s skipped: period %s already done", job_id, period)
            return run
        ctx = JobContext(as_of=as_of, run_id=run_id, config=app.config)
        counts: dict | None = None
        error: str | None = None
        try:
            with new_session() as session:
                with session.begin():
                    counts = spec.run(session, ctx)
                    counts = {"as_of": as_of.isoformat(), **(counts or {})}
        except Exception as exc:  # a failed job is recorded, the scheduler keeps running
            log.exception("job %s failed", job_id)
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
        with new_session() as session, session.begin():
            run = session.get(JobRun, run_id)
            run.finished_at = utcnow()
            run.outcome = "error" if error else "success"
            run.counts, run.error = counts, error
        log.info("job %s %s: %s", job_id, run.outcome, counts or error)
        return run


def request_run(session: Session, job_id: str, *, actor: Actor, config) -> JobRun:
    """Queue a manual run ("run now") for the scheduler process to pick up; flushed, audited."""
    spec_for(config, job_id, _deadlines_from(session))
    run = JobRun(job_id=job_id, trigger="manual", outcome="queued", started_at=utcnow())
    session.add(run)
    session.flush()
    audit.record(session, actor=actor, action="job.request", object_type="job_run", object_id=run.id,
                 summary=f"run now: {job_id}", after={"job_id": job_id})
    return run


def _deadlines_from(session: Session) -> dict[int, date]:
    from declarations.services.legal import load_params

    return dict(load_params(session).internal_deadlines)


# --- the lock: one scheduler runs jobs ------------------------------------------------------------

class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock, held by a dedicated connection for the scheduler's life.

    If the process dies, its connection closes and PostgreSQL releases the lock, so a standby's next
    `pg_try_advisory_lock` succeeds.
    """

    kind = "postgresql advisory lock"

    def __init__(self, engine: sa.Engine, holder: str, key: int = ADVISORY_KEY):
        # NullPool: closing the connection really ends the session (a pooled one would keep the lock).
        self.engine = sa.create_engine(engine.url, poolclass=NullPool)
        self.holder, self.key = holder, key
        self.conn: sa.Connection | None = None
        self.held = False

    def acquire(self, now: datetime) -> bool:
        if self.conn is None:
            self.conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.held = bool(self.conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
        return self.held

    def refresh(self, now: datetime) -> bool:
        """Still held while the dedicated session is alive."""
        if not self.held or self.conn is None:
            return False
        try:
            self.conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.DBAPIError:
            log.error("scheduler lock connection lost")
            self._drop()
            return False

    def release(self) -> None:
        if self.conn is not None and self.held:
            try:
                self.conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            except sa.exc.DBAPIError:
                pass
        self._drop()

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sa.exc.DBAPIError:
                pass
        self.conn, self.held = None, False
        self.engine.dispose()


class RowLock:
    """SQLite: a row in `scheduler_locks`; the holder refreshes its heartbeat, a silent holder expires."""

    kind = "lock row"

    def __init__(self, engine: sa.Engine, holder: str, expiry: timedelta, name: str = LOCK_NAME):
        self.engine, self.holder, self.expiry, self.name = engine, holder, expiry, name
        self.held = False

    def acquire(self, now: datetime) -> bool:
        now = now.astimezone(timezone.utc)
        table = SchedulerLock.__table__
        with self.engine.begin() as conn:
            taken = conn.execute(sa.update(table).where(
                table.c.name == self.name,
                sa.or_(table.c.holder == self.holder, table.c.heartbeat_at < now - self.expiry))
                .values(holder=self.holder, acquired_at=now, heartbeat_at=now)).rowcount
        if not taken:
            try:
                with self.engine.begin() as conn:
                    conn.execute(sa.insert(table).values(name=self.name, holder=self.holder, acquired_at=now,
                                                         heartbeat_at=now))
                taken = 1
            except sa.exc.IntegrityError:
                taken = 0
        self.held = bool(taken)
        return self.held

    def refresh(self, now: datetime) -> bool:
        if not self.held:
            return False
        table = SchedulerLock.__table__
        with self.engine.begin() as conn:
            ok = conn.execute(sa.update(table).where(table.c.name == self.name, table.c.holder == self.holder)
                              .values(heartbeat_at=now.astimezone(timezone.utc))).rowcount == 1
        if not ok:
            log.error("scheduler lock taken over by another scheduler")
        self.held = ok
        return ok

    def release(self) -> None:
        if self.held:
            table = SchedulerLock.__table__
            with self.engine.begin() as conn:
                conn.execute(sa.delete(table).where(table.c.name == self.name, table.c.holder == self.holder))
        self.held = False


def make_lock(engine: sa.Engine, holder: str, expiry: timedelta):
    return AdvisoryLock(engine, holder) if engine.dialect.name == "postgresql" else RowLock(engine, holder, expiry)


def _record_presence(engine: sa.Engine, holder: str, now: datetime) -> None:
    """PostgreSQL: keep the lock row up to date too, only to show who runs the jobs (the advisory lock rules)."""
    table = SchedulerLock.__table__
    now = now.astimezone(timezone.utc)
    with engine.begin() as conn:
        if not conn.execute(sa.update(table).where(table.c.name == LOCK_NAME)
                            .values(holder=holder, heartbeat_at=now)).rowcount:
            conn.execute(sa.insert(table).values(name=LOCK_NAME, holder=holder, acquired_at=now, heartbeat_at=now))


def scheduler_status(session: Session, config) -> dict:
    """Who runs the jobs, as far as the database knows: holder and last heartbeat, and whether it is alive."""
    row = session.get(SchedulerLock, LOCK_NAME)
    expiry = timedelta(seconds=float(setting(config, "SCHEDULER_LOCK_EXPIRY_SECONDS")))
    if session.get_bind().dialect.name == "postgresql":
        alive = bool(session.scalar(sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND ((classid::bigint << 32) | objid::bigint) = :k"), {"k": ADVISORY_KEY}))
    else:
        heartbeat = row.heartbeat_at if row else None
        if heartbeat is not None and heartbeat.tzinfo is None:
            heartbeat = heartbeat.replace(tzinfo=timezone.utc)
        alive = heartbeat is not None and utcnow() - heartbeat < expiry
    return {"alive": alive, "holder": row.holder if row else None,
            "heartbeat_at": row.heartbeat_at if row else None}


# --- the scheduler ---------------------------------------------------------------------------------

class _ClockedScheduler(BackgroundScheduler):
    """APScheduler's background loop, dispatching through `JobScheduler.process_due` with its clock."""

    def __init__(self, owner: "JobScheduler", **kwargs):
        super().__init__(**kwargs)
        self._owner = owner

    def _process_jobs(self):
        if self.state != STATE_RUNNING:  # paused, or shutting down: the loop's last turn must not dispatch
            return None
        self._owner.process_due(self._owner.clock())
        return self._owner.seconds_to_next_run()


def fire(job_id: str) -> None:  # pragma: no cover - the stored reference; dispatch goes through process_due
    """The callable stored with each job (APScheduler keeps a textual reference to it)."""
    raise RuntimeError(f"job {job_id} must be dispatched by declarations.scheduler.JobScheduler")


class JobScheduler:
    """One scheduler process: lock, job store, dispatch. `step(now)` is one turn of the main loop."""

    def __init__(self, app: Flask, *, clock: Callable[[], datetime] | None = None, holder: str | None = None,
                 background: bool = True):
        self.app = app
        self.tz = local_tz(app.config)
        self.clock = clock or (lambda: datetime.now(self.tz))
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.background = background
        self.engine: sa.Engine = app.extensions["db_engine"]
        expiry = timedelta(seconds=float(setting(app.config, "SCHEDULER_LOCK_EXPIRY_SECONDS")))
        self.lock = make_lock(self.engine, self.holder, expiry)
        self.aps: _ClockedScheduler | None = None
        self.store: SQLAlchemyJobStore | None = None
        self.leader = False
        self._run_lock = threading.RLock()
        self._stop = threading.Event()
        self._synced_at: datetime | None = None

    # -- leadership

    def step(self, now: datetime | None = None) -> list[JobRun]:
        """Take or keep the lock; as leader, sync the jobs when due, run the due and the queued ones."""
        now = now or self.clock()
        if not self.leader:
            if not self.lock.acquire(now):
                return []
            log.info("scheduler %s holds the %s; running jobs", self.holder, self.lock.kind)
            self._start(now)
        elif not self.lock.refresh(now):
            self._stop_aps()
            return []
        if self.engine.dialect.name == "postgresql":
            _record_presence(self.engine, self.holder, now)
        sync_every = timedelta(seconds=float(setting(self.app.config, "SCHEDULER_SYNC_SECONDS")))
        if self._synced_at is None or now - self._synced_at >= sync_every:
            self.sync_jobs(now)
        runs: list[JobRun] = []
        if not self.background:
            runs += self.process_due(now)
        runs += self.run_queued()
        return runs

    def _start(self, now: datetime) -> None:
        self.store = SQLAlchemyJobStore(engine=self.engine, tablename=JOB_STORE_TABLE)
        self.aps = _ClockedScheduler(self, timezone=self.tz, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(
                setting(self.app.config, "SCHEDULE_GRACE_NIGHTLY"))})
        self.aps.add_jobstore(self.store, "default")
        # Paused until the jobs are synced (and for good in tests, which dispatch through step()).
        self.aps.start(paused=True)
        self.leader = True
        self.sync_jobs(now)
        if self.background:
            self.aps.resume()

    def _stop_aps(self) -> None:
        if self.aps is not None:
            self.aps.shutdown(wait=True)
        self.aps, self.store, self.leader, self._synced_at = None, None, False, None

    def shutdown(self) -> None:
        """Stop dispatching, let a running job finish, release the lock."""
        self._stop_aps()           # joins APScheduler's thread: a job it is running finishes first
        with self._run_lock:       # so does a manual run in progress
            self.lock.release()

    # -- jobs in the store

    def sync_jobs(self, now: datetime) -> list[str]:
        """Add or replace every job (stable ids); an unchanged trigger keeps its stored next run time."""
        assert self.aps is not None
        deadlines = _internal_deadlines(self.app)
        done = self._done_periods()
        specs = []
        for spec in job_specs(self.app.config, deadlines):
            if spec.id.startswith(INTERNAL_CHECK_PREFIX):
                year = spec.id[len(INTERNAL_CHECK_PREFIX):]
                run_at = spec.trigger.run_date
                if (spec.id, year) in done or now - run_at > timedelta(seconds=spec.grace):
                    continue  # done already, or too long ago to catch up: nothing to schedule
            specs.append(spec)
        wanted = {spec.id for spec in specs}
        for job in self.aps.get_jobs():
            if job.id not in wanted:
                self.aps.remove_job(job.id)
        for spec in specs:
            existing = self.aps.get_job(spec.id)
            if existing is not None and repr(existing.trigger) == repr(spec.trigger):
                next_run = existing.next_run_time
            else:
                next_run = spec.trigger.get_next_fire_time(None, now)
            self.aps.add_job(fire, trigger=spec.trigger, args=[spec.id], id=spec.id, name=spec.title_vi,
                             replace_existing=True, coalesce=True, misfire_grace_time=spec.grace,
                             max_instances=1, next_run_time=next_run)
        self._synced_at = now
        if self.background and self.aps.state != STATE_PAUSED:
            self.aps.wakeup()
        return sorted(wanted)

    def _done_periods(self) -> set[tuple[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(JobRun.job_id, JobRun.period).where(
                JobRun.job_id.like(f"{INTERNAL_CHECK_PREFIX}%"), JobRun.outcome == "success")).all()
        return {(job_id, period) for job_id, period in rows}

    def seconds_to_next_run(self) -> float | None:
        if self.store is None:
            return None
        next_run = self.store.get_next_run_time()
        if next_run is None:
            return None
        return min(max(next_run.timestamp() - self.clock().timestamp(), 0), TIMEOUT_MAX)

    # -- dispatch

    def due_runs(self, now: datetime) -> list[tuple[str, datetime, bool]]:
        """Which jobs are due at `now`: (job id, scheduled time, within grace); advances their next run time.

        A job that missed several run times while the scheduler was down runs once (coalesce), for the
        latest of them, if that is within its misfire grace time.
        """
        assert self.store is not None and self.aps is not None
        due: list[tuple[str, datetime, bool]] = []
        for job in self.store.get_due_jobs(now):
            run_times: list[datetime] = []
            next_run = job.next_run_time
            while next_run is not None and next_run <= now and len(run_times) < 10000:
                run_times.append(next_run)
                next_run = job.trigger.get_next_fire_time(next_run, now)
            if not run_times:
                continue
            if job.coalesce:
                run_times = run_times[-1:]
            following = job.trigger.get_next_fire_time(run_times[-1], now)
            if following is not None:
                self.aps.modify_job(job.id, next_run_time=following)
            else:
                self.aps.remove_job(job.id)
            grace = timedelta(seconds=job.misfire_grace_time) if job.misfire_grace_time is not None else None
            for run_time in run_times:
                due.append((job.id, run_time, grace is None or now - run_time <= grace))
        return due

    def process_due(self, now: datetime) -> list[JobRun]:
        """Run the jobs due at `now` (the scheduler's dispatch; tests call it with an injected clock)."""
        with self._run_lock:
            if not self.leader or self.store is None:
                return []
            runs = []
            for job_id, run_time, in_grace in self.due_runs(now):
                local = run_time.astimezone(self.tz)
                late = now - run_time
                if not in_grace:
                    runs.append(self._record_missed(job_id, local, late))
                    continue
                trigger = "schedule" if late <= ON_TIME else "catch_up"
                runs.append(run_job(self.app, job_id, as_of=local.date(), trigger=trigger, force=False))
            return runs

    def _record_missed(self, job_id: str, run_time: datetime, late: timedelta) -> JobRun:
        from declarations.db import new_session

        log.warning("job %s missed its run of %s (%s late, beyond its grace time)", job_id, run_time, late)
        with self.app.app_context(), new_session() as session, session.begin():
            run = JobRun(job_id=job_id, trigger="catch_up", outcome="skipped", started_at=utcnow(),
                         finished_at=utcnow(), period=None,
                         error=f"missed: due {run_time:%d/%m/%Y %H:%M}, scheduler was down for longer than "
                               f"the grace time")
            session.add(run)
        return run

    def run_queued(self) -> list[JobRun]:
        """Run the manual runs queued from the UI ("run now"), oldest first, each claimed atomically."""
        table = JobRun.__table__
        runs: list[JobRun] = []
        # Never wait here for a job the APScheduler thread is running: the caller must keep heartbeating.
        if not self._run_lock.acquire(blocking=False):
            return runs
        try:
            if not self.leader:
                return runs
            with self.engine.connect() as conn:
                queued = conn.execute(sa.select(table.c.id, table.c.job_id).where(table.c.outcome == "queued")
                                      .order_by(table.c.id)).all()
            for run_id, job_id in queued:
                with self.engine.begin() as conn:
                    claimed = conn.execute(sa.update(table).where(table.c.id == run_id, table.c.outcome == "queued")
                                           .values(outcome="running")).rowcount
                if claimed:
                    runs.append(run_job(self.app, job_id, run_id=run_id, trigger="manual", force=True))
        finally:
            self._run_lock.release()
        return runs

    # -- the foreground process

    def run_forever(self) -> None:
        """The `declarations scheduler` loop: until stopped, hold or wait for the lock, heartbeat, dispatch."""
        poll = float(setting(self.app.config, "SCHEDULER_POLL_SECONDS"))
        try:
            while not self._stop.is_set():
                try:
                    self.step()
                except Exception:  # a database hiccup must not end the scheduler: retry on the next turn
                    log.exception("scheduler step failed; retrying in %s s", poll)
                self._stop.wait(poll)
        finally:
            self.shutdown()

    def stop(self, *_args) -> None:
        self._stop.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)


# --- what the UI shows ------------------------------------------------------------------------------

def stored_next_runs(engine: sa.Engine) -> dict[str, datetime | None]:
    """Next run time per job id from the job store table (empty if no scheduler ever started)."""
    if not sa.inspect(engine).has_table(JOB_STORE_TABLE):
        return {}
    table = sa.table(JOB_STORE_TABLE, sa.column("id"), sa.column("next_run_time"))
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, table.c.next_run_time)).all()
    return {job_id: datetime.fromtimestamp(ts, timezone.utc) if ts is not None else None for job_id, ts in rows}


def job_overview(session: Session, config, engine: sa.Engine, now: datetime | None = None) -> list[dict]:
    """Each job: id, title, schedule, next run (stored by the scheduler, else computed), last run."""
    tz = local_tz(config)
    now = now or datetime.now(tz)
    stored = stored_next_runs(engine)
    rows = []
    for spec in job_specs(config, _deadlines_from(session)):
        if spec.id in stored:
            next_run, source = stored[spec.id], "store"
        else:
            next_run, source = spec.trigger.get_next_fire_time(None, now), "computed"
            if next_run is not None and next_run < now:
                next_run = None
        last = session.scalar(sa.select(JobRun).where(JobRun.job_id == spec.id).order_by(JobRun.id.desc()).limit(1))
        rows.append({"id": spec.id, "title_vi": spec.title_vi, "title_en": spec.title_en,
                     "schedule": spec.schedule_text, "next_run": next_run.astimezone(tz) if next_run else None,
                     "next_run_source": source, "last_run": last})
    return rows
