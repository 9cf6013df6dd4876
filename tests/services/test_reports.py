"""The annual report and the consolidated list: figures equal counts taken straight from the database."""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest
import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import (Agency, Case, Declaration, ExplanationRequest, Flag, Person, Reminder, RosterEntry)
from declarations.scheduler import ANNUAL_CHECK, NIGHTLY, REMINDER_1, REMINDER_2, run_job
from declarations.services import reports
from declarations.services.reports import (LIST_COLUMNS, MISSING_COLUMNS, SHEET_CASES, SHEET_FLAGS, SHEET_MISSING,
                                           SHEET_SUMMARY)

YEAR = 2025


@pytest.fixture
def province(app, demo_province):
    """A demo province past its deadline: reminders sent, checks run, some cases reviewed."""
    manifest = demo_province(declarants=60, years=2, last_year=YEAR, seed=13)
    for job_id, day in ((REMINDER_1, date(YEAR, 12, 1)), (REMINDER_2, date(YEAR, 12, 20)),
                        (ANNUAL_CHECK, date(YEAR + 1, 1, 1)), (NIGHTLY, manifest.as_of)):
        run = run_job(app, job_id, as_of=day)
        assert run.outcome == "success", run.error
    with app.app_context(), new_session() as s, s.begin():
        cases = s.scalars(sa.select(Case).where(Case.year == YEAR).order_by(Case.id)).all()
        assert len(cases) >= 3
        cases[0].state = "verification"
        cases[1].state = "explanation_received"
        cases[2].state = "explanation_requested"
        now = datetime(YEAR + 1, 1, 20, tzinfo=timezone.utc)
        s.add_all([
            ExplanationRequest(case_id=cases[1].id, due_on=date(YEAR + 1, 1, 27), question="Nguồn gốc?",
                               answer="Thừa kế", answered_at=now),
            ExplanationRequest(case_id=cases[2].id, due_on=date(YEAR + 1, 1, 27), question="Nguồn gốc?"),
        ])
    return manifest


def _direct_counts(session, year: int = YEAR) -> dict[int, dict]:
    """The figures recomputed with plain loops over the rows, independent of the report's queries."""
    params_due = {"annual": lambda e: date(e.year, 12, 31), "supplementary": lambda e: date(e.year, 12, 31),
                  "first": lambda e: e.event_date + timedelta(days=10),
                  "personnel": lambda e: e.event_date - timedelta(days=10)}
    out: dict[int, dict] = defaultdict(lambda: Counter())
    current = {(d.person_id, d.declaration_type, d.year): d
               for d in session.scalars(sa.select(Declaration).where(Declaration.is_current.is_(True)))}
    reminders = defaultdict(set)
    for r in session.scalars(sa.select(Reminder)):
        reminders[r.roster_entry_id].add(r.number)
    for e in session.scalars(sa.select(RosterEntry).where(RosterEntry.year == year)):
        c = out[e.agency_id]
        c["obliged"] += 1
        d = current.get((e.person_id, e.declaration_type, e.year))
        if d is None:
            c["missing"] += 1
            if reminders[e.id] == {1, 2}:
                c["missing_after_two_reminders"] += 1
        else:
            c["declared"] += 1
            c["late" if d.completed_on > params_due[e.declaration_type](e) else "on_time"] += 1
    for f in session.scalars(sa.select(Flag).where(Flag.year == year, Flag.status == "open")):
        if f.declaration_id:
            agency = session.get(Declaration, f.declaration_id).agency_id
        elif f.roster_entry_id:
            agency = session.get(RosterEntry, f.roster_entry_id).agency_id
        else:
            agency = session.get(Person, f.person_id).agency_id
        out[agency]["flag:" + f.rule_code] += 1
        if f.rule_code == "MISSING" and f.escalation_marked_at is not None:
            out[agency]["escalation_marked"] += 1
    for case in session.scalars(sa.select(Case).where(Case.year == year)):
        agency = case.agency_id or session.get(Person, case.person_id).agency_id
        out[agency]["case:" + case.state] += 1
        for x in session.scalars(sa.select(ExplanationRequest).where(ExplanationRequest.case_id == case.id)):
            out[agency]["explanations_requested"] += 1
            out[agency]["explanations_received"] += x.answered_at is not None
    return out


def _as_counter(f: reports.Figures) -> Counter:
    c = Counter({name: getattr(f, name) for name in (
        "obliged", "declared", "on_time", "late", "missing", "missing_after_two_reminders", "escalation_marked",
        "explanations_requested", "explanations_received")})
    c.update({"flag:" + k: v for k, v in f.flags.items()})
    c.update({"case:" + k: v for k, v in f.cases.items()})
    return +c   # drop zeros


def test_report_figures_equal_direct_counts(app, province):
    with app.app_context(), new_session() as s:
        report = reports.annual_report(s, YEAR, province_name="Tỉnh Demo", as_of=date(YEAR + 1, 1, 20))
        direct = _direct_counts(s)
        open_missing = s.scalar(sa.select(sa.func.count()).select_from(Flag).where(
            Flag.rule_code == "MISSING", Flag.year == YEAR, Flag.status == "open"))
        verification = s.scalar(sa.select(sa.func.count()).select_from(Case).where(
            Case.year == YEAR, Case.state == "verification"))
    assert {f.agency_id: _as_counter(f) for f in report.rows} == {a: +Counter(c) for a, c in direct.items()}
    total = report.total
    assert total.obliged == sum(c["obliged"] for c in direct.values()) > 0
    assert total.declared + total.missing == total.obliged and total.on_time + total.late == total.declared
    assert total.missing == open_missing >= 1                     # the checks as of 15/01 agree
    assert total.missing_after_two_reminders == total.missing      # every missing person had both reminders
    assert total.escalation_marked == total.missing
    assert total.verification == verification == 1
    assert (total.explanations_requested, total.explanations_received) == (2, 1)
    assert total.flags.get("MISSING") == open_missing
    assert total.late == total.flags.get("LATE", 0)                # every late declaration carries its flag
    assert len(report.missing) == total.missing
    assert all(m.reminder_1 and m.reminder_2 and m.escalation_marked_at for m in report.missing)


def test_report_figures_for_an_earlier_year(app, province):
    """2024: the demo's late declaration is there; the checks ran, no reminders were sent that year."""
    with app.app_context(), new_session() as s:
        report = reports.annual_report(s, YEAR - 1, province_name="Tỉnh Demo")
        direct = _direct_counts(s, YEAR - 1)
    assert {f.agency_id: _as_counter(f) for f in report.rows} == {a: +Counter(c) for a, c in direct.items()}
    assert report.total.late >= 1 and report.total.late == report.total.flags["LATE"]
    assert report.total.missing_after_two_reminders == 0


def test_report_for_one_agency(app, province):
    with app.app_context(), new_session() as s:
        busiest = s.execute(sa.select(RosterEntry.agency_id, sa.func.count()).where(RosterEntry.year == YEAR)
                            .group_by(RosterEntry.agency_id).order_by(sa.func.count().desc())).first()
        agency = s.get(Agency, busiest[0])
        ids = reports.resolve_agency(s, agency.name.upper())       # by name, however spelt
        assert agency.id in ids and ids == reports.resolve_agency(s, str(agency.id))
        scoped = reports.annual_report(s, YEAR, agency_ids={agency.id}, province_name="Tỉnh Demo")
        whole = reports.annual_report(s, YEAR, province_name="Tỉnh Demo")
        with pytest.raises(LookupError):
            reports.resolve_agency(s, "Sở Không Tồn Tại")
    assert [f.agency_id for f in scoped.rows] == [agency.id]
    assert scoped.total.obliged == busiest[1]
    assert _as_counter(scoped.rows[0]) == _as_counter(next(f for f in whole.rows if f.agency_id == agency.id))


def test_xlsx_has_the_sheets_headers_and_totals_laid_out_for_printing(app, province):
    with app.app_context(), new_session() as s:
        report = reports.annual_report(s, YEAR, province_name="Tỉnh Demo", as_of=date(YEAR + 1, 1, 20))
    stream = io.BytesIO()
    reports.write_report_xlsx(report, stream)
    wb = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert wb.sheetnames == [SHEET_SUMMARY, SHEET_FLAGS, SHEET_CASES, SHEET_MISSING]

    ws = wb[SHEET_SUMMARY]
    assert ws["A1"].value == "THANH TRA TỈNH DEMO"
    assert ws["A4"].value == f"BÁO CÁO KẾT QUẢ KIỂM SOÁT TÀI SẢN, THU NHẬP NĂM {YEAR}"
    assert "Tỉnh Demo" in ws["A5"].value and f"01/01/{YEAR}" in ws["A5"].value and "20/01/2026" in ws["A5"].value
    header = [ws.cell(7, c).value for c in range(1, 14)]
    sub = [ws.cell(8, c).value for c in range(1, 14)]
    assert header[:4] == ["STT", "Cơ quan, đơn vị", "Số người có nghĩa vụ kê khai", "Đã kê khai"]
    assert header[7] == "Chưa kê khai" and header[10] == "Giải trình" and header[12] == "Chuyển xác minh"
    assert sub[3:9] == ["Tổng số", "Đúng hạn", "Chậm hạn", "Tỷ lệ đã kê khai", "Tổng số", "Sau 02 lần đôn đốc"]
    assert ws.cell(9, 1).value == "(1)"
    rows = list(ws.iter_rows(min_row=10, max_row=10 + len(report.rows), values_only=True))
    assert [r[1] for r in rows[:-1]] == [f.agency_name for f in report.rows]
    totals = rows[-1]
    t = report.total
    assert totals[1] == "Tổng cộng"
    assert totals[2:13] == (t.obliged, t.declared, t.on_time, t.late, pytest.approx(t.declared / t.obliged),
                            t.missing, t.missing_after_two_reminders, t.open_flags, t.explanations_requested,
                            t.explanations_received, t.verification)
    assert sum(r[2] for r in rows[:-1]) == totals[2]
    assert ws.cell(10, 3).number_format == "#,##0" and ws.cell(10, 7).number_format == "0.0%"
    # printing: landscape A4, fit to one page wide, header rows repeated, column widths set
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$7:$9"
    assert ws.column_dimensions["B"].width == 34
    assert any(str(v).startswith("CHÁNH THANH TRA") for row in ws.iter_rows(values_only=True) for v in row if v)

    flags = wb[SHEET_FLAGS]
    flag_header = [flags.cell(7, c).value for c in range(1, flags.max_column + 1)]
    assert flag_header[0:2] == ["STT", "Cơ quan, đơn vị"] and flag_header[-1] == "Tổng số"
    assert "Chưa kê khai quá hạn (MISSING)" in flag_header
    last = [flags.cell(9 + len(report.rows), c).value for c in range(1, flags.max_column + 1)]
    assert last[1] == "Tổng cộng" and last[-1] == t.open_flags
    assert last[flag_header.index("Chưa kê khai quá hạn (MISSING)")] == t.flags["MISSING"]

    cases = wb[SHEET_CASES]
    case_header = [cases.cell(7, c).value for c in range(1, cases.max_column + 1)]
    assert "Chuyển xác minh" in case_header
    last = [cases.cell(9 + len(report.rows), c).value for c in range(1, cases.max_column + 1)]
    assert last[-1] == t.case_total and last[case_header.index("Chuyển xác minh")] == 1

    missing = wb[SHEET_MISSING]
    assert [missing.cell(7, c).value for c in range(1, len(MISSING_COLUMNS) + 1)] == MISSING_COLUMNS
    assert missing.cell(8, 1).value == "(1)"
    names = [missing.cell(8 + n, 2).value for n in range(1, len(report.missing) + 1)]
    assert names == [m.full_name for m in report.missing]
    assert missing.cell(9, 9).value.date() == date(YEAR, 12, 31)     # hạn kê khai
    assert isinstance(missing.cell(9, 10).value, datetime) and isinstance(missing.cell(9, 11).value, datetime)
    assert missing.cell(9, 10).number_format == "dd/mm/yyyy"
    assert missing.cell(9 + len(report.missing), 2).value == f"Tổng cộng: {len(report.missing)} người"


def test_csv_is_one_table_with_a_total_row(app, province):
    with app.app_context(), new_session() as s:
        report = reports.annual_report(s, YEAR, province_name="Tỉnh Demo")
    stream = io.BytesIO()
    reports.write_report_csv(report, stream)
    text = stream.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["STT", "Cơ quan/đơn vị", "Số người có nghĩa vụ kê khai", "Đã kê khai"]
    assert "Cảnh báo: Chưa kê khai quá hạn (MISSING)" in rows[0] and "Vụ việc: Chuyển xác minh" in rows[0]
    assert len(rows) == len(report.rows) + 2
    assert rows[-1][1] == "Tổng cộng" and int(rows[-1][2]) == report.total.obliged
    assert int(rows[-1][7]) == report.total.missing
    assert sum(int(r[2]) for r in rows[1:-1]) == report.total.obliged


def test_consolidated_list_of_obliged_persons(app, province):
    with app.app_context(), new_session() as s:
        data = reports.obliged_list(s, YEAR, province_name="Tỉnh Demo")
        pairs = set(s.execute(sa.select(RosterEntry.agency_id, RosterEntry.person_id)
                              .where(RosterEntry.year == YEAR)).all())
        agencies = s.scalar(sa.select(sa.func.count(sa.distinct(RosterEntry.agency_id)))
                            .where(RosterEntry.year == YEAR))
    assert len(data.rows) == len(pairs)
    stream = io.BytesIO()
    reports.write_list_xlsx(data, stream)
    ws = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).active
    assert ws["A4"].value == f"TỔNG HỢP DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP NĂM {YEAR}"
    assert [ws.cell(7, c).value for c in range(1, 7)] == LIST_COLUMNS == [
        "STT", "Họ và tên", "Ngày tháng năm sinh", "Chức vụ/chức danh công tác", "Cơ quan/đơn vị công tác", "Ghi chú"]
    groups = [row for row in ws.iter_rows(min_row=9, values_only=True) if row[0] in ("I", "II", "III", "IV", "V",
                                                                                      "VI", "VII", "VIII", "IX", "X")]
    assert len(groups) == agencies
    people = [row for row in ws.iter_rows(min_row=9, values_only=True) if isinstance(row[0], int)]
    assert len(people) == len(pairs)
    assert all(isinstance(row[2], datetime) for row in people)
    assert ws.page_setup.orientation == "portrait" and ws.print_title_rows == "$7:$8"
    out = io.BytesIO()
    reports.write_list_csv(data, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows[0] == LIST_COLUMNS and len(rows) == len(pairs) + 1
