"""An agency's completeness for a year: who owes a declaration, who declared on time or late, who is missing."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, send_file

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import Agency, Guidance, User
from declarations.services import completeness, scoping
from declarations.legal import today
from declarations.services.legal import load_params
from declarations.views.common import actor, int_arg

bp = Blueprint("agency", __name__, url_prefix="/agency")

READERS = ("agency_officer", "inspector", "chief_inspector", "admin")


def _selection(session, user):
    """The agencies in scope, the chosen one (or all in scope) and the year."""
    scope = scoping.agency_scope(user)
    query = sa.select(Agency).order_by(Agency.name)
    if scope is not None:
        query = query.where(Agency.id.in_(scope) if scope else sa.false())
    agencies = session.scalars(query).all()
    chosen = int_arg("agency")
    if chosen is not None and chosen not in {a.id for a in agencies}:
        abort(404)
    ids = {chosen} if chosen is not None else (scope if scope is not None else None)
    years = completeness.roster_years(session, ids)
    year = int_arg("year") or (years[0] if years else today().year - 1)
    return agencies, chosen, ids, years, year


@bp.get("")
@role_required(*READERS)
def index():
    """The completeness list for the chosen agency and year."""
    session = get_session()
    user = actor()
    agencies, chosen, ids, years, year = _selection(session, user)
    rows = completeness.obligations(session, year, params=load_params(session), as_of=today(), agency_ids=ids)
    guidance = []
    if ids:
        guidance = session.execute(sa.select(Guidance, User.username, Agency.name)
                                   .outerjoin(User, User.id == Guidance.issued_by_id)
                                   .join(Agency, Agency.id == Guidance.agency_id)
                                   .where(Guidance.agency_id.in_(ids)).order_by(Guidance.issued_at.desc())
                                   .limit(20)).all()
    return render_template("agency.html", agencies=agencies, chosen=chosen, years=years, year=year, rows=rows,
                           totals=completeness.totals(rows), per_agency=completeness.per_agency(rows),
                           guidance=guidance)


@bp.get("/completeness.xlsx")
@role_required(*READERS)
def download():
    """The same list as an .xlsx workbook."""
    session = get_session()
    user = actor()
    agencies, chosen, ids, years, year = _selection(session, user)
    rows = completeness.obligations(session, year, params=load_params(session), as_of=today(), agency_ids=ids)
    name = next((a.name for a in agencies if a.id == chosen), None)
    title = f"Tình hình kê khai tài sản, thu nhập năm {year}" + (f" · {name}" if name else "")
    data = completeness.completeness_xlsx(rows, title=title)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"tinh-hinh-ke-khai-{year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
