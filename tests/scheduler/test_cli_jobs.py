"""The commands: run-job, report (.xlsx, .csv, --list, --missing, --agency), scheduler registered."""
from __future__ import annotations

import csv

import openpyxl
import sqlalchemy as sa

from declarations.cli import main
from declarations.db import new_session
from declarations.models import JobRun, Reminder


def test_commands_are_registered():
    for name in ("scheduler", "run-job", "report"):
        assert name in main.commands


def test_run_job(app, runner, small_province):
    small_province()
    result = runner.invoke(args=["run-job", "reminder-1", "--as-of", "2025-12-01"])
    assert result.exit_code == 0, result.output
    assert "reminder-1: success" in result.output
    with app.app_context(), new_session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 3
        run = s.scalar(sa.select(JobRun))
        assert (run.trigger, run.outcome, run.counts["recorded"]) == ("manual", "success", 3)
    unknown = runner.invoke(args=["run-job", "no-such-job"])
    assert unknown.exit_code != 0 and "unknown job" in unknown.output


def test_report_files(app, runner, small_province, tmp_path):
    small_province()
    runner.invoke(args=["run-job", "completeness-check-annual", "--as-of", "2026-01-01"])
    xlsx, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    assert runner.invoke(args=["report", "--year", "2025", "--output", str(xlsx)]).exit_code == 0
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Báo cáo tổng hợp"
    result = runner.invoke(args=["report", "--year", "2025", "--output", str(csv_path), "--agency", "Sở y tế"])
    assert result.exit_code == 0, result.output
    with open(csv_path, encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert [r[1] for r in rows[1:]] == ["Sở Y tế", "Tổng cộng"] and rows[-1][2] == "2"
    listed = tmp_path / "list.xlsx"
    assert runner.invoke(args=["report", "--year", "2025", "--list", "--output", str(listed)]).exit_code == 0
    ws = openpyxl.load_workbook(listed).active
    assert ws["A4"].value.startswith("TỔNG HỢP DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP")
    missing = tmp_path / "missing.csv"
    assert runner.invoke(args=["report", "--year", "2025", "--missing", "--output", str(missing)]).exit_code == 0
    with open(missing, encoding="utf-8-sig") as stream:
        assert len(list(csv.reader(stream))) == 1 + 3
    bad = runner.invoke(args=["report", "--year", "2025", "--output", str(tmp_path / "r.pdf")])
    assert bad.exit_code != 0
    unknown = runner.invoke(args=["report", "--year", "2025", "--output", str(xlsx), "--agency", "Sở Mây"])
    assert unknown.exit_code != 0 and "unknown agency" in unknown.output
