"""The write side of SqlStore: one document and its events, inside one transaction.

The caller owns the session and commits; any exception leaves nothing behind.
Deletes are explicit (children first) rather than relying on ON DELETE CASCADE,
so they are correct even on a connection with foreign keys switched off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rasd.records import AuditEntry, Document, Event, Mention
from rasd.store import mapping, markings, textindex
from rasd.store.base import AddResult
from rasd.store.common import check_events, foreign_document, foreign_event, same_event
from rasd.store.models import (
    ActorRow,
    DocumentRow,
    EventActorRow,
    EventClusterRow,
    EventLinkRow,
    EventRow,
    EvidenceRow,
    ExtractionRow,
    MentionRow,
    PersonRefRow,
    PersonRow,
)
from rasd.store.query import with_children

CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit
NO_SYNC = {"synchronize_session": False}  # bulk deletes; rows are never kept in the session
EVENT_CHILDREN = (EventActorRow, PersonRow, EvidenceRow, EventClusterRow, PersonRefRow)


def add_document(
    session: Session, document: Document, events: Sequence[Event], mentions: Sequence[Mention]
) -> tuple[AddResult, AuditEntry | None]:
    """Write or update the document row, then replace its events by ``events``.

    A stored text is never replaced and a stored marking never lowered unless permitted
    (:func:`rasd.store.markings.guard`); the audit entry of a permitted downgrade is
    returned, for the caller to write in the same transaction."""
    now = datetime.now(UTC)
    row = session.get(DocumentRow, document.id)
    is_new, entry = row is None, None
    if row is None:
        session.add(mapping.document_to_row(document, now))
    elif row.org != document.org:
        raise foreign_document(document.id, row.org, document.org)
    else:
        document, entry = markings.guard(row.text, row.tlp, document)
        events = check_events(document, events)
        mapping.update_document_row(row, document)
    session.flush()
    old = _stored_events(session, document.id)
    _refuse_foreign(session, document.id, [e.id for e in events if e.id not in old])
    keep = {e.id for e in events if e.id in old and same_event(old[e.id], e)}
    fresh = [e for e in events if e.id not in keep]
    delete_events(session, [i for i in old if i not in keep])
    _upsert_actors(session, fresh)
    session.add_all(mapping.event_to_row(e, now) for e in fresh)
    textindex.index_events(session, fresh)
    _replace_mentions(session, document.id, mentions)
    session.flush()
    removed = len(set(old) - {e.id for e in events})
    return AddResult(document.id, is_new, len(fresh), len(keep), removed), entry


def _stored_events(session: Session, document_id: str) -> dict[str, Event]:
    """The document's stored events as records; the rows are detached from the session."""
    stmt = with_children(select(EventRow).where(EventRow.document_id == document_id))
    rows = list(session.scalars(stmt))
    events = {row.id: mapping.row_to_event(row) for row in rows}
    for row in rows:  # later deletes are Core statements; forget the ORM copies
        session.expunge(row)
    return events


def _refuse_foreign(session: Session, document_id: str, event_ids: list[str]) -> None:
    for chunk in chunks(event_ids):
        stmt = select(EventRow.id, EventRow.document_id).where(
            EventRow.id.in_(chunk), EventRow.document_id != document_id
        )
        for event_id, owner in session.execute(stmt):
            raise foreign_event(event_id, owner)


def delete_events(session: Session, event_ids: Sequence[str]) -> None:
    for chunk in chunks(event_ids):
        for child in EVENT_CHILDREN:
            session.execute(
                delete(child).where(child.event_id.in_(chunk)), execution_options=NO_SYNC
            )
        textindex.unindex_events(session, chunk)
        linked = or_(EventLinkRow.a.in_(chunk), EventLinkRow.b.in_(chunk))
        session.execute(delete(EventLinkRow).where(linked), execution_options=NO_SYNC)
        session.execute(delete(EventRow).where(EventRow.id.in_(chunk)), execution_options=NO_SYNC)


def delete_document(session: Session, document_id: str) -> None:
    ids = list(session.scalars(select(EventRow.id).where(EventRow.document_id == document_id)))
    delete_events(session, ids)
    for table in (MentionRow, ExtractionRow):
        stmt = delete(table).where(table.document_id == document_id)
        session.execute(stmt, execution_options=NO_SYNC)
    session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))


def _replace_mentions(session: Session, document_id: str, mentions: Sequence[Mention]) -> None:
    stmt = delete(MentionRow).where(MentionRow.document_id == document_id)
    session.execute(stmt, execution_options=NO_SYNC)
    session.add_all(mapping.mention_to_row(document_id, i, m) for i, m in enumerate(mentions))


def _upsert_actors(session: Session, events: Iterable[Event]) -> None:
    """Insert or refresh the actors table with the actors of ``events`` (last one wins)."""
    latest = {a.id: a for e in events for _role, _pos, a in mapping.event_actors(e)}
    values = [
        {"id": a.id, "name": a.name, "actor_type": int(a.actor_type), "country": a.country}
        for a in latest.values()
    ]
    dialect = session.get_bind().dialect.name
    for chunk in chunks(values, CHUNK // 5):
        if dialect in ("sqlite", "postgresql"):
            session.execute(_on_conflict_update(dialect, chunk))
        else:  # pragma: no cover - other dialects: portable but racy
            for value in chunk:
                session.merge(ActorRow(**value))


def _on_conflict_update(dialect: str, values: list[dict[str, Any]]) -> Any:
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    stmt = insert(ActorRow).values(values)
    return stmt.on_conflict_do_update(
        index_elements=[ActorRow.id],
        set_={c: stmt.excluded[c] for c in ("name", "actor_type", "country")},
    )


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])
