"""A small province for the view tests: two agencies, a declarant with two years in each, cases."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.views.workbooks import declaration_workbook

AGENCY_A = "Sở Tài chính"
AGENCY_B = "Sở Xây dựng"
CCCD_A = "001085012345"
CCCD_B = "001090067890"


def grown_assets(extra_cert: str = "GCN-777") -> list[tuple]:
    """The 2024 assets: a new house worth 2.5 billion without an explanation."""
    return [("1.1", "Đất ở tại phường 1", "GCN-001", 2010, "1.200.000.000"),
            ("2.1", "Nhà ở tại phường 3", extra_cert, 2024, "2.500.000.000"),
            ("5", "Tiền gửi tiết kiệm", None, 2020, "300.000.000")]


@dataclass
class World:
    case_a: int
    case_b: int
    declaration_a: int
    declaration_b: int
    person_a: int
    agency_a: int
    agency_b: int


def import_two_years(app, cccd: str, name: str, agency: str) -> int:
    """Import 2023 and 2024 for one person (2024 with a large unexplained increase); the 2024 declaration id."""
    from declarations.db import new_session
    from declarations.services.audit import SYSTEM
    from declarations.services.imports import import_declaration
    from declarations.services.legal import load_params

    with app.app_context(), new_session() as s, s.begin():
        params = load_params(s)
        first = import_declaration(s, declaration_workbook(cccd=cccd, full_name=name, agency=agency, year=2023,
                                                           completed_on="10/12/2023"),
                                   f"{cccd}-2023.xlsx", actor=SYSTEM, params=params)
        assert first.status == "accepted", first.errors
        second = import_declaration(s, declaration_workbook(cccd=cccd, full_name=name, agency=agency, year=2024,
                                                            completed_on="10/12/2024", assets=grown_assets()),
                                    f"{cccd}-2024.xlsx", actor=SYSTEM, params=params)
        assert second.status == "accepted", second.errors
        return second.declaration_id


@pytest.fixture
def world(app) -> World:
    from declarations.db import new_session
    from declarations.models import Agency, Case, Declaration

    decl_a = import_two_years(app, CCCD_A, "Nguyễn Văn An", AGENCY_A)
    decl_b = import_two_years(app, CCCD_B, "Trần Thị Bình", AGENCY_B)
    with app.app_context(), new_session() as s:
        case_a = s.scalar(sa.select(Case.id).where(Case.declaration_id == decl_a))
        case_b = s.scalar(sa.select(Case.id).where(Case.declaration_id == decl_b))
        assert case_a and case_b, "the imports must have opened cases"
        d = s.get(Declaration, decl_a)
        agency_a = s.scalar(sa.select(Agency.id).where(Agency.name == AGENCY_A))
        agency_b = s.scalar(sa.select(Agency.id).where(Agency.name == AGENCY_B))
        return World(case_a, case_b, decl_a, decl_b, d.person_id, agency_a, agency_b)


@pytest.fixture
def sign_in(app):
    """sign_in(username) -> a fresh test client signed in as that user."""
    def login(username: str):
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.data[:300]
        return client

    return login


@pytest.fixture
def people(make_user, world):
    """One user of each role, scoped to agency A (the declarant is person A); usernames by role."""
    return {
        "declarant": make_user("declarant", "nguoikekhai", cccd=CCCD_A, full_name="Nguyễn Văn An"),
        "agency_officer": make_user("agency_officer", "canbotochuc", agencies=(AGENCY_A,)),
        "inspector": make_user("inspector", "thanhtravien", agencies=(AGENCY_A,)),
        "chief_inspector": make_user("chief_inspector", "chanhthanhtra"),
        "admin": make_user("admin", "quantri"),
        "officer_b": make_user("agency_officer", "canbo_b", agencies=(AGENCY_B,)),
        "inspector_b": make_user("inspector", "thanhtra_b", agencies=(AGENCY_B,)),
    }


USERNAMES = {"declarant": "nguoikekhai", "agency_officer": "canbotochuc", "inspector": "thanhtravien",
             "chief_inspector": "chanhthanhtra", "admin": "quantri", "officer_b": "canbo_b",
             "inspector_b": "thanhtra_b"}


@pytest.fixture(scope="module")
def module_app(database_template, tmp_path_factory):
    """An app and database shared by a module's read-mostly tests (the permission matrix)."""
    from declarations import create_app
    from declarations.db import new_session
    from declarations.services.legal import seed_parameters
    from tests.conftest import TEST_SECRET, _fresh_database

    tmp = tmp_path_factory.mktemp("module")
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": _fresh_database(database_template, tmp),
                      "UPLOAD_FOLDER": str(tmp / "uploads"), "WTF_CSRF_ENABLED": False})
    with app.app_context(), new_session() as s, s.begin():
        seed_parameters(s)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def module_world(module_app):
    """The small province and one user of each role (ids by role), created once per module."""
    from declarations.db import new_session
    from declarations.models import Agency, Case, Declaration
    from declarations.services.audit import SYSTEM
    from declarations.services.users import create_user

    decl_a = import_two_years(module_app, CCCD_A, "Nguyễn Văn An", AGENCY_A)
    decl_b = import_two_years(module_app, CCCD_B, "Trần Thị Bình", AGENCY_B)
    users = {}
    with module_app.app_context(), new_session() as s, s.begin():
        for role, name, agencies, cccd in (("declarant", "nguoikekhai", [], CCCD_A),
                                           ("agency_officer", "canbotochuc", [AGENCY_A], None),
                                           ("inspector", "thanhtravien", [AGENCY_A], None),
                                           ("chief_inspector", "chanhthanhtra", [], None),
                                           ("admin", "quantri", [], None)):
            users[role] = create_user(s, name, role=role, password=PASSWORD, actor=SYSTEM, agencies=agencies,
                                      cccd=cccd).id
        case_a = s.scalar(sa.select(Case.id).where(Case.declaration_id == decl_a))
        case_b = s.scalar(sa.select(Case.id).where(Case.declaration_id == decl_b))
        world = World(case_a, case_b, decl_a, decl_b, s.get(Declaration, decl_a).person_id,
                      s.scalar(sa.select(Agency.id).where(Agency.name == AGENCY_A)),
                      s.scalar(sa.select(Agency.id).where(Agency.name == AGENCY_B)))
    return world, users


def signed_in_client(app, user_id: int | None):
    """A test client whose session already holds the user (no password hashing per test)."""
    client = app.test_client()
    if user_id is not None:
        with client.session_transaction() as sess:
            sess["_user_id"] = str(user_id)
            sess["_fresh"] = True
            sess.permanent = True
    return client


@pytest.fixture
def fresh(app):
    """fresh() -> a new session in its own app context, so that requests do not share `g` with the test."""
    from contextlib import contextmanager

    from declarations.db import new_session

    @contextmanager
    def open_session():
        with app.app_context(), new_session() as session:
            yield session

    return open_session


def serve_in_thread(app):
    """Serve `app` with waitress (the deployed server) on 127.0.0.1:<free port>; returns (port, stop)."""
    import threading

    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        # waitress's own loop, one poll at a time, so that it is also this thread that closes the sockets
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        for channel in list(server._map.values()):
            channel.handle_close()
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=10)

    return server.effective_port, stop
