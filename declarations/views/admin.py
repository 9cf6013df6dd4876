"""Administration: users, roles and scopes; legal parameters; the audit log; agency assignments."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import ROLES, Agency, AuditEntry, LegalRegime, User
from declarations.rules.runner import rules_table
from declarations.services.legal import add_regime, load_params, set_parameter
from declarations.services.users import UserError, create_user, set_user_agencies, update_user
from declarations.views.common import actor, page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 100


def _agencies(session):
    return session.scalars(sa.select(Agency).order_by(Agency.name)).all()


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    """The users with their roles and scopes; the form to create one."""
    session = get_session()
    if request.method == "POST":
        form = request.form
        agency_names = [a.name for a in session.scalars(sa.select(Agency).where(
            Agency.id.in_([int(i) for i in form.getlist("agencies") if i.isdigit()])))]
        extra = [n.strip() for n in form.get("new_agency", "").split(";") if n.strip()]
        try:
            create_user(session, form.get("username", "").strip(), role=form.get("role", ""),
                        password=form.get("password", ""), actor=actor(), full_name=form.get("full_name") or None,
                        email=form.get("email") or None, agencies=agency_names + extra,
                        cccd=form.get("cccd") or None)
        except UserError as exc:
            session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("admin.users"), code=303)
        session.commit()
        flash(_("Đã tạo người dùng."), "success")
        return redirect(url_for("admin.users"), code=303)
    rows = session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=rows, roles=ROLES, agencies=_agencies(session))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int):
    """Change one user's role, name, e-mail, active flag, password and agencies."""
    session = get_session()
    target = session.get(User, user_id) or abort(404)
    if request.method == "POST":
        form = request.form
        try:
            update_user(session, target, actor=actor(), role=form.get("role") or None,
                        full_name=form.get("full_name", ""), email=form.get("email", ""),
                        active=form.get("active") == "on", password=form.get("password") or None)
            if target.role in ("agency_officer", "inspector"):
                wanted = sorted(int(i) for i in form.getlist("agencies") if i.isdigit())
                if wanted != sorted(target.agency_ids):
                    set_user_agencies(session, target, wanted, actor=actor())
        except UserError as exc:
            session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("admin.user", user_id=user_id), code=303)
        session.commit()
        flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user.html", target=target, roles=ROLES, agencies=_agencies(session))


@bp.route("/assignments", methods=["GET", "POST"])
@role_required("chief_inspector", "admin")
def assignments():
    """The chief inspector assigns agencies to inspectors."""
    session = get_session()
    if request.method == "POST":
        try:
            inspector_id = int(request.form.get("user_id", ""))
        except ValueError:
            abort(400)
        inspector = session.get(User, inspector_id)
        if inspector is None or inspector.role != "inspector":
            abort(404)
        wanted = [int(i) for i in request.form.getlist("agencies") if i.isdigit()]
        try:
            set_user_agencies(session, inspector, wanted, actor=actor())
        except UserError as exc:
            session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("admin.assignments"), code=303)
        session.commit()
        flash(_("Đã lưu phân công."), "success")
        return redirect(url_for("admin.assignments"), code=303)
    inspectors = session.scalars(sa.select(User).where(User.role == "inspector").order_by(User.username)).all()
    return render_template("admin/assignments.html", inspectors=inspectors, agencies=_agencies(session))


@bp.route("/parameters", methods=["GET", "POST"])
@role_required("admin")
def parameters():
    """Legal regimes (add one with its date and thresholds), rule weights and deadlines; each change audited."""
    session = get_session()
    if request.method == "POST":
        form = request.form
        what = form.get("what")
        try:
            if what == "regime":
                add_regime(session, code=form["code"].strip(), name=form["name"].strip(),
                           effective_from=date.fromisoformat(form["effective_from"]),
                           item_threshold=_money(form["item_threshold"]),
                           variation_threshold=_money(form["variation_threshold"]),
                           legal_basis=form.get("legal_basis", "").strip(), actor=actor())
            elif what == "weights":
                weights = {r["code"]: int(form[f"w_{r['code']}"]) for r in rules_table()}
                if any(w < 0 for w in weights.values()):
                    raise ValueError("negative weight")
                set_parameter(session, "weights", weights, actor=actor())
            elif what == "deadlines":
                current = dict(load_params(session).deadlines)
                for key, value in current.items():
                    if isinstance(value, bool):
                        current[key] = form.get(f"d_{key}") == "on"
                    else:
                        current[key] = int(form[f"d_{key}"])
                set_parameter(session, "deadlines", current, actor=actor())
            else:
                abort(400)
        except (KeyError, ValueError, sa.exc.IntegrityError) as exc:
            session.rollback()
            flash(_("Giá trị không hợp lệ: %(error)s", error=str(exc)), "error")
            return redirect(url_for("admin.parameters"), code=303)
        session.commit()
        flash(_("Đã lưu tham số."), "success")
        return redirect(url_for("admin.parameters"), code=303)
    params = load_params(session)
    regimes = session.scalars(sa.select(LegalRegime).order_by(LegalRegime.effective_from)).all()
    return render_template("admin/parameters.html", regimes=regimes, params=params, rules=rules_table(params))


def _money(raw: str) -> int:
    from etl.parsers import ParseError, parse_amount

    try:
        value = parse_amount(raw, allow_negative=False, allow_unknown=False)
    except ParseError as exc:
        raise ValueError(exc.message_vi) from None
    if value is None:
        raise ValueError("empty amount")
    return value


def _utc_midnight(day: date) -> datetime:
    """Midnight in Asia/Ho_Chi_Minh as UTC (how the log's times are stored)."""
    from declarations.legal import TIMEZONE

    return datetime.combine(day, time(), tzinfo=TIMEZONE).astimezone(timezone.utc)


def _audit_query():
    args = request.args
    query = sa.select(AuditEntry)
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name == args["actor"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action.startswith(args["action"].strip()))
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"].strip())
    if args.get("object_id"):
        query = query.where(AuditEntry.object_id == args["object_id"].strip())
    try:
        if args.get("since"):
            query = query.where(AuditEntry.at >= _utc_midnight(date.fromisoformat(args["since"])))
        if args.get("until"):
            query = query.where(AuditEntry.at < _utc_midnight(date.fromisoformat(args["until"]) + timedelta(days=1)))
    except ValueError:
        abort(400)
    return query


@bp.get("/audit")
@role_required("admin", "chief_inspector")
def audit_log():
    """The audit log, newest first, filterable."""
    session = get_session()
    query = _audit_query()
    page = page_arg()
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)
                           .offset((page - 1) * AUDIT_PAGE)).all()
    object_types = session.scalars(sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // AUDIT_PAGE)), args=args, object_types=object_types)


@bp.get("/audit.csv")
@role_required("admin", "chief_inspector")
def audit_csv():
    """The filtered audit log as CSV (UTF-8 with BOM so that Excel reads the Vietnamese)."""
    session = get_session()
    query = _audit_query().order_by(AuditEntry.id)

    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(["id", "at", "actor", "action", "object_type", "object_id", "summary", "before", "after"])
    for row in session.scalars(query.execution_options(yield_per=1000)):
        writer.writerow([row.id, row.at.isoformat(), row.actor_name, row.action, row.object_type,
                         row.object_id or "", row.summary or "",
                         json.dumps(row.before, ensure_ascii=False) if row.before is not None else "",
                         json.dumps(row.after, ensure_ascii=False) if row.after is not None else ""])
    return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=nhat-ky-he-thong.csv"})
