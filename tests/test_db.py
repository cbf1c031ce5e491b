"""The database: migrations on open, SQLite settings, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from isamail.audience.lists import create_list, list_summaries
from isamail.db.engine import _alembic_config, make_engine, schema_revisions, unit_of_work
from isamail.errors import DatabaseError


def test_an_older_database_is_migrated_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = make_engine(url, migrate=False)
    command.upgrade(_alembic_config(old), "0001")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mailing_list (name, title, private, language, created_at) "
                "VALUES ('isa', 'ISA', 0, 'de', '2020-01-01 00:00:00')"
            )
        )
    assert schema_revisions(old)[0] == "0001"
    old.dispose()
    engine = make_engine(url)
    current, head = schema_revisions(engine)
    engine.dispose()
    assert current == head != "0001"
    assert [s.name for s in list_summaries(engine)] == ["isa"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM delivery")).scalar_one() == 0


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    make_engine(url).dispose()
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    raw.dispose()
    with pytest.raises(DatabaseError, match="Schemastand 9999"):
        make_engine(url)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_unreadable_database_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="lässt sich nicht öffnen"):
        make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")


def test_a_failed_unit_of_work_leaves_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        session.execute(
            text(
                "INSERT INTO mailing_list (name, title, private, language, "
                "created_at) VALUES ('x', 'x', false, 'de', CURRENT_TIMESTAMP)"
            )
        )
        raise RuntimeError("crash in the middle")
    assert list_summaries(engine) == []
    create_list(engine, "x")
    assert [s.name for s in list_summaries(engine)] == ["x"]
    engine.dispose()


def test_the_schema_head_constant_is_alembics_head(tmp_path: Path) -> None:
    from isamail.db.engine import SCHEMA_HEAD

    engine = make_engine(f"sqlite:///{tmp_path / 'head.db'}")
    assert schema_revisions(engine) == (SCHEMA_HEAD, SCHEMA_HEAD)


def test_the_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(f"sqlite:///{tmp_path / 'drift.db'}")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
