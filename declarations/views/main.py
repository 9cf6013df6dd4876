"""Home, health check and language switch."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from declarations import schema
from declarations.db import get_engine, get_session
from declarations.i18n import LANGUAGES

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    """Public: the database answers and its schema is at the head revision."""
    try:
        engine = get_engine()
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        current, head = schema.current_revision(engine), schema.head_revision()
    except Exception as exc:  # the point of a health check is to report, not to raise
        return {"status": "error", "database": "unreachable", "detail": type(exc).__name__}, 503
    ok = current == head
    return {"status": "ok" if ok else "error", "database": "ok", "schema": current, "head": head}, 200 if ok else 503


@bp.post("/lang/<lang>")
def set_language(lang: str):
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next") or request.referrer or url_for("main.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.get("/")
def home():
    """The signed-in user's home for their role."""
    from declarations.views import home as home_view

    return home_view.render_home(get_session(), current_user)
