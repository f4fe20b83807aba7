"""/api/stats: counts of matching events per day, week or month, by type, admin1 or actor."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from rasd.api.deps import StoreDep
from rasd.api.filters import event_filters
from rasd.api.schemas import StatsOut, stats_out
from rasd.store.base import EventQuery

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=StatsOut)
def get_stats(
    store: StoreDep,
    filters: Annotated[EventQuery, Depends(event_filters)],
    interval: Annotated[
        Literal["day", "week", "month"],
        Query(description="period length; a period is named by its first day (weeks: Monday)"),
    ] = "day",
    by: Annotated[
        Literal["event_type", "admin1", "actor"],
        Query(description="one series per value; an event counts under each of its actors"),
    ] = "event_type",
) -> StatsOut:
    """Time series of event counts. Undated events are in ``total`` but in no series."""
    counts = store.event_counts(filters, interval, by)
    return stats_out(interval, by, store.count_events(filters), counts)
