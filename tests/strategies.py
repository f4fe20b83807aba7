"""Hypothesis strategies (and small fixed samples) for rasd records; reuse them anywhere.

    from strategies import documents_with_events, events, sample_event

Every generated Event is valid: taxonomy pairs come from
``rasd.taxonomy.SUB_EVENT_TYPES``, precisions from the enums; place, actors,
persons and evidence are optional. Text is arbitrary Unicode (quotes, commas,
newlines, RTL script, formula-looking prefixes...) except NUL and surrogates.
Datetimes are timezone-aware UTC, as the store returns them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import strategies as st

from rasd.records import Actor, Document, Event, Evidence, Person, Place, event_id
from rasd.taxonomy import SUB_EVENT_TYPES, ActorType, GeoPrecision, TimePrecision

_chars = st.characters(codec="utf-8", exclude_characters="\x00")  # no surrogates, no NUL
HOSTILE = ("=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", 'a "quoted", comma', "line\nbreak", "\t\r")


def texts(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    plain = st.text(_chars, min_size=min_size, max_size=max_size)
    return st.one_of(plain, st.sampled_from(HOSTILE)) if min_size <= 1 else plain


def optional_texts() -> st.SearchStrategy[str | None]:
    return st.none() | texts()


hex_ids = st.text("0123456789abcdef", min_size=24, max_size=32)
actor_ids = st.from_regex(r"[a-z]{2}-[a-z0-9-]{1,20}", fullmatch=True)
aware_datetimes = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)
offsets = st.integers(0, 100_000)


def actors() -> st.SearchStrategy[Actor]:
    return st.builds(
        Actor,
        id=actor_ids,
        name=texts(min_size=1),
        actor_type=st.sampled_from(list(ActorType)),
        country=st.sampled_from(["", "Iraq", "Syria", "Türkiye"]),
    )


def places() -> st.SearchStrategy[Place]:
    return st.builds(
        Place,
        geonameid=st.none() | st.integers(1, 13_000_000),
        name=texts(min_size=1),
        country=st.sampled_from(["", "Iraq", "Syria", "Iran"]),
        country_code=st.sampled_from(["", "IQ", "SY", "IR"]),
        admin1=texts(max_size=15),
        admin2=texts(max_size=15),
        latitude=st.none() | latitudes,
        longitude=st.none() | longitudes,
        feature_class=st.sampled_from(["P", "A", ""]),
        feature_code=st.sampled_from(["PPL", "PPLA", "ADM1", "ADM2", ""]),
        population=st.integers(0, 3_000_000_000),
    )


def persons() -> st.SearchStrategy[Person]:
    return st.builds(
        Person,
        name=texts(min_size=1),
        role=optional_texts(),
        nationality=optional_texts(),
        actor_id=st.none() | actor_ids,
        status=st.none() | st.sampled_from(["arrested", "killed", "injured", "released"]),
    )


@st.composite
def evidence(draw: st.DrawFn, document_id: str) -> Evidence:
    start = draw(offsets)
    return Evidence(
        field=draw(st.sampled_from(["event_type", "actor1", "actor2", "place", "event_date"])),
        document_id=document_id,
        start=start,
        end=start + draw(st.integers(0, 200)),
        text=draw(texts()),
        sentence=draw(texts(max_size=120)),
        sentence_start=draw(offsets),
    )


@st.composite
def events(draw: st.DrawFn, document_id: str | None = None) -> Event:
    """A valid Event (of ``document_id`` if given)."""
    doc_id = document_id or draw(hex_ids)
    sub = draw(st.sampled_from(sorted(SUB_EVENT_TYPES)))
    return Event(
        id=draw(hex_ids),
        document_id=doc_id,
        event_date=draw(st.none() | dates),
        time_precision=int(draw(st.sampled_from(list(TimePrecision)))),
        event_type=SUB_EVENT_TYPES[sub],
        sub_event_type=sub,
        actor1=draw(st.none() | actors()),
        assoc_actor_1=tuple(draw(st.lists(actors(), max_size=2))),
        actor2=draw(st.none() | actors()),
        assoc_actor_2=tuple(draw(st.lists(actors(), max_size=2))),
        place=draw(st.none() | places()),
        location=draw(texts()),
        geo_precision=int(draw(st.sampled_from(list(GeoPrecision)))),
        fatalities=draw(st.integers(0, 10_000)),
        notes=draw(texts(max_size=200)),
        confidence=draw(st.floats(0, 1, allow_nan=False)),
        persons=tuple(draw(st.lists(persons(), max_size=3))),
        evidence=tuple(draw(st.lists(evidence(doc_id), max_size=3))),
        created_at=draw(st.none() | aware_datetimes),
    )


def documents() -> st.SearchStrategy[Document]:
    return st.builds(
        Document.from_text,
        st.text(_chars, min_size=1, max_size=300),
        source=texts(max_size=30),
        url=st.none() | st.just("https://example.org/report"),
        title=optional_texts(),
        published_at=st.none() | dates,
        language=st.sampled_from(["en", "ar", "ku"]),
    )


@st.composite
def documents_with_events(draw: st.DrawFn, max_events: int = 4) -> tuple[Document, list[Event]]:
    """A document and up to ``max_events`` events of it, with ids derived from the document."""
    document = draw(documents())
    found = draw(st.lists(events(document.id), max_size=max_events))
    # Ids derived from the document, as the pipeline does: a document never shares ids.
    own = [
        e.model_copy(update={"id": event_id(document.id, e.sub_event_type, i, i)})
        for i, e in enumerate(found)
    ]
    return document, own


# -- fixed samples, for example-based tests -----------------------------------------------

ARMY = Actor(
    id="iq-army", name="Military Forces of Iraq", actor_type=ActorType.STATE_FORCES, country="Iraq"
)
ISIS = Actor(id="isis", name="Islamic State (Iraq)", actor_type=ActorType.REBEL_GROUP)
CIVILIANS = Actor(id="iq-civilians", name="Civilians (Iraq)", actor_type=ActorType.CIVILIANS)
KIRKUK = Place(
    geonameid=94787,
    name="Kirkuk",
    country="Iraq",
    country_code="IQ",
    admin1="Kirkuk",
    admin2="Kirkuk",
    latitude=35.46806,
    longitude=44.39222,
    feature_code="PPLA",
)


SAMPLE_TEXT = "On Monday the army arrested an ISIS commander in Kirkuk."


def sample_document(text: str = SAMPLE_TEXT) -> Document:
    return Document.from_text(text, source="INA", published_at=date(2023, 9, 27))


def sample_event(document: Document, n: int = 0, **changes: object) -> Event:
    """A complete event of ``document``; ``n`` varies the id; ``changes`` override fields."""
    sentence = document.text
    base = Event(
        id=event_id(document.id, "Arrests", n, n + 8),
        document_id=document.id,
        event_date=date(2023, 9, 25),
        event_type="Strategic developments",
        sub_event_type="Arrests",
        actor1=ARMY,
        actor2=ISIS,
        place=KIRKUK,
        location="Kirkuk",
        notes="Military intelligence arrested an ISIS commander in Kirkuk.",
        confidence=0.8,
        persons=(Person(name="Abu Bukhari", role="commander", actor_id="isis", status="arrested"),),
        evidence=(
            Evidence(
                field="event_type",
                document_id=document.id,
                start=19,
                end=27,
                text="arrested",
                sentence=sentence,
            ),
        ),
    )
    return Event.model_validate({**base.model_dump(), **changes}) if changes else base
