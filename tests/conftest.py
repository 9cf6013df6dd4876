"""Fixtures: a fresh app and database per test on SQLite or on PostgreSQL (DATABASE_URL), real clients."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from declarations import create_app, schema
from declarations.db import Base, make_engine

TEST_SECRET = "test-secret-key-not-for-production"
PASSWORD = "correct horse battery"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A database migrated to head once per test session (per xdist worker)."""
    pg = _postgres_url()
    if pg:
        base = make_engine(pg).url
        name = f"{base.database}_{_worker()}"
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        yield {"kind": "postgresql", "url": url}
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        schema.upgrade(engine)
        engine.dispose()
        yield {"kind": "sqlite", "path": path}


def _fresh_database(template, tmp_path: Path) -> str:
    if template["kind"] == "sqlite":
        target = tmp_path / "test.sqlite"
        shutil.copyfile(template["path"], target)
        return f"sqlite:///{target}"
    engine = make_engine(template["url"])
    tables = [t.name for t in Base.metadata.sorted_tables]
    inspector_tables = set(sa.inspect(engine).get_table_names())
    extra = sorted(inspector_tables - set(tables) - {"alembic_version"})
    names = ", ".join(f'"{n}"' for n in tables + extra if n in inspector_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return template["url"]


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    return _fresh_database(database_template, tmp_path)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        from declarations.db import new_session
        from declarations.services.legal import seed_parameters

        with new_session() as s, s.begin():
            seed_parameters(s)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def db(app):
    """A session inside an app context; the test commits what it wants stored."""
    from declarations.db import get_session

    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role, username=None, agencies=(), cccd=None) -> user id."""
    from declarations.db import new_session
    from declarations.services.audit import SYSTEM
    from declarations.services.users import create_user

    counter = {"n": 0}

    def make(role: str, username: str | None = None, *, agencies=(), cccd: str | None = None,
             full_name: str | None = None) -> int:
        counter["n"] += 1
        name = username or f"{role}{counter['n']}"
        if role == "agency_officer" and not agencies:
            agencies = ("Sở Tài chính",)
        if role == "declarant" and not cccd:
            cccd = f"{counter['n']:012d}"
        with app.app_context(), new_session() as s, s.begin():
            user = create_user(s, name, role=role, password=PASSWORD, actor=SYSTEM, agencies=list(agencies),
                               cccd=cccd, full_name=full_name)
            return user.id

    return make


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user of `role`; returns the username."""
    def login(role: str, **kwargs) -> str:
        username = kwargs.pop("username", None) or f"{role}-{os.urandom(3).hex()}"
        make_user(role, username, **kwargs)
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.data[:500]
        return username

    return login


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests talk to 127.0.0.1 only (STYLE habit 9)."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                raise RuntimeError(f"network access to {host!r} in a test")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
