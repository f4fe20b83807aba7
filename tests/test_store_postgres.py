"""What is particular to PostgreSQL: the test-server set-up (skip, or fail under CI=true),
ASCII-only case folding as on SQLite, serialised writers, the admin1 index, UTC datetimes,
errors. The shared behaviour is tested on both databases by the other tests/test_store_*.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pg
import pytest
from sqlalchemy import create_engine, inspect, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool
from strategies import sample_document, sample_event

from rasd.exceptions import StoreError
from rasd.records import Actor, Correction, Person, Place
from rasd.store import EventQuery, MemoryStore, SqlStore, Store, write
from rasd.store.connect import PG_WRITE_LOCK
from rasd.store.folding import ascii_lower, pg_fold_sql
from rasd.store.models import EventRow
from rasd.store.textindex import PG_INDEXES, text_candidates
from rasd.taxonomy import ActorType

UNREACHABLE = "postgresql+psycopg://rasd:s3cret@127.0.0.1:1/rasd"


# -- the test server ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_store_postgres_setup_missing_server(
    ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pg.ENV, UNREACHABLE)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="make postgres") as info:
        pg.require_postgres()
    assert "127.0.0.1:1" in str(info.value) and "s3cret" not in str(info.value)


@pytest.mark.pg
def test_store_postgres_setup_fresh_database_dropped() -> None:
    with pg.fresh_database() as url:
        name = url.rsplit("/", 1)[1]
        assert pg.scalar(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        assert pg.scalar(url, "SHOW timezone") == pg.TIMEZONE
    admin = pg.admin_url().render_as_string(hide_password=False)
    assert pg.scalar(admin, "SELECT count(*) FROM pg_database WHERE datname = :n", n=name) == 0


# -- the same answers as SQLite and MemoryStore ------------------------------------------


@pytest.fixture(params=[*pg.SQL_KINDS, "memory"])
def folded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store holding one event whose texts have upper-case non-ASCII letters."""
    doc = sample_document("Invented report: the ÉCOLE in Ñuble was shelled by the ÇAVUŞ group.")
    place = Place(name="Chillán", country="Chile", country_code="CL", admin1="Ñuble")
    actor = Actor(id="cl-cavus", name="ÇAVUŞ Group", actor_type=ActorType.REBEL_GROUP)
    event = sample_event(
        doc, notes="The ÉCOLE was shelled.", place=place, actor1=actor,
        persons=(Person(name="ÖMER Çelik"),),
    )  # fmt: skip
    if request.param == "memory":
        store: Store = MemoryStore()
        store.add(doc, [event])
        yield store
        return
    with pg.sql_database(request.param, tmp_path) as url:
        store = SqlStore(url)
        store.migrate()
        store.add(doc, [event])
        yield store
        store.close()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (EventQuery(text="ÉCOLE"), 1),
        (EventQuery(text="École"), 1),  # ASCII letters fold
        (EventQuery(text="école"), 0),  # É and é stay different, as on SQLite
        (EventQuery(admin1="ÑUBLE"), 1),
        (EventQuery(admin1="ñuble"), 0),
        (EventQuery(actor="Çavuş"), 0),
        (EventQuery(actor="ÇAVUŞ group"), 1),
        (EventQuery(person="Ömer"), 1),
        (EventQuery(person="ömer"), 0),
    ],
)
def test_store_postgres_text_folds_ascii_only(folded: Store, query: EventQuery, found: int) -> None:
    assert folded.count_events(query) == found
    assert len(list(folded.events(query))) == found


def test_store_postgres_corrections_read_back_in_utc(kstore) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL returns timestamps in the session's zone (tests/pg.py sets St John's)."""
    kstore.add_correction(Correction(action="not_event", target="e1", analyst="a", reason="r"))
    (back,) = kstore.corrections()
    assert back.created_at.utcoffset().total_seconds() == 0
    assert back.created_at.isoformat().endswith("+00:00")


# -- PostgreSQL itself -------------------------------------------------------------------


def test_store_postgres_ascii_lower_compiles_per_dialect() -> None:
    column = ascii_lower(EventRow.admin1)
    assert str(column.compile(dialect=sqlite.dialect())) == "lower(events.admin1)"
    assert str(column.compile(dialect=postgresql.dialect())) == pg_fold_sql("events.admin1")


@pytest.mark.pg
def test_store_postgres_admin1_filter_uses_its_index(pg_url: str) -> None:
    SqlStore(pg_url).migrate()
    plan = _plan(pg_url, f"SELECT id FROM events WHERE {pg_fold_sql('admin1')} = 'anbar'")
    assert "ix_events_admin1_list_order" in plan


def _plan(url: str, sql: str) -> str:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # an empty table: ask for the index
        plan = conn.execute(text(f"EXPLAIN {sql}")).scalars().all()
    engine.dispose()
    return "\n".join(plan)


@pytest.mark.pg
def test_store_postgres_text_filter_uses_trigram_indexes(pg_url: str) -> None:
    SqlStore(pg_url).migrate()
    stmt = select(EventRow.id).where(text_candidates(EventRow.id, literal("checkpoint")))
    sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    plan = _plan(pg_url, str(sql).replace("%%", "%"))
    assert all(name in plan for name in PG_INDEXES), plan


@pytest.mark.pg
def test_store_postgres_trigram_extension_refused_cleanly(pg_url: str) -> None:
    """Without the right to create pg_trgm the migration names the fix and leaves nothing."""
    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as conn:
        name = conn.execute(text("SELECT current_database()")).scalar()
        conn.execute(text(f'REVOKE CREATE ON DATABASE "{name}" FROM CURRENT_USER'))
    with pytest.raises(StoreError, match="pg_trgm") as info:
        SqlStore(pg_url).migrate()
    assert "CREATE EXTENSION pg_trgm" in info.value.fix
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    engine.dispose()


@pytest.mark.pg
def test_store_postgres_writers_hold_the_write_lock(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like BEGIN IMMEDIATE on SQLite: while one store writes, no other writer can start."""
    store = SqlStore(pg_url)
    store.migrate()
    seen: list[bool] = []
    real = write.add_document

    def observed(*args, **kwargs):  # type: ignore[no-untyped-def]
        try_lock = f"SELECT pg_try_advisory_xact_lock({PG_WRITE_LOCK})"
        seen.append(bool(pg.scalar(pg_url, try_lock)))  # another session, another transaction
        return real(*args, **kwargs)

    monkeypatch.setattr(write, "add_document", observed)
    doc = sample_document()
    store.add(doc, [sample_event(doc)])
    assert seen == [False]
    assert pg.scalar(pg_url, f"SELECT pg_try_advisory_xact_lock({PG_WRITE_LOCK})") is True
    store.close()


@pytest.mark.pg
def test_store_postgres_too_long_value_refused_atomically(pg_url: str) -> None:
    """PostgreSQL enforces VARCHAR lengths (SQLite does not): the add fails, naming the
    document, and stores nothing."""
    store = SqlStore(pg_url)
    store.migrate()
    doc = sample_document()
    place = Place(name="Long", country="Iraq", country_code="IQ", admin1="x" * 300)
    with pytest.raises(StoreError, match=f"storing document {doc.id}.*too long"):
        store.add(doc, [sample_event(doc, place=place)])
    assert store.stats().documents == 0
    store.close()


def test_store_postgres_unreachable_names_url_not_password() -> None:
    with pytest.raises(StoreError, match="cannot be opened") as info:
        SqlStore(UNREACHABLE).open()
    assert "postgresql+psycopg://rasd:***@127.0.0.1:1/rasd" in str(info.value)
    assert "s3cret" not in str(info.value) and "port" in info.value.fix


@pytest.mark.pg
def test_store_postgres_doctor_shows_url_without_password(pg_url: str) -> None:
    from rasd.config import Settings
    from rasd.doctor import check_database

    check = check_database(Settings(database_url=pg_url))
    assert check.ok, check
    assert "rasd:***@" in check.detail and ":rasd@" not in check.detail
