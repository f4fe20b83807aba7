"""The trigram index behind the ``q`` filter (SQLite): kept in step by the write path,
filled by migration 0004 for events stored before it, and a prefilter only.
(PostgreSQL's pg_trgm indexes: tests/test_store_postgres.py.)"""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from kfixtures import GUNMEN, report
from sqlalchemy import create_engine

from rasd.store import SqlStore, schema
from rasd.store.base import EventQuery
from rasd.store.textindex import usable


def _indexed(db_url: str) -> dict[str, str]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return dict(conn.execute("SELECT event_id, body FROM event_text").fetchall())


def _tables(db_url: str) -> set[str]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_store_textindex_follows_adds_and_removals(db_url: str) -> None:
    store = SqlStore(db_url)
    store.migrate()
    doc, event = report(
        "A roadside bomb struck a police patrol near the Zuhur market.", actor1=GUNMEN
    )
    store.add(doc, [event])
    assert "Unidentified Armed Group" in _indexed(db_url)[event.id]
    assert [e.id for e in store.events(EventQuery(text="zuhur MARKET"))] == [event.id]
    assert [e.id for e in store.events(EventQuery(text="armed group (iraq)"))] == [event.id]
    store.add(doc, [])
    assert _indexed(db_url) == {}
    assert list(store.events(EventQuery(text="zuhur"))) == []


def test_store_textindex_no_match_across_fields(sql_url: str) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    doc, event = report("Bomb in Mosul.", actor1=GUNMEN)  # notes end "Mosul."; location "Mosul"
    store.add(doc, [event])
    assert list(store.events(EventQuery(text="Mosul. Mosul"))) == []


def test_store_textindex_migration_fills_existing_events(db_url: str) -> None:
    store = SqlStore(db_url)
    store.migrate()
    doc, event = report("Gunmen attacked a checkpoint in Tarmiyah.", actor1=GUNMEN)
    store.add(doc, [event])
    store.close()
    engine = create_engine(db_url)
    with engine.begin() as conn:  # back to a 0003 database, keeping the events
        command.downgrade(schema.alembic_config(conn), "0003")
    engine.dispose()
    assert "event_text" not in _tables(db_url)
    SqlStore(db_url).migrate()
    assert "Tarmiyah" in _indexed(db_url)[event.id]
    assert "Unidentified Armed Group" in _indexed(db_url)[event.id]
    assert len(list(SqlStore(db_url).events(EventQuery(text="checkpoint in tarm")))) == 1


@pytest.mark.parametrize(
    ("needle", "ok"), [("bomb", True), ("ab", False), ("50%", False), ("a_b", False)]
)
def test_store_textindex_usable(needle: str, ok: bool) -> None:
    assert usable(needle) is ok
