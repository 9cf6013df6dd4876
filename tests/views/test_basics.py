"""Health check, sign-in, deny-by-default and error pages."""
from __future__ import annotations

import sqlalchemy as sa

from declarations.models import AuditEntry, User
from tests.conftest import PASSWORD


def test_healthz_is_public_and_reports_schema(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["schema"] == body["head"]


def test_signed_out_users_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_in_and_home(client, make_user):
    make_user("inspector", "tv1")
    response = client.post("/login", data={"username": "tv1", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "tv1" in page.get_data(as_text=True)


def test_wrong_password_is_refused_and_throttled(app, client, make_user, db):
    make_user("inspector", "tv2")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"username": "tv2", "password": "wrong password"}).status_code == 401
    # locked now, even with the right password
    assert client.post("/login", data={"username": "tv2", "password": PASSWORD}).status_code == 429
    user = db.scalar(sa.select(User).where(User.username == "tv2"))
    assert user.locked_until is not None
    assert db.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "user.lock")) == 1


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_not_found_is_a_page(client, login_as):
    login_as("admin")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"<html" in response.data


def test_csrf_is_enforced(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user("inspector", "tv3")
    client = app.test_client()
    response = client.post("/login", data={"username": "tv3", "password": PASSWORD})
    assert response.status_code == 400
