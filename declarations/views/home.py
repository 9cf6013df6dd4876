"""What each role sees first: a few counts within the user's scope and the links to their work."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from declarations.models import Case, Declaration, ExplanationRequest, Upload
from declarations.services import scoping
from declarations.legal import today


def render_home(session, user):
    counts: dict[str, int] = {}
    if user.role == "declarant":
        people = scoping.own_person_ids(session, user) or {-1}
        counts["declarations"] = session.scalar(sa.select(sa.func.count(Declaration.id)).where(
            Declaration.person_id.in_(people), Declaration.is_current.is_(True)))
        counts["open_requests"] = session.scalar(
            sa.select(sa.func.count(ExplanationRequest.id)).join(Case, Case.id == ExplanationRequest.case_id)
            .where(Case.person_id.in_(people), ExplanationRequest.answered_at.is_(None)))
        counts["uploads"] = session.scalar(sa.select(sa.func.count(Upload.id)).where(Upload.uploaded_by_id == user.id))
    elif user.role == "agency_officer":
        counts["declarations"] = session.scalar(sa.select(sa.func.count(Declaration.id)).where(
            Declaration.is_current.is_(True), scoping.declaration_filter(session, user)))
        counts["uploads"] = session.scalar(sa.select(sa.func.count(Upload.id)).where(Upload.uploaded_by_id == user.id))
    else:
        visible = scoping.case_filter(session, user)
        counts["open_cases"] = session.scalar(sa.select(sa.func.count(Case.id)).where(visible, Case.state != "cleared"))
        counts["mine"] = session.scalar(sa.select(sa.func.count(Case.id)).where(
            visible, Case.assignee_id == user.id, Case.state != "cleared"))
        counts["escalations"] = session.scalar(sa.select(sa.func.count(Case.id)).where(
            visible, Case.state == "escalation_proposed"))
        counts["overdue"] = session.scalar(
            sa.select(sa.func.count(sa.distinct(ExplanationRequest.case_id)))
            .join(Case, Case.id == ExplanationRequest.case_id)
            .where(visible, ExplanationRequest.answered_at.is_(None), ExplanationRequest.due_on < today()))
    return render_template("home.html", counts=counts, user=user)
