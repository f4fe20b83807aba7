"""Engines for the store: URL checks, SQLite set-up (WAL, foreign keys, real transactions).

SQLite connections are switched to explicit transactions (the pysqlite recipe
from the SQLAlchemy docs): rasd emits ``BEGIN`` itself, so DDL in migrations is
transactional and a write session can ask for ``BEGIN IMMEDIATE`` (execution
option ``rasd_write=True``), which serialises writers up front instead of
failing when a read snapshot cannot be upgraded. On PostgreSQL a write
transaction starts by taking one transaction-level advisory lock instead
(:data:`PG_WRITE_LOCK`), so writers serialise the same way there: two processes
adding the same report one after the other, never both inserting it at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from rasd.exceptions import StoreError

WRITE = "rasd_write"
#: The advisory lock key of write transactions on PostgreSQL ("rasd" in ASCII).
PG_WRITE_LOCK = 0x72617364
URL_FIX = (
    "set RASD_DATABASE_URL to e.g. sqlite:////absolute/path/rasd.sqlite, "
    "sqlite:///relative.sqlite or postgresql+psycopg://user@host/dbname "
    "(leave it empty for the default file in the user data directory)"
)


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(repr(shown(url)), f"is not a database URL ({exc})", URL_FIX) from exc


def shown(url: str | URL) -> str:
    """The URL as it may appear in messages (password hidden)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    head, sep, tail = url.partition("@")
    if sep and ":" in head.split("//", 1)[-1]:
        scheme, _, creds = head.partition("//")
        return f"{scheme}//{creds.split(':', 1)[0]}:***@{tail}"
    return url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def is_postgresql(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


def is_memory(url: URL) -> bool:
    db = url.database or ""
    return db in ("", ":memory:") or "mode=memory" in db or url.query.get("mode") == "memory"


def build_engine(url: URL) -> Engine:
    """Create (and probe) an engine. Raises StoreError naming the URL and the fix."""
    kwargs: dict[str, Any] = {}
    if is_sqlite(url):
        if is_memory(url):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            _make_parent(url)
            kwargs = {"connect_args": {"timeout": 30}}
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            shown(url),
            f"needs a database driver that is not installed ({exc})",
            "pip install the driver named in the URL, or use a sqlite:/// URL",
        ) from exc
    if is_sqlite(url):
        _sqlite_setup(engine, wal=not is_memory(url))
    elif is_postgresql(url):
        _postgresql_setup(engine)
    _probe(engine, url)
    return engine


def _make_parent(url: URL) -> None:
    db = url.database or ""
    if db.startswith("file:"):
        return
    parent = Path(db).expanduser().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            shown(url),
            f"cannot create the directory {parent} ({exc.strerror or exc})",
            "choose a writable location: set RASD_DATABASE_URL (or RASD_DATA_DIR for the default)",
        ) from exc


def _sqlite_setup(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # rasd emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _postgresql_setup(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE, False):  # held until commit/rollback
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


def _probe(engine: Engine, url: URL) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        if is_sqlite(url):
            fix = (
                "check that the file and its directory are writable and the file is a "
                "SQLite database, or set RASD_DATABASE_URL to another path"
            )
        else:
            fix = "check the host, port, credentials and that the database exists"
        raise StoreError(shown(url), f"cannot be opened ({reason})", fix) from exc
