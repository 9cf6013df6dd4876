"""Vietnamese by default, English as a second language; VND and dd/mm/yyyy everywhere."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel

LANGUAGES = ("vi", "en")


def select_locale() -> str:
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")


def format_vnd(value: int | None, unknown: bool = False) -> str:
    """1200000000 -> '1.200.000.000' (Vietnamese thousands separator)."""
    if value is None:
        return "Không xác định" if unknown or value is None else ""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        tz = ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(tz).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def current_language() -> str:
    try:
        return select_locale()
    except RuntimeError:
        return "vi"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["dmy"] = format_date
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    _ = request  # imported for the locale selector's context
