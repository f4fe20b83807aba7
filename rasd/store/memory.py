"""MemoryStore: an in-memory fake with the same semantics as SqlStore (for tests)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from rasd.records import Actor, Document, Event, Mention
from rasd.store import query as q
from rasd.store.base import (
    ActorCount,
    AddResult,
    EventPage,
    EventQuery,
    PeriodCount,
    PlaceCount,
    StoreStats,
)
from rasd.store.common import (
    check_events,
    foreign_event,
    missing_document,
    missing_event,
    same_event,
    to_utc,
)
from rasd.store.kmemory import KnowledgeMemory


class MemoryStore(KnowledgeMemory):
    """Keeps records in dicts. Reads go through :mod:`rasd.store.query` like SqlStore's."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._events: dict[str, Event] = {}
        self._by_document: dict[str, list[str]] = {}
        self._mentions: dict[str, tuple[Mention, ...]] = {}
        self._actors: dict[str, Actor] = {}  # latest view of each actor, as SQL's actors table
        self._init_knowledge()

    def migrate(self) -> None:
        """Nothing to migrate."""

    def open(self) -> Self:
        return self

    def add(
        self, document: Document, events: Sequence[Event], mentions: Sequence[Mention] = ()
    ) -> AddResult:
        """Compute the new state first, then swap it in: a failure changes nothing."""
        checked = check_events(document, events)
        old = {i: self._events[i] for i in self._by_document.get(document.id, [])}
        for event in checked:
            other = self._events.get(event.id)
            if other is not None and other.document_id != document.id:
                raise foreign_event(event.id, other.document_id)
        stored, unchanged = self._merge(old, checked, datetime.now(UTC))
        new_ids = {e.id for e in stored}
        for event_id in set(old) - new_ids:
            del self._events[event_id]
        self._events.update({e.id: e for e in stored})
        self._actors.update({a.id: a for e in checked for a in q.actors_of(e)})
        self._by_document[document.id] = [e.id for e in stored]
        is_new = document.id not in self._documents
        self._documents[document.id] = document
        self._mentions[document.id] = tuple(mentions)
        removed = len(set(old) - new_ids)
        return AddResult(document.id, is_new, len(stored) - unchanged, unchanged, removed)

    @staticmethod
    def _merge(
        old: dict[str, Event], events: Sequence[Event], now: datetime
    ) -> tuple[list[Event], int]:
        stored: list[Event] = []
        unchanged = 0
        for event in events:
            previous = old.get(event.id)
            if previous is not None and same_event(previous, event):
                stored.append(previous)
                unchanged += 1
            else:
                stamp = to_utc(event.created_at or now)
                stored.append(event.model_copy(update={"created_at": stamp}))
        return stored, unchanged

    def _matches(self, event: Event, query: EventQuery) -> bool:
        """The shared filters, and ``distinct`` from this store's clusters."""
        if query.distinct and self._clusters.get(event.id, event.id) != event.id:
            return False
        return q.matches(event, query, self._actors)

    def get_document(self, document_id: str) -> Document:
        try:
            return self._documents[document_id]
        except KeyError:
            raise missing_document(document_id) from None

    def get_event(self, event_id: str) -> Event:
        event = self._events.get(event_id)
        if event is None or not q.visible(event):
            raise missing_event(event_id)
        return event

    def get_mentions(self, document_id: str) -> list[Mention]:
        self.get_document(document_id)
        return list(self._mentions.get(document_id, ()))

    def events(self, query: EventQuery | None = None) -> Iterator[Event]:
        query = query or EventQuery()
        found = [e for e in self._events.values() if self._matches(e, query)]
        found.sort(key=q.sort_key(query.order))
        return q.page(found, query)

    def count_events(self, query: EventQuery | None = None) -> int:
        query = query or EventQuery()
        query = q.unpaged(query)
        return sum(1 for e in self._events.values() if self._matches(e, query))

    def page(self, query: EventQuery) -> EventPage:
        return EventPage(list(self.events(query)), self.count_events(query))

    def documents(self) -> Iterator[Document]:
        return iter([self._documents[i] for i in sorted(self._documents)])

    def delete_document(self, document_id: str) -> None:
        if document_id not in self._documents:
            raise missing_document(document_id)
        for event_id in self._by_document.pop(document_id, []):
            del self._events[event_id]
        self._mentions.pop(document_id, None)
        self._extractions.pop(document_id, None)
        del self._documents[document_id]

    def stats(self) -> StoreStats:
        by_type: dict[str, int] = {}
        for event in self._events.values():
            by_type[event.event_type] = by_type.get(event.event_type, 0) + 1
        return StoreStats(len(self._documents), len(self._events), dict(sorted(by_type.items())))

    def event_counts(
        self, query: EventQuery | None = None, interval: str = "day", by: str = "event_type"
    ) -> list[PeriodCount]:
        query = q.for_counting(query, interval, by)
        return q.count_periods(self._matching(query), interval, by)

    def place_counts(self, query: EventQuery | None = None, limit: int = 1000) -> list[PlaceCount]:
        return q.count_places(self._matching(q.for_counting(query)), limit)

    def actor_counts(self, text: str | None = None, limit: int = 50) -> list[ActorCount]:
        return q.count_actors(self._matching(EventQuery()), self._actors, text, limit)

    def _matching(self, query: EventQuery) -> Iterator[Event]:
        return (e for e in self._events.values() if self._matches(e, query))

    def close(self) -> None:
        """Nothing to close; the data stays until the object goes away."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
