"""Map records to ORM rows and back: records in, records out.

No ORM object leaves the store package; these functions are the only place that
knows both shapes. Datetimes are stored as UTC (naive inputs are taken to be UTC)
and always read back timezone-aware.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rasd.records import Actor, Document, Event, Evidence, Mention, Person, Place
from rasd.store.common import to_utc
from rasd.store.models import (
    DocumentRow,
    EventActorRow,
    EventRow,
    EvidenceRow,
    MentionRow,
    PersonRow,
)
from rasd.taxonomy import ActorType

ROLES = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


def _aware(value: datetime | None) -> datetime | None:
    # SQLite drops the offset of DateTime(timezone=True); we only ever store UTC.
    return None if value is None else to_utc(value)


# -- documents ---------------------------------------------------------------------------


def document_to_row(document: Document, ingested_at: datetime) -> DocumentRow:
    row = DocumentRow(id=document.id, text=document.text, ingested_at=to_utc(ingested_at))
    update_document_row(row, document)
    return row


def update_document_row(row: DocumentRow, document: Document) -> None:
    """Copy the metadata of ``document`` (same id, same text) onto an existing row."""
    row.text = document.text
    row.source = document.source
    row.url = document.url
    row.title = document.title
    row.published_at = document.published_at
    row.language = document.language
    row.org = document.org
    row.tlp = document.tlp


def row_to_document(row: DocumentRow) -> Document:
    return Document(
        id=row.id,
        text=row.text,
        source=row.source,
        url=row.url,
        title=row.title,
        published_at=row.published_at,
        language=row.language,
        org=row.org,
        tlp=row.tlp,
    )


def mention_to_row(document_id: str, position: int, mention: Mention) -> MentionRow:
    return MentionRow(
        document_id=document_id,
        position=position,
        start=mention.start,
        end=mention.end,
        text=mention.text,
        label=mention.label,
        kb_id=mention.kb_id,
    )


def row_to_mention(row: MentionRow) -> Mention:
    return Mention(start=row.start, end=row.end, text=row.text, label=row.label, kb_id=row.kb_id)


# -- events ------------------------------------------------------------------------------


def event_actors(event: Event) -> Iterable[tuple[str, int, Actor]]:
    """(role, position, actor) for every actor of an event, in role order."""
    if event.actor1 is not None:
        yield "actor1", 0, event.actor1
    for i, actor in enumerate(event.assoc_actor_1):
        yield "assoc_actor_1", i, actor
    if event.actor2 is not None:
        yield "actor2", 0, event.actor2
    for i, actor in enumerate(event.assoc_actor_2):
        yield "assoc_actor_2", i, actor


def event_to_row(event: Event, created_at: datetime) -> EventRow:
    """A new EventRow with its actor, person and evidence rows (``created_at`` if unset)."""
    row = EventRow(
        id=event.id,
        document_id=event.document_id,
        event_date=event.event_date,
        time_precision=event.time_precision,
        event_type=event.event_type,
        sub_event_type=event.sub_event_type,
        location=event.location,
        geo_precision=event.geo_precision,
        fatalities=event.fatalities,
        notes=event.notes,
        confidence=event.confidence,
        created_at=to_utc(event.created_at or created_at),
        org=event.org,
        tlp=event.tlp,
    )
    _set_primary_actors(row, event)
    _set_place(row, event.place)
    row.actors = [_actor_row(event.id, r, i, a) for r, i, a in event_actors(event)]
    row.persons = [_person_row(event.id, i, p) for i, p in enumerate(event.persons)]
    row.evidence = [_evidence_row(event.id, i, e) for i, e in enumerate(event.evidence)]
    return row


def _set_primary_actors(row: EventRow, event: Event) -> None:
    a1, a2 = event.actor1, event.actor2
    row.actor1_id, row.actor1_name = (a1.id, a1.name) if a1 else (None, None)
    row.actor1_type = int(a1.actor_type) if a1 else None
    row.actor2_id, row.actor2_name = (a2.id, a2.name) if a2 else (None, None)
    row.actor2_type = int(a2.actor_type) if a2 else None


def _set_place(row: EventRow, place: Place | None) -> None:
    if place is None:
        return
    row.place_name = place.name
    row.geonameid = place.geonameid
    row.country = place.country
    row.country_code = place.country_code
    row.admin1 = place.admin1
    row.admin2 = place.admin2
    row.latitude = place.latitude
    row.longitude = place.longitude
    row.feature_class = place.feature_class
    row.feature_code = place.feature_code
    row.population = place.population


def _actor_row(event_id: str, role: str, position: int, actor: Actor) -> EventActorRow:
    return EventActorRow(
        event_id=event_id,
        role=role,
        position=position,
        actor_id=actor.id,
        name=actor.name,
        actor_type=int(actor.actor_type),
        country=actor.country,
    )


def _person_row(event_id: str, position: int, person: Person) -> PersonRow:
    return PersonRow(
        event_id=event_id,
        position=position,
        name=person.name,
        role=person.role,
        nationality=person.nationality,
        actor_id=person.actor_id,
        status=person.status,
    )


def _evidence_row(event_id: str, position: int, evidence: Evidence) -> EvidenceRow:
    return EvidenceRow(
        event_id=event_id,
        position=position,
        field=evidence.field,
        document_id=evidence.document_id,
        start=evidence.start,
        end=evidence.end,
        text=evidence.text,
        sentence=evidence.sentence,
        sentence_start=evidence.sentence_start,
    )


def row_to_event(row: EventRow) -> Event:
    actors: dict[str, list[Actor]] = {role: [] for role in ROLES}
    for a in sorted(row.actors, key=lambda a: (a.role, a.position)):
        actors[a.role].append(
            Actor(id=a.actor_id, name=a.name, actor_type=ActorType(a.actor_type), country=a.country)
        )
    return Event(
        id=row.id,
        document_id=row.document_id,
        event_date=row.event_date,
        time_precision=row.time_precision,
        event_type=row.event_type,
        sub_event_type=row.sub_event_type,
        actor1=actors["actor1"][0] if actors["actor1"] else None,
        assoc_actor_1=tuple(actors["assoc_actor_1"]),
        actor2=actors["actor2"][0] if actors["actor2"] else None,
        assoc_actor_2=tuple(actors["assoc_actor_2"]),
        place=_row_to_place(row),
        location=row.location,
        geo_precision=row.geo_precision,
        fatalities=row.fatalities,
        notes=row.notes,
        confidence=row.confidence,
        persons=tuple(_row_to_person(p) for p in sorted(row.persons, key=lambda p: p.position)),
        evidence=tuple(_row_to_evidence(e) for e in sorted(row.evidence, key=lambda e: e.position)),
        created_at=_aware(row.created_at),
        org=row.org,
        tlp=row.tlp,
    )


def _row_to_place(row: EventRow) -> Place | None:
    if row.place_name is None:
        return None
    return Place(
        geonameid=row.geonameid,
        name=row.place_name,
        country=row.country or "",
        country_code=row.country_code or "",
        admin1=row.admin1 or "",
        admin2=row.admin2 or "",
        latitude=row.latitude,
        longitude=row.longitude,
        feature_class=row.feature_class or "",
        feature_code=row.feature_code or "",
        population=row.population or 0,
    )


def _row_to_person(row: PersonRow) -> Person:
    return Person(
        name=row.name,
        role=row.role,
        nationality=row.nationality,
        actor_id=row.actor_id,
        status=row.status,
    )


def _row_to_evidence(row: EvidenceRow) -> Evidence:
    return Evidence(
        field=row.field,
        document_id=row.document_id,
        start=row.start,
        end=row.end,
        text=row.text,
        sentence=row.sentence,
        sentence_start=row.sentence_start,
    )
