"""Who may see what: the one visibility rule, for SQL rows and for records alike.

A :class:`rasd.records.Viewer` (an organisation, a user, the standing feeds shared
with the organisation) sees an event when any of these holds:

1. its organisation owns it;
2. it is marked TLP:CLEAR or TLP:GREEN (the community of this rasd instance);
3. its owner shares it with the viewer's organisation, event by event (any marking);
4. its owner shares its document (the report) with the viewer's organisation;
5. it is the owner's AMBER or AMBER+STRICT event and matches a standing feed the
   owner shares with the viewer's organisation (feeds never carry RED).

A document is seen under rules 1, 2 and 4 only: sharing an event shows the event and
its evidence sentences, not the whole report. ``viewer=None`` is the local system
(the command line, de-duplication, migrations): it sees everything.

Shares are read at each query, so a withdrawn share stops at once; feeds come with
the viewer, which the API builds for each request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, tuple_

from rasd.exceptions import RasdError
from rasd.records import Document, Event, Share, Viewer
from rasd.store.amodels import ShareRow
from rasd.store.base import EventQuery
from rasd.store.models import DocumentRow, EventRow
from rasd.taxonomy import TLP_FEED, TLP_OPEN, TLP_RESTRICTED

#: The filters a standing feed may keep (``near`` needs an exact check that SQL cannot do).
FEED_FILTERS = (
    "since",
    "until",
    "event_types",
    "sub_event_types",
    "actor",
    "country",
    "admin1",
    "admin2",
    "bbox",
    "text",
    "person",
)


# -- feeds: a saved EventQuery as JSON --------------------------------------------------


def feed_json(query: EventQuery) -> str:
    """The JSON a feed share keeps; RasdError if the query uses what a feed cannot."""
    raw = asdict(query)
    unsupported = [
        f.name
        for f in fields(EventQuery)
        if f.name not in FEED_FILTERS and raw[f.name] != f.default and f.name != "order"
    ]
    if unsupported:
        raise RasdError(
            "feed query",
            f"uses {', '.join(unsupported)}, which a standing feed cannot keep",
            f"keep to these filters: {', '.join(FEED_FILTERS)} (use bbox instead of near)",
        )
    kept = {k: raw[k] for k in FEED_FILTERS if raw[k] not in (None, ())}
    return json.dumps(kept, default=_iso, sort_keys=True)


def feed_query(share: Share) -> EventQuery:
    """The saved query of a feed share."""
    raw: dict[str, Any] = json.loads(share.query or "{}")
    for key in ("since", "until"):
        if raw.get(key):
            raw[key] = date.fromisoformat(raw[key])
    for key in ("event_types", "sub_event_types", "bbox"):
        if raw.get(key) is not None:
            raw[key] = tuple(raw[key])
    return EventQuery(**{k: v for k, v in raw.items() if k in FEED_FILTERS})


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot save {value!r} in a feed")


# -- SQL ---------------------------------------------------------------------------------


def _shared(viewer: Viewer, kind: str, target: Any, owner: Any) -> ColumnElement[bool]:
    """A share in force of ``target`` by its owner with the viewer's organisation. The
    owner is checked here too, so a share of someone else's item shows nothing.

    An uncorrelated row-value ``IN``: the database reads the viewer's shares once per
    query, not once per event (a correlated EXISTS made a 100k-event page 200x slower)."""
    in_force = select(ShareRow.org, ShareRow.target).where(
        ShareRow.partner == viewer.org, ShareRow.kind == kind, ShareRow.withdrawn_at.is_(None)
    )
    return tuple_(owner, target).in_(in_force)


def event_rule(
    viewer: Viewer, conditions: Callable[[EventQuery], list[ColumnElement[bool]]]
) -> ColumnElement[bool]:
    """The WHERE term for events; ``conditions`` turns a feed's query into WHERE terms."""
    terms: list[ColumnElement[bool]] = [
        EventRow.org == viewer.org,
        EventRow.tlp.in_(TLP_OPEN),
        _shared(viewer, "event", EventRow.id, EventRow.org),
        _shared(viewer, "document", EventRow.document_id, EventRow.org),
    ]
    for feed in viewer.feeds:
        owned = [EventRow.org == feed.org, EventRow.tlp.in_(TLP_FEED)]
        terms.append(and_(*owned, *conditions(feed_query(feed))))
    return or_(*terms)


def simple_event_rule(viewer: Viewer, row: Any) -> ColumnElement[bool]:
    """Rules 1-4 on an aliased events table (without feeds: used where under-showing is
    safe, e.g. whether another report of an incident may stand for it)."""
    return or_(
        row.org == viewer.org,
        row.tlp.in_(TLP_OPEN),
        _shared(viewer, "event", row.id, row.org),
        _shared(viewer, "document", row.document_id, row.org),
    )


def document_rule(viewer: Viewer) -> ColumnElement[bool]:
    return or_(
        DocumentRow.org == viewer.org,
        DocumentRow.tlp.in_(TLP_OPEN),
        _shared(viewer, "document", DocumentRow.id, DocumentRow.org),
    )


# -- records (MemoryStore) ---------------------------------------------------------------


def sees_event(
    viewer: Viewer | None,
    event: Event,
    shared: Collection[tuple[str, str]],
    matches: Callable[[Event, EventQuery], bool],
) -> bool:
    """Rules 1-5 for a record; ``shared`` holds (owner, id) of the events and documents
    shared with the viewer's organisation (in force)."""
    if viewer is None or event.org == viewer.org or event.tlp in TLP_OPEN:
        return True
    if (event.org, event.id) in shared or (event.org, event.document_id) in shared:
        return True
    return any(
        f.org == event.org and event.tlp in TLP_FEED and matches(event, feed_query(f))
        for f in viewer.feeds
    )


def sees_document(
    viewer: Viewer | None, document: Document, shared: Collection[tuple[str, str]]
) -> bool:
    if viewer is None or document.org == viewer.org or document.tlp in TLP_OPEN:
        return True
    return (document.org, document.id) in shared


def restricted(tlp: str) -> bool:
    """Is reading an item with this marking written to the audit log?"""
    return tlp in TLP_RESTRICTED
