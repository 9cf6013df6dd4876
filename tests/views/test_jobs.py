"""/admin/jobs, /reports and /notifications: who may see what, run now, downloads, mark as read."""
from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from declarations.db import new_session
from declarations.models import AuditEntry, JobRun, Notification, User
from declarations.services.audit import SYSTEM
from declarations.services.notifications import notify
from declarations.services.users import create_user
from tests.conftest import PASSWORD

ALL_ROLES = ("declarant", "agency_officer", "inspector", "chief_inspector", "admin")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path, allowed", [
    ("/admin/jobs", {"admin"}),
    ("/reports", {"inspector", "chief_inspector", "admin"}),
    ("/reports/download?year=2025", {"inspector", "chief_inspector", "admin"}),
    ("/notifications", set(ALL_ROLES)),
])
def test_role_matrix(client, login_as, role, path, allowed):
    login_as(role)
    assert client.get(path).status_code == (200 if role in allowed else 403)


def test_signed_out_is_sent_to_login(client):
    for path in ("/admin/jobs", "/reports", "/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_jobs_page_lists_jobs_with_next_run_and_history(app, client, login_as):
    from declarations.scheduler import run_job

    run_job(app, "checks-nightly", as_of=date(2025, 12, 1))
    login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    for job_id in ("completeness-check-annual", "reminder-1", "reminder-2", "checks-nightly"):
        assert f'id="job-{job_id}"' in page
    assert "hằng năm ngày 01/01 lúc 00:30" in page and "hằng ngày lúc 02:00" in page
    assert "Bộ lập lịch không chạy" in page
    assert re.search(r"\d\d/\d\d/\d{4} 02:00", page)          # next nightly run
    assert "success" in page and "2025-12-01" in page          # the history
    assert "<script" not in page


def test_run_now_queues_a_run_with_csrf(app, make_user):
    from declarations.scheduler import JobScheduler

    app.config["WTF_CSRF_ENABLED"] = True
    make_user("admin", "quantri")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"username": "quantri", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get("/admin/jobs").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/jobs/reminder-1/run").status_code == 400                  # no token
    response = client.post("/admin/jobs/reminder-1/run", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.post("/admin/jobs/no-such-job/run", data={"csrf_token": token}).status_code == 404
    with app.app_context(), new_session() as s:
        run = s.scalar(sa.select(JobRun))
        assert (run.job_id, run.outcome, run.trigger) == ("reminder-1", "queued", "manual")
        assert s.scalar(sa.select(AuditEntry).where(AuditEntry.action == "job.request")).actor_name == "quantri"
    # the scheduler process picks it up on its next turn
    scheduler = JobScheduler(app, background=False, holder="test")
    try:
        scheduler.step()
    finally:
        scheduler.shutdown()
    with app.app_context(), new_session() as s:
        assert s.get(JobRun, run.id).outcome == "success"


def test_reports_download_xlsx_csv_and_list(app, client, login_as, small_scheduled_province):
    login_as("chief_inspector")
    page = client.get("/reports").get_data(as_text=True)
    assert "Sở Tài chính" in page and "Sở Y tế" in page
    response = client.get("/reports/download?year=2025&kind=report&format=xlsx")
    assert response.status_code == 200
    assert "bao-cao-kiem-soat-tai-san-thu-nhap-2025.xlsx" in response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Báo cáo tổng hợp", "Cảnh báo theo quy tắc", "Vụ việc theo trạng thái",
                             "Danh sách chưa kê khai"]
    csv_response = client.get("/reports/download?year=2025&kind=report&format=csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "Tổng cộng" in csv_response.data.decode("utf-8-sig")
    listing = client.get("/reports/download?year=2025&kind=list&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(listing.data)).active
    assert ws["A4"].value.startswith("TỔNG HỢP DANH SÁCH")
    assert client.get("/reports/download?year=abc").status_code == 400
    assert client.get("/reports/download?year=2025&kind=pdf").status_code == 400


def test_inspectors_report_on_their_agencies_only(app, client, login_as, small_scheduled_province):
    ids = small_scheduled_province
    login_as("inspector", agencies=("Sở Tài chính",))
    page = client.get("/reports").get_data(as_text=True)
    assert "Sở Tài chính" in page and "Sở Y tế" not in page
    mine, other = ids["Nguyễn Văn An"]["agency"], ids["Trần Thị Bình"]["agency"]
    assert client.get(f"/reports/download?year=2025&agency={other}").status_code == 403
    response = client.get("/reports/download?year=2025&format=csv")
    text = response.data.decode("utf-8-sig")
    assert "Sở Tài chính" in text and "Sở Y tế" not in text
    assert client.get(f"/reports/download?year=2025&agency={mine}&format=csv").status_code == 200


def test_notifications_list_and_mark_read(app, client, login_as):
    username = login_as("declarant")
    with app.app_context(), new_session() as s, s.begin():
        me = s.scalar(sa.select(User).where(User.username == username))
        mine = notify(s, kind="reminder", subject="Đôn đốc kê khai lần 1", body="Dòng một\nDòng hai",
                      user_ids=[me.id])[0]
        other = create_user(s, "someone-else", role="inspector", password=PASSWORD, actor=SYSTEM)
        theirs = notify(s, kind="x", subject="Không phải của bạn", body="...", user_ids=[other.id])[0]
    page = client.get("/notifications").get_data(as_text=True)
    assert "Đôn đốc kê khai lần 1" in page and "Không phải của bạn" not in page
    assert "(1 chưa đọc)" in page
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post(f"/notifications/{mine.id}/read").status_code == 302
    with app.app_context(), new_session() as s:
        assert s.get(Notification, mine.id).read_at is not None
        assert s.get(Notification, theirs.id).read_at is None
    assert "chưa đọc" not in client.get("/notifications").get_data(as_text=True)
    assert client.post("/notifications/read-all").status_code == 302


@pytest.fixture
def small_scheduled_province(app, small_province):
    from declarations.scheduler import run_job

    ids = small_province()
    for job_id, day in (("reminder-1", date(2025, 12, 1)), ("reminder-2", date(2025, 12, 20)),
                        ("completeness-check-annual", date(2026, 1, 1))):
        assert run_job(app, job_id, as_of=day).outcome == "success"
    return ids
