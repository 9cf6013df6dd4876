"""Scheduled jobs and their history (administrators), the periodic reports, the user's notifications."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from declarations.auth import role_required
from declarations.db import get_engine, get_session
from declarations.models import ROLES, Agency, JobRun, Notification
from declarations.models._types import utcnow
from declarations.services import audit

bp = Blueprint("jobs", __name__)

REPORT_ROLES = ("inspector", "chief_inspector", "admin")
HISTORY_SIZE = 100


def _now():
    return datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh")))


# --- scheduled jobs ------------------------------------------------------------------------------------

@bp.get("/admin/jobs")
@role_required("admin")
def admin_jobs():
    """Each job with its schedule and next run, the scheduler's state, and the history of runs."""
    from declarations.scheduler import job_overview, scheduler_status

    session = get_session()
    job_id = request.args.get("job") or None
    history = sa.select(JobRun).order_by(JobRun.id.desc()).limit(HISTORY_SIZE)
    if job_id:
        history = history.where(JobRun.job_id == job_id)
    return render_template("jobs/admin_jobs.html", jobs=job_overview(session, current_app.config, get_engine(),
                                                                     _now()),
                           status=scheduler_status(session, current_app.config),
                           runs=session.scalars(history).all(), job_filter=job_id)


@bp.post("/admin/jobs/<job_id>/run")
@role_required("admin")
def run_now(job_id: str):
    """Queue a run of the job for the scheduler process (the web worker never runs jobs itself)."""
    from declarations.scheduler import request_run

    session = get_session()
    try:
        run = request_run(session, job_id, actor=current_user._get_current_object(), config=current_app.config)
    except KeyError:
        abort(404)
    session.commit()
    flash(f"Đã xếp lượt chạy #{run.id} của tác vụ {job_id}; bộ lập lịch sẽ chạy trong giây lát.", "info")
    return redirect(url_for("jobs.admin_jobs"))


# --- reports ------------------------------------------------------------------------------------------

def _report_scope(session) -> tuple[set[int] | None, list[Agency]]:
    """The agencies the user may report on (None: the province) and the choices for the form."""
    user = current_user
    if user.sees_all_agencies:
        return None, session.scalars(sa.select(Agency).order_by(Agency.name)).all()
    ids = set(user.agency_ids)
    return ids, session.scalars(sa.select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)).all()


@bp.get("/reports")
@role_required(*REPORT_ROLES)
def reports():
    """The annual report and the consolidated list for a year, to download."""
    session = get_session()
    _scope, agencies = _report_scope(session)
    this_year = _now().year
    return render_template("jobs/reports.html", agencies=agencies, years=list(range(this_year, this_year - 8, -1)),
                           default_year=this_year - 1 if _now().month < 12 else this_year)


@bp.get("/reports/download")
@role_required(*REPORT_ROLES)
def download_report():
    """?year=Y&agency=ID&kind=report|list|missing&format=xlsx|csv"""
    from declarations.services import reports as svc

    session = get_session()
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        abort(400)
    if not 2000 <= year <= 2100:
        abort(400)
    kind = request.args.get("kind", "report")
    fmt = request.args.get("format", "xlsx")
    if kind not in ("report", "list", "missing") or fmt not in ("xlsx", "csv"):
        abort(400)
    scope, _agencies = _report_scope(session)
    agency = request.args.get("agency", "").strip()
    if agency:
        if not agency.isdigit():
            abort(400)
        try:
            agency_ids = svc.resolve_agency(session, agency)
        except LookupError:
            abort(404)
        if scope is not None:
            if int(agency) not in scope:
                abort(403)
            agency_ids &= scope | {int(agency)}
    else:
        agency_ids = scope
    province = current_app.config["PROVINCE_NAME"]
    stream = io.BytesIO()
    if kind == "list":
        data = svc.obliged_list(session, year, agency_ids=agency_ids, province_name=province)
        (svc.write_list_xlsx if fmt == "xlsx" else svc.write_list_csv)(data, stream)
        name = f"danh-sach-nguoi-co-nghia-vu-ke-khai-{year}.{fmt}"
    else:
        data = svc.annual_report(session, year, agency_ids=agency_ids, province_name=province)
        if kind == "missing":
            (svc.write_missing_xlsx if fmt == "xlsx" else svc.write_missing_csv)(data, stream)
            name = f"danh-sach-chua-ke-khai-{year}.{fmt}"
        else:
            (svc.write_report_xlsx if fmt == "xlsx" else svc.write_report_csv)(data, stream)
            name = f"bao-cao-kiem-soat-tai-san-thu-nhap-{year}.{fmt}"
    stream.seek(0)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "text/csv; charset=utf-8")
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=name)


# --- notifications -------------------------------------------------------------------------------------

@bp.get("/notifications")
@role_required(*ROLES)
def notifications():
    """The signed-in user's notifications, newest first."""
    session = get_session()
    items = session.scalars(sa.select(Notification).where(Notification.user_id == current_user.id)
                            .order_by(Notification.id.desc()).limit(200)).all()
    unread = sum(1 for n in items if n.read_at is None)
    return render_template("jobs/notifications.html", items=items, unread=unread)


@bp.post("/notifications/<int:notification_id>/read")
@role_required(*ROLES)
def mark_read(notification_id: int):
    session = get_session()
    item = session.get(Notification, notification_id)
    if item is None or item.user_id != current_user.id:
        abort(404)
    if item.read_at is None:
        item.read_at = utcnow()
        audit.record(session, actor=current_user._get_current_object(), action="notification.read",
                     object_type="notification", object_id=item.id)
        session.commit()
    return redirect(url_for("jobs.notifications"))


@bp.post("/notifications/read-all")
@role_required(*ROLES)
def mark_all_read():
    session = get_session()
    done = session.execute(sa.update(Notification).where(Notification.user_id == current_user.id,
                                                         Notification.read_at.is_(None)).values(read_at=utcnow()))
    if done.rowcount:
        audit.record(session, actor=current_user._get_current_object(), action="notification.read_all",
                     object_type="user", object_id=current_user.id, after={"count": done.rowcount})
    session.commit()
    return redirect(url_for("jobs.notifications"))
