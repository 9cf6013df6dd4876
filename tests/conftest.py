"""Fixtures: a fresh app and database per test on SQLite or on PostgreSQL (DATABASE_URL), real clients."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

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


# --- issue 6: a demo province in the database, a real SMTP server on 127.0.0.1 ------------------------

@pytest.fixture
def demo_province(app, tmp_path):
    """Factory: demo_province(declarants=40, years=2, last_year=2025, seed=5) writes etl.demo's synthetic
    province as workbook files and imports it through the services (rosters, then declarations, no
    checks run); returns the manifest."""
    from declarations.db import new_session
    from declarations.services.audit import SYSTEM
    from declarations.services.imports import import_declaration, import_roster
    from declarations.services.legal import load_params
    from etl.demo.generator import generate_province

    def make(*, declarants: int = 40, years: int = 2, last_year: int = 2025, seed: int = 5):
        out = tmp_path / f"province-{seed}"
        manifest = generate_province(out, declarants=declarants, years=years, seed=seed, last_year=last_year)
        with app.app_context(), new_session() as s:
            with s.begin():
                params = load_params(s)
            for name in manifest.roster_files:
                with s.begin():
                    outcome = import_roster(s, (out / name).read_bytes(), name, actor=SYSTEM)
                assert outcome.status == "accepted", (name, outcome.errors[:3])
            for name in manifest.declaration_files:
                with s.begin():
                    outcome = import_declaration(s, (out / name).read_bytes(), name, actor=SYSTEM, params=params,
                                                 recheck=False)
                assert outcome.status == "accepted", (name, outcome.errors[:3])
        return manifest

    return make


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port; `.messages` holds what it received."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            self.messages.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                                  "subject": str(message["Subject"]), "body": message.get_content()})
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.host, inbox.port = "127.0.0.1", port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def small_province(app):
    """Factory: two agencies, people on the 2025 annual roster with e-mail addresses; `declared` names have
    filed. Returns {name: {"person", "entry", "agency"}}."""
    from datetime import date

    from declarations.db import new_session
    from declarations.models import Agency, Declaration, Person, RosterEntry

    def make(names=("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"), *,
             declared=("Trần Thị Bình",), year: int = 2025, emails: bool = True) -> dict:
        with app.app_context(), new_session() as s, s.begin():
            agencies = [Agency(name="Sở Tài chính", name_key="sotaichinh"), Agency(name="Sở Y tế", name_key="soyte")]
            s.add_all(agencies)
            s.flush()
            ids = {}
            for n, name in enumerate(names):
                agency = agencies[n % 2]
                person = Person(cccd=f"0010{n:08d}", full_name=name, name_key=name.casefold(),
                                date_of_birth=date(1970 + n, 1, 1 + n), agency_id=agency.id, position="Chuyên viên",
                                email=f"person{n}@example.test" if emails else None)
                s.add(person)
                s.flush()
                entry = RosterEntry(person_id=person.id, agency_id=agency.id, position="Chuyên viên",
                                    declaration_type="annual", year=year)
                s.add(entry)
                if name in declared:
                    s.add(Declaration(person_id=person.id, agency_id=agency.id, declaration_type="annual", year=year,
                                      completed_on=date(year, 11, 20), regime_code="L36_2018", is_current=True,
                                      full_name=name, id_number=person.cccd, agency_name=agency.name))
                s.flush()
                ids[name] = {"person": person.id, "entry": entry.id, "agency": agency.id}
            return ids

    return make


@pytest.fixture
def make_scheduler(app):
    """Factory: make_scheduler(now, holder=None) -> (JobScheduler, Clock), with an injected clock
    (tests.scheduler.clock), dispatching inline through step(now): no thread runs jobs, nothing sleeps.
    Every scheduler made is shut down after the test."""
    from declarations.scheduler import JobScheduler
    from tests.scheduler.clock import Clock

    made = []

    def make(now, *, holder: str | None = None):
        clock = Clock(now)
        scheduler = JobScheduler(app, clock=clock, holder=holder, background=False)
        made.append(scheduler)
        return scheduler, clock

    yield make
    for scheduler in made:
        scheduler.shutdown()
