"""Deny by default, walked over the whole URL map: every endpoint × every role (and signed out).

Each endpoint must have a decision below; a new endpoint without one fails `test_every_endpoint_has_a_decision`
and its row of the matrix. Allowed roles must get through (200, a redirect that is not to the sign-in page,
or 404 for an id that does not exist); other roles get 403; signed-out users are sent to /login.
"""
from __future__ import annotations

import pytest

from declarations import create_app
from tests.conftest import TEST_SECRET

PUBLIC = "public"
ALL = ("declarant", "agency_officer", "inspector", "chief_inspector", "admin")
REVIEWERS = ("inspector", "chief_inspector")
READERS = ("inspector", "chief_inspector", "admin")
ROLES = (None, *ALL)
MISSING = 999_999  # an id that exists nowhere: allowed roles get 404, the others 403 first

#: endpoint -> (who may use it, method, URL maker taking the world)
DECISIONS: dict[str, tuple] = {
    "static": (PUBLIC, "GET", lambda w: "/static/app.css"),
    "main.healthz": (PUBLIC, "GET", lambda w: "/healthz"),
    "main.set_language": (PUBLIC, "POST", lambda w: "/lang/en"),
    "auth.login": (PUBLIC, "GET", lambda w: "/login"),
    "main.home": (ALL, "GET", lambda w: "/"),
    "auth.logout_get": (ALL, "GET", lambda w: "/logout"),
    "auth.logout": (ALL, "POST", lambda w: "/logout"),
    "uploads.upload": (("declarant", "agency_officer"), "GET", lambda w: "/upload"),
    "uploads.template": (ALL, "GET", lambda w: "/upload/template"),
    "queue.index": (READERS, "GET", lambda w: "/queue"),
    "cases.show": (READERS, "GET", lambda w: f"/cases/{w.case_a}"),
    "cases.act": (REVIEWERS, "POST", lambda w: f"/cases/{MISSING}/action/start"),
    "cases.request_explanation": (REVIEWERS, "POST", lambda w: f"/cases/{MISSING}/explanation"),
    "cases.dismiss_flag": (REVIEWERS, "POST", lambda w: f"/cases/{MISSING}/flags/{MISSING}/dismiss"),
    "cases.assign": (REVIEWERS, "POST", lambda w: f"/cases/{MISSING}/assign"),
    "cases.guidance": (REVIEWERS, "POST", lambda w: f"/cases/{MISSING}/guidance"),
    "dashboard.index": (READERS, "GET", lambda w: "/dashboard"),
    "agency.index": (("agency_officer", *READERS), "GET", lambda w: "/agency"),
    "agency.download": (("agency_officer", *READERS), "GET", lambda w: "/agency/completeness.xlsx"),
    "declarant.my": (("declarant",), "GET", lambda w: "/my"),
    "declarant.declaration": (ALL, "GET", lambda w: f"/declarations/{w.declaration_a}"),
    "declarant.explanation": (ALL, "GET", lambda w: f"/explanations/{MISSING}"),
    "declarant.attachment": (ALL, "GET", lambda w: f"/explanations/{MISSING}/attachment"),
    "admin.users": (("admin",), "GET", lambda w: "/admin/users"),
    "admin.user": (("admin",), "GET", lambda w: f"/admin/users/{MISSING}"),
    "admin.parameters": (("admin",), "GET", lambda w: "/admin/parameters"),
    "admin.assignments": (("chief_inspector", "admin"), "GET", lambda w: "/admin/assignments"),
    "admin.audit_log": (("chief_inspector", "admin"), "GET", lambda w: "/admin/audit"),
    "admin.audit_csv": (("chief_inspector", "admin"), "GET", lambda w: "/admin/audit.csv"),
    # the scheduler's and reports' pages (views/jobs.py)
    "jobs.admin_jobs": (("admin",), "GET", lambda w: "/admin/jobs"),
    "jobs.run_now": (("admin",), "POST", lambda w: "/admin/jobs/no-such-job/run"),
    "jobs.reports": (READERS, "GET", lambda w: "/reports"),
    "jobs.download_report": (READERS, "GET", lambda w: "/reports/download?kind=none"),
    "jobs.notifications": (ALL, "GET", lambda w: "/notifications"),
    "jobs.mark_read": (ALL, "POST", lambda w: f"/notifications/{MISSING}/read"),
    "jobs.mark_all_read": (ALL, "POST", lambda w: "/notifications/read-all"),
}


def _endpoints() -> list[str]:
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": "sqlite://"})
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


ENDPOINTS = _endpoints()


def test_every_endpoint_has_a_decision():
    assert [e for e in ENDPOINTS if e not in DECISIONS] == []


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "signed_out")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_matrix(endpoint, role, module_app, module_world):
    """One endpoint, one role: allowed, forbidden or sent to sign in, as decided above."""
    from tests.views.conftest import signed_in_client

    assert endpoint in DECISIONS, f"{endpoint} has no access decision"
    world, users = module_world
    who, method, url_for_world = DECISIONS[endpoint]
    client = signed_in_client(module_app, users.get(role))
    response = client.open(url_for_world(world), method=method)
    status, location = response.status_code, response.headers.get("Location", "")
    to_login = status == 302 and location.startswith("/login")
    if who == PUBLIC:
        assert status < 400 or status == 404
    elif role is None:
        assert to_login
    elif endpoint == "auth.logout":
        assert to_login  # signing out ends at the sign-in page, by design
    elif role in who:
        assert status not in (401, 403) and not to_login and status < 500, (status, location)
    else:
        assert status == 403
