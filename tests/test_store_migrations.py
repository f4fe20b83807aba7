"""Alembic migrations: shipped in the package, idempotent, and in step with the models."""

from __future__ import annotations

import sqlite3
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pg import scalar
from sqlalchemy import create_engine, inspect, text
from strategies import sample_document, sample_event

from rasd.store import SqlStore, schema
from rasd.store.models import Base
from rasd.store.textindex import PG_INDEXES

ROOT = Path(__file__).resolve().parent.parent
#: Expression indexes (migration 0003, kept by 0005; the trigram ones of 0004 on
#: PostgreSQL; the case-insensitive username one of 0006): outside the models on purpose. SQLAlchemy reflects them on PostgreSQL
#: only (on SQLite it skips them with a warning).
EXPRESSION_INDEXES = {
    "ix_events_list_order",
    "ix_events_list_order_desc",
    "ix_events_admin1_list_order",
    "ux_users_username_lower",
    *PG_INDEXES,
}


def _in_models(name: str | None, kind: str, _parent: object) -> bool:
    if kind == "table":  # the FTS5 text index (migration 0004) is raw SQL
        return not (name or "").startswith("event_text")
    return not (kind == "index" and name in EXPRESSION_INDEXES)


def _path(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    return tables


def test_store_migrations_twice_is_noop(sql_url: str) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    doc = sample_document()
    store.add(doc, [sample_event(doc)])
    store.migrate()
    SqlStore(sql_url).migrate()  # a second process
    assert store.count_events() == 1
    versions = f"SELECT count(*) || ' ' || max(version_num) FROM {schema.VERSION_TABLE}"
    assert scalar(sql_url, versions) == f"1 {schema.head_revision()}"
    store.close()


def test_store_migrations_models_match_migrations(sql_url: str) -> None:
    SqlStore(sql_url).migrate()
    engine = create_engine(sql_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "version_table": schema.VERSION_TABLE,
                "include_name": _in_models,
            },
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_store_migrations_downgrade_and_upgrade(sql_url: str) -> None:
    SqlStore(sql_url).migrate()
    engine = create_engine(sql_url)
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "base")
    engine.dispose()
    assert _tables(sql_url) <= {schema.VERSION_TABLE}
    SqlStore(sql_url).migrate()
    assert SqlStore(sql_url).open().stats().events == 0


def test_store_migrations_in_memory_url() -> None:
    store = SqlStore("sqlite://")
    store.migrate()
    doc = sample_document()
    store.add(doc, [sample_event(doc)])
    assert store.stats().events == 1


def test_store_migrations_sqlite_pragmas(db_url: str) -> None:
    store = SqlStore(db_url)
    store.migrate()
    with sqlite3.connect(_path(db_url)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store._connect().connect() as conn:  # the store's own connections
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_store_migrations_auto_migrate(sql_url: str) -> None:
    with SqlStore(sql_url, auto_migrate=True) as store:
        assert store.stats().documents == 0


def test_store_migrations_shipped_as_package_data() -> None:
    """The script directory is found via importlib.resources and pyproject ships its files."""
    location = Path(schema.script_location())
    shipped = [p.relative_to(ROOT / "rasd").as_posix() for p in location.rglob("*.py")]
    assert "store/migrations/env.py" in shipped
    assert "store/migrations/versions/0001_initial.py" in shipped
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["rasd"]
    for path in shipped:
        assert any(fnmatch(path, pattern) for pattern in patterns), path


def test_store_migrations_single_head() -> None:
    """The revisions form one line, 0001 first, each file naming the one before it."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(schema.alembic_config())
    assert script.get_heads() == [schema.head_revision()]
    chain = [rev.revision for rev in script.walk_revisions()]  # head first
    assert chain[-1] == "0001"
    assert sorted(chain) == sorted(schema.known_revisions())
    assert len(chain) == len(set(chain))


@pytest.mark.parametrize("revision", ["9999"])
def test_store_migrations_unknown_revision_refused(sql_url: str, revision: str) -> None:
    from rasd.exceptions import StoreError

    SqlStore(sql_url).migrate()
    engine = create_engine(sql_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {schema.VERSION_TABLE} SET version_num = :v"), {"v": revision})
    engine.dispose()
    with pytest.raises(StoreError, match="unknown to this version of rasd"):
        SqlStore(sql_url).open()


def test_store_migrations_failure_rolls_back(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """DDL runs in one transaction: a migration failing half-way leaves no table behind."""
    from alembic.operations import Operations

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure after the first tables were created")

    monkeypatch.setattr(Operations, "create_index", broken)
    with pytest.raises(RuntimeError, match="simulated"):
        SqlStore(sql_url).migrate()
    assert _tables(sql_url) == set()
    monkeypatch.undo()
    SqlStore(sql_url).migrate()
    assert SqlStore(sql_url).open().stats().documents == 0
