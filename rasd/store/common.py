"""Checks and errors shared by SqlStore and MemoryStore, so both behave the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rasd.exceptions import NotFound, StoreError
from rasd.records import Document, Event


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime (naive values are taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def check_events(document: Document, events: Sequence[Event]) -> tuple[Event, ...]:
    """The events to store for ``document``: each must belong to it; exact repeats are dropped.
    Each takes the document's owner and marking.

    Raises StoreError (before anything is written) for an event of another document
    or two different events with the same id.
    """
    seen: dict[str, Event] = {}
    marking = {"org": document.org, "tlp": document.tlp}
    for event in events:
        if (event.org, event.tlp) != (document.org, document.tlp):
            event = event.model_copy(update=marking)
        if event.document_id != document.id:
            raise StoreError(
                f"event {event.id}",
                f"belongs to document {event.document_id}, not to {document.id} being added",
                "add each document together with its own events only",
            )
        previous = seen.get(event.id)
        if previous is not None and previous != event:
            raise StoreError(
                f"event {event.id}",
                f"appears twice in document {document.id} with different content",
                "give distinct events distinct ids (rasd.records.event_id uses the trigger span)",
            )
        seen[event.id] = event
    return tuple(seen.values())


def same_event(stored: Event, new: Event) -> bool:
    """Equal apart from ``created_at`` (the store keeps the first one)."""
    return stored.model_copy(update={"created_at": None}) == new.model_copy(
        update={"created_at": None}
    )


def foreign_event(event_id: str, owner: str) -> StoreError:
    return StoreError(
        f"event {event_id}",
        f"already belongs to document {owner}",
        "derive event ids from their own document (rasd.records.event_id does)",
    )


def foreign_document(document_id: str, owner: str, org: str) -> StoreError:
    return StoreError(
        f"document {document_id}",
        f"belongs to organisation {owner!r}, not to {org!r} that is adding it",
        "add it as its owner; another organisation's copy gets its own id "
        "(Document.from_text(text, org=...))",
    )


def missing_document(document_id: str) -> NotFound:
    return NotFound(
        f"document {document_id}",
        "is not in the store",
        "list stored documents (Store.documents()) or add the document first",
    )


def missing_event(event_id: str) -> NotFound:
    return NotFound(
        f"event {event_id}",
        "is not in the store",
        "search with Store.events(EventQuery(...)); ids change only if the extraction changed",
    )
