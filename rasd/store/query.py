"""Every read of the store is built here, for SQL and for the in-memory fake alike.

``SqlStore`` and ``MemoryStore`` read only through these functions. Every SELECT
starts from :func:`visible_events` or :func:`visible_documents`, which apply the
visibility rule of :mod:`rasd.store.visibility` for the ``viewer`` (an organisation;
``None`` is the local system, which sees everything). The parameter has no default
on purpose: no read can forget it.

``near`` is evaluated in two steps in SQL: a conservative bounding-box prefilter
on the indexed latitude/longitude, then the exact haversine distance in Python
(:func:`within`), which is also what the fake uses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Select,
    and_,
    distinct,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.functions import FunctionElement

from rasd.records import Actor, Event, Viewer
from rasd.store import textindex, visibility
from rasd.store.base import (
    COUNT_KEYS,
    INTERVALS,
    ActorCount,
    EventQuery,
    PeriodCount,
    PlaceCount,
)
from rasd.store.folding import ascii_lower
from rasd.store.models import (
    ActorRow,
    DocumentRow,
    EventActorRow,
    EventClusterRow,
    EventRow,
    EvidenceRow,
    MentionRow,
    PersonRow,
)

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


def matches(event: Event, q: EventQuery, actors: Mapping[str, Actor] | None = None) -> bool:
    """Does an event satisfy every filter of the query (``distinct`` and visibility aside)?

    ``actors`` is the store's latest view of each actor (by id), whose names the
    ``actor`` filter matches, as SQL matches the ``actors`` table.
    """
    return _actor(event, q, actors or {}) and all(check(event, q) for check in _CHECKS)


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


def actors_of(e: Event) -> list[Actor]:
    return [a for a in (e.actor1, *e.assoc_actor_1, e.actor2, *e.assoc_actor_2) if a is not None]


def _actor(e: Event, q: EventQuery, latest: Mapping[str, Actor]) -> bool:
    if q.actor is None:
        return True
    needle = fold(q.actor)
    return any(a.id == q.actor or needle in fold(latest.get(a.id, a).name) for a in actors_of(e))


def _person(e: Event, q: EventQuery) -> bool:
    if q.person is None:
        return True
    needle = fold(q.person)
    return any(needle in fold(p.name) for p in e.persons)


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
    texts = [e.notes, e.location, *(a.name for a in actors_of(e))]
    texts.extend(ev.sentence for ev in e.evidence)
    return any(needle in fold(t) for t in texts)


def _document(e: Event, q: EventQuery) -> bool:
    return q.document_id is None or e.document_id == q.document_id


def _after(e: Event, q: EventQuery) -> bool:
    if q.after is None:
        return True
    return position(q.order, e.event_date, e.id) > position(q.order, *q.after)


_CHECKS = (_dates, _types, _person, _admin, _geo, _text, _document, _after)


def _is_code(country: str) -> bool:
    return len(country) == 2 and country.isascii() and country.isalpha()


def position(order: str, day: date | None, event_id: str) -> tuple[Any, ...]:
    """Where an event with this date and id sorts in ``order`` (as :func:`select_events`)."""
    if order == "id":
        return (event_id,)
    if order == "-event_date":
        return (day is None, -(day or date.min).toordinal(), event_id)
    return (day is None, day or date.min, event_id)


def sort_key(order: str) -> Callable[[Event], Any]:
    """A key function ordering records as :func:`select_events` orders rows."""
    return lambda e: position(order, e.event_date, e.id)


# -- SQL ---------------------------------------------------------------------------------


def visible_events(viewer: Viewer | None) -> Select[EventRow]:
    """The base SELECT of every event read: what ``viewer`` may see."""
    stmt = select(EventRow)
    if viewer is None:
        return stmt
    return stmt.where(visibility.event_rule(viewer, lambda q: event_conditions(q, viewer=None)))


def visible_documents(viewer: Viewer | None) -> Select[DocumentRow]:
    """The base SELECT of every document read: what ``viewer`` may see."""
    stmt = select(DocumentRow)
    return stmt if viewer is None else stmt.where(visibility.document_rule(viewer))


def with_children(stmt: Select[EventRow]) -> Select[EventRow]:
    """Load actors, persons and evidence in batches (compatible with yield_per)."""
    return stmt.options(
        selectinload(EventRow.actors),
        selectinload(EventRow.persons),
        selectinload(EventRow.evidence),
    )


def select_event(viewer: Viewer | None, event_id: str) -> Select[EventRow]:
    return with_children(visible_events(viewer).where(EventRow.id == event_id))


def select_document(viewer: Viewer | None, document_id: str) -> Select[DocumentRow]:
    return visible_documents(viewer).where(DocumentRow.id == document_id)


def select_documents(viewer: Viewer | None) -> Select[DocumentRow]:
    return visible_documents(viewer).order_by(DocumentRow.id)


def select_visible_ids(viewer: Viewer, event_ids: Iterable[str]) -> Select[Any]:
    """Which of these events ``viewer`` may see."""
    stmt = visible_events(viewer).where(EventRow.id.in_(list(event_ids)))
    return stmt.with_only_columns(EventRow.id)


def select_mentions(document_id: str) -> Select[MentionRow]:
    return (
        select(MentionRow)
        .where(MentionRow.document_id == document_id)
        .order_by(MentionRow.position)
    )


def select_events(viewer: Viewer | None, q: EventQuery, in_order: bool = False) -> Select[EventRow]:
    """Matching events with their children, ordered. ``near`` is only prefiltered here.

    ``in_order``: read the list-order index and test each event, rather than find
    every match by another index and sort them: faster for one page when many
    events match (see :func:`worth_reading_in_order`).
    """
    stmt = with_children(visible_events(viewer).where(*event_conditions(q, in_order, viewer)))
    stmt = stmt.order_by(*_order(q.order))
    if q.near is None:  # with near, the exact check (in Python) must run before paging
        stmt = stmt.offset(q.offset or None).limit(q.limit)
    return stmt


def select_event_points(
    viewer: Viewer | None, q: EventQuery
) -> Select[str, float | None, float | None]:
    """(id, latitude, longitude) of matching events, for counting with ``near``."""
    stmt = visible_events(viewer).where(*event_conditions(unpaged(q), viewer=viewer))
    return stmt.with_only_columns(EventRow.id, EventRow.latitude, EventRow.longitude)


def count_events(viewer: Viewer | None, q: EventQuery) -> Select[Any]:
    conditions = event_conditions(unpaged(q), viewer=viewer)
    inner = visible_events(viewer).where(*conditions).with_only_columns(EventRow.id)
    return select(func.count()).select_from(inner.subquery())


def _order(order: str) -> list[ColumnElement[Any]]:
    if order == "id":
        return [EventRow.id.asc()]
    nulls_last = EventRow.event_date.is_(None)
    direction = EventRow.event_date.desc() if order == "-event_date" else EventRow.event_date.asc()
    return [nulls_last, direction, EventRow.id.asc()]


def event_conditions(
    q: EventQuery, in_order: bool = False, viewer: Viewer | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE terms of a query. Dates, admin1 and the keyset position are served by the
    list-order indexes (migration 0003); with ``in_order`` the other terms are marked
    ``likely`` so that SQLite reads in list order instead of sorting all matches.
    ``viewer`` matters only to ``distinct`` (which event may stand for an incident)."""
    others = _other_conditions(q, viewer)
    return _ordered_conditions(q) + ([likely(c) for c in others] if in_order else others)


def _ordered_conditions(q: EventQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.since is not None or q.until is not None:
        # Implied by a date range; stated so the range can use the list-order indexes,
        # whose first date column is (event_date IS NULL).
        conds.append(EventRow.event_date.is_(None) == false())
    if q.since is not None:
        conds.append(EventRow.event_date >= q.since)
    if q.until is not None:
        conds.append(EventRow.event_date <= q.until)
    if q.admin1 is not None:
        conds.append(ascii_lower(EventRow.admin1) == fold(q.admin1))
    if q.after is not None:
        conds.append(_after_condition(q.order, *q.after))
    return conds


def _other_conditions(q: EventQuery, viewer: Viewer | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.event_types:
        conds.append(EventRow.event_type.in_(q.event_types))
    if q.sub_event_types:
        conds.append(EventRow.sub_event_type.in_(q.sub_event_types))
    if q.document_id is not None:
        conds.append(EventRow.document_id == q.document_id)
    conds.extend(_place_conditions(q))
    if q.actor is not None and viewer is not None:
        # A viewer matches the names the events they see were coded with: the store's
        # latest name of an actor may come from a report hidden from them.
        coded = or_(EventActorRow.actor_id == q.actor, _icontains(EventActorRow.name, q.actor))
        conds.append(EventRow.id.in_(select(EventActorRow.event_id).where(coded)))
    elif q.actor is not None:
        # Actors are few: find their ids first, then the events through the actor_id index.
        named = or_(ActorRow.id == q.actor, _icontains(ActorRow.name, q.actor))
        ids = select(ActorRow.id).where(named)
        conds.append(
            EventRow.id.in_(select(EventActorRow.event_id).where(EventActorRow.actor_id.in_(ids)))
        )
    if q.person is not None:
        persons = select(PersonRow.event_id).where(_icontains(PersonRow.name, q.person))
        conds.append(EventRow.id.in_(persons))
    if q.text is not None:
        conds.append(_text_condition(q.text))
    if q.distinct:
        conds.append(_distinct_condition(viewer))
    return conds


def _distinct_condition(viewer: Viewer | None) -> ColumnElement[bool]:
    """Drop events whose incident another event stands for: its cluster's representative,
    or, when the viewer may not see that one, the visible member with the lowest id."""
    if viewer is None:
        represented = select(EventClusterRow.event_id).where(
            EventClusterRow.event_id == EventRow.id, EventClusterRow.cluster_id != EventRow.id
        )
        return ~represented.exists()
    mine, theirs, other = aliased(EventClusterRow), aliased(EventClusterRow), aliased(EventRow)
    first = or_(
        other.id == mine.cluster_id, and_(mine.cluster_id != EventRow.id, other.id < EventRow.id)
    )
    before = exists().where(
        mine.event_id == EventRow.id,
        theirs.cluster_id == mine.cluster_id,
        other.id == theirs.event_id,
        other.id != EventRow.id,
        first,
        visibility.simple_event_rule(viewer, other),
    )
    return ~before


class likely(FunctionElement[bool]):  # noqa: N801 - an SQL function construct
    """SQLite's ``likely(X)``: X, with a hint that it is usually true (no-op elsewhere)."""

    type = Boolean()
    inherit_cache = True
    name = "likely"


@compiles(likely)
def _likely_default(element: likely, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(likely, "sqlite")
def _likely_sqlite(element: likely, compiler: Any, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"


def worth_reading_in_order(q: EventQuery, matching: int, everything: int) -> bool:
    """Is reading in list order (testing each event) cheaper than sorting every match?

    One page reads about ``limit * everything / matching`` events in order, against
    ``matching`` found and sorted: in order wins when ``matching**2 >= limit * everything``.
    """
    if q.limit is None or q.near is not None or q.order == "id":
        return False
    return matching * matching >= q.limit * everything


def _text_condition(text: str) -> ColumnElement[bool]:
    """Notes, location, actor names (as coded in the event) or evidence sentences.

    Without an index: uncorrelated ``IN`` subqueries, so each child table is read once,
    not once per event. On SQLite a trigram index (:mod:`rasd.store.textindex`) first
    finds the candidate events; the exact test then runs on their rows only
    (correlated, through the event_id indexes), so results equal the unindexed query.
    """
    in_row = [_icontains(EventRow.notes, text), _icontains(EventRow.location, text)]
    if not textindex.usable(text):
        in_actors = select(EventActorRow.event_id).where(_icontains(EventActorRow.name, text))
        in_evidence = select(EvidenceRow.event_id).where(_icontains(EvidenceRow.sentence, text))
        return or_(*in_row, EventRow.id.in_(in_actors), EventRow.id.in_(in_evidence))
    actor, evidence = aliased(EventActorRow), aliased(EvidenceRow)  # never the outer query's
    actor_named = exists().where(actor.event_id == EventRow.id, _icontains(actor.name, text))
    said = exists().where(evidence.event_id == EventRow.id, _icontains(evidence.sentence, text))

    candidates = textindex.text_candidates(EventRow.id, literal(text))
    return and_(candidates, or_(*in_row, actor_named, said))


def _after_condition(order: str, day: date | None, last_id: str) -> ColumnElement[bool]:
    """Rows after ``(day, last_id)`` in ``order`` (undated events come last)."""
    if order == "id":
        return EventRow.id > last_id
    column = EventRow.event_date
    if day is None:
        return and_(column.is_(None), EventRow.id > last_id)
    beyond = column > day if order == "event_date" else column < day
    return or_(column.is_(None), beyond, and_(column == day, EventRow.id > last_id))


def _place_conditions(q: EventQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if q.country is not None:
        column = EventRow.country_code if _is_code(q.country) else EventRow.country
        conds.append(ascii_lower(column) == fold(q.country))
    if q.admin2 is not None:
        conds.append(ascii_lower(EventRow.admin2) == fold(q.admin2))
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
    """Case-insensitive substring (ASCII folding on every database); LIKE wildcards escaped."""
    return ascii_lower(column).contains(fold(needle), autoescape=True)


def count_documents(viewer: Viewer | None) -> Select[Any]:
    inner = visible_documents(viewer).with_only_columns(DocumentRow.id)
    return select(func.count()).select_from(inner.subquery())


def count_by_event_type(viewer: Viewer | None) -> Select[str, int]:
    return (
        visible_events(viewer)
        .with_only_columns(EventRow.event_type, func.count())
        .group_by(EventRow.event_type)
        .order_by(EventRow.event_type)
    )


# -- aggregates (stats, places, actors): the same counts from rows and from records -------


class _PeriodStart(FunctionElement[date]):
    type = Date()
    inherit_cache = True


class week_start(_PeriodStart):  # noqa: N801 - SQL function constructs are lower case
    """The Monday on or before a date."""

    name = "week_start"
    inherit_cache = True


class month_start(_PeriodStart):  # noqa: N801
    """The first day of a date's month."""

    name = "month_start"
    inherit_cache = True


@compiles(week_start, "sqlite")
def _week_sqlite(element: week_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(month_start, "sqlite")
def _month_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(week_start)
def _week_default(element: week_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start)
def _month_default(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


def period_start(day: date, interval: str) -> date:
    """The first day of the day, week (Monday) or month containing ``day``."""
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _period_column(interval: str) -> Any:
    if interval == "week":
        return week_start(EventRow.event_date)
    if interval == "month":
        return month_start(EventRow.event_date)
    return EventRow.event_date


def select_period_counts(
    viewer: Viewer | None, q: EventQuery, interval: str, by: str
) -> Select[*tuple[Any, ...]]:
    """(period, key, count[, latitude, longitude]) of matching dated events.

    With ``near`` the rows are also grouped by coordinates, so the caller can apply
    the exact distance check (:func:`within`) before adding them up.
    """
    keys: dict[str, Any] = {
        "event_type": EventRow.event_type,
        "admin1": func.coalesce(EventRow.admin1, ""),
        "actor": EventActorRow.name,
    }
    conditions = event_conditions(q, viewer=viewer)
    stmt = visible_events(viewer).where(*conditions, EventRow.event_date.is_not(None))
    counted = func.count()
    if by == "actor":
        stmt = stmt.join(EventActorRow, EventActorRow.event_id == EventRow.id)
        counted = func.count(distinct(EventRow.id))
    groups: list[Any] = [_period_column(interval), keys[by]]
    if q.near is not None:
        groups += [EventRow.latitude, EventRow.longitude]
    columns = [*groups[:2], counted, *groups[2:]]
    return stmt.with_only_columns(*columns).group_by(*groups)


def count_periods(events: Iterable[Event], interval: str, by: str) -> list[PeriodCount]:
    counts: Counter[tuple[str, date]] = Counter()
    for e in events:
        if e.event_date is None:
            continue
        period = period_start(e.event_date, interval)
        for key in _count_keys(e, by):
            counts[(key, period)] += 1
    return period_counts((period, key, n) for (key, period), n in counts.items())


def _count_keys(e: Event, by: str) -> set[str]:
    if by == "actor":
        return {a.name for a in actors_of(e)}
    if by == "admin1":
        return {e.place.admin1 if e.place else ""}
    return {e.event_type}


def period_counts(rows: Iterable[tuple[date, str, int]]) -> list[PeriodCount]:
    """Rows summed per (period, key), sorted by key then period."""
    counts: Counter[tuple[str, date]] = Counter()
    for period, key, n in rows:
        counts[(key, period)] += n
    return [PeriodCount(period, key, n) for (key, period), n in sorted(counts.items())]


_PLACE_COLUMNS = (
    EventRow.place_name,
    func.coalesce(EventRow.admin1, ""),
    func.coalesce(EventRow.country, ""),
    EventRow.latitude,
    EventRow.longitude,
)


def select_place_counts(
    viewer: Viewer | None, q: EventQuery, limit: int
) -> Select[*tuple[Any, ...]]:
    """(name, admin1, country, latitude, longitude, count), most events first."""
    n = func.count().label("n")
    conditions = event_conditions(q, viewer=viewer)
    base = visible_events(viewer).where(*conditions, EventRow.place_name.is_not(None))
    stmt = base.with_only_columns(*_PLACE_COLUMNS, n).group_by(*_PLACE_COLUMNS)
    lat, lon = EventRow.latitude, EventRow.longitude
    stmt = stmt.order_by(n.desc(), *_PLACE_COLUMNS[:3], lat.is_(None), lat, lon.is_(None), lon)
    return stmt if q.near is not None else stmt.limit(limit)


def place_counts(rows: Iterable[tuple[Any, ...]], limit: int) -> list[PlaceCount]:
    """Rows as PlaceCount, most events first (ties by name, admin1, country, coordinates)."""
    found = [PlaceCount(row[0], row[1], row[2], row[3], row[4], int(row[5])) for row in rows]
    found.sort(key=_place_order)
    return found[:limit]


def _place_order(p: PlaceCount) -> tuple[Any, ...]:
    lat, lon = p.latitude, p.longitude
    return (-p.count, p.name, p.admin1, p.country, lat is None, lat or 0.0, lon is None, lon or 0.0)


def count_places(events: Iterable[Event], limit: int) -> list[PlaceCount]:
    counts: Counter[tuple[str, str, str, float | None, float | None]] = Counter()
    for e in events:
        if e.place is not None:
            p = e.place
            counts[(p.name, p.admin1, p.country, p.latitude, p.longitude)] += 1
    return place_counts(((*key, n) for key, n in counts.items()), limit)


def select_actor_counts(
    viewer: Viewer | None, text: str | None, limit: int
) -> Select[*tuple[Any, ...]]:
    """Actors (latest known name) by the number of visible events they take part in.
    For a viewer, the name (type, country) as the visible events code it."""
    if viewer is not None:
        return _viewer_actor_counts(viewer, text, limit)
    n = func.count(distinct(EventRow.id)).label("n")
    columns = (ActorRow.id, ActorRow.name, ActorRow.actor_type, ActorRow.country)
    base = (
        visible_events(viewer)
        .join(EventActorRow, EventActorRow.event_id == EventRow.id)
        .join(ActorRow, ActorRow.id == EventActorRow.actor_id)
    )
    if text is not None:
        base = base.where(or_(ActorRow.id == text, _icontains(ActorRow.name, text)))
    stmt = base.with_only_columns(*columns, n).group_by(*columns)
    return stmt.order_by(n.desc(), ActorRow.name, ActorRow.id).limit(limit)


def _viewer_actor_counts(viewer: Viewer, text: str | None, limit: int) -> Select[*tuple[Any, ...]]:
    n = func.count(distinct(EventRow.id)).label("n")
    a = EventActorRow
    name = func.min(a.name)
    columns = (a.actor_id, name, func.min(a.actor_type), func.min(a.country))
    base = visible_events(viewer).join(a, a.event_id == EventRow.id)
    if text is not None:
        base = base.where(or_(a.actor_id == text, _icontains(a.name, text)))
    stmt = base.with_only_columns(*columns, n).group_by(a.actor_id)
    return stmt.order_by(n.desc(), name, a.actor_id).limit(limit)


def coded_actors(events: Iterable[Event]) -> dict[str, Actor]:
    """Each actor as these events code it (the least name, as :func:`_viewer_actor_counts`)."""
    found: dict[str, Actor] = {}
    for e in events:
        for actor in actors_of(e):
            known = found.get(actor.id)
            if known is None or actor.name < known.name:
                found[actor.id] = actor
    return found


def count_actors(
    events: Iterable[Event], latest: Mapping[str, Actor], text: str | None, limit: int
) -> list[ActorCount]:
    """Like :func:`select_actor_counts`; ``latest`` is the store's view of each actor."""
    counts: Counter[str] = Counter()
    for e in events:
        counts.update({a.id for a in actors_of(e)})
    found = [
        ActorCount(a.id, a.name, int(a.actor_type), a.country, counts[a.id])
        for a in (latest.get(i) for i in counts)
        if a is not None and (text is None or a.id == text or fold(text) in fold(a.name))
    ]
    found.sort(key=lambda a: (-a.count, a.name, a.id))
    return found[:limit]


def for_counting(
    query: EventQuery | None, interval: str = "day", by: str = "event_type"
) -> EventQuery:
    """The query without paging (aggregates count every match); checks interval and by."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}; got {interval!r}")
    if by not in COUNT_KEYS:
        raise ValueError(f"by must be one of {', '.join(COUNT_KEYS)}; got {by!r}")
    return unpaged(query or EventQuery())


def unpaged(query: EventQuery) -> EventQuery:
    """The query without limit, offset and keyset position: what counts count."""
    return replace(query, after=None, limit=None, offset=0)
