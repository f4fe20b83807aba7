"""Typed records shared by the pipeline, store, exports, API and batch workers.

All records are frozen pydantic models, so they hash, compare by value and
round-trip through JSON (``model_dump_json`` / ``model_validate_json``).
Nothing else crosses a module boundary: no loose dicts.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from rasd.taxonomy import (
    DEFAULT_TLP,
    LOCAL_ORG,
    SUB_EVENT_TYPES,
    ActorType,
    GeoPrecision,
    TimePrecision,
    tlp_rank,
)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def content_id(text: str, org: str = LOCAL_ORG) -> str:
    """Document id: the SHA-256 of the normalised text, first 32 hex digits.

    Outside the local organisation the owner is hashed in too, so two organisations
    that store the same wire story get two documents, each with its own marking."""
    key = text if org == LOCAL_ORG else f"{org}\x00{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _tlp(v: str) -> str:
    tlp_rank(v)  # raises ValueError naming the accepted markings
    return v


#: A TLP 2.0 marking (CLEAR, GREEN, AMBER, AMBER+STRICT or RED), checked on validation.
Marking = Annotated[str, AfterValidator(_tlp)]


class Document(Record):
    id: str
    text: str
    source: str = ""  # file path, feed name or outlet
    url: str | None = None
    title: str | None = None
    published_at: date | None = None
    language: str = "en"
    org: str = LOCAL_ORG  # the owning organisation
    tlp: Marking = DEFAULT_TLP  # TLP 2.0 marking of the report and everything coded from it

    def owned_by(self, org: str, tlp: str) -> Document:
        """This report as stored by ``org`` with marking ``tlp`` (its id follows the owner)."""
        return self.model_copy(update={"id": content_id(self.text, org), "org": org, "tlp": tlp})

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
        org: str = LOCAL_ORG,
        tlp: str = DEFAULT_TLP,
    ) -> Document:
        return cls(
            id=content_id(text, org),
            text=text,
            source=source,
            url=url,
            title=title,
            published_at=published_at,
            language=language,
            org=org,
            tlp=tlp,
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
    org: str = LOCAL_ORG  # owner and marking: always those of the event's document
    tlp: Marking = DEFAULT_TLP

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


# -- knowledge across reports (rasd.knowledge) ---------------------------------------------

#: What an analyst can do; each correction is one append-only row of the audit log.
CORRECTION_ACTIONS = (
    "set_field",  # target event, field, value (JSON)
    "not_event",  # target event: drop it from the coded events
    "merge_events",  # target and other events are the same incident
    "split_events",  # target and other events are different incidents
    "merge_actors",  # actor target is the same as actor other (target is folded into other)
    "merge_persons",  # person target is the same as person other (target folded into other)
    "split_person",  # detach the person mention(s) of event other from person target
    "revert",  # undo correction number ``reverts``
)


class Correction(Record):
    """One analyst correction: who, when, why, and what. Never updated or deleted."""

    id: int | None = None  # assigned by the store
    action: str
    target: str  # an event id, an actor id or a person id, by action
    other: str | None = None  # the second event/actor/person of a merge or split
    field: str | None = None  # set_field: which coded field
    value: str | None = None  # set_field: the new value, JSON-encoded
    document_id: str | None = None  # the target event's document (to re-anchor it)
    anchor_start: int | None = None  # the target event's trigger span in that document
    anchor_end: int | None = None
    reverts: int | None = None  # revert: the correction it undoes
    analyst: str
    reason: str
    created_at: datetime | None = None
    org: str = LOCAL_ORG  # the analyst's organisation: only it reads the correction

    @field_validator("action")
    @classmethod
    def _action(cls, v: str) -> str:
        if v not in CORRECTION_ACTIONS:
            raise ValueError(f"action must be one of {', '.join(CORRECTION_ACTIONS)}; got {v!r}")
        return v

    @field_validator("analyst", "reason")
    @classmethod
    def _said(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty: say who made the correction and why")
        return v


class EventLink(Record):
    """Two events (of different documents) found to report the same incident, and why."""

    a: str  # event id (a < b)
    b: str
    origin: str = "auto"  # auto (de-duplication) or analyst (a merge_events correction)
    score: float = Field(default=1.0, ge=0.0, le=1.0)
    reason: str = ""  # the compared fields, human-readable

    @model_validator(mode="after")
    def _ordered(self) -> EventLink:
        if not self.a < self.b:
            raise ValueError(f"link ends must be distinct and ordered (a < b): {self.a}, {self.b}")
        return self


class PersonRef(Record):
    """One person mention (an event's ``persons[position]``) resolved to a person entity."""

    event_id: str
    position: Offset
    person_id: str
    name: str  # as reported in that event


class PersonEntity(Record):
    """A person known across reports. ``key`` is the normalised name that mentions match on."""

    id: str
    name: str
    key: str


# -- organisations, users and sharing (rasd.access) ------------------------------------------

ROLES = ("viewer", "analyst", "admin")  # each can do what the one before it can, and more
SHARE_KINDS = ("event", "document", "feed")


class Org(Record):
    """An organisation: it owns what its users store, and marks it ``default_tlp`` unless told."""

    id: str  # short slug: "fctd", "rsa"
    name: str
    default_tlp: Marking = DEFAULT_TLP

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", v):
            raise ValueError(
                f"organisation id must be 1-64 lower-case letters, digits or '-'; got {v!r}"
            )
        return v


class User(Record):
    id: str
    username: str
    org: str
    role: str
    disabled: bool = False
    created_at: datetime | None = None

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        if v not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}; got {v!r}")
        return v


class Share(Record):
    """One organisation shows something of its own to a named partner, until withdrawn.

    ``kind`` event or document: ``target`` is its id (any marking, RED included).
    ``kind`` feed: a standing saved query (``query`` is the JSON of its filters); the
    partner sees the owner's AMBER and AMBER+STRICT events that match it, now and later.
    """

    id: int | None = None  # assigned by the store
    org: str  # the owner, who shares
    partner: str  # the organisation it is shared with
    kind: str
    target: str | None = None
    query: str | None = None
    name: str = ""
    created_by: str
    created_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @model_validator(mode="after")
    def _shape(self) -> Share:
        if self.kind not in SHARE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(SHARE_KINDS)}; got {self.kind!r}")
        if self.org == self.partner:
            raise ValueError("an organisation cannot share with itself")
        if (self.kind == "feed") != (self.query is not None) or (
            self.kind != "feed" and not self.target
        ):
            raise ValueError("an event or document share names a target; a feed has a query")
        return self


class AuditEntry(Record):
    """One line of the audit log: a write, a login, or a read of AMBER/RED items."""

    id: int | None = None
    at: datetime | None = None
    org: str
    user: str  # user id ("" for the command line)
    action: str  # read, write, login, login_failed, share, withdraw, user...
    resource: str  # events, documents, corrections, shares, users, export...
    items: tuple[str, ...] = ()  # ids of what was read or written (the first 1,000)
    count: int = 0  # how many items in all
    tlp: str = ""  # the most restricted marking read ("" for writes)
    detail: str = ""


#: The user of a Viewer that rasd itself uses (person resolution): its reads are not audited.
SYSTEM_USER = "rasd:system"


class Viewer(Record):
    """Who is asking: the store shows them what their organisation may see, nothing more.

    ``feeds`` are the standing feeds shared with the organisation, read by the API for
    each request (so a withdrawn share stops at once)."""

    org: str
    user: str = ""
    role: str = "viewer"
    feeds: tuple[Share, ...] = ()
