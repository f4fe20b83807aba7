"""The Store protocol, the EventQuery filter and the small result records.

Two implementations share these semantics: :class:`rasd.store.sql.SqlStore`
(SQLAlchemy over SQLite or PostgreSQL) and :class:`rasd.store.memory.MemoryStore`
(an in-memory fake for tests).

Semantics every store follows
-----------------------------
* ``add(document, events)`` is atomic and idempotent. The document id is the
  content hash, so adding the same text twice gives the same document. Adding a
  document again REPLACES its events with the given ones (events no longer
  extracted are removed, changed ones rewritten, identical ones kept with their
  original ``created_at``), so the store always reflects the last extraction.
  Document metadata (source, url, title...) is updated to the latest add.
* ``created_at`` is when the store first saw the event: an event's own value is
  kept, ``None`` becomes the time of the add (UTC, timezone-aware).
* Text filters (``actor``, ``person``, ``text``) are case-insensitive substring
  matches; ``actor`` also matches an actor id exactly; ``text`` looks in the notes,
  the location, the actor names and the evidence sentences; ``country``/``admin1``/
  ``admin2`` are case-insensitive equality; a two-letter ``country`` matches the
  ISO alpha-2 ``country_code`` instead of the name. Case folding is ASCII-only
  (as in SQLite).
* Order: ``event_date`` (oldest first) or ``-event_date`` (newest first), events
  without a date last, ties by id; or ``id``. ``after`` (keyset paging) keeps only
  the events that come after ``(event_date, id)`` in that order, so a page
  boundary stays put while events are added.
* Aggregates (``event_counts``, ``place_counts``, ``actor_counts``) count the
  same events ``events(query)`` returns (``limit``/``offset``/``after`` ignored).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from rasd.records import Document, Event, Mention, Viewer

ORDERS = ("event_date", "-event_date", "id")


@dataclass(frozen=True)
class EventQuery:
    """Which events to read. Every field narrows the result; the default reads all.

    ``near`` is ``(latitude, longitude, km)``: events whose place lies within ``km``
    kilometres (great-circle distance). ``bbox`` is ``(min_lat, min_lon, max_lat,
    max_lon)`` (south, west, north, east); ``min_lon > max_lon`` crosses the
    antimeridian. Both skip events without coordinates.
    """

    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actor: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    near: tuple[float, float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None
    document_id: str | None = None
    text: str | None = None
    person: str | None = None  # a person's name contains this
    limit: int | None = None
    offset: int = 0
    order: str = "event_date"
    after: tuple[date | None, str] | None = None  # keyset: (event_date, id) of the last seen
    distinct: bool = False  # one event per incident: only each cluster's representative

    def __post_init__(self) -> None:
        for problem in _query_problems(self):
            raise ValueError(f"EventQuery: {problem}")


def _query_problems(q: EventQuery) -> Iterator[str]:
    if q.limit is not None and q.limit < 0:
        yield f"limit must be >= 0 or None, got {q.limit}"
    if q.offset < 0:
        yield f"offset must be >= 0, got {q.offset}"
    if q.order not in ORDERS:
        yield f"order must be one of {', '.join(ORDERS)}; got {q.order!r}"
    if q.after is not None and q.offset:
        yield "after (keyset paging) and offset cannot be combined; use one"
    if q.since and q.until and q.since > q.until:
        yield f"since {q.since} is after until {q.until}; swap them"
    if q.near is not None:
        lat, lon, km = q.near
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not km >= 0:
            yield f"near must be (lat in -90..90, lon in -180..180, km >= 0); got {q.near}"
    if q.bbox is not None:
        s, w, n, e = q.bbox
        if not (-90 <= s <= n <= 90 and -180 <= w <= 180 and -180 <= e <= 180):
            yield (
                "bbox must be (min_lat, min_lon, max_lat, max_lon) with "
                f"-90 <= min_lat <= max_lat <= 90 and longitudes in -180..180; got {q.bbox}"
            )


@dataclass(frozen=True)
class AddResult:
    document_id: str
    new_document: bool
    events_added: int  # new or changed events written
    events_unchanged: int  # identical to what was stored (kept as they were)
    events_removed: int = 0  # stored events of this document no longer extracted


@dataclass(frozen=True)
class StoreStats:
    documents: int
    events: int
    by_event_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EventPage:
    """One page of events and how many match in all (for paginated lists)."""

    events: list[Event]
    total: int


INTERVALS = ("day", "week", "month")  # a period starts on the day, the Monday, the 1st
COUNT_KEYS = ("event_type", "admin1", "actor")


@dataclass(frozen=True)
class PeriodCount:
    """How many matching events fall in ``period`` under ``key`` (an event type, an
    admin1 name or an actor name; "" for events without an admin1)."""

    period: date  # first day of the day / week (Monday) / month
    key: str
    count: int


@dataclass(frozen=True)
class PlaceCount:
    name: str
    admin1: str
    country: str
    latitude: float | None
    longitude: float | None
    count: int


@dataclass(frozen=True)
class ActorCount:
    id: str
    name: str
    actor_type: int
    country: str
    count: int  # events the actor takes part in, in any role


@runtime_checkable
class Store(Protocol):
    """Where documents and their coded events live."""

    def migrate(self) -> None:
        """Create or upgrade the schema. Safe to call more than once."""

    def add(
        self, document: Document, events: Sequence[Event], mentions: Sequence[Mention] = ()
    ) -> AddResult:
        """Store a document and (replacing any earlier extraction) its events, atomically."""
        ...

    def get_document(self, document_id: str) -> Document:
        """The document, or raise :class:`rasd.exceptions.NotFound`."""
        ...

    def get_event(self, event_id: str) -> Event:
        """The event, or raise :class:`rasd.exceptions.NotFound`."""
        ...

    def get_mentions(self, document_id: str) -> list[Mention]:
        """The mentions stored with a document (empty if none; NotFound if no document)."""
        ...

    def events(self, query: EventQuery | None = None) -> Iterator[Event]:
        """Matching events, streamed in ``query.order``."""
        ...

    def count_events(self, query: EventQuery | None = None) -> int:
        """How many events match (ignoring ``limit``/``offset``/``after``)."""
        ...

    def page(self, query: EventQuery) -> EventPage:
        """``list(events(query))`` and ``count_events(query)`` together (one page of a list)."""
        ...

    def documents(self) -> Iterator[Document]:
        """Every document, streamed, by id."""
        ...

    def event_counts(
        self, query: EventQuery | None = None, interval: str = "day", by: str = "event_type"
    ) -> list[PeriodCount]:
        """Matching dated events counted per period (``INTERVALS``) and key (``COUNT_KEYS``).

        ``by="actor"`` counts an event once under each actor it involves (any role),
        so the counts of one period may add up to more than its events.
        Sorted by key, then period.
        """
        ...

    def place_counts(self, query: EventQuery | None = None, limit: int = 1000) -> list[PlaceCount]:
        """Matching events with a place, counted per place, most events first."""
        ...

    def actor_counts(self, text: str | None = None, limit: int = 50) -> list[ActorCount]:
        """Actors by the number of events they take part in, most first; ``text`` is a
        case-insensitive substring of the name (or the exact id)."""
        ...

    def delete_document(self, document_id: str) -> None:
        """Remove a document and its events, or raise NotFound."""

    def stats(self) -> StoreStats: ...

    @property
    def viewer(self) -> Viewer | None:
        """Who this store shows data to (None: the local system, which sees everything)."""
        ...

    def scoped(self, viewer: Viewer) -> Self:
        """The same store as ``viewer`` sees it (rasd.store.visibility); reads of AMBER or
        RED items are written to the audit log."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
