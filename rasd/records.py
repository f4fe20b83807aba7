"""Typed records shared by the pipeline, store, exports, API and batch workers.

All records are frozen pydantic models, so they hash, compare by value and
round-trip through JSON (``model_dump_json`` / ``model_validate_json``).
Nothing else crosses a module boundary: no loose dicts.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rasd.taxonomy import SUB_EVENT_TYPES, ActorType, GeoPrecision, TimePrecision


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def content_id(text: str) -> str:
    """Document id: the SHA-256 of the normalised text, first 32 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Document(Record):
    id: str
    text: str
    source: str = ""  # file path, feed name or outlet
    url: str | None = None
    title: str | None = None
    published_at: date | None = None
    language: str = "en"

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        source: str = "",
        url: str | None = None,
        title: str | None = None,
        published_at: date | None = None,
        language: str = "en",
    ) -> Document:
        return cls(
            id=content_id(text),
            text=text,
            source=source,
            url=url,
            title=title,
            published_at=published_at,
            language=language,
        )


Offset = Annotated[int, Field(ge=0)]


#: Mention labels that denote places (spaCy's GPE, LOC, FAC; the gazetteer ruler adds GPE/LOC).
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


class Mention(Record):
    """A labelled character span of a document."""

    start: Offset
    end: Offset
    text: str
    label: str  # e.g. GPE, LOC, ORG, PERSON, ACTOR, DATE, NORP
    kb_id: str | None = None  # actor id or GeoNames id when linked

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError(f"mention end {self.end} precedes start {self.start}")
        return self


class Evidence(Record):
    """Where a coded field came from: a span inside one sentence of one document."""

    field: str  # the coded field it supports: event_type, actor1, place, event_date...
    document_id: str
    start: Offset
    end: Offset
    text: str  # the span itself
    sentence: str  # the whole sentence containing it
    sentence_start: Offset = 0


class Place(Record):
    geonameid: int | None = None
    name: str
    country: str = ""  # country name, ACLED style ("Iraq")
    country_code: str = ""  # ISO 3166-1 alpha-2
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    feature_class: str = "P"  # GeoNames feature class: P populated place, A admin area
    feature_code: str = ""  # PPL, ADM1, ADM2, PCLI ...
    population: int = 0


class Actor(Record):
    id: str  # canonical id in the actor knowledge base, e.g. "iq-military-intelligence"
    name: str  # ACLED-style canonical name
    actor_type: ActorType
    country: str = ""

    @property
    def inter(self) -> int:
        return int(self.actor_type)


class Person(Record):
    name: str
    role: str | None = None  # as reported: "so-called commander of the foreign terrorist battalion"
    nationality: str | None = None  # as reported: "Uzbek"
    actor_id: str | None = None  # the actor the person belongs to
    status: str | None = None  # what happened to them in the event: arrested, killed, injured...


TIME_PRECISIONS = {int(p) for p in TimePrecision}
GEO_PRECISIONS = {int(p) for p in GeoPrecision}


class Event(Record):
    id: str
    document_id: str
    event_date: date | None
    time_precision: int = Field(default=int(TimePrecision.DAY))
    event_type: str
    sub_event_type: str
    actor1: Actor | None = None
    assoc_actor_1: tuple[Actor, ...] = ()
    actor2: Actor | None = None
    assoc_actor_2: tuple[Actor, ...] = ()
    place: Place | None = None
    location: str = ""  # the location name as ACLED writes it
    geo_precision: int = Field(default=int(GeoPrecision.TOWN))
    fatalities: int = Field(default=0, ge=0)
    notes: str = ""
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    persons: tuple[Person, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    created_at: datetime | None = None

    @field_validator("time_precision")
    @classmethod
    def _time_precision(cls, v: int) -> int:
        if v not in TIME_PRECISIONS:
            raise ValueError(f"time_precision must be one of 1 (day), 2 (week), 3 (month); got {v}")
        return v

    @field_validator("geo_precision")
    @classmethod
    def _geo_precision(cls, v: int) -> int:
        if v not in GEO_PRECISIONS:
            raise ValueError(f"geo_precision must be 1 (town), 2 (near/part), 3 (region); got {v}")
        return v

    @model_validator(mode="after")
    def _taxonomy(self) -> Event:
        expected = SUB_EVENT_TYPES.get(self.sub_event_type)
        if expected is None:
            raise ValueError(f"unknown ACLED sub_event_type {self.sub_event_type!r}")
        if expected != self.event_type:
            raise ValueError(
                f"sub_event_type {self.sub_event_type!r} belongs to {expected!r}, "
                f"not {self.event_type!r}"
            )
        return self

    def evidence_for(self, field: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.field == field)


def event_id(document_id: str, sub_event_type: str, start: int, end: int) -> str:
    """Deterministic event id: re-extracting the same document gives the same ids."""
    key = f"{document_id}:{sub_event_type}:{start}:{end}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class IngestProblem(Record):
    """A document (or line of one) that could not be read, and what to do about it."""

    source: str
    line: int | None = None
    message: str
    fix: str
