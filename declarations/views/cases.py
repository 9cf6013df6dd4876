"""One case: the declaration by the form's sections, the comparison with earlier years, the flags
with their evidence and article, the timeline, and the workflow's actions."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import Agency, Declaration, ExplanationRequest, Flag, Guidance, User
from declarations.rules.runner import rules_table
from declarations.services import reviews, scoping
from declarations.legal import today
from declarations.services.comparison import compare, items_by_section, totals_over_years
from declarations.services.legal import load_params
from declarations.views.charts import line_chart
from declarations.views.common import actor, flash_error, mail, or_404

bp = Blueprint("cases", __name__, url_prefix="/cases")

ACTORS = scoping.REVIEWER_ROLES


def _case(case_id: int):
    return or_404(scoping.visible_case(get_session(), actor(), case_id))


@bp.get("/<int:case_id>")
@role_required(*scoping.CASE_READER_ROLES)
def show(case_id: int):
    """The case page."""
    session = get_session()
    user = actor()
    case = _case(case_id)
    declaration = session.get(Declaration, case.declaration_id) if case.declaration_id else None
    comparison = compare(session, declaration) if declaration else None
    series = totals_over_years(session, case.person_id)
    labels = [f"{c.year}" + ("" if c.declaration_type == "annual" else f" ({c.declaration_type[:3]})") for c in series]
    chart = line_chart(labels, [(_("Tổng tài sản"), [c.total_assets for c in series], "s1"),
                                (_("Thu nhập kê khai"), [c.income_total for c in series], "s2")],
                       title=_("Tổng tài sản và thu nhập qua các năm")) if series else None
    flags = session.scalars(sa.select(Flag).where(reviews.case_flags_condition(case))
                            .order_by(Flag.status != "open", Flag.weight.desc(), Flag.id)).all()
    articles = {r["code"]: r for r in rules_table()}
    requests = session.scalars(sa.select(ExplanationRequest).where(ExplanationRequest.case_id == case.id)
                               .order_by(ExplanationRequest.id)).all()
    guidance = session.execute(sa.select(Guidance, User.username).outerjoin(User, User.id == Guidance.issued_by_id)
                               .where(Guidance.case_id == case.id).order_by(Guidance.id)).all()
    versions = session.scalars(sa.select(Declaration).where(
        Declaration.person_id == case.person_id, Declaration.declaration_type == case.declaration_type,
        Declaration.year == case.year).order_by(Declaration.version)).all()
    reviewers = []
    if scoping.can_act_on_case(session, user, case):
        candidates = session.scalars(sa.select(User).where(User.role.in_(ACTORS), User.active.is_(True))
                                     .order_by(User.username)).all()
        reviewers = [u for u in candidates if scoping.can_act_on_case(session, u, case)]
    params = load_params(session)
    return render_template(
        "case.html", case=case, declaration=declaration, comparison=comparison, chart=chart, flags=flags,
        articles=articles, requests=requests, guidance=guidance, versions=versions,
        sections=items_by_section(declaration) if declaration else [],
        timeline=reviews.case_timeline(session, case), today=today(),
        actions=reviews.allowed_actions(session, case, user), reviewers=reviewers,
        can_act=scoping.can_act_on_case(session, user, case),
        agency=session.get(Agency, case.agency_id) if case.agency_id else None,
        explanation_days=int(params.deadlines.get("explanation_days", 7)))


def _back(case_id: int):
    return redirect(url_for("cases.show", case_id=case_id), code=303)


def _refuse(exc: reviews.ReviewError, case_id: int):
    if isinstance(exc, reviews.NotPermitted):
        abort(403)
    if isinstance(exc, reviews.TransitionNotAllowed):
        from declarations.views.errors import render_error

        return render_error(409, exc.message_vi)
    flash_error(exc)
    return _back(case_id)


def _apply(case_id: int, change):
    """Run one review change: the request commits it, or rolls back and shows why it was refused."""
    session = get_session()
    try:
        change()
    except reviews.ReviewError as exc:
        session.rollback()
        return _refuse(exc, case_id)
    session.commit()
    return _back(case_id)


@bp.post("/<int:case_id>/action/<action>")
@role_required(*ACTORS)
def act(case_id: int, action: str):
    """start, clear, propose_escalation, approve_escalation, return_escalation, reopen."""
    if action not in reviews.SIMPLE_ACTIONS:
        abort(404)
    session = get_session()
    case = _case(case_id)
    return _apply(case_id, lambda: reviews.take_action(
        session, case, action, reason=request.form.get("reason"), actor=actor(), mail=mail()))


@bp.post("/<int:case_id>/explanation")
@role_required(*ACTORS)
def request_explanation(case_id: int):
    """Ask the declarant for an explanation with a due date."""
    from datetime import date

    session = get_session()
    case = _case(case_id)
    due = request.form.get("due_on") or None
    try:
        due_on = date.fromisoformat(due) if due else None
    except ValueError:
        abort(400)
    params = load_params(session)
    return _apply(case_id, lambda: reviews.request_explanation(
        session, case, question=request.form.get("question", ""), due_on=due_on, actor=actor(),
        explanation_days=int(params.deadlines.get("explanation_days", 7)), mail=mail()))


@bp.post("/<int:case_id>/flags/<int:flag_id>/dismiss")
@role_required(*ACTORS)
def dismiss_flag(case_id: int, flag_id: int):
    """Dismiss one flag with a reason."""
    session = get_session()
    case = _case(case_id)
    flag = session.scalar(sa.select(Flag).where(Flag.id == flag_id, reviews.case_flags_condition(case)))
    or_404(flag)
    return _apply(case_id, lambda: reviews.dismiss_flag(
        session, flag, reason=request.form.get("reason", ""), actor=actor(), case=case))


@bp.post("/<int:case_id>/assign")
@role_required(*ACTORS)
def assign(case_id: int):
    """Reassign the case to another reviewer of its agency."""
    session = get_session()
    case = _case(case_id)
    try:
        assignee_id = int(request.form.get("assignee_id", ""))
    except ValueError:
        abort(400)
    assignee = or_404(session.get(User, assignee_id))
    return _apply(case_id, lambda: reviews.reassign_case(
        session, case, assignee, reason=request.form.get("reason"), actor=actor(), mail=mail()))


@bp.post("/<int:case_id>/guidance")
@role_required(*ACTORS)
def guidance(case_id: int):
    """Issue guidance to the declarant or to the case's agency."""
    session = get_session()
    case = _case(case_id)
    target = request.form.get("target", "person")
    return _apply(case_id, lambda: reviews.issue_guidance(
        session, text=request.form.get("text", ""), actor=actor(), case=case,
        person_id=case.person_id if target == "person" else None,
        agency_id=case.agency_id if target == "agency" else None, mail=mail()))
