"""/api/events: filtered, keyset-paginated event lists and event detail."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from rasd.api.deps import KStoreDep
from rasd.api.filters import decode_cursor, encode_cursor, event_filters
from rasd.api.kview import detail_out, events_out
from rasd.api.schemas import EventDetail, EventPage
from rasd.store.base import EventQuery

router = APIRouter(tags=["events"])

FiltersDep = Annotated[EventQuery, Depends(event_filters)]
Order = Literal["event_date", "-event_date"]


@router.get("/events", response_model=EventPage)
def list_events(
    store: KStoreDep,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=500, description="events per page")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    order: Annotated[
        Order, Query(description="event_date (oldest first) or -event_date; undated last")
    ] = "event_date",
) -> EventPage:
    """Events matching the filters, one page at a time.

    Pages are keyset-paginated on (event_date, id): events added while a client
    pages through appear in their place and never shift, repeat or skip a page.
    """
    after = decode_cursor(cursor, order)
    result = store.page(replace(filters, order=order, limit=limit + 1, after=after))
    page = result.events[:limit]
    last = page[-1] if len(result.events) > limit else None
    return EventPage(
        items=events_out(store, page),
        next_cursor=encode_cursor(order, last.event_date, last.id) if last else None,
        total=result.total,
    )


@router.get("/events/{event_id}", response_model=EventDetail)
def get_event(event_id: str, store: KStoreDep) -> EventDetail:
    """One event with its evidence spans, its document (without the text), the other
    reports of the same incident (``sources``) and the analysts' corrections."""
    return detail_out(store, store.get_event(event_id))
