"""API shapes for knowledge across reports: corrections, persons, sources of an event.

Profiles are returned as :mod:`rasd.knowledge.profiles` read models (built for
display, never stored); corrections and persons get their own API shapes here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from rasd.api.schemas import InSchema, Schema
from rasd.records import Correction, PersonEntity

Action = Literal[
    "set_field",
    "not_event",
    "merge_events",
    "split_events",
    "merge_actors",
    "merge_persons",
    "split_person",
    "revert",
]


class CorrectionIn(InSchema):
    action: Action
    target: str = Field("", description="event id, actor id or person id (empty for revert)")
    other: str | None = Field(None, description="the second id of a merge or split")
    field: str | None = Field(None, description="set_field: the coded field")
    value: Any = Field(None, description="set_field: the new value (JSON; an actor id for actors)")
    reverts: int | None = Field(None, description="revert: the correction number to undo")
    analyst: str = Field(min_length=1, description="who makes the correction")
    reason: str = Field(min_length=1, description="why: the source or reasoning")


class CorrectionOut(Schema):
    id: int
    action: str
    target: str
    other: str | None
    field: str | None
    value: Any
    document_id: str | None
    reverts: int | None
    analyst: str
    reason: str
    created_at: datetime | None
    in_force: bool


class PersonListItem(Schema):
    id: str
    name: str
    key: str = Field(description="the spelling-tolerant key mentions are matched on")


def correction_out(c: Correction, undone: set[int]) -> CorrectionOut:
    value = json.loads(c.value) if c.value is not None else None
    return CorrectionOut(
        **c.model_dump(include={"id", "action", "target", "other", "field", "document_id"}),
        value=value,
        reverts=c.reverts,
        analyst=c.analyst,
        reason=c.reason,
        created_at=c.created_at,
        in_force=c.id not in undone,
    )


def person_item(p: PersonEntity) -> PersonListItem:
    return PersonListItem(id=p.id, name=p.name, key=p.key)
