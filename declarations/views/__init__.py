"""Blueprints: parse, authorize, call a service, render. The request owns the commit."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from declarations.views import (admin, agency, auth, cases, dashboard, declarant, errors, jobs, main, queue,
                                    uploads)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(uploads.bp)
    app.register_blueprint(queue.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(declarant.bp)
    app.register_blueprint(agency.bp)
    app.register_blueprint(jobs.bp)     # issue 6: /admin/jobs, /reports, /notifications
    errors.init_app(app)
