"""STIX 2.1 export: documents and their events as one bundle, written object by object.

:func:`write_stix_bundle` takes any iterable of events (``store.events(query)``) and
a document lookup, and writes a STIX 2.1 bundle to a text stream one object at a
time. It holds only ids (to write each shared object once and to list each report's
``object_refs``), never the objects. Reports come last: a report lists every object
derived from its document, which is known only at the end.

Mapping (the reasons are in docs/exchange.md)
---------------------------------------------
* Document -> ``report`` (name: title or first words; description: the text;
  published: ``published_at``, else when the store first saw its events), created by
  an ``identity`` (organization) for the owning org; ``x_rasd_document`` carries the
  Document record.
* Event -> ``sighting``: ``sighting_of_ref`` the actor1 object (an SDO, as STIX 2.1
  requires), or a shared "Unidentified actor" identity; ``where_sighted_refs`` the
  place's ``location``; ``first_seen``/``last_seen`` the day, week (date +-3 days) or
  month of ``event_date`` by ``time_precision``; ``x_rasd_*`` properties carry the
  ACLED fields STIX has no place for, and ``x_rasd_event`` the whole Event record.
* Place -> ``location``; rebel groups and political/identity militias (ACLED inter 2,
  3, 4) -> ``threat-actor``; every other actor type -> ``identity`` (organization).
* Every object is marked with the OASIS TLP 2.0 marking definition of its document's
  TLP, and the definitions used travel in the bundle.

Ids are UUIDv5 of :data:`RASD_NAMESPACE` and the rasd key, so exporting twice gives
the same ids. Shared objects (actors, places) are keyed by owner and marking too,
because one STIX object has one marking.

Objects are built as plain dicts and written with ``json.dumps`` (about ten times
faster than building stix2 objects); ``validate=True`` passes each one through
``stix2.parse`` first. The tests check every bundle shape with ``stix2.parse``.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache, partial
from typing import IO, Any

from rasd.export import DocumentLookup, ExportResult, lookup_documents
from rasd.records import Actor, Document, Event, Place
from rasd.taxonomy import TLP_LEVELS, ActorType, TimePrecision, tlp_rank

StixObject = dict[str, Any]

#: rasd's fixed namespace for deterministic STIX ids (never change it: ids would change).
RASD_NAMESPACE = uuid.UUID("af5cd478-233f-49e4-a128-395d476c124f")

#: OASIS TLP 2.0 marking definitions (cti-stix-common-objects, extension-definition
#: 60a3c5c5...): fixed ids, name "TLP:<LEVEL>", ``tlp_2_0`` value, created 2022-10-01.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS: dict[str, str] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

#: ACLED actor types exported as ``threat-actor``; the rest are ``identity`` objects.
THREAT_ACTOR_TYPES = frozenset(
    {ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA, ActorType.IDENTITY_MILITIA}
)
UNIDENTIFIED = "Unidentified actor"
WEEK_HALF_SPAN = 3  # a week-precision date is the middle of a 7-day window
REPORT_NAME_WORDS = 12


def stix_id(kind: str, key: str) -> str:
    """The deterministic STIX id of a rasd thing: ``kind--uuid5(namespace, kind:key)``."""
    return f"{kind}--{uuid.uuid5(RASD_NAMESPACE, f'{kind}:{key}')}"


def timestamp(moment: datetime, *, millis: bool = True) -> str:
    """A STIX timestamp (UTC, ``Z``); created/modified need millisecond precision."""
    moment = moment.astimezone(UTC)
    if not millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def tlp_marking(tlp: str) -> StixObject:
    """The OASIS TLP 2.0 marking-definition object of a rasd TLP level (ValueError if none)."""
    tlp_rank(tlp)
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[tlp],
        "created": TLP2_CREATED,
        "name": f"TLP:{tlp}",
        "extensions": {
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.lower()}
        },
    }


@lru_cache(maxsize=256)
def org_identity_id(org: str) -> str:
    return stix_id("identity", f"org:{org}")


@dataclass(frozen=True)
class Owner:
    """Who owns an object and how it is marked: every object of a document shares both."""

    org: str
    tlp: str

    @property
    def key(self) -> str:
        return f"{self.org}\x00{self.tlp}"

    def head(self, kind: str, object_id: str, created: str) -> StixObject:
        """The common properties, in STIX's usual order."""
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": object_id,
            "created_by_ref": org_identity_id(self.org),
            "created": created,
            "modified": created,
            "object_marking_refs": [TLP2_IDS[self.tlp]],
        }


# -- one object at a time --------------------------------------------------------------


@lru_cache(maxsize=4096)  # actors recur on most events: hash them once
def actor_id(actor: Actor | None, owner: Owner) -> str:
    if actor is None:
        return stix_id("identity", f"unidentified\x00{owner.key}")
    kind = "threat-actor" if actor.actor_type in THREAT_ACTOR_TYPES else "identity"
    return stix_id(kind, f"actor\x00{owner.key}\x00{actor.model_dump_json()}")


def actor_object(actor: Actor | None, owner: Owner, created: str) -> StixObject:
    """A ``threat-actor`` (armed non-state groups) or an ``identity``; None: unidentified."""
    object_id = actor_id(actor, owner)
    kind = object_id.split("--", 1)[0]
    obj = owner.head(kind, object_id, created)
    if actor is None:
        obj.update(name=UNIDENTIFIED, identity_class="unknown")
        return obj
    obj["name"] = actor.name
    if kind == "identity":
        obj["identity_class"] = "organization"
    obj.update(
        x_rasd_actor_id=actor.id,
        x_rasd_actor_type=actor.actor_type.name.lower(),
        x_rasd_inter=actor.inter,
    )
    if actor.country:
        obj["x_rasd_country"] = actor.country
    return obj


@lru_cache(maxsize=4096)
def location_id(place: Place, owner: Owner) -> str:
    return stix_id("location", f"{owner.key}\x00{place.model_dump_json()}")


def location_object(place: Place, owner: Owner, created: str) -> StixObject | None:
    """A ``location``, or None when STIX cannot hold it (no country and no coordinates)."""
    country = place.country_code.upper() or _alpha2(place.country)
    located = place.latitude is not None and place.longitude is not None
    if not country and not located:
        return None
    obj = owner.head("location", location_id(place, owner), created)
    obj["name"] = place.name
    if located:
        obj["latitude"], obj["longitude"] = place.latitude, place.longitude
    if country:
        obj["country"] = country
    if place.admin1:
        obj["administrative_area"] = place.admin1
    if place.feature_class == "P":
        obj["city"] = place.name
    if place.geonameid is not None:
        obj["x_rasd_geonameid"] = place.geonameid
    return obj


@lru_cache(maxsize=256)
def _alpha2(country: str) -> str:
    """ISO 3166-1 alpha-2 of a country name ("" when unknown)."""
    if not country:
        return ""
    import pycountry

    try:
        return str(pycountry.countries.lookup(country).alpha_2)
    except LookupError:
        return ""


def seen_span(event: Event) -> tuple[datetime, datetime] | None:
    """first_seen/last_seen: the day, week (date +-3 days) or month of ``event_date``."""
    day = event.event_date
    if day is None:
        return None
    if event.time_precision == TimePrecision.WEEK:
        first, last = day - timedelta(WEEK_HALF_SPAN), day + timedelta(WEEK_HALF_SPAN)
    elif event.time_precision == TimePrecision.MONTH:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        first = last = day
    return datetime.combine(first, time.min, UTC), datetime.combine(last, time(23, 59, 59), UTC)


def sighting_object(event: Event, owner: Owner, location: str | None, created: str) -> StixObject:
    """The event as a ``sighting`` of its actor1, where its place is."""
    obj = owner.head("sighting", stix_id("sighting", event.id), created)
    if event.notes:
        obj["description"] = event.notes
    span = seen_span(event)
    if span is not None:
        obj["first_seen"], obj["last_seen"] = (timestamp(t, millis=False) for t in span)
    obj["sighting_of_ref"] = actor_id(event.actor1, owner)
    if location is not None:
        obj["where_sighted_refs"] = [location]
    obj.update(
        labels=[event.event_type, event.sub_event_type],
        confidence=round(event.confidence * 100),
        x_rasd_event_type=event.event_type,
        x_rasd_sub_event_type=event.sub_event_type,
        x_rasd_fatalities=event.fatalities,
        x_rasd_time_precision=event.time_precision,
        x_rasd_geo_precision=event.geo_precision,
    )
    if event.actor2 is not None:
        obj["x_rasd_actor2_ref"] = actor_id(event.actor2, owner)
    for name, actors in (("1", event.assoc_actor_1), ("2", event.assoc_actor_2)):
        if actors:
            obj[f"x_rasd_assoc_actor_{name}_refs"] = [actor_id(a, owner) for a in actors]
    obj["x_rasd_event"] = event.model_dump(mode="json")
    return obj


def report_name(document: Document) -> str:
    if document.title and document.title.strip():
        return document.title
    words = document.text.split()
    if not words:
        return f"rasd document {document.id}"
    name = " ".join(words[:REPORT_NAME_WORDS])
    return name + (" ..." if len(words) > REPORT_NAME_WORDS else "")


def report_object(document: Document, refs: list[str], published: str, created: str) -> StixObject:
    """The document as a ``report`` listing every object derived from it."""
    owner = Owner(document.org, document.tlp)
    obj = owner.head("report", stix_id("report", document.id), created)
    obj.update(
        name=report_name(document),
        description=document.text,
        report_types=["threat-report"],
        published=published,
        object_refs=refs,
        lang=document.language,
    )
    if document.url:
        obj["external_references"] = [
            {"source_name": document.source or "rasd", "url": document.url}
        ]
    obj["x_rasd_document"] = document.model_dump(mode="json")
    return obj


def org_identity(org: str, tlp: str, created: str) -> StixObject:
    """The owning organisation, marked with the least restricted TLP of what it made."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": org_identity_id(org),
        "created": created,
        "modified": created,
        "name": org,
        "identity_class": "organization",
        "object_marking_refs": [TLP2_IDS[tlp]],
        "x_rasd_org": org,
    }


# -- the streamed bundle -----------------------------------------------------------------


@dataclass
class _Bundle:
    """What a streamed export remembers: ids and counts, never objects."""

    fh: IO[str]
    now: datetime
    validate: bool = False
    written: int = 0  # objects
    events: int = 0
    seen: dict[str, bool] = field(default_factory=dict)  # shared id -> written (expressible)
    refs: dict[str, dict[str, None]] = field(default_factory=dict)  # document -> ids
    first_seen: dict[str, datetime] = field(default_factory=dict)  # document -> earliest
    orgs: dict[str, int] = field(default_factory=dict)  # org -> least TLP rank

    created: str = ""  # every object's created/modified: the export time

    def __post_init__(self) -> None:
        self.created = timestamp(self.now)

    def write(self, obj: StixObject) -> None:
        if self.validate:
            import stix2

            stix2.parse(obj, allow_custom=True)  # a bug in this module: let it raise
        self.fh.write(",\n" if self.written else "\n")
        self.fh.write(json.dumps(obj, ensure_ascii=False, allow_nan=False))
        self.written += 1

    def shared(self, object_id: str, make: Callable[[], StixObject | None]) -> str | None:
        """Write a shared object once; its id, or None when it cannot be expressed."""
        if object_id not in self.seen:
            obj = make()
            if obj is not None:
                self.write(obj)
            self.seen[object_id] = obj is not None
        return object_id if self.seen[object_id] else None

    def add_event(self, event: Event, document: Document) -> None:
        owner, created = Owner(document.org, document.tlp), self.created
        refs = self.refs.setdefault(document.id, {})
        self.orgs[owner.org] = min(self.orgs.get(owner.org, len(TLP_LEVELS)), tlp_rank(owner.tlp))
        for actor in _actors(event):
            made = partial(actor_object, actor, owner, created)
            refs[str(self.shared(actor_id(actor, owner), made))] = None
        location = None
        if event.place is not None:
            made_place = partial(location_object, event.place, owner, created)
            location = self.shared(location_id(event.place, owner), made_place)
            if location is not None:
                refs[location] = None
        sighting = sighting_object(event, owner, location, created)
        self.write(sighting)
        self.events += 1
        refs[sighting["id"]] = None
        if event.created_at is not None:
            earliest = self.first_seen.get(document.id)
            if earliest is None or event.created_at < earliest:
                self.first_seen[document.id] = event.created_at


def _actors(event: Event) -> list[Actor | None]:
    """actor1 (None: the unidentified actor), then every other actor of the event."""
    second = [event.actor2] if event.actor2 is not None else []
    return [event.actor1, *event.assoc_actor_1, *second, *event.assoc_actor_2]


def bundle_id(now: datetime) -> str:
    return stix_id("bundle", timestamp(now))


def write_stix_bundle(
    events: Iterable[Event],
    fh: IO[str],
    documents: DocumentLookup,
    *,
    now: datetime | None = None,
    validate: bool = False,
) -> ExportResult:
    """Write a STIX 2.1 bundle of the events, their documents (reports), actors and places.

    ``documents`` (``store.get_document`` or a dict) gives each event's document; an
    event whose document is missing is skipped and counted. ``now`` (default: the
    current time) is every object's created/modified time and names the bundle.
    ``validate`` checks each object with the stix2 library before writing it.
    """
    state = _Bundle(fh, (now or datetime.now(UTC)).astimezone(UTC), validate)
    find = lookup_documents(documents)
    skipped = 0
    fh.write(f'{{"type": "bundle", "id": "{bundle_id(state.now)}", "objects": [')
    for event in events:
        document = find(event.document_id)
        if document is None:
            skipped += 1
            continue
        state.add_event(event, document)
    _finish(state, find)
    fh.write("\n]}\n")
    return ExportResult(state.events, skipped)


def _finish(state: _Bundle, find: Callable[[str], Document | None]) -> None:
    """Reports (now that their object_refs are known), org identities and markings."""
    used: set[str] = set()
    for document_id, refs in state.refs.items():
        document = find(document_id)
        if document is None:  # deleted while exporting: its objects stay, unreported
            continue
        published = _published(document, state.first_seen.get(document_id), state.now)
        state.write(report_object(document, list(refs), published, state.created))
        used.add(document.tlp)
    for org, rank in state.orgs.items():
        state.write(org_identity(org, TLP_LEVELS[rank], state.created))
        used.add(TLP_LEVELS[rank])
    for tlp in TLP_LEVELS:
        # An empty export still lists the definitions: stix2 cannot parse an empty bundle.
        if tlp in used or not state.written:
            state.write(tlp_marking(tlp))


def _published(document: Document, first_seen: datetime | None, now: datetime) -> str:
    if document.published_at is not None:
        return timestamp(datetime.combine(document.published_at, time.min, UTC), millis=False)
    return timestamp(first_seen or now, millis=False)


def stix_writer(documents: DocumentLookup) -> Callable[[Iterable[Event], IO[str]], ExportResult]:
    """A ``write(events, fh)`` like rasd.export's writers, with the documents bound."""

    def write(events: Iterable[Event], fh: IO[str]) -> ExportResult:
        return write_stix_bundle(events, fh, documents)

    return write


def bundle_text(events: Iterable[Event], documents: DocumentLookup, **kwargs: Any) -> str:
    """The bundle as a string (small exports and tests)."""
    buffer = io.StringIO()
    write_stix_bundle(events, buffer, documents, **kwargs)
    return buffer.getvalue()
