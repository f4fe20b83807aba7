"""The event filters shared by /api/events, /api/stats, /api/places and /api/exports.

:func:`event_filters` is a FastAPI dependency: it reads the query parameters,
checks every one of them, and returns an :class:`rasd.store.base.EventQuery`.
All problems are reported at once, as 422 entries naming their parameter.
Empty values (``?admin1=``) mean "no filter", as a cleared form field does.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Query

from rasd.api.errors import invalid, problem, raise_problems
from rasd.store.base import EventQuery
from rasd.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES

Problems = list[dict[str, Any]]


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: str | None) -> str | None:
    value = value.strip() if value is not None else None
    return value or None


def parse_date(name: str, value: str | None, problems: Problems) -> date | None:
    value = _text(value)
    if value is None:
        return None
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.append(problem(name, f"{value!r} is not a date; write YYYY-MM-DD", value=value))
    return None


def _numbers(
    name: str,
    value: str | None,
    count: int,
    example: str,
    in_range: Callable[..., bool],
    need: str,
    problems: Problems,
) -> list[float] | None:
    """``count`` comma-separated finite numbers within range; else a problem naming
    ``name`` (and None)."""
    value = _text(value)
    if value is None:
        return None
    try:
        numbers = [float(p) for p in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        problems.append(problem(name, f"{value!r} is not {example}", value=value))
        return None
    if not in_range(*numbers):
        problems.append(problem(name, f"{value!r} is out of range: need {need}", value=value))
        return None
    return numbers


def parse_bbox(value: str | None, problems: Problems) -> tuple[float, float, float, float] | None:
    numbers = _numbers(
        "bbox",
        value,
        4,
        "south,west,north,east in degrees, e.g. bbox=32.0,39.5,34.0,44.0",
        lambda s, w, n, e: -90 <= s <= n <= 90 and -180 <= w <= 180 and -180 <= e <= 180,
        "-90 <= south <= north <= 90 and west, east in -180..180 "
        "(west > east crosses the antimeridian)",
        problems,
    )
    return None if numbers is None else (numbers[0], numbers[1], numbers[2], numbers[3])


def parse_near(value: str | None, problems: Problems) -> tuple[float, float, float] | None:
    numbers = _numbers(
        "near",
        value,
        3,
        "lat,lon,km, e.g. near=35.47,44.39,25",
        lambda lat, lon, km: -90 <= lat <= 90 and -180 <= lon <= 180 and km >= 0,
        "lat in -90..90, lon in -180..180, km >= 0",
        problems,
    )
    return None if numbers is None else (numbers[0], numbers[1], numbers[2])


def _known(
    name: str, values: list[str] | None, known: list[str], problems: Problems
) -> tuple[str, ...]:
    chosen = tuple(v for v in (values or []) if v.strip())
    for v in chosen:
        if v not in known:
            problems.append(
                problem(
                    name, f"{v!r} is not an ACLED {name}; use one of: {', '.join(known)}", value=v
                )
            )
    return chosen


def event_filters(
    since: Annotated[str | None, Query(description="earliest event date, YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="latest event date, YYYY-MM-DD")] = None,
    event_type: Annotated[
        list[str] | None, Query(description="ACLED event type (repeatable)")
    ] = None,
    sub_event_type: Annotated[
        list[str] | None, Query(description="ACLED sub-event type (repeatable)")
    ] = None,
    actor: Annotated[str | None, Query(description="actor id, or part of an actor's name")] = None,
    person: Annotated[str | None, Query(description="part of a person's name")] = None,
    country: Annotated[str | None, Query(description="country name or ISO alpha-2 code")] = None,
    admin1: Annotated[str | None, Query(description="first-level region, e.g. Anbar")] = None,
    admin2: Annotated[str | None, Query(description="second-level region")] = None,
    bbox: Annotated[str | None, Query(description="south,west,north,east")] = None,
    near: Annotated[str | None, Query(description="lat,lon,km")] = None,
    q: Annotated[
        str | None,
        Query(description="text in the notes, location, actor names or evidence sentences"),
    ] = None,
    distinct: Annotated[
        bool, Query(description="one row per incident told by several reports (its best report)")
    ] = False,
) -> EventQuery:
    problems: Problems = []
    first, last = parse_date("since", since, problems), parse_date("until", until, problems)
    if first and last and first > last:
        problems.append(problem("since", f"since {first} is after until {last}; swap them"))
    event_types = _known("event_type", event_type, list(EVENT_TYPES), problems)
    sub_types = _known("sub_event_type", sub_event_type, list(SUB_EVENT_TYPES), problems)
    box, circle = parse_bbox(bbox, problems), parse_near(near, problems)
    raise_problems(problems)
    return EventQuery(
        since=first,
        until=last,
        event_types=event_types,
        sub_event_types=sub_types,
        actor=_text(actor),
        person=_text(person),
        country=_text(country),
        admin1=_text(admin1),
        admin2=_text(admin2),
        bbox=box,
        near=circle,
        text=_text(q),
        distinct=distinct,
    )


# -- cursors -------------------------------------------------------------------------------

_CURSOR_VERSION = "1"


def encode_cursor(order: str, day: date | None, event_id: str) -> str:
    """An opaque cursor: the order and the (event_date, id) of the last event of a page."""
    raw = "|".join((_CURSOR_VERSION, order, day.isoformat() if day else "", event_id))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, order: str) -> tuple[date | None, str] | None:
    """The keyset position of a cursor from :func:`encode_cursor`, or a 422 naming it."""
    cursor = _text(cursor)
    if cursor is None:
        return None
    fix = "pass the next_cursor of the previous page unchanged (or leave cursor out)"
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        version, made_for, day, event_id = raw.split("|")
        if version != _CURSOR_VERSION or not event_id:
            raise ValueError(raw)
        position = (date.fromisoformat(day) if day else None, event_id)
    except (ValueError, UnicodeError, binascii.Error):
        raise invalid("cursor", f"is not a cursor of this API; {fix}", value=cursor) from None
    if made_for != order:
        raise invalid(
            "cursor", f"was made for order={made_for}, not order={order}; {fix}", value=cursor
        )
    return position
