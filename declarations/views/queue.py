"""The review queue: the user's cases, riskiest first, with filters, counts and pages."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import CASE_STATES
from declarations.rules.runner import rules_table
from declarations.services import scoping
from declarations.legal import today
from declarations.services.queue import QueueFilters, filter_choices, queue_page
from declarations.views.common import actor, int_arg, page_arg

bp = Blueprint("queue", __name__)

TYPES = ("first", "annual", "supplementary", "personnel")
SEVERITIES = ("high", "medium", "low")


def _filters() -> QueueFilters:
    args = request.args
    rule_codes = {r["code"] for r in rules_table()}
    return QueueFilters(
        agency_id=int_arg("agency"),
        year=int_arg("year"),
        declaration_type=args.get("type") if args.get("type") in TYPES else None,
        rule=args.get("rule") if args.get("rule") in rule_codes else None,
        severity=args.get("severity") if args.get("severity") in SEVERITIES else None,
        state=args.get("state") if args.get("state") in (*CASE_STATES, "open", "all") else None,
        assignee=args.get("assignee") or None,
    )


@bp.get("/queue")
@role_required(*scoping.CASE_READER_ROLES)
def index():
    """The cases of the user's agencies, ordered by risk score."""
    session = get_session()
    user = actor()
    filters = _filters()
    page = queue_page(session, user, filters, page=page_arg(), page_size=current_app.config["PAGE_SIZE"],
                      today=today())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("queue.html", page=page, filters=filters, args=args, choices=filter_choices(session, user),
                           rules=rules_table(), states=CASE_STATES, types=TYPES, severities=SEVERITIES)
