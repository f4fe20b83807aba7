"""Hand-built reports and events for the knowledge tests (no spaCy): ``report(...)``
returns a Document and one Event whose evidence sentence is the report text."""

from __future__ import annotations

from datetime import date

from rasd.records import Actor, Document, Event, Evidence, Person, Place, event_id
from rasd.taxonomy import SUB_EVENT_TYPES

MOSUL = Place(
    geonameid=99072, name="Mosul", country="Iraq", country_code="IQ", admin1="Nineveh",
    admin2="Mosul", latitude=36.335, longitude=43.119,
)  # fmt: skip
MOSUL_EAST = MOSUL.model_copy(update={"name": "Al Zuhur", "latitude": 36.36, "longitude": 43.17})
KIRKUK = Place(
    geonameid=94787, name="Kirkuk", country="Iraq", country_code="IQ", admin1="Kirkuk",
    admin2="Kirkuk", latitude=35.468, longitude=44.392,
)  # fmt: skip
NINEVEH = Place(
    name="Nineveh", country="Iraq", country_code="IQ", admin1="Nineveh",
    latitude=36.0, longitude=42.5, feature_class="A", feature_code="ADM1",
)  # fmt: skip
IS = Actor(id="islamic-state-iraq", name="Islamic State (Iraq)", actor_type=2, country="Iraq")
CTS = Actor(id="iq-cts", name="Counter Terrorism Service (Iraq)", actor_type=1, country="Iraq")
ARMY = Actor(id="iq-army", name="Military Forces of Iraq (2022-)", actor_type=1, country="Iraq")
PKK = Actor(id="pkk", name="PKK: Kurdistan Workers Party", actor_type=2, country="Iraq")
GUNMEN = Actor(
    id="unidentified-armed-group-iraq",
    name="Unidentified Armed Group (Iraq)",
    actor_type=3,
    country="Iraq",
)
POLICE = Actor(id="iq-police", name="Police Forces of Iraq (2022-)", actor_type=1, country="Iraq")
CIVILIANS = Actor(id="civilians-iraq", name="Civilians (Iraq)", actor_type=7, country="Iraq")


def report(
    text: str,
    sub: str = "Remote explosive/landmine/IED",
    when: date = date(2024, 3, 5),
    place: Place | None = MOSUL,
    actor1: Actor | None = None,
    actor2: Actor | None = None,
    fatalities: int = 0,
    persons: tuple[Person, ...] = (),
    precision: int = 1,
    geo: int = 1,
    source: str = "outlet",
) -> tuple[Document, Event]:
    """A one-event report. The trigger is the text's first word (for anchors)."""
    doc = Document.from_text(text, source=source, published_at=when)
    first = text.split()[0]
    evidence = tuple(
        Evidence(field=f, document_id=doc.id, start=0, end=len(first), text=first, sentence=text)
        for f in ("event_type", "sub_event_type", "event_date")
    )
    event = Event(
        id=event_id(doc.id, sub, 0, len(first)),
        document_id=doc.id,
        event_date=when,
        time_precision=precision,
        event_type=SUB_EVENT_TYPES[sub],
        sub_event_type=sub,
        actor1=actor1,
        actor2=actor2,
        place=place,
        location=place.name if place else "",
        geo_precision=geo,
        fatalities=fatalities,
        notes=text,
        persons=persons,
        evidence=evidence,
    )
    return doc, event
