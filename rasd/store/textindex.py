"""A substring index for the ``q`` (``EventQuery.text``) filter, on SQLite and PostgreSQL.

``q`` matches text in an event's notes, location, actor names or evidence
sentences. Without an index that is a scan of every event and evidence row
(741 ms p95 at 100k events). On SQLite, migration 0004 adds ``event_text``, an
FTS5 table with the trigram tokenizer, one row per event holding those texts;
its ``LIKE '%...%'`` uses the index. It serves as a *prefilter*: the exact
condition of :mod:`rasd.store.query` still decides, so results are identical to
the unindexed query (and to MemoryStore). Its folding is at least as broad as
SQLite's ASCII ``LIKE``, so it never drops a true match.

On PostgreSQL, migration 0004 instead adds ``pg_trgm`` GIN indexes on the folded
texts themselves (:data:`PG_INDEXES`, on ``ascii_lower(column)``); the prefilter
there is the union of the events whose notes or location, actor names or evidence
sentences contain the needle, each part read through its index. PostgreSQL keeps
those indexes up to date itself. Other dialects get no prefilter.

The write side (:func:`index_events`, :func:`unindex_events`) keeps the SQLite
table in step with ``events`` inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from rasd.records import Event
from rasd.store.folding import pg_fold_sql

TABLE = "event_text"
SEPARATOR = "\n\u241e\n"  # between fields, so no match can span two of them
#: PostgreSQL's trigram indexes (migration 0004): name -> (table, id column, text column).
PG_INDEXES = {
    "ix_events_notes_trgm": ("events", "id", "notes"),
    "ix_events_location_trgm": ("events", "id", "location"),
    "ix_event_actors_name_trgm": ("event_actors", "event_id", "name"),
    "ix_evidence_sentence_trgm": ("evidence", "event_id", "sentence"),
}


def body(event: Event) -> str:
    """The texts ``q`` searches, as one string."""
    actors = [
        a.name
        for a in (event.actor1, *event.assoc_actor_1, event.actor2, *event.assoc_actor_2)
        if a
    ]
    sentences = sorted({e.sentence for e in event.evidence})
    return SEPARATOR.join([event.notes, event.location, *actors, *sentences])


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_events(session: Session, events: Sequence[Event]) -> None:
    if events and _sqlite(session):
        session.execute(
            text(f"INSERT INTO {TABLE} (event_id, body) VALUES (:event_id, :body)"),
            [{"event_id": e.id, "body": body(e)} for e in events],
        )


def unindex_events(session: Session, event_ids: Sequence[str]) -> None:
    if event_ids and _sqlite(session):
        stmt = text(f"DELETE FROM {TABLE} WHERE event_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        session.execute(stmt, {"ids": list(event_ids)})


class text_candidates(FunctionElement[bool]):  # noqa: N801 - an SQL construct
    """``text_candidates(column, needle)``: ``column IN (ids of events whose indexed text
    contains needle)`` on SQLite and PostgreSQL; always true elsewhere."""

    # Not Boolean: SQLite would render a Boolean expression as ``(...) = 1``, which keeps
    # the planner from using the IN list to look rows up.
    type = NullType()  # type: ignore[assignment]
    inherit_cache = True
    name = "text_candidates"


@compiles(text_candidates)
def _candidates_default(element: text_candidates, compiler: Any, **kw: Any) -> str:
    return "1 = 1"


@compiles(text_candidates, "sqlite")
def _candidates_sqlite(element: text_candidates, compiler: Any, **kw: Any) -> str:
    column, needle = list(element.clauses)
    col, pattern = compiler.process(column, **kw), compiler.process(needle, **kw)
    return f"{col} IN (SELECT event_id FROM {TABLE} WHERE body LIKE '%' || {pattern} || '%')"


@compiles(text_candidates, "postgresql")
def _candidates_postgresql(element: text_candidates, compiler: Any, **kw: Any) -> str:
    column, needle = list(element.clauses)
    col, pattern = compiler.process(column, **kw), compiler.process(needle, **kw)
    like = compiler.post_process_text("LIKE '%' || ") + pg_fold_sql(pattern)
    like += compiler.post_process_text(" || '%'")
    by_table: dict[tuple[str, str], list[str]] = {}
    for table, key, text_column in PG_INDEXES.values():
        by_table.setdefault((table, key), []).append(f"{pg_fold_sql(text_column)} {like}")
    parts = [
        f"SELECT {key} FROM {table} WHERE {' OR '.join(tests)}"
        for (table, key), tests in by_table.items()
    ]
    return f"{col} IN ({' UNION '.join(parts)})"


def usable(needle: str) -> bool:
    """The index serves needles of 3 characters or more without LIKE wildcards."""
    return len(needle) >= 3 and not any(c in needle for c in "%_\\")
