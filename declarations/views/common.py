"""Small helpers the blueprints share: the acting user, scoped lookups, paging, error answers."""
from __future__ import annotations

from flask import abort, current_app, flash, request
from flask_babel import get_locale
from flask_login import current_user

from declarations.services.notifications import mail_config


def actor():
    """The signed-in user as a plain model object (services take the actor explicitly)."""
    return current_user._get_current_object()


def mail() -> dict | None:
    return mail_config(current_app.config)


def int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError:
        abort(400)


def page_arg() -> int:
    return max(1, int_arg("page", 1) or 1)


def english() -> bool:
    return str(get_locale()) == "en"


def flash_error(exc) -> None:
    """A service refusal shown in the user's language."""
    flash(exc.message_en if english() else exc.message_vi, "error")


def or_404(obj):
    if obj is None:
        abort(404)
    return obj
