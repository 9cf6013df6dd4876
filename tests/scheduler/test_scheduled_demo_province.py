"""Done when: on a demo province, moving the clock past 31/12 gives the MISSING flags, the reminder
history and a report an inspectorate could send upward as it is."""
from __future__ import annotations

from datetime import timedelta

import openpyxl
import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import Flag, JobRun, Notification, Person, Reminder
from declarations.scheduler import ANNUAL_CHECK, REMINDER_1, REMINDER_2
from declarations.services.reports import SHEET_MISSING, SHEET_SUMMARY
from tests.scheduler.clock import hcm


def test_moving_the_clock_past_31_december(app, demo_province, make_scheduler, runner, tmp_path):
    manifest = demo_province(declarants=60, years=2, last_year=2025, seed=13)
    expected_missing = {f["cccd"] for f in manifest.expected_flags if f["rule"] == "MISSING" and f["year"] == 2025}
    assert expected_missing
    scheduler, clock = make_scheduler(hcm(2025, 11, 25, 9, 0))
    day = hcm(2025, 11, 25, 9, 0)
    while day <= hcm(2026, 1, 2, 9, 0):     # every morning at 09:00, from 25 November to 2 January
        clock.now = day
        scheduler.step(day)
        day += timedelta(days=1)
    with app.app_context(), new_session() as s:
        runs = s.scalars(sa.select(JobRun)).all()
        assert {r.outcome for r in runs} == {"success"}
        assert sorted((r.job_id, r.counts["as_of"]) for r in runs if r.job_id != "checks-nightly") == [
            (ANNUAL_CHECK, "2026-01-01"), (REMINDER_1, "2025-12-01"), (REMINDER_2, "2025-12-20")]
        missing = s.execute(sa.select(Person.cccd, Flag).join(Person, Person.id == Flag.person_id).where(
            Flag.rule_code == "MISSING", Flag.year == 2025, Flag.status == "open")).all()
        assert {cccd for cccd, _ in missing} == expected_missing
        for _cccd, flag in missing:
            numbers = set(s.scalars(sa.select(Reminder.number).where(Reminder.roster_entry_id == flag.roster_entry_id)))
            assert numbers == {1, 2}                       # the reminder history
            assert flag.escalation_marked_at is not None   # Decree 130 Art. 20.2
        # the reminders went to nobody who had declared
        reminded = set(s.scalars(sa.select(Person.cccd).join(Reminder, Reminder.person_id == Person.id)))
        assert reminded == expected_missing
        assert s.scalar(sa.select(sa.func.count()).select_from(Notification)
                        .where(Notification.kind == "reminder")) == 2 * len(expected_missing)

    out = tmp_path / "bao-cao-2025.xlsx"
    result = runner.invoke(args=["report", "--year", "2025", "--output", str(out), "--as-of", "2026-01-02"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    summary = wb[SHEET_SUMMARY]
    assert summary["A4"].value == "BÁO CÁO KẾT QUẢ KIỂM SOÁT TÀI SẢN, THU NHẬP NĂM 2025"
    values = [row for row in summary.iter_rows(values_only=True) if row[1] == "Tổng cộng"]
    assert len(values) == 1
    total = values[0]
    assert total[7] == len(expected_missing) and total[8] == len(expected_missing)   # missing, after two reminders
    listed = wb[SHEET_MISSING]
    rows = [r for r in listed.iter_rows(min_row=9, values_only=True) if isinstance(r[0], int)]
    assert {r[3] for r in rows} == expected_missing
    assert all(r[9] is not None and r[10] is not None and r[11] is not None for r in rows)
