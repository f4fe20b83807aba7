"""A substring index for the ``q`` (``EventQuery.text``) filter, on SQLite.

``q`` matches text in an event's notes, location, actor names or evidence
sentences. Without an index that is a scan of every event and evidence row
(741 ms p95 at 100k events). On SQLite, migration 0004 adds ``event_text``, an
FTS5 table with the trigram tokenizer, one row per event holding those texts;
its ``LIKE '%...%'`` uses the index. It serves as a *prefilter*: the exact
condition of :mod:`rasd.store.query` still decides, so results are identical to
the unindexed query (and to MemoryStore). Its folding is at least as broad as
SQLite's ASCII ``LIKE``, so it never drops a true match. Other dialects get no
prefilter (PostgreSQL would use ``pg_trgm``).

The write side (:func:`index_events`, :func:`unindex_events`) keeps it in step
with ``events`` inside the same transaction.
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

TABLE = "event_text"
SEPARATOR = "\n\u241e\n"  # between fields, so no match can span two of them


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
    contains needle)`` on SQLite; always true elsewhere."""

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


def usable(needle: str) -> bool:
    """The index serves needles of 3 characters or more without LIKE wildcards."""
    return len(needle) >= 3 and not any(c in needle for c in "%_\\")
