"""Migrations: empty to head, idempotent init-db, models and migrations agree; constraints hold."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from declarations import schema
from declarations.db import Base, get_engine
from declarations.models import (AppendOnlyError, AssetItem, AuditEntry, Declaration, Person)


def test_database_is_at_head(app):
    with app.app_context():
        assert schema.current_revision(get_engine()) == schema.head_revision()


def test_init_db_twice_is_harmless(runner, app):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM legal_regimes")).scalar() == 2


def test_models_and_migrations_agree(app):
    with app.app_context(), get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": schema.include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrade_from_empty_database(tmp_path, database_template):
    """A brand-new database (not the session template) upgrades to head."""
    if database_template["kind"] == "sqlite":
        from declarations.db import make_engine

        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
        schema.upgrade(engine)  # again: a no-op
        assert set(sa.inspect(engine).get_table_names()) >= {"people", "declarations", "audit_log"}
        engine.dispose()
    else:
        from sqlalchemy.engine import make_url

        from declarations.db import make_engine

        base = make_url(database_template["url"])
        name = f"{base.database}_empty"
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
        try:
            schema.upgrade(engine)
            assert schema.current_revision(engine) == schema.head_revision()
            schema.upgrade(engine)
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _declaration(person, **kw):
    base = dict(person_id=person.id, declaration_type="annual", year=2025, completed_on=date(2025, 12, 1),
                regime_code="L36_2018", full_name=person.full_name, id_number=person.cccd, is_current=True)
    base.update(kw)
    return Declaration(**base)


def test_one_current_version_per_person_type_year(db):
    person = Person(cccd="001234567890", full_name="Nguyễn Văn A", name_key="nguyễn văn a")
    db.add(person)
    db.flush()
    first = _declaration(person)
    db.add(first)
    db.flush()
    first.is_current = None
    db.add(_declaration(person, version=2, supersedes_id=first.id))
    db.flush()  # a superseded version and a current one coexist
    db.add(_declaration(person, version=3))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()
    db.rollback()


def test_amounts_are_exact_integers_beyond_10_to_the_15(db):
    person = Person(cccd="001234567891", full_name="Trần Thị B", name_key="trần thị b")
    db.add(person)
    db.flush()
    declaration = _declaration(person, total_assets=10**15 + 7)
    db.add(declaration)
    db.flush()
    big = 9 * 10**17 + 123456789
    db.add(AssetItem(declaration_id=declaration.id, section="5", name="Tiền gửi", value=big, sheet="Tài sản", row=5))
    db.commit()
    db.expire_all()
    assert db.scalar(sa.select(AssetItem.value)) == big
    assert db.scalar(sa.select(Declaration.total_assets)) == 10**15 + 7
    assert db.scalar(sa.select(sa.func.sum(AssetItem.value))) == big


def test_audit_rows_cannot_be_changed_or_deleted(db):
    from declarations.services import audit

    entry = audit.record(db, actor=audit.SYSTEM, action="test.action", object_type="thing", object_id=1)
    db.commit()
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()
    db.delete(db.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.flush()
    db.rollback()
    # and below the ORM, the database refuses too
    with pytest.raises(sa.exc.DatabaseError):
        db.execute(sa.text("UPDATE audit_log SET summary = 'x'"))
    db.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.execute(sa.text("DELETE FROM audit_log"))
    db.rollback()
    assert db.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1
