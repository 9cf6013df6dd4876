"""The review pages on a province-sized database, through the real WSGI server (issue 5).

    python benchmarks/ui_bench.py [--declarants 100000] [--years 5] [--requests 60] [--reuse]

Builds N declarants × K years directly in the database (benchmarks/_province.py, bulk inserts), runs
the checks once so the flags and cases are the real ones, then serves the app with waitress in a
thread and measures p50/p95 of: the queue (first page), the queue filtered (agency + rule + severity,
as an inspector scoped to a few agencies), and the riskiest case page. Prints the SQL statements each
page runs. Target: p50 and p95 under 150 ms. SQLite by default; DATABASE_URL=postgresql://... for
PostgreSQL.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from declarations import create_app, schema  # noqa: E402
from declarations.db import make_engine, new_session  # noqa: E402

OUT = Path(__file__).parent / "out"
PASSWORD = "benchmark-password"
TARGET_MS = 150


def make_app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "benchmark-secret-0123456789", "DATABASE_URL": url,
                       "UPLOAD_FOLDER": str(OUT / "uploads"), "WTF_CSRF_ENABLED": False})  # GETs only


def prepare(url: str, declarants: int, years: int) -> None:
    """The province, its flags and cases, and the two users the benchmark signs in as."""
    from benchmarks._province import build_province
    from declarations.models import Agency
    from declarations.services.audit import CLI
    from declarations.services.checks import check_all
    from declarations.services.legal import seed_parameters
    from declarations.services.users import create_user

    engine = make_engine(url)
    schema.upgrade(engine)
    app = make_app(url)
    with app.app_context():
        with new_session() as s, s.begin():
            seed_parameters(s)
        build_province(engine, declarants, years, log=lambda m: print(m, flush=True))
        started = time.perf_counter()
        with new_session() as s, s.begin():
            summary = check_all(s, actor=CLI, as_of=date(2021 + years, 6, 30))
        print(f"  checks: {summary.opened:,} flags in {time.perf_counter() - started:.0f} s", flush=True)
        with new_session() as s, s.begin():
            agencies = [a.name for a in s.scalars(sa.select(Agency).order_by(Agency.id).limit(6))]
            create_user(s, "chanh", role="chief_inspector", password=PASSWORD, actor=CLI)
            create_user(s, "thanhtra", role="inspector", password=PASSWORD, actor=CLI, agencies=agencies)
    engine.dispose()


class Client:
    """A tiny HTTP client with a cookie, over one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def login(self, username: str) -> None:
        status, _ = self.request("POST", "/login", urlencode({"username": username, "password": PASSWORD}))
        assert status == 302, status


def measure(client: Client, path: str, n: int, engine) -> dict:
    """p50/p95 in ms over n requests, and the SQL statements of one request."""
    status, page = client.request("GET", path)  # warm-up
    assert status == 200, (path, status, page[:300])
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    client.request("GET", path)
    sa.event.remove(engine, "before_cursor_execute", listener)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        status, page = client.request("GET", path)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200
    times.sort()
    return {"path": path, "p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1],
            "queries": len(statements), "rows": len(re.findall(r'data-case="', page)), "bytes": len(page)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--declarants", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="reuse the database built by an earlier run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    OUT.mkdir(exist_ok=True)
    if not url:
        path = OUT / f"ui_bench_{args.declarants}x{args.years}.sqlite"
        url = f"sqlite:///{path}"
        if not args.reuse and path.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    elif not args.reuse:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    if not args.reuse:
        print(f"building {args.declarants:,} declarants × {args.years} years on {url.split(':')[0]}", flush=True)
        prepare(url, args.declarants, args.years)

    from waitress import wasyncore
    from waitress.server import create_server

    from declarations.models import Case, Flag

    app = make_app(url)
    engine = app.extensions["db_engine"]
    with app.app_context(), new_session() as s:
        cases = s.scalar(sa.select(sa.func.count(Case.id)))
        flags = s.scalar(sa.select(sa.func.count(Flag.id)))
        riskiest = s.scalar(sa.select(Case.id).where(Case.declaration_id.is_not(None))
                            .order_by(Case.risk_score.desc(), Case.id).limit(1))
        from declarations.models import User

        inspector = s.scalar(sa.select(User).where(User.username == "thanhtra"))
        # a filter that selects something: a high-severity case of the inspector's agencies and one of its rules
        sample = s.scalar(sa.select(Case).where(Case.agency_id.in_(inspector.agency_ids), Case.top_severity == "high",
                                                Case.declaration_id.is_not(None)).limit(1))
        agency = sample.agency_id
        rule = s.scalar(sa.select(Flag.rule_code).where(Flag.declaration_id == sample.declaration_id,
                                                         Flag.severity == "high").limit(1))
    print(f"database: {cases:,} cases, {flags:,} flags; riskiest case {riskiest}")
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def serve() -> None:
        # waitress's loop one poll at a time, so that this thread also closes the sockets at the end
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)
        for channel in list(server._map.values()):
            channel.handle_close()
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        chief, scoped = Client(server.effective_port), Client(server.effective_port)
        chief.login("chanh")
        scoped.login("thanhtra")
        results = [
            ("queue, first page (chief inspector, whole province)", measure(chief, "/queue", args.requests, engine)),
            ("queue, filtered (inspector: agency + rule + severity)",
             measure(scoped, f"/queue?agency={agency}&rule={rule}&severity=high&state=all", args.requests, engine)),
            ("queue, page 20 (chief inspector)", measure(chief, "/queue?page=20", args.requests, engine)),
            ("case page (riskiest case)", measure(chief, f"/cases/{riskiest}", args.requests, engine)),
        ]
    finally:
        stopping.set()
        thread.join(timeout=10)
    print(f"\n{'page':<58} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5} {'rows':>5}")
    ok = True
    for label, r in results:
        ok &= r["p50"] < TARGET_MS and r["p95"] < TARGET_MS
        print(f"{label:<58} {r['p50']:8.1f} {r['p95']:8.1f} {r['queries']:5d} {r['rows']:5d}")
    print(f"\ntarget p50 and p95 < {TARGET_MS} ms: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
