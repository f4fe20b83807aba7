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
* Text filters (``actor``, ``text``) are case-insensitive substring matches;
  ``country``/``admin1``/``admin2`` are case-insensitive equality; a two-letter
  ``country`` matches the ISO alpha-2 ``country_code`` instead of the name.
  Case folding is ASCII-only (as in SQLite).
* Order: ``event_date`` (oldest first) or ``-event_date`` (newest first), events
  without a date last, ties by id; or ``id``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from rasd.records import Document, Event, Mention

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
    limit: int | None = None
    offset: int = 0
    order: str = "event_date"

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
        """How many events match (ignoring ``limit``/``offset``)."""
        ...

    def documents(self) -> Iterator[Document]:
        """Every document, streamed, by id."""
        ...

    def delete_document(self, document_id: str) -> None:
        """Remove a document and its events, or raise NotFound."""

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
