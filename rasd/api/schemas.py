"""The API's JSON shapes (see docs/api.md), kept apart from the storage records.

Records (:mod:`rasd.records`) are what the store and pipeline exchange; these
models are what HTTP clients see. The ``*_out`` functions are the only place
that converts one into the other, so a record can change without changing the
API (or the other way round).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rasd.api.errors import NUL_MSG
from rasd.records import Actor, Document, Event, Evidence, Person, Place
from rasd.store.base import ActorCount, PeriodCount, PlaceCount


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InSchema(Schema):
    """A request body: no string in it may hold a NUL (PostgreSQL cannot store one; it
    answered 503), refused as a 422 naming the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if _has_nul(value):
            raise ValueError(NUL_MSG)
        return value


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


# -- parts of an event ---------------------------------------------------------------------


class ActorOut(Schema):
    id: str
    name: str
    actor_type: int = Field(description="ACLED inter code 1-8")
    country: str


class PlaceOut(Schema):
    geonameid: int | None
    name: str
    country: str
    country_code: str
    admin1: str
    admin2: str
    latitude: float | None
    longitude: float | None


class PersonOut(Schema):
    name: str
    role: str | None
    nationality: str | None
    actor_id: str | None
    status: str | None
    person_id: str | None = Field(None, description="the person entity, once resolved")


class EvidenceOut(Schema):
    field: str = Field(description="the coded field this span supports")
    document_id: str
    start: int = Field(description="character offset of the span in the document text")
    end: int
    text: str
    sentence: str
    sentence_start: int = Field(description="character offset of the sentence")


class DocumentOut(Schema):
    id: str
    title: str | None
    source: str
    url: str | None
    published_at: date | None
    language: str
    org: str = Field(description="the organisation that owns the report (its origin)")
    tlp: str = Field(description="TLP 2.0 marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")


class DocumentText(DocumentOut):
    text: str
    event_ids: list[str]


# -- events --------------------------------------------------------------------------------


class EventOut(Schema):
    id: str
    document_id: str
    event_date: date | None
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: ActorOut | None
    assoc_actor_1: list[ActorOut]
    actor2: ActorOut | None
    assoc_actor_2: list[ActorOut]
    location: str
    place: PlaceOut | None
    geo_precision: int
    fatalities: int
    notes: str
    confidence: float
    persons: list[PersonOut]
    cluster_id: str | None = Field(description="the canonical event this report belongs to")
    source_count: int = Field(description="how many reports tell this event")
    org: str = Field(description="the organisation that owns the event (its origin)")
    tlp: str = Field(description="TLP 2.0 marking (always its report's)")


class SourceOut(Schema):
    event_id: str
    document: DocumentOut | None = Field(
        description="the report, or null when only the event is shared with you"
    )
    evidence: list[EvidenceOut]


class EventDetail(EventOut):
    evidence: list[EvidenceOut]
    document: DocumentOut | None
    sources: list[SourceOut] = Field(description="the other reports of the same event")
    corrections: list[dict[str, Any]] = Field(description="analyst corrections of this event")


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null: done")
    total: int = Field(description="events matching the filters (all pages)")


# -- documents -----------------------------------------------------------------------------


class DocumentIn(InSchema):
    text: str = Field(min_length=1, description="the report text (UTF-8)")
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: date | None = Field(None, description="publication date, YYYY-MM-DD")


class ExtractionOut(Schema):
    document: DocumentOut
    events: list[EventDetail]
    saved: bool
    warnings: list[str]


# -- aggregates ----------------------------------------------------------------------------


class ActorListItem(Schema):
    id: str
    name: str
    actor_type: int
    country: str
    event_count: int


class PlaceListItem(Schema):
    name: str
    admin1: str
    country: str
    latitude: float | None
    longitude: float | None
    event_count: int


class StatsPoint(Schema):
    period: date
    count: int


class StatsSeries(Schema):
    key: str
    points: list[StatsPoint]


class StatsOut(Schema):
    interval: str
    by: str
    total: int = Field(description="events matching the filters (dated or not)")
    series: list[StatsSeries] = Field(description="one per key, most events first")


class ConfigOut(Schema):
    tile_url: str | None
    version: str | None = Field(description="the rasd version; null unless signed in")


# -- records -> schemas --------------------------------------------------------------------


def _actor(actor: Actor) -> ActorOut:
    return ActorOut(
        id=actor.id, name=actor.name, actor_type=int(actor.actor_type), country=actor.country
    )


def actor_out(actor: Actor | None) -> ActorOut | None:
    return None if actor is None else _actor(actor)


def _actors(actors: Sequence[Actor]) -> list[ActorOut]:
    return [_actor(a) for a in actors]


def place_out(place: Place | None) -> PlaceOut | None:
    if place is None:
        return None
    return PlaceOut.model_validate(place.model_dump(include=set(PlaceOut.model_fields)))


def person_out(person: Person) -> PersonOut:
    return PersonOut(**person.model_dump())


def evidence_out(evidence: Evidence) -> EvidenceOut:
    return EvidenceOut(**evidence.model_dump())


def document_out(document: Document) -> DocumentOut:
    return DocumentOut.model_validate(document.model_dump(exclude={"text"}))


def document_text(document: Document, event_ids: list[str]) -> DocumentText:
    return DocumentText(**document.model_dump(), event_ids=event_ids)


def _event_fields(event: Event) -> dict[str, Any]:
    return {
        **event.model_dump(
            include={
                "id",
                "document_id",
                "event_date",
                "time_precision",
                "event_type",
                "sub_event_type",
                "location",
                "geo_precision",
                "fatalities",
                "notes",
                "confidence",
                "org",
                "tlp",
            }
        ),
        "actor1": actor_out(event.actor1),
        "assoc_actor_1": _actors(event.assoc_actor_1),
        "actor2": actor_out(event.actor2),
        "assoc_actor_2": _actors(event.assoc_actor_2),
        "place": place_out(event.place),
        "persons": [person_out(p) for p in event.persons],
        "cluster_id": event.id,
        "source_count": 1,
    }


def event_out(event: Event) -> EventOut:
    """An event as listed (no evidence); one report per event until clusters exist."""
    return EventOut(**_event_fields(event))


def event_detail(event: Event, document: Document | None) -> EventDetail:
    """An event with its evidence and its document (``sources`` and corrections empty)."""
    return EventDetail(
        **_event_fields(event),
        evidence=[evidence_out(e) for e in event.evidence],
        document=document_out(document) if document is not None else None,
        sources=[],
        corrections=[],
    )


def _counted(count: ActorCount | PlaceCount) -> dict[str, Any]:
    fields = asdict(count)
    fields["event_count"] = fields.pop("count")
    return fields


def actor_item(count: ActorCount) -> ActorListItem:
    return ActorListItem(**_counted(count))


def place_item(count: PlaceCount) -> PlaceListItem:
    return PlaceListItem(**_counted(count))


def stats_out(interval: str, by: str, total: int, counts: Sequence[PeriodCount]) -> StatsOut:
    """Group (period, key, count) rows into one series per key, the biggest first."""
    series: dict[str, list[StatsPoint]] = {}
    for c in counts:
        series.setdefault(c.key, []).append(StatsPoint(period=c.period, count=c.count))
    ranked = sorted(series.items(), key=lambda kv: (-sum(p.count for p in kv[1]), kv[0]))
    return StatsOut(
        interval=interval,
        by=by,
        total=total,
        series=[StatsSeries(key=k, points=sorted(v, key=lambda p: p.period)) for k, v in ranked],
    )
