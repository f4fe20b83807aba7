"""PostgreSQL for the tests: a fresh database per test (or per module) on a test server.

    from pg import SQL_KINDS, sql_database
    with sql_database("postgresql", tmp_dir) as url:   # or "sqlite"
        store = SqlStore(url)

The server is the one ``make postgres`` (scripts/install-postgres.sh) starts; its
admin URL is ``RASD_TEST_PG_URL`` (``make test`` exports it), by default the
script's ``postgresql+psycopg://rasd:rasd@127.0.0.1:54329/rasd``. Each database is
created with a random name and dropped afterwards (and, should the test process
be killed before that, by the next run on this machine). When the server cannot be
reached, PostgreSQL tests skip with the fix, except under ``CI=true``, where they
fail (so CI never passes without running them). Tests run on PostgreSQL carry the
``pg`` marker: ``pytest -m pg`` runs only them, ``-m 'not pg'`` none of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

ENV = "RASD_TEST_PG_URL"
DEFAULT_URL = "postgresql+psycopg://rasd:rasd@127.0.0.1:54329/rasd"
INSTALL_HINT = "run `make postgres` (scripts/install-postgres.sh) or set RASD_TEST_PG_URL"
PREFIX = "rasd_test_"
#: Test databases are named PREFIX + this machine + the creating process + random hex.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_OURS = re.compile(rf"{PREFIX}{_HOST}_(\d+)_[0-9a-f]+")
#: Every test database runs in a zone far from UTC (with a half-hour offset), so a
#: datetime that loses or gains its offset on the way through PostgreSQL shows.
TIMEZONE = "America/St_Johns"
#: Appended to CREATE DATABASE, e.g. "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
#: to try another collation (the test server's own is C.UTF-8, see docs/postgresql.md).
CREATE_OPTIONS = ""

#: Parameters for a fixture over both SQL backends; the PostgreSQL one is marked ``pg``.
SQL_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


def admin_url() -> URL:
    return make_url(os.environ.get(ENV) or DEFAULT_URL)


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


@cache
def _admin_engine(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _admin() -> Engine:
    return _admin_engine(admin_url().render_as_string(hide_password=False))


@cache
def _unreachable(url: str) -> str | None:
    """Why the server at ``url`` cannot be used, or None (asked once per process)."""
    try:
        with _admin_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return f"{shown(make_url(url))} cannot be reached ({str(reason).strip()})"
    return None


def require_postgres() -> None:
    """Skip (or fail under CI=true) when the test server cannot be reached."""
    problem = _unreachable(admin_url().render_as_string(hide_password=False))
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run: {problem}; {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"PostgreSQL tests need a server: {problem}; {INSTALL_HINT}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@cache
def _drop_leftovers() -> None:
    """Drop this machine's test databases whose process is gone (killed before teardown)."""
    with _admin().connect() as conn:
        names = conn.execute(text("SELECT datname FROM pg_database")).scalars().all()
        for name in names:
            found = _OURS.fullmatch(name)
            if found and not _alive(int(found.group(1))):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL (password included) of a new, empty database, dropped on exit."""
    require_postgres()
    _drop_leftovers()
    name = f"{PREFIX}{_HOST}_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" {CREATE_OPTIONS}'))
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO '{TIMEZONE}'"))
    try:
        yield admin_url().set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(name)


def _drop(name: str, tries: int = 5) -> None:
    """Drop a test database. FORCE ends connections a test left open; it is refused while
    a backend of another role (autovacuum, an admin's psql) is connected, so try again a
    few times, then leave it to _drop_leftovers of the next run."""
    for attempt in range(tries):
        try:
            with _admin().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except sqlalchemy.exc.ProgrammingError:
            if attempt == tries - 1:
                warnings.warn(f"test database {name} left behind (dropped next run)", stacklevel=2)
                return
            time.sleep(0.5)


@contextmanager
def sql_database(kind: str, tmp_dir: Path) -> Iterator[str]:
    """A fresh database of ``kind`` ("sqlite": a file in ``tmp_dir``, or "postgresql")."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_dir / 'rasd.sqlite'}"
    elif kind == "postgresql":
        with fresh_database() as url:
            yield url
    else:
        raise ValueError(f"kind must be 'sqlite' or 'postgresql'; got {kind!r}")


def scalar(url: str, sql: str, **params: Any) -> Any:
    """One value from ``sql`` on the database at ``url`` (either backend)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


@contextmanager
def any_store(kind: str, tmp_dir: Path) -> Iterator[Any]:
    """A fresh, migrated store of ``kind``: "memory", "sqlite" or "postgresql"."""
    from rasd.store import MemoryStore, SqlStore

    if kind == "memory":
        yield MemoryStore()
        return
    with sql_database(kind, tmp_dir) as url:
        sql = SqlStore(url)
        sql.migrate()
        try:
            yield sql
        finally:
            sql.close()
