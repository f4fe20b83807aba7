"""/api/actors: actors by the number of events they take part in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from rasd.api.deps import KStoreDep, StoreDep
from rasd.api.schemas import ActorListItem, actor_item
from rasd.knowledge.profiles import ActorProfile, actor_profile

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=list[ActorListItem])
def list_actors(
    store: StoreDep,
    q: Annotated[str | None, Query(description="part of the name, or the exact id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ActorListItem]:
    """Actors by event count (any role), most active first."""
    text = q.strip() if q else None
    return [actor_item(c) for c in store.actor_counts(text or None, limit)]


@router.get("/actors/{actor_id}", response_model=ActorProfile)
def get_actor(actor_id: str, store: KStoreDep) -> ActorProfile:
    """First and last seen, canonical events by type, province and month, how reports name
    the actor, its members with their roles, and associated and opposing actors."""
    return actor_profile(store, actor_id)
