"""SqlStore: the event store on SQLAlchemy 2 (SQLite by default, PostgreSQL-ready).

>>> store = SqlStore("sqlite:////tmp/rasd-doc.sqlite")   # nothing opened yet
>>> store.migrate()                                      # create/upgrade the schema
>>> result = store.add(document, events)                 # atomic, idempotent
>>> for event in store.events(EventQuery(country="Iraq")):  # streamed
...     ...

The constructor only parses the URL. The engine is created on first use (or
``open()`` / ``with``); every read checks once that the schema is at the head
revision shipped with this package and says how to migrate if it is not.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from types import TracebackType
from typing import Self

from alembic.util import CommandError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from rasd.config import Settings
from rasd.exceptions import StoreError
from rasd.records import Document, Event, Mention, Viewer
from rasd.store import mapping, schema, write
from rasd.store import query as q
from rasd.store.asql import AccessSql, audit_rows
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
from rasd.store.common import check_events, missing_document, missing_event
from rasd.store.connect import WRITE, build_engine, parse_url, shown
from rasd.store.kscope import ScopedKnowledge
from rasd.store.ksql import KnowledgeSql

BATCH = 500  # rows per round trip when streaming


@cache
def _head() -> str:
    return schema.head_revision()


class SqlStore(ScopedKnowledge, KnowledgeSql, ReadAudit, AccessSql):
    """The Store protocol over a SQLAlchemy URL. Thread-safe; one engine per store."""

    def __init__(self, url: str, *, auto_migrate: bool = False) -> None:
        self._url = parse_url(url)
        self.url = shown(self._url)
        self._auto_migrate = auto_migrate
        self._engine: Engine | None = None
        self._checked = False
        self._lock = threading.Lock()  # guards the engine
        self._schema_lock = threading.RLock()  # one schema check/migration at a time
        self._viewer: Viewer | None = None  # None: the local system, which sees everything
        self._owns_engine = True

    @property
    def viewer(self) -> Viewer | None:
        return self._viewer

    def scoped(self, viewer: Viewer) -> Self:
        """This store as ``viewer`` sees it: every read shows only what their organisation
        may see (:mod:`rasd.store.visibility`), and reads of AMBER or RED items are written
        to the audit log. Shares the engine; closing the view leaves the store open."""
        self._ready()
        view = copy.copy(self)
        view._viewer, view._owns_engine = viewer, False
        return view

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: bool) -> SqlStore:
        """The store at ``RASD_DATABASE_URL`` (default: a SQLite file in the user data dir)."""
        return cls((settings or Settings()).resolved_database_url(), **kwargs)

    # -- lifecycle -----------------------------------------------------------------------

    def open(self) -> Self:
        """Connect and check (or, with ``auto_migrate``, upgrade) the schema."""
        self._ready()
        return self

    def close(self) -> None:
        if not self._owns_engine:
            return
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine, self._checked = None, False

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = build_engine(self._url)
            return self._engine

    def _ready(self) -> Engine:
        engine = self._connect()
        with self._schema_lock:
            if self._checked:
                return engine
            if self._auto_migrate:
                self.migrate()
            else:
                self._check_schema(engine)
        return engine

    def migrate(self) -> None:
        """Upgrade the schema to the head revision shipped with rasd (a no-op when current)."""
        engine = self._connect()
        try:
            with engine.connect() as conn:
                conn.execution_options(**{WRITE: True})
                schema.upgrade(conn)
                conn.commit()
        except (SQLAlchemyError, CommandError) as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(
                self.url,
                f"cannot be migrated ({reason})",
                "check that the database is writable and was created by rasd "
                "(a failed migration is rolled back, so the data is as it was)",
            ) from exc
        self._checked = True

    def _check_schema(self, engine: Engine) -> None:
        with self._errors("reading the schema version"), engine.connect() as conn:
            current = schema.current_revision(conn)
        head = _head()
        if current == head:
            self._checked = True
            return
        migrate = f"run SqlStore({self.url!r}).migrate() (safe to repeat)"
        if current is None:
            raise StoreError(self.url, "has no rasd schema yet", migrate)
        if current not in schema.known_revisions():
            raise StoreError(
                self.url,
                f"has schema revision {current}, unknown to this version of rasd",
                "upgrade rasd, or use a different database",
            )
        raise StoreError(
            self.url, f"has schema revision {current}; this rasd needs {head}", migrate
        )

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(
                self.url,
                f"failed while {action} ({reason})",
                "check the database is reachable, writable and migrated (SqlStore.migrate())",
            ) from exc

    def _session(self, *, writing: bool = False) -> Session:
        session = Session(self._ready(), expire_on_commit=False)
        if writing:
            session.connection(execution_options={WRITE: True})
        return session

    # -- writes --------------------------------------------------------------------------

    def add(
        self, document: Document, events: Sequence[Event], mentions: Sequence[Mention] = ()
    ) -> AddResult:
        checked = check_events(document, events)
        with self._errors(f"storing document {document.id}"), self._session(writing=True) as s:
            result, entry = write.add_document(s, document, checked, mentions)
            s.add_all(audit_rows([entry] if entry is not None else []))
            s.commit()
        return result

    def delete_document(self, document_id: str) -> None:
        with self._errors(f"deleting document {document_id}"), self._session(writing=True) as s:
            if s.scalars(q.select_document(self._viewer, document_id)).first() is None:
                raise missing_document(document_id)
            write.delete_document(s, document_id)
            s.commit()

    # -- reads ---------------------------------------------------------------------------

    def get_document(self, document_id: str) -> Document:
        with self._errors(f"reading document {document_id}"), self._session() as s:
            row = s.scalars(q.select_document(self._viewer, document_id)).first()
            if row is None:
                raise missing_document(document_id)
            document = mapping.row_to_document(row)
        self._audit_read("documents", [(document.id, document.tlp)])
        return document

    def get_event(self, event_id: str) -> Event:
        with self._errors(f"reading event {event_id}"), self._session() as s:
            row = s.scalars(q.select_event(self._viewer, event_id)).first()
            if row is None:
                raise missing_event(event_id)
            event = mapping.row_to_event(row)
        self._audit_read("events", [(event.id, event.tlp)])
        return event

    def get_mentions(self, document_id: str) -> list[Mention]:
        with self._errors(f"reading mentions of {document_id}"), self._session() as s:
            if s.scalars(q.select_document(self._viewer, document_id)).first() is None:
                raise missing_document(document_id)
            return [mapping.row_to_mention(r) for r in s.scalars(q.select_mentions(document_id))]

    def events(self, query: EventQuery | None = None) -> Iterator[Event]:
        """Matching events, streamed ``BATCH`` rows at a time (constant memory)."""
        query = query or EventQuery()
        self._ready()  # fail here, not at the first next()
        return self._stream_events(query)

    def _stream_events(self, query: EventQuery, in_order: bool = False) -> Iterator[Event]:
        read: list[tuple[str, str]] = []
        try:
            with self._errors("reading events"), self._session() as s:
                stmt = q.select_events(self._viewer, query, in_order)
                stmt = stmt.execution_options(yield_per=BATCH)
                found: Iterator[Event] = (mapping.row_to_event(row) for row in s.scalars(stmt))
                if query.near is not None:
                    near = query.near
                    found = q.page((e for e in found if _near(e, near)), query)
                for event in found:
                    read.append((event.id, event.tlp))
                    yield event
        finally:  # also when the reader stops early: what was read is logged
            self._audit_read("events", read)

    def count_events(self, query: EventQuery | None = None) -> int:
        query = query or EventQuery()
        with self._errors("counting events"), self._session() as s:
            if query.near is None:
                return int(s.scalar(q.count_events(self._viewer, query)) or 0)
            stmt = q.select_event_points(self._viewer, query).execution_options(
                yield_per=BATCH * 10
            )
            return sum(1 for _id, lat, lon in s.execute(stmt) if q.within(query.near, lat, lon))

    def page(self, query: EventQuery) -> EventPage:
        """Count first: when many events match, the page is read in list order (no sort)."""
        total = self.count_events(query)
        in_order = total > 0 and q.worth_reading_in_order(query, total, self._all_events())
        return EventPage(list(self._stream_events(query, in_order)), total)

    def _all_events(self) -> int:
        with self._errors("counting events"), self._session() as s:
            # Every stored event, visible or not: only a cost estimate, never shown.
            return int(s.scalar(q.count_events(None, EventQuery())) or 0)

    def documents(self) -> Iterator[Document]:
        self._ready()
        return self._stream_documents()

    def _stream_documents(self) -> Iterator[Document]:
        with self._errors("reading documents"), self._session() as s:
            stmt = q.select_documents(self._viewer).execution_options(yield_per=BATCH)
            read: list[tuple[str, str]] = []
            try:
                for row in s.scalars(stmt):
                    document = mapping.row_to_document(row)
                    read.append((document.id, document.tlp))
                    yield document
            finally:
                self._audit_read("documents", read)

    def _visible_ids(self, event_ids: Iterable[str]) -> set[str]:
        ids = sorted(set(event_ids))
        if self._viewer is None or not ids:
            return set(ids)
        with self._errors("checking what the viewer may see"), self._session() as s:
            return {
                found
                for chunk in write.chunks(ids)
                for found in s.scalars(q.select_visible_ids(self._viewer, chunk))
            }

    def stats(self) -> StoreStats:
        with self._errors("counting"), self._session() as s:
            documents = int(s.scalar(q.count_documents(self._viewer)) or 0)
            by_type = {str(t): int(n) for t, n in s.execute(q.count_by_event_type(self._viewer))}
        return StoreStats(documents, sum(by_type.values()), by_type)

    # -- aggregates (see Store) -----------------------------------------------------------

    def event_counts(
        self, query: EventQuery | None = None, interval: str = "day", by: str = "event_type"
    ) -> list[PeriodCount]:
        query = q.for_counting(query, interval, by)
        near = query.near
        with self._errors("counting events by period"), self._session() as s:
            rows = s.execute(q.select_period_counts(self._viewer, query, interval, by)).all()
        if near is not None:
            rows = [r for r in rows if q.within(near, r[3], r[4])]
        return q.period_counts((r[0], r[1], int(r[2])) for r in rows)

    def place_counts(self, query: EventQuery | None = None, limit: int = 1000) -> list[PlaceCount]:
        query = q.for_counting(query)
        near = query.near
        with self._errors("counting events by place"), self._session() as s:
            rows = s.execute(q.select_place_counts(self._viewer, query, limit)).all()
        if near is not None:
            rows = [r for r in rows if q.within(near, r[3], r[4])]
        return q.place_counts(rows, limit)

    def actor_counts(self, text: str | None = None, limit: int = 50) -> list[ActorCount]:
        with self._errors("counting events by actor"), self._session() as s:
            rows = s.execute(q.select_actor_counts(self._viewer, text, limit)).all()
        return [ActorCount(r[0], r[1], int(r[2]), r[3], int(r[4])) for r in rows]


def _near(event: Event, near: tuple[float, float, float]) -> bool:
    place = event.place
    return place is not None and q.within(near, place.latitude, place.longitude)
