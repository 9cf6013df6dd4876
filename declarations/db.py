"""Engine and session per application; a session per app context; the declarative Base."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {}


def make_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return sa.create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> sa.Engine:
    return current_app.extensions["db_engine"]


def new_session() -> Session:
    """A session that the caller owns (jobs, CLI): commit or roll back, then close."""
    return current_app.extensions["db_sessionmaker"]()


def get_session() -> Session:
    """The session of the current app context; the request (or command) owns its commit."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


class Prepared:
    """A statement compiled once for a dialect and run straight on the DB-API cursor.

    For the import's hot path: SQLAlchemy's per-execution bookkeeping costs more than SQLite's own
    work on a small insert. Values still pass through the types' bind processors, so what is stored is
    exactly what a normal execution would store.
    """

    def __init__(self, stmt, dialect, keys: list[str] | None = None) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=keys)
        self.compiled = compiled
        self.sql = str(compiled)
        self.order = compiled.positiontup   #: parameter names in order (qmark), or None (named)
        self.processors = dict(compiled._bind_processors)
        #: an insert of the given columns binds exactly the values given: no defaults to merge in
        self.plain = keys is not None and set(compiled.binds) == set(keys)

    def params(self, values: dict):
        merged = dict(values) if self.plain else self.compiled.construct_params(values)
        procs = self.processors
        for name, value in merged.items():
            if value is not None and name in procs:
                merged[name] = procs[name](value)
        return [merged[name] for name in self.order] if self.order is not None else merged

    def execute(self, conn: sa.Connection, values: dict):
        """Run once; returns the DB-API cursor (fetch a RETURNING row from it)."""
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute(self.sql, self.params(values))
        return cursor

    def executemany(self, conn: sa.Connection, rows: list[dict]) -> None:
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.executemany(self.sql, [self.params(row) for row in rows])
        cursor.close()
