"""/api/persons: persons known across reports, and their profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from rasd.api.deps import KStoreDep
from rasd.api.kschemas import PersonListItem, person_item
from rasd.knowledge.profiles import PersonProfile, person_profile

router = APIRouter(tags=["persons"])


@router.get("/persons", response_model=list[PersonListItem])
def list_persons(
    store: KStoreDep,
    q: Annotated[str, Query(description="part of the name, any case")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[PersonListItem]:
    """Persons named in stored events, by name."""
    return [person_item(p) for p in store.search_persons(q.strip(), limit)]


@router.get("/persons/{person_id}", response_model=PersonProfile)
def get_person(person_id: str, store: KStoreDep) -> PersonProfile:
    """Roles over time, affiliations, and what was reported about the person, event by event."""
    return person_profile(store, person_id)
