"""Every read of the store is built here, for SQL and for the in-memory fake alike.

``SqlStore`` and ``MemoryStore`` read only through these functions, so a
visibility rule (an owning organisation, a TLP marking) can later be added in
one place: :func:`visible_events` / :func:`visible_documents` for SQL and
:func:`visible` for records.

``near`` is evaluated in two steps in SQL: a conservative bounding-box prefilter
on the indexed latitude/longitude, then the exact haversine distance in Python
(:func:`within`), which is also what the fake uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from rasd.records import Event
from rasd.store.base import EventQuery
from rasd.store.models import DocumentRow, EventActorRow, EventRow, EvidenceRow, MentionRow

EARTH_RADIUS_KM = 6371.0088
_EPS = 1e-6  # degrees of slack so the prefilter never drops a true match


# -- shared helpers ----------------------------------------------------------------------


def fold(text: str) -> str:
    """ASCII-only lower case, as SQLite's lower() and LIKE do."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def within(near: tuple[float, float, float], lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    return haversine_km(near[0], near[1], lat, lon) <= near[2]


def near_box(near: tuple[float, float, float]) -> tuple[float, float, float | None, float | None]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; lons None if unbounded.

    min_lon > max_lon means the box crosses the antimeridian.
    """
    lat, lon, km = near
    r = km / EARTH_RADIUS_KM
    dlat = math.degrees(r) + _EPS
    lo, hi = lat - dlat, lat + dlat
    if lo <= -90 or hi >= 90 or r >= math.pi / 2:
        return max(lo, -90.0), min(hi, 90.0), None, None
    dlon = math.degrees(math.asin(min(1.0, math.sin(r) / math.cos(math.radians(lat))))) + _EPS
    if dlon >= 180:
        return lo, hi, None, None
    west, east = lon - dlon, lon + dlon
    return lo, hi, (west + 360 if west < -180 else west), (east - 360 if east > 180 else east)


def page(items: Iterable[Event], query: EventQuery) -> Iterator[Event]:
    """Apply offset and limit to an already filtered, ordered stream."""
    stop = None if query.limit is None else query.offset + query.limit
    return islice(items, query.offset, stop)


# -- records (the in-memory fake, and the exact near check for SQL) ----------------------


def visible(event: Event) -> bool:
    """Visibility rule for records; every event is visible until access control exists."""
    return True


def matches(event: Event, q: EventQuery) -> bool:
    """Does an event satisfy every filter of the query?"""
    return visible(event) and all(check(event, q) for check in _CHECKS)


def _dates(e: Event, q: EventQuery) -> bool:
    if q.since is None and q.until is None:
        return True
    if e.event_date is None:
        return False
    return (q.since is None or e.event_date >= q.since) and (
        q.until is None or e.event_date <= q.until
    )


def _types(e: Event, q: EventQuery) -> bool:
    return (not q.event_types or e.event_type in q.event_types) and (
        not q.sub_event_types or e.sub_event_type in q.sub_event_types
    )


def _actor(e: Event, q: EventQuery) -> bool:
    if q.actor is None:
        return True
    needle = fold(q.actor)
    actors = [e.actor1, *e.assoc_actor_1, e.actor2, *e.assoc_actor_2]
    return any(a is not None and needle in fold(a.name) for a in actors)


def _admin(e: Event, q: EventQuery) -> bool:
    wanted = (q.country, q.admin1, q.admin2)
    if all(w is None for w in wanted):
        return True
    p = e.place
    if p is None:
        return False
    country = p.country_code if q.country is not None and _is_code(q.country) else p.country
    values = (country, p.admin1, p.admin2)
    return all(w is None or fold(v) == fold(w) for w, v in zip(wanted, values, strict=True))


def _geo(e: Event, q: EventQuery) -> bool:
    lat = e.place.latitude if e.place else None
    lon = e.place.longitude if e.place else None
    if q.near is not None and not within(q.near, lat, lon):
        return False
    if q.bbox is None:
        return True
    if lat is None or lon is None:
        return False
    s, w, n, east = q.bbox
    in_lon = w <= lon <= east if w <= east else (lon >= w or lon <= east)
    return s <= lat <= n and in_lon


def _text(e: Event, q: EventQuery) -> bool:
    if q.text is None:
        return True
    needle = fold(q.text)
    return needle in fold(e.notes) or any(needle in fold(ev.sentence) for ev in e.evidence)


def _document(e: Event, q: EventQuery) -> bool:
    return q.document_id is None or e.document_id == q.document_id


_CHECKS = (_dates, _types, _actor, _admin, _geo, _text, _document)


def _is_code(country: str) -> bool:
    return len(country) == 2 and country.isascii() and country.isalpha()


def sort_key(order: str) -> Callable[[Event], Any]:
    """A key function ordering records as :func:`select_events` orders rows."""
    if order == "id":
        return lambda e: e.id
    if order == "-event_date":
        return lambda e: (e.event_date is None, -(e.event_date or date.min).toordinal(), e.id)
    return lambda e: (e.event_date is None, e.event_date or date.min, e.id)


# -- SQL ---------------------------------------------------------------------------------


def visible_events() -> Select[EventRow]:
    """The base SELECT of every event read. A visibility filter goes here."""
    return select(EventRow)


def visible_documents() -> Select[DocumentRow]:
    """The base SELECT of every document read. A visibility filter goes here."""
    return select(DocumentRow)


def with_children(stmt: Select[EventRow]) -> Select[EventRow]:
    """Load actors, persons and evidence in batches (compatible with yield_per)."""
    return stmt.options(
        selectinload(EventRow.actors),
        selectinload(EventRow.persons),
        selectinload(EventRow.evidence),
    )


def select_event(event_id: str) -> Select[EventRow]:
    return with_children(visible_events().where(EventRow.id == event_id))


def select_document(document_id: str) -> Select[DocumentRow]:
    return visible_documents().where(DocumentRow.id == document_id)


def select_documents() -> Select[DocumentRow]:
    return visible_documents().order_by(DocumentRow.id)


def select_mentions(document_id: str) -> Select[MentionRow]:
    return (
        select(MentionRow)
        .where(MentionRow.document_id == document_id)
        .order_by(MentionRow.position)
    )


def select_events(q: EventQuery) -> Select[EventRow]:
    """Matching events with their children, ordered. ``near`` is only prefiltered here."""
    stmt = with_children(visible_events().where(*event_conditions(q)))
    stmt = stmt.order_by(*_order(q.order))
    if q.near is None:  # with near, the exact check (in Python) must run before paging
        stmt = stmt.offset(q.offset or None).limit(q.limit)
    return stmt


def select_event_points(q: EventQuery) -> Select[str, float | None, float | None]:
    """(id, latitude, longitude) of matching events, for counting with ``near``."""
    stmt = visible_events().where(*event_conditions(q))
    return stmt.with_only_columns(EventRow.id, EventRow.latitude, EventRow.longitude)


def count_events(q: EventQuery) -> Select[Any]:
    inner = visible_events().where(*event_conditions(q)).with_only_columns(EventRow.id)
    return select(func.count()).select_from(inner.subquery())


def _order(order: str) -> list[ColumnElement[Any]]:
    if order == "id":
        return [EventRow.id.asc()]
    nulls_last = EventRow.event_date.is_(None)
    direction = EventRow.event_date.desc() if order == "-event_date" else EventRow.event_date.asc()
    return [nulls_last, direction, EventRow.id.asc()]


def event_conditions(q: EventQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.since is not None:
        conds.append(EventRow.event_date >= q.since)
    if q.until is not None:
        conds.append(EventRow.event_date <= q.until)
    if q.event_types:
        conds.append(EventRow.event_type.in_(q.event_types))
    if q.sub_event_types:
        conds.append(EventRow.sub_event_type.in_(q.sub_event_types))
    if q.document_id is not None:
        conds.append(EventRow.document_id == q.document_id)
    conds.extend(_place_conditions(q))
    if q.actor is not None:
        named = _icontains(EventActorRow.name, q.actor)
        conds.append(exists().where(EventActorRow.event_id == EventRow.id, named))
    if q.text is not None:
        in_evidence = exists().where(
            EvidenceRow.event_id == EventRow.id, _icontains(EvidenceRow.sentence, q.text)
        )
        conds.append(or_(_icontains(EventRow.notes, q.text), in_evidence))
    return conds


def _place_conditions(q: EventQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.country is not None:
        column = EventRow.country_code if _is_code(q.country) else EventRow.country
        conds.append(func.lower(column) == func.lower(q.country))
    if q.admin1 is not None:
        conds.append(func.lower(EventRow.admin1) == func.lower(q.admin1))
    if q.admin2 is not None:
        conds.append(func.lower(EventRow.admin2) == func.lower(q.admin2))
    if q.near is not None:
        s, n, w, e = near_box(q.near)
        conds.append(_box(s, w, n, e))
    if q.bbox is not None:
        s, w, n, e = q.bbox
        conds.append(_box(s, w, n, e))
    return conds


def _box(s: float, w: float | None, n: float, e: float | None) -> ColumnElement[bool]:
    lat, lon = EventRow.latitude, EventRow.longitude
    conds: list[ColumnElement[bool]] = [lat.is_not(None), lon.is_not(None), lat.between(s, n)]
    if w is not None and e is not None:
        conds.append(lon.between(w, e) if w <= e else or_(lon >= w, lon <= e))
    return and_(*conds)


def _icontains(column: Any, needle: str) -> ColumnElement[bool]:
    """Case-insensitive substring (the database folds both sides); LIKE wildcards escaped."""
    return column.icontains(needle, autoescape=True)


def count_documents() -> Select[Any]:
    inner = visible_documents().with_only_columns(DocumentRow.id)
    return select(func.count()).select_from(inner.subquery())


def count_by_event_type() -> Select[str, int]:
    return (
        visible_events()
        .with_only_columns(EventRow.event_type, func.count())
        .group_by(EventRow.event_type)
        .order_by(EventRow.event_type)
    )
