"""Shared fixtures. Tests that need ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import SQL_KINDS, fresh_database, sql_database

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEED = SHARED / "seed" / "000_8fef1168cdb6b6c4.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the shared evaluation data at {SHARED_DATA} (absent here)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"needs the seed report at {SEED} (absent here)")
    return SEED


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'rasd.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test (tests/pg.py: skips, or fails under CI=true,
    without a server)."""
    with fresh_database() as url:
        yield url


@pytest.fixture(params=SQL_KINDS)
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test, once on SQLite and once on PostgreSQL (marked ``pg``)."""
    with sql_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def pipeline():
    """The full default pipeline (spaCy model + gazetteer + actor KB), loaded once per worker."""
    from rasd.engine import build_pipeline

    return build_pipeline().load()


@pytest.fixture(params=["memory", *SQL_KINDS])
def kstore(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Each store with its knowledge side: the in-memory fake, SQLite and PostgreSQL."""
    from rasd.store import MemoryStore, SqlStore

    if request.param == "memory":
        yield MemoryStore()
        return
    with sql_database(request.param, tmp_path / "kstore") as url:
        sql = SqlStore(url)
        sql.migrate()
        yield sql
        sql.close()
