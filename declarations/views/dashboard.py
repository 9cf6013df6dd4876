"""The province dashboard: completeness per agency for a year, flags per rule, cases per state, trends."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import CASE_STATES, Case, Declaration, Flag, RosterEntry
from declarations.rules.runner import rules_table
from declarations.services import completeness, scoping
from declarations.legal import today
from declarations.services.legal import load_params
from declarations.views.charts import bar_chart, line_chart
from declarations.views.common import actor, int_arg

bp = Blueprint("dashboard", __name__)

READERS = ("inspector", "chief_inspector", "admin")


@bp.get("/dashboard")
@role_required(*READERS)
def index():
    """Province-wide for the chief inspector and the administrator; an inspector sees their agencies."""
    session = get_session()
    user = actor()
    scope = scoping.agency_scope(user)
    years = completeness.roster_years(session, scope)
    year = int_arg("year") or (years[0] if years else today().year - 1)
    rows = completeness.obligations(session, year, params=load_params(session), as_of=today(), agency_ids=scope)
    per_agency = completeness.per_agency(rows)

    decl, entry = aliased(Declaration), aliased(RosterEntry)
    flag_agency = sa.func.coalesce(decl.agency_id, entry.agency_id)
    flags_q = (sa.select(Flag.rule_code, sa.func.count()).outerjoin(decl, decl.id == Flag.declaration_id)
               .outerjoin(entry, entry.id == Flag.roster_entry_id)
               .where(Flag.status == "open", Flag.year == year).group_by(Flag.rule_code))
    cases_q = sa.select(Case.state, sa.func.count()).where(scoping.case_filter(session, user)).group_by(Case.state)
    trend_decl = (sa.select(Declaration.year, sa.func.count(), sa.func.coalesce(sa.func.sum(Declaration.total_assets), 0))
                  .where(Declaration.is_current.is_(True)).group_by(Declaration.year).order_by(Declaration.year))
    trend_flags = (sa.select(Flag.year, sa.func.count()).outerjoin(decl, decl.id == Flag.declaration_id)
                   .outerjoin(entry, entry.id == Flag.roster_entry_id)
                   .where(Flag.status == "open").group_by(Flag.year))
    matched = aliased(Declaration)
    trend_roster = (sa.select(RosterEntry.year, sa.func.count(), sa.func.count(matched.id))
                    .outerjoin(matched, sa.and_(matched.person_id == RosterEntry.person_id,
                                                matched.declaration_type == RosterEntry.declaration_type,
                                                matched.year == RosterEntry.year, matched.is_current.is_(True)))
                    .group_by(RosterEntry.year).order_by(RosterEntry.year))
    if scope is not None:
        ids = list(scope) or [-1]
        flags_q = flags_q.where(flag_agency.in_(ids))
        trend_flags = trend_flags.where(flag_agency.in_(ids))
        trend_decl = trend_decl.where(Declaration.agency_id.in_(ids))
        trend_roster = trend_roster.where(RosterEntry.agency_id.in_(ids))
    flags_per_rule = dict(session.execute(flags_q).all())
    cases_per_state = dict(session.execute(cases_q).all())
    decl_trend = session.execute(trend_decl).all()
    flag_trend = dict(session.execute(trend_flags).all())
    roster_trend = session.execute(trend_roster).all()

    rules = rules_table()
    state_names = {"new": _("Mới"), "in_review": _("Đang xem xét"), "explanation_requested": _("Đã yêu cầu giải trình"),
                   "explanation_received": _("Đã nhận giải trình"), "cleared": _("Đã kết thúc"),
                   "escalation_proposed": _("Đề nghị xác minh"), "verification": _("Xác minh")}
    charts = {
        "rules": bar_chart([(r["code"], flags_per_rule.get(r["code"], 0)) for r in rules],
                           title=_("Cảnh báo đang mở theo quy tắc, năm %(y)s", y=year), css="s3"),
        "states": bar_chart([(state_names.get(s, s), cases_per_state.get(s, 0)) for s in CASE_STATES],
                            title=_("Hồ sơ theo trạng thái"), css="s1"),
        "completeness": bar_chart([(a.agency, round(100 * a.rate)) for a in per_agency[:40]],
                                  title=_("Tỷ lệ đã kê khai (%%) theo cơ quan, năm %(y)s", y=year), css="s2"),
    }
    if decl_trend:
        labels = [str(row[0]) for row in decl_trend]
        charts["trend_counts"] = line_chart(
            labels, [(_("Bản kê khai"), [row[1] for row in decl_trend], "s1"),
                     (_("Cảnh báo đang mở"), [flag_trend.get(row[0], 0) for row in decl_trend], "s3")],
            title=_("Bản kê khai và cảnh báo qua các năm"), money=False)
        charts["trend_assets"] = line_chart(
            labels, [(_("Tổng tài sản kê khai"), [int(row[2]) for row in decl_trend], "s2")],
            title=_("Tổng tài sản kê khai qua các năm"))
    return render_template("dashboard.html", year=year, years=years, per_agency=per_agency,
                           totals=completeness.totals(rows), flags_per_rule=flags_per_rule, rules=rules,
                           cases_per_state=cases_per_state, states=CASE_STATES, charts=charts,
                           roster_trend=roster_trend, decl_trend=decl_trend, flag_trend=flag_trend)
