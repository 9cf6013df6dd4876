"""Blueprints: parse, authorize, call a service, render. The request owns the commit."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from declarations.views import auth, errors, main

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    errors.init_app(app)
