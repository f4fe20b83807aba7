"""/api/places: where the matching events happened, with counts (for the map)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from rasd.api.deps import StoreDep
from rasd.api.filters import event_filters
from rasd.api.schemas import PlaceListItem, place_item
from rasd.store.base import EventQuery

router = APIRouter(tags=["places"])


@router.get("/places", response_model=list[PlaceListItem])
def list_places(
    store: StoreDep,
    filters: Annotated[EventQuery, Depends(event_filters)],
    limit: Annotated[int, Query(ge=1, le=10_000, description="at most this many places")] = 1000,
) -> list[PlaceListItem]:
    """Places of the matching events, most events first (events without a place left out)."""
    return [place_item(c) for c in store.place_counts(filters, limit)]
