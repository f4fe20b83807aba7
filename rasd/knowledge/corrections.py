"""Analyst corrections: which are in force, and how they change a document's events.

A correction is never edited or deleted; ``revert`` undoes one (and reverting a
revert puts it back). Event corrections name their event by id and also by its
trigger span in the document (the ``anchor``), so they find their event again
after a re-extraction that gives it a new id. One that finds no event is
*orphaned*: it stays in the log and ``rasd reprocess`` reports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from rasd.exceptions import CorrectionError
from rasd.records import Actor, Correction, Event, Place
from rasd.taxonomy import SUB_EVENT_TYPES

#: Coded fields an analyst may set, and the evidence fields the new value replaces.
EDITABLE: dict[str, tuple[str, ...]] = {
    "event_date": ("event_date",),
    "time_precision": ("event_date",),
    "sub_event_type": ("event_type", "sub_event_type"),
    "actor1": ("actor1",),
    "actor2": ("actor2",),
    "fatalities": ("fatalities",),
    "location": ("location",),
    "admin1": ("location",),
    "admin2": ("location",),
    "country": ("location",),
    "latitude": ("location",),
    "longitude": ("location",),
    "geo_precision": ("location",),
    "notes": (),
}
_PLACE_FIELDS = ("admin1", "admin2", "country", "latitude", "longitude")
EVENT_ACTIONS = ("set_field", "not_event")


def cancelled(corrections: Iterable[Correction]) -> set[int]:
    """Ids of corrections undone by a revert that is itself in force."""
    ordered = sorted(corrections, key=lambda c: c.id or 0)
    out: set[int] = set()
    for c in reversed(ordered):  # a later revert decides first
        if c.id not in out and c.action == "revert" and c.reverts is not None:
            out.add(c.reverts)
    return out


def active(corrections: Iterable[Correction]) -> list[Correction]:
    """Corrections in force, oldest first: a revert cancels its target (and is cancellable)."""
    ordered = sorted(corrections, key=lambda c: c.id or 0)
    gone = cancelled(ordered)
    return [c for c in ordered if c.id not in gone and c.action != "revert"]


def anchor(event: Event) -> tuple[int, int] | None:
    """The trigger span of an event: where a correction finds it again."""
    trigger = event.evidence_for("event_type")
    return (trigger[0].start, trigger[0].end) if trigger else None


def find_target(events: Sequence[Event], correction: Correction) -> Event | None:
    """The event a correction is about: same id, else the event whose trigger overlaps the anchor."""
    for event in events:
        if event.id == correction.target:
            return event
    if correction.anchor_start is None or correction.anchor_end is None:
        return None
    for event in events:
        span = anchor(event)
        if span and span[0] < correction.anchor_end and correction.anchor_start < span[1]:
            return event
    return None


@dataclass
class Applied:
    events: list[Event]
    orphans: list[Correction]


def apply(events: Sequence[Event], corrections: Iterable[Correction]) -> Applied:
    """The events after the corrections in force (for one document's extraction)."""
    current = list(events)
    orphans: list[Correction] = []
    for c in active(corrections):
        if c.action == "merge_actors":
            current = [_replace_actor(e, c.target, _actor(c)) for e in current]
            continue
        if c.action not in EVENT_ACTIONS:
            continue
        target = find_target(current, c)
        if target is None:
            orphans.append(c)
            continue
        index = current.index(target)
        if c.action == "not_event":
            del current[index]
        else:
            current[index] = set_field(target, c.field or "", _decode(c))
    return Applied(current, orphans)


def _decode(c: Correction) -> Any:
    return None if c.value is None else json.loads(c.value)


def _actor(c: Correction) -> Actor:
    return Actor.model_validate(_decode(c))


def set_field(event: Event, field: str, value: Any) -> Event:
    """The event with one coded field changed; that field's evidence is dropped."""
    if field not in EDITABLE:
        raise CorrectionError(
            f"field {field!r}", "cannot be corrected", f"use one of {', '.join(EDITABLE)}"
        )
    update = _update(event, field, value)
    dropped = set(EDITABLE[field])
    update["evidence"] = tuple(e for e in event.evidence if e.field not in dropped)
    data = event.model_dump() | update
    try:
        return Event.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise CorrectionError(f"{field} = {value!r}", problem, _hint(field)) from None


def _update(event: Event, field: str, value: Any) -> dict[str, Any]:
    if field == "sub_event_type":
        if value not in SUB_EVENT_TYPES:
            raise CorrectionError(
                f"sub_event_type {value!r}", "is not an ACLED sub-event type", _hint(field)
            )
        return {"sub_event_type": value, "event_type": SUB_EVENT_TYPES[value]}
    if field in ("actor1", "actor2"):
        return {field: None if value is None else Actor.model_validate(value).model_dump()}
    if field == "event_date":
        return {"event_date": None if value is None else date.fromisoformat(str(value))}
    if field in _PLACE_FIELDS:
        place = event.place or Place(name=event.location or "unknown")
        return {"place": place.model_dump() | {field: value}}
    if field == "location":
        renamed = event.place.model_dump() | {"name": value} if event.place else None
        return {"location": value, "place": renamed}
    return {field: value}


def _hint(field: str) -> str:
    return {
        "event_date": "give an ISO date, e.g. 2023-09-26",
        "time_precision": "give 1 (day), 2 (week) or 3 (month)",
        "geo_precision": "give 1 (town), 2 (near/part), 3 (province)",
        "fatalities": "give a whole number, 0 or more",
        "sub_event_type": "see docs/taxonomy.md for the 25 ACLED sub-event types",
        "latitude": "give decimal degrees between -90 and 90",
        "longitude": "give decimal degrees between -180 and 180",
    }.get(field, "check the value's type")


def _replace_actor(event: Event, old: str, new: Actor) -> Event:
    def swap(actor: Actor | None) -> Actor | None:
        return new if actor is not None and actor.id == old else actor

    assoc1 = tuple(_unique(swap(a) for a in event.assoc_actor_1))
    assoc2 = tuple(_unique(swap(a) for a in event.assoc_actor_2))
    persons = tuple(
        p.model_copy(update={"actor_id": new.id}) if p.actor_id == old else p for p in event.persons
    )
    return event.model_copy(
        update={
            "actor1": swap(event.actor1),
            "actor2": swap(event.actor2),
            "assoc_actor_1": assoc1,
            "assoc_actor_2": assoc2,
            "persons": persons,
        }
    )


def _unique(actors: Iterable[Actor | None]) -> list[Actor]:
    out: list[Actor] = []
    for actor in actors:
        if actor is not None and actor not in out:
            out.append(actor)
    return out


def encode(value: Any) -> str:
    """A correction's value as stored (JSON; dates as ISO strings)."""
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, Actor):
        value = value.model_dump(mode="json")
    return json.dumps(value, ensure_ascii=False)
