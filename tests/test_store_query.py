"""EventQuery filters, order and paging; SqlStore and MemoryStore must agree exactly."""

from __future__ import annotations

import random
from collections.abc import Generator, Iterator
from datetime import date, timedelta
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pg import SQL_KINDS, sql_database
from strategies import ARMY, CIVILIANS, ISIS, KIRKUK, sample_document, sample_event

from rasd.records import Actor, Document, Event, Evidence, Place
from rasd.store import EventQuery, MemoryStore, SqlStore, Store
from rasd.store.query import haversine_km, near_box
from rasd.taxonomy import SUB_EVENT_TYPES, ActorType

T = TypeVar("T")
DOC = sample_document("A report about several events in Iraq and Syria.")
RAMADI = Place(
    name="Ramadi",
    country="Iraq",
    country_code="IQ",
    admin1="Anbar",
    admin2="Ramadi",
    latitude=33.42056,
    longitude=43.30778,
)
RUTBA = Place(
    name="Rutba",
    country="Iraq",
    country_code="IQ",
    admin1="Anbar",
    admin2="Al-Rutba",
    latitude=33.03806,
    longitude=40.28444,
)
RAQQA = Place(
    name="Raqqa",
    country="Syria",
    country_code="SY",
    admin1="Ar-Raqqah",
    latitude=35.95283,
    longitude=39.00788,
)
NO_COORDS = Place(name="Somewhere", country="Iraq", country_code="IQ", admin1="Anbar")
PESH = Actor(
    id="iq-peshmerga", name="Peshmerga (Kurdistan Region)", actor_type=ActorType.STATE_FORCES
)


def _evidence(sentence: str) -> tuple[Evidence, ...]:
    return (
        Evidence(
            field="event_type", document_id=DOC.id, start=0, end=3, text="abc", sentence=sentence
        ),
    )


EVENTS: dict[str, Event] = {
    "kirkuk_arrest": sample_event(DOC, 1, event_date=date(2023, 9, 25)),
    "ramadi_ied": sample_event(
        DOC,
        2,
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        event_date=date(2023, 9, 20),
        place=RAMADI,
        actor2=CIVILIANS,
        notes="An IED hit a car 100% destroyed_ it",
        evidence=_evidence("A roadside bomb exploded near Ramadi."),
    ),
    "rutba_clash": sample_event(
        DOC,
        3,
        event_type="Battles",
        sub_event_type="Armed clash",
        event_date=date(2023, 8, 1),
        place=RUTBA,
        assoc_actor_1=(PESH,),
        notes="Clashes in the desert.",
    ),
    "raqqa_strike": sample_event(
        DOC,
        4,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date=date(2023, 10, 2),
        place=RAQQA,
        actor1=None,
        actor2=ISIS,
        notes="",
    ),
    "undated": sample_event(DOC, 5, event_date=None, place=NO_COORDS, notes="Date unknown."),
    "no_place": sample_event(DOC, 6, event_date=date(2023, 9, 25), place=None, location=""),
}


@pytest.fixture(scope="module", params=[*SQL_KINDS, "memory"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    if request.param == "memory":
        yield _load(MemoryStore())
        return
    with sql_database(request.param, tmp_path_factory.mktemp("query")) as url:
        store = SqlStore(url)
        store.migrate()
        yield _load(store)
        store.close()


def _load(store: Store) -> Store:
    store.add(DOC, list(EVENTS.values()))
    other = sample_document("A different report.")
    store.add(other, [sample_event(other, 1, event_date=date(2022, 1, 1))])
    return store


def _names(store: Store, query: EventQuery) -> set[str]:
    by_id = {e.id: name for name, e in EVENTS.items()}
    return {by_id.get(e.id, "other") for e in store.events(query)}


CASES = [
    ("all", EventQuery(), set(EVENTS) | {"other"}),
    ("since", EventQuery(since=date(2023, 9, 25)), {"kirkuk_arrest", "raqqa_strike", "no_place"}),
    ("until", EventQuery(until=date(2023, 8, 1)), {"rutba_clash", "other"}),
    (
        "range",
        EventQuery(since=date(2023, 9, 1), until=date(2023, 9, 30)),
        {"kirkuk_arrest", "ramadi_ied", "no_place"},
    ),
    ("event_type", EventQuery(event_types=("Battles",)), {"rutba_clash"}),
    (
        "sub_event_types",
        EventQuery(sub_event_types=("Air/drone strike", "Armed clash")),
        {"raqqa_strike", "rutba_clash"},
    ),
    (
        "actor_substring_ci",
        EventQuery(actor="islamic STATE"),
        set(EVENTS) - {"ramadi_ied"} | {"other"},
    ),
    ("actor_assoc", EventQuery(actor="peshmerga"), {"rutba_clash"}),
    ("actor_civilians", EventQuery(actor="Civilians (Iraq)"), {"ramadi_ied"}),
    ("country_name", EventQuery(country="syria"), {"raqqa_strike"}),
    (
        "country_code",
        EventQuery(country="iq"),
        {"kirkuk_arrest", "ramadi_ied", "rutba_clash", "undated", "other"},
    ),
    ("admin1", EventQuery(admin1="ANBAR"), {"ramadi_ied", "rutba_clash", "undated"}),
    ("admin2", EventQuery(admin2="al-rutba"), {"rutba_clash"}),
    ("near_ramadi_50km", EventQuery(near=(33.43, 43.30, 50)), {"ramadi_ied"}),
    (
        "near_anbar_400km",
        EventQuery(near=(33.42, 43.30, 400)),
        {"ramadi_ied", "rutba_clash", "kirkuk_arrest", "other"},
    ),
    (
        "near_zero_km",
        EventQuery(near=(RAQQA.latitude or 0, RAQQA.longitude or 0, 0)),
        {"raqqa_strike"},
    ),
    ("bbox_anbar", EventQuery(bbox=(32.0, 39.5, 34.0, 44.0)), {"ramadi_ied", "rutba_clash"}),
    ("document", EventQuery(document_id=DOC.id), set(EVENTS)),
    ("text_notes", EventQuery(text="DESERT"), {"rutba_clash"}),
    ("text_evidence_sentence", EventQuery(text="roadside bomb"), {"ramadi_ied"}),
    ("text_like_wildcards_escaped", EventQuery(text="100% destroyed_"), {"ramadi_ied"}),
    ("text_percent_alone", EventQuery(text="%"), {"ramadi_ied"}),
    (
        "combined",
        EventQuery(country="IQ", since=date(2023, 9, 1), actor="civilians"),
        {"ramadi_ied"},
    ),
]


@pytest.mark.parametrize(("name", "query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_store_query_filter(
    loaded: Store, name: str, query: EventQuery, expected: set[str]
) -> None:
    assert _names(loaded, query) == expected
    assert loaded.count_events(query) == len(expected)


def test_store_query_near_distance_is_exact(loaded: Store) -> None:
    ramadi_to_rutba = haversine_km(33.42056, 43.30778, 33.03806, 40.28444)
    inside = EventQuery(near=(33.42056, 43.30778, ramadi_to_rutba + 0.01))
    outside = EventQuery(near=(33.42056, 43.30778, ramadi_to_rutba - 0.01))
    assert "rutba_clash" in _names(loaded, inside)
    assert "rutba_clash" not in _names(loaded, outside)


@pytest.mark.parametrize(
    ("order", "first", "last"),
    [("event_date", "other", "undated"), ("-event_date", "raqqa_strike", "undated")],
)
def test_store_query_order_dates_nulls_last(
    loaded: Store, order: str, first: str, last: str
) -> None:
    by_id = {e.id: name for name, e in EVENTS.items()}
    names = [by_id.get(e.id, "other") for e in loaded.events(EventQuery(order=order))]
    assert names[0] == first and names[-1] == last


def test_store_query_paging(loaded: Store) -> None:
    everything = [e.id for e in loaded.events(EventQuery(order="id"))]
    pages = [
        [e.id for e in loaded.events(EventQuery(order="id", limit=3, offset=o))]
        for o in range(0, len(everything), 3)
    ]
    assert [i for p in pages for i in p] == everything
    near = EventQuery(near=(33.42, 43.30, 400), order="id")
    all_near = [e.id for e in loaded.events(near)]
    paged = list(loaded.events(EventQuery(near=(33.42, 43.30, 400), order="id", limit=2, offset=1)))
    assert [e.id for e in paged] == all_near[1:3]
    assert loaded.count_events(EventQuery(limit=1)) == len(everything)  # counts ignore paging


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": -1},
        {"offset": -1},
        {"order": "random"},
        {"near": (95.0, 0.0, 5.0)},
        {"near": (0.0, 0.0, -1.0)},
        {"bbox": (10.0, 0.0, 5.0, 1.0)},
        {"since": date(2024, 1, 1), "until": date(2023, 1, 1)},
    ],
)
def test_store_query_invalid_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="EventQuery"):
        EventQuery(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lat", "lon", "km"),
    [
        (33.4, 43.3, 50),
        (0.0, 179.9, 100),
        (0.0, -179.9, 100),
        (89.9, 10.0, 50),
        (-89.5, 0.0, 200),
        (60.0, 20.0, 0),
        (10.0, 10.0, 30_000),
    ],
)
def test_store_query_near_box_contains_circle(lat: float, lon: float, km: float) -> None:
    """Points on the circle's edge fall inside the SQL prefilter box (incl. antimeridian/poles)."""
    s, n, w, e = near_box((lat, lon, km))
    rng = random.Random(7)
    for _ in range(200):
        dlat, dlon = rng.uniform(-30, 30), rng.uniform(-60, 60)
        plat, plon = max(-90, min(90, lat + dlat)), ((lon + dlon + 180) % 360) - 180
        if haversine_km(lat, lon, plat, plon) > km:
            continue
        assert s <= plat <= n
        if w is not None and e is not None:
            assert (w <= plon <= e) if w <= e else (plon >= w or plon <= e)


# -- SqlStore and MemoryStore agree on random data and random queries --------------------


def _random_events(rng: random.Random, doc: Document, n: int) -> list[Event]:
    subs = sorted(SUB_EVENT_TYPES)
    actors = [ARMY, ISIS, CIVILIANS, PESH]
    places = [
        KIRKUK,
        RAMADI,
        RUTBA,
        RAQQA,
        NO_COORDS,
        None,
        Place(
            name="Fiji edge", country="Fiji", country_code="FJ", latitude=-17.0, longitude=179.95
        ),
        Place(
            name="Samoa edge", country="Samoa", country_code="WS", latitude=-17.0, longitude=-179.95
        ),
    ]
    found = []
    for i in range(n):
        sub = rng.choice(subs)
        found.append(
            sample_event(
                doc,
                i,
                event_type=SUB_EVENT_TYPES[sub],
                sub_event_type=sub,
                event_date=rng.choice(
                    [None, date(2023, 1, 1) + timedelta(days=rng.randrange(365))]
                ),
                actor1=rng.choice([None, *actors]),
                actor2=rng.choice([None, *actors]),
                assoc_actor_1=tuple(rng.sample(actors, rng.randrange(3))),
                place=rng.choice(places),
                notes=rng.choice(["", "ambush near the road", "Curfew"]),
            )
        )
    return found


@pytest.fixture(scope="module", params=SQL_KINDS)
def twins(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    with sql_database(request.param, tmp_path_factory.mktemp("twins")) as url:
        sql = SqlStore(url)
        sql.migrate()
        memory = MemoryStore()
        rng = random.Random(2023)
        for d in range(6):
            doc = sample_document(f"Random report number {d}.")
            found = _random_events(rng, doc, 15)
            sql.add(doc, found)
            memory.add(doc, found)
        yield sql, memory
        sql.close()


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """None three times out of four, so combined filters still match something."""
    return st.one_of(st.none(), st.none(), st.none(), strategy)


queries = st.builds(
    EventQuery,
    since=maybe(st.dates(date(2023, 1, 1), date(2023, 12, 31))),
    event_types=st.lists(st.sampled_from(sorted(set(SUB_EVENT_TYPES.values()))), max_size=1).map(
        tuple
    ),
    actor=maybe(st.sampled_from(["iraq", "ISLAMIC", "a", "(", "zzz"])),
    country=maybe(st.sampled_from(["Iraq", "iq", "SY", "fiji", "Nowhere"])),
    admin1=maybe(st.sampled_from(["Kirkuk", "anbar"])),
    near=maybe(st.tuples(st.floats(-60, 60), st.floats(-180, 180), st.floats(0, 3000))),
    bbox=maybe(st.sampled_from([(30.0, 38.0, 37.0, 46.0), (-20.0, 179.0, -10.0, -179.0)])),
    text=maybe(st.sampled_from(["road", "CURFEW", "ISIS", "_"])),
    limit=maybe(st.integers(0, 20)),
    offset=st.integers(0, 5),
    order=st.sampled_from(["event_date", "-event_date", "id"]),
)


@settings(max_examples=150, deadline=None)
@given(query=queries)
def test_store_query_sql_and_memory_agree(twins: tuple[Store, Store], query: EventQuery) -> None:
    sql, memory = twins
    assert [e.id for e in sql.events(query)] == [e.id for e in memory.events(query)]
    assert sql.count_events(query) == memory.count_events(query)


def test_store_query_events_is_lazy(sql_url: str) -> None:
    """events() streams: reading half, writing meanwhile and abandoning the rest all work."""
    store = SqlStore(sql_url)
    store.migrate()
    doc = sample_document()
    store.add(doc, [sample_event(doc, n) for n in range(1200)])
    stream = store.events()
    assert isinstance(stream, Generator)
    first = next(stream)
    other = sample_document("Written while a reader is open.")
    store.add(other, [sample_event(other)])
    assert first.document_id == doc.id
    stream.close()
    assert store.count_events() == 1201
