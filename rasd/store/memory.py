"""MemoryStore: an in-memory fake with the same semantics as SqlStore (for tests)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from rasd.records import Actor, Document, Event, Mention, Viewer
from rasd.store import markings, visibility
from rasd.store import query as q
from rasd.store.amemory import AccessMemory
from rasd.store.auditing import ReadAudit
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
    foreign_document,
    foreign_event,
    missing_document,
    missing_event,
    same_event,
    to_utc,
)
from rasd.store.kmemory import KnowledgeMemory
from rasd.store.kscope import ScopedKnowledge


class MemoryStore(ScopedKnowledge, KnowledgeMemory, ReadAudit, AccessMemory):
    """Keeps records in dicts. Reads go through :mod:`rasd.store.query` like SqlStore's,
    and the visibility rule of :mod:`rasd.store.visibility` like SqlStore's."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._events: dict[str, Event] = {}
        self._by_document: dict[str, list[str]] = {}
        self._mentions: dict[str, tuple[Mention, ...]] = {}
        self._actors: dict[str, Actor] = {}  # latest view of each actor, as SQL's actors table
        self._viewer: Viewer | None = None
        self._init_knowledge()
        self._init_access()

    @property
    def viewer(self) -> Viewer | None:
        return self._viewer

    def scoped(self, viewer: Viewer) -> Self:
        """This store as ``viewer`` sees it (the same data; see SqlStore.scoped)."""
        view = copy.copy(self)
        view._viewer = viewer
        return view

    def _shared(self) -> set[tuple[str, str]]:
        if self._viewer is None:
            return set()
        return {(s.org, s.target) for s in self.shares_for(self._viewer.org) if s.target}

    def _sees(self, event: Event, shared: set[tuple[str, str]] | None = None) -> bool:
        if self._viewer is None:
            return True
        shared = self._shared() if shared is None else shared
        return visibility.sees_event(self._viewer, event, shared, self._feed_match)

    def _feed_match(self, event: Event, query: EventQuery) -> bool:
        return q.matches(event, query, self._actors)

    def _visible_ids(self, event_ids: Iterable[str]) -> set[str]:
        shared = self._shared()
        return {i for i in event_ids if i in self._events and self._sees(self._events[i], shared)}

    def migrate(self) -> None:
        """Nothing to migrate."""

    def open(self) -> Self:
        return self

    def add(
        self, document: Document, events: Sequence[Event], mentions: Sequence[Mention] = ()
    ) -> AddResult:
        """Compute the new state first, then swap it in: a failure changes nothing."""
        previous = self._documents.get(document.id)
        if previous is not None and previous.org != document.org:
            raise foreign_document(document.id, previous.org, document.org)
        entry = None
        if previous is not None:  # never a new text, never a lower marking unless permitted
            document, entry = markings.guard(previous.text, previous.tlp, document)
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
        self.audit([entry] if entry is not None else [])
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

    def _matches(self, event: Event, query: EventQuery, shared: set[tuple[str, str]]) -> bool:
        """Visible, the shared filters, and ``distinct`` from this store's clusters."""
        if not self._sees(event, shared):
            return False
        if query.distinct and self._represented(event, shared):
            return False
        # A viewer matches actors by the names their events are coded with (as SQL does).
        return q.matches(event, query, self._actors if self._viewer is None else {})

    def _represented(self, event: Event, shared: set[tuple[str, str]]) -> bool:
        """Does another (visible) event stand for this one's incident? (see query.py)"""
        cluster = self._clusters.get(event.id, event.id)
        if self._viewer is None:
            return cluster != event.id
        for other_id, other_cluster in self._clusters.items():
            other = self._events.get(other_id)
            if other_cluster != cluster or other is None or other_id == event.id:
                continue
            first = other_id == cluster or (cluster != event.id and other_id < event.id)
            if first and self._sees_simply(other, shared):
                return True
        return False

    def _sees_simply(self, event: Event, shared: set[tuple[str, str]]) -> bool:
        """Visibility without feeds, as SQL's ``distinct`` check (visibility.simple_event_rule)."""
        return visibility.sees_event(
            self._viewer and self._viewer.model_copy(update={"feeds": ()}),
            event,
            shared,
            self._feed_match,
        )

    def get_document(self, document_id: str) -> Document:
        document = self._documents.get(document_id)
        if document is None or not visibility.sees_document(self._viewer, document, self._shared()):
            raise missing_document(document_id)
        self._audit_read("documents", [(document.id, document.tlp)])
        return document

    def get_event(self, event_id: str) -> Event:
        event = self._events.get(event_id)
        if event is None or not self._sees(event):
            raise missing_event(event_id)
        self._audit_read("events", [(event.id, event.tlp)])
        return event

    def get_mentions(self, document_id: str) -> list[Mention]:
        self.get_document(document_id)
        return list(self._mentions.get(document_id, ()))

    def events(self, query: EventQuery | None = None) -> Iterator[Event]:
        query = query or EventQuery()
        found = list(self._matching(query))
        found.sort(key=q.sort_key(query.order))
        paged = list(q.page(found, query))
        self._audit_read("events", [(e.id, e.tlp) for e in paged])
        return iter(paged)

    def count_events(self, query: EventQuery | None = None) -> int:
        return sum(1 for _ in self._matching(q.unpaged(query or EventQuery())))

    def page(self, query: EventQuery) -> EventPage:
        return EventPage(list(self.events(query)), self.count_events(query))

    def documents(self) -> Iterator[Document]:
        shared = self._shared()
        found = [
            d
            for i, d in sorted(self._documents.items())
            if visibility.sees_document(self._viewer, d, shared)
        ]
        self._audit_read("documents", [(d.id, d.tlp) for d in found])
        return iter(found)

    def delete_document(self, document_id: str) -> None:
        document = self._documents.get(document_id)
        if document is None or not visibility.sees_document(self._viewer, document, self._shared()):
            raise missing_document(document_id)
        for event_id in self._by_document.pop(document_id, []):
            del self._events[event_id]
        self._mentions.pop(document_id, None)
        self._extractions.pop(document_id, None)
        del self._documents[document_id]

    def stats(self) -> StoreStats:
        by_type: dict[str, int] = {}
        events = list(self._matching(EventQuery()))
        for event in events:
            by_type[event.event_type] = by_type.get(event.event_type, 0) + 1
        shared = self._shared()
        documents = sum(
            1 for d in self._documents.values() if visibility.sees_document(self._viewer, d, shared)
        )
        return StoreStats(documents, len(events), dict(sorted(by_type.items())))

    def event_counts(
        self, query: EventQuery | None = None, interval: str = "day", by: str = "event_type"
    ) -> list[PeriodCount]:
        query = q.for_counting(query, interval, by)
        return q.count_periods(self._matching(query), interval, by)

    def place_counts(self, query: EventQuery | None = None, limit: int = 1000) -> list[PlaceCount]:
        return q.count_places(self._matching(q.for_counting(query)), limit)

    def actor_counts(self, text: str | None = None, limit: int = 50) -> list[ActorCount]:
        if self._viewer is None:
            return q.count_actors(self._matching(EventQuery()), self._actors, text, limit)
        seen = list(self._matching(EventQuery()))
        return q.count_actors(seen, q.coded_actors(seen), text, limit)

    def _matching(self, query: EventQuery) -> Iterator[Event]:
        shared = self._shared()
        return (e for e in self._events.values() if self._matches(e, query, shared))

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
