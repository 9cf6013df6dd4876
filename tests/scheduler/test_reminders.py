"""Written reminders lần 1 and lần 2: recorded once each, notified in-app and by e-mail only after commit."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import AuditEntry, Flag, Notification, Reminder
from declarations.scheduler import ANNUAL_CHECK, REMINDER_1, REMINDER_2, run_job
from declarations.services.audit import SCHEDULER
from declarations.services.legal import load_params
from declarations.services.reminders import mark_escalations, send_reminders


def _reminders(app):
    with app.app_context(), new_session() as s:
        return sorted(s.execute(sa.select(Reminder.roster_entry_id, Reminder.number, Reminder.year)).all())


def _mail_on(app, smtp):
    app.config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port, MAIL_SENDER="thanhtra@demo.test")


def test_first_and_second_reminder_are_recorded_once_each_even_if_run_twice(app, small_province):
    ids = small_province()
    pending = sorted(v["entry"] for k, v in ids.items() if k != "Trần Thị Bình")
    for _ in range(2):
        assert run_job(app, REMINDER_1, as_of=date(2025, 12, 1)).outcome == "success"
    assert _reminders(app) == [(e, 1, 2025) for e in pending]
    again = run_job(app, REMINDER_1, as_of=date(2025, 12, 2))
    assert again.counts["recorded"] == 0 and again.counts["already_recorded"] == 3
    for _ in range(2):
        run_job(app, REMINDER_2, as_of=date(2025, 12, 20))
    assert _reminders(app) == sorted([(e, 1, 2025) for e in pending] + [(e, 2, 2025) for e in pending])
    with app.app_context(), new_session() as s:
        # one in-app notification per reminder recorded, not per run
        assert s.scalar(sa.select(sa.func.count()).select_from(Notification)
                        .where(Notification.kind == "reminder")) == 6
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "reminder.send")) == 6


def test_no_reminder_for_those_who_declared_nor_after_the_deadline(app, small_province):
    ids = small_province()
    with app.app_context(), new_session() as s, s.begin():
        counts = send_reminders(s, number=1, year=2025, as_of=date(2026, 1, 2), actor=SCHEDULER,
                                params=load_params(s))
    assert counts["pending"] == 0 and _reminders(app) == []
    run_job(app, REMINDER_1, as_of=date(2025, 12, 1))
    assert ids["Trần Thị Bình"]["entry"] not in {entry for entry, _n, _y in _reminders(app)}


def test_reminder_emails_go_out_after_the_commit(app, small_province, smtp_server):
    _mail_on(app, smtp_server)
    small_province()
    with app.app_context(), new_session() as s:
        with s.begin():
            counts = send_reminders(s, number=1, year=2025, as_of=date(2025, 12, 1), actor=SCHEDULER,
                                    params=load_params(s), mail={"server": smtp_server.host,
                                                                 "port": smtp_server.port,
                                                                 "sender": "thanhtra@demo.test"})
            assert counts["recorded"] == 3
            assert smtp_server.messages == []          # inside the transaction: nothing sent yet
        # committed: now the declarants are written to
    got = sorted(smtp_server.messages, key=lambda m: m["to"])
    assert [m["to"] for m in got] == [["person0@example.test"], ["person2@example.test"], ["person3@example.test"]]
    assert all(m["subject"] == "Đôn đốc kê khai tài sản, thu nhập lần 1 – năm 2025" for m in got)
    assert "Điều 20 Nghị định 130/2020/NĐ-CP" in got[0]["body"] and "31/12/2025" in got[0]["body"]
    with app.app_context(), new_session() as s:
        assert set(s.scalars(sa.select(Notification.email_status).where(Notification.kind == "reminder"))) == {"sent"}


def test_the_scheduled_job_sends_mail_through_the_configured_server(app, small_province, smtp_server):
    _mail_on(app, smtp_server)
    small_province()
    assert run_job(app, REMINDER_2, as_of=date(2025, 12, 20)).outcome == "success"
    assert len(smtp_server.messages) == 3
    assert {m["from"] for m in smtp_server.messages} == {"thanhtra@demo.test"}
    assert all("lần 2" in m["subject"] for m in smtp_server.messages)
    run_job(app, REMINDER_2, as_of=date(2025, 12, 21))           # a second run: nobody is written to twice
    assert len(smtp_server.messages) == 3


def test_no_mail_and_no_reminder_when_the_transaction_rolls_back(app, small_province, smtp_server):
    _mail_on(app, smtp_server)
    small_province()
    mail = {"server": smtp_server.host, "port": smtp_server.port, "sender": "thanhtra@demo.test"}
    with app.app_context(), new_session() as s:
        with pytest.raises(RuntimeError):
            with s.begin():
                send_reminders(s, number=1, year=2025, as_of=date(2025, 12, 1), actor=SCHEDULER,
                               params=load_params(s), mail=mail)
                raise RuntimeError("something later in the unit of work fails")
    assert smtp_server.messages == []
    assert _reminders(app) == []
    with app.app_context(), new_session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_a_failing_job_sends_nothing(app, small_province, smtp_server, monkeypatch):
    _mail_on(app, smtp_server)
    small_province()
    from declarations.services import reminders

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(reminders.audit, "record_many", broken)   # fails after the notifications were queued
    run = run_job(app, REMINDER_1, as_of=date(2025, 12, 1))
    assert run.outcome == "error" and "audit log unavailable" in run.error
    assert smtp_server.messages == [] and _reminders(app) == []
    monkeypatch.undo()
    assert run_job(app, REMINDER_1, as_of=date(2025, 12, 1)).outcome == "success"
    assert len(smtp_server.messages) == 3


def test_mail_is_off_unless_configured(app, small_province):
    small_province()
    run_job(app, REMINDER_1, as_of=date(2025, 12, 1))
    with app.app_context(), new_session() as s:
        assert set(s.scalars(sa.select(Notification.email_status))) == {"off"}


def test_after_the_deadline_two_reminders_mark_the_missing_flag(app, small_province, make_user):
    ids = small_province()
    chief = make_user("chief_inspector")
    # An Nguyễn: both reminders; Cường: only the second (added to the roster late); Dung declares in time.
    run_job(app, REMINDER_1, as_of=date(2025, 12, 1))
    with app.app_context(), new_session() as s, s.begin():
        s.execute(sa.delete(Reminder).where(Reminder.roster_entry_id == ids["Lê Văn Cường"]["entry"]))
        from declarations.models import Declaration

        s.add(Declaration(person_id=ids["Phạm Thị Dung"]["person"], agency_id=ids["Phạm Thị Dung"]["agency"],
                          declaration_type="annual", year=2025, completed_on=date(2025, 12, 10),
                          regime_code="L36_2018", is_current=True, full_name="Phạm Thị Dung", id_number="001000000003"))
    run_job(app, REMINDER_2, as_of=date(2025, 12, 20))
    # before the deadline nothing is marked: there is no MISSING flag yet
    run_job(app, "checks-nightly", as_of=date(2025, 12, 31))
    with app.app_context(), new_session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Flag).where(Flag.rule_code == "MISSING")) == 0
    run = run_job(app, ANNUAL_CHECK, as_of=date(2026, 1, 1))
    assert run.outcome == "success" and run.counts["escalations_marked"] == 1
    with app.app_context(), new_session() as s:
        flags = {f.person_id: f for f in s.scalars(sa.select(Flag).where(Flag.rule_code == "MISSING"))}
        assert set(flags) == {ids["Nguyễn Văn An"]["person"], ids["Lê Văn Cường"]["person"]}
        assert flags[ids["Nguyễn Văn An"]["person"]].escalation_marked_at is not None
        assert flags[ids["Lê Văn Cường"]["person"]].escalation_marked_at is None
        marked = flags[ids["Nguyễn Văn An"]["person"]]
        entry = s.scalar(sa.select(AuditEntry).where(AuditEntry.action == "flag.escalation_mark"))
        assert entry.object_id == str(marked.id) and entry.actor_name == "scheduler"
        assert s.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == chief, Notification.kind == "escalation_mark")) == 1
        first_mark = marked.escalation_marked_at
    # idempotent: the nightly re-run keeps the mark and marks nobody again
    again = run_job(app, "checks-nightly", as_of=date(2026, 1, 2))
    assert again.counts["escalations_marked"] == 0
    with app.app_context(), new_session() as s:
        assert s.get(Flag, marked.id).escalation_marked_at == first_mark
        assert mark_escalations(s, actor=SCHEDULER)["escalations_marked"] == 0
