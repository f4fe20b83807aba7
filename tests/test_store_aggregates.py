"""Store aggregates (event_counts, place_counts, actor_counts) and the person/actor filters:
SqlStore and MemoryStore agree exactly on random data, and the counts add up."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from pg import SQL_KINDS, sql_database
from strategies import ARMY, CIVILIANS, ISIS, KIRKUK, sample_document, sample_event

from rasd.records import Actor, Person, Place
from rasd.store import EventQuery, MemoryStore, SqlStore, Store
from rasd.store.query import period_start
from rasd.taxonomy import SUB_EVENT_TYPES, ActorType

PESH = Actor(id="iq-peshmerga", name="Peshmerga", actor_type=ActorType.STATE_FORCES)
PLACES = [
    KIRKUK,
    Place(name="Ramadi", country="Iraq", country_code="IQ", admin1="Anbar", latitude=33.42, longitude=43.31),
    Place(name="Raqqa", country="Syria", country_code="SY", admin1="Ar-Raqqah", latitude=35.95, longitude=39.01),
    Place(name="Somewhere", country="Iraq", country_code="IQ", admin1="Anbar"),
    None,
]  # fmt: skip


def _random_events(rng: random.Random, n_docs: int) -> Iterator[tuple]:
    subs = sorted(SUB_EVENT_TYPES)
    for d in range(n_docs):
        doc = sample_document(f"Invented aggregate report {d}.")
        events = []
        for i in range(12):
            sub = rng.choice(subs)
            day = rng.choice([None, date(2023, 1, 1) + timedelta(days=rng.randrange(120))])
            events.append(
                sample_event(
                    doc,
                    i,
                    event_type=SUB_EVENT_TYPES[sub],
                    sub_event_type=sub,
                    event_date=day,
                    actor1=rng.choice([None, ARMY, ISIS, PESH]),
                    actor2=rng.choice([None, ISIS, CIVILIANS]),
                    assoc_actor_1=tuple(rng.sample([ARMY, PESH, CIVILIANS], rng.randrange(2))),
                    place=rng.choice(PLACES),
                    persons=tuple(
                        Person(name=rng.choice(["Abu Bakr", "Omar Khalid", "Ali"]))
                        for _ in range(rng.randrange(2))
                    ),
                )
            )
        yield doc, events


@pytest.fixture(scope="module", params=SQL_KINDS)
def twins(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    with sql_database(request.param, tmp_path_factory.mktemp("agg")) as url:
        sql = SqlStore(url)
        sql.migrate()
        memory = MemoryStore()
        for doc, events in _random_events(random.Random(11), 6):
            sql.add(doc, events)
            memory.add(doc, events)
        yield sql, memory
        sql.close()


QUERIES = [
    EventQuery(),
    EventQuery(admin1="anbar"),
    EventQuery(since=date(2023, 2, 1), until=date(2023, 3, 15)),
    EventQuery(event_types=("Battles", "Riots")),
    EventQuery(actor="peshmerga"),
    EventQuery(actor="iq-civilians"),
    EventQuery(person="abu"),
    EventQuery(text="kirkuk"),
    EventQuery(near=(33.42, 43.31, 10)),
    EventQuery(bbox=(30.0, 40.0, 36.0, 46.0)),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
@pytest.mark.parametrize("interval", ["day", "week", "month"])
@pytest.mark.parametrize("by", ["event_type", "admin1", "actor"])
def test_store_aggregates_event_counts_agree(
    twins: tuple[Store, Store], query: EventQuery, interval: str, by: str
) -> None:
    sql, memory = twins
    counts = sql.event_counts(query, interval, by)
    assert counts == memory.event_counts(query, interval, by)
    dated = [e for e in sql.events(query) if e.event_date is not None]
    if by == "event_type":  # one key per event: the counts add up to the dated events
        assert sum(c.count for c in counts) == len(dated)
        expected = Counter((period_start(e.event_date, interval), e.event_type) for e in dated)  # type: ignore[arg-type]
        assert {(c.period, c.key): c.count for c in counts} == dict(expected)
    for c in counts:
        assert period_start(c.period, interval) == c.period


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_store_aggregates_place_counts_agree(twins: tuple[Store, Store], query: EventQuery) -> None:
    sql, memory = twins
    places = sql.place_counts(query)
    assert places == memory.place_counts(query)
    with_place = [e for e in sql.events(query) if e.place is not None]
    assert sum(p.count for p in places) == len(with_place)
    assert [p.count for p in places] == sorted((p.count for p in places), reverse=True)
    assert sql.place_counts(query, limit=2) == places[:2]


@pytest.mark.parametrize(
    ("text", "limit"), [(None, 50), ("i", 50), ("IQ-ARMY", 50), ("peshmerga", 1), (None, 2)]
)
def test_store_aggregates_actor_counts_agree(
    twins: tuple[Store, Store], text: str | None, limit: int
) -> None:
    sql, memory = twins
    actors = sql.actor_counts(text, limit)
    assert actors == memory.actor_counts(text, limit)
    for a in actors:
        assert a.count == sql.count_events(EventQuery(actor=a.id))


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_store_aggregates_filters_agree(twins: tuple[Store, Store], query: EventQuery) -> None:
    sql, memory = twins
    assert [e.id for e in sql.events(query)] == [e.id for e in memory.events(query)]
    assert sql.count_events(query) == memory.count_events(query)


def test_store_aggregates_actor_filter_uses_latest_name(sql_url: str) -> None:
    """The actor filter matches the store's latest name of an actor (as in the actors table)."""
    renamed = ARMY.model_copy(update={"name": "Iraqi Army (renamed)"})
    old, new = sample_document("Invented old report."), sample_document("Invented new report.")
    for store in (SqlStore(sql_url), MemoryStore()):
        store.migrate()
        store.add(old, [sample_event(old, 1, actor1=ARMY)])
        store.add(new, [sample_event(new, 1, actor1=renamed)])
        assert store.count_events(EventQuery(actor="renamed")) == 2
        assert store.count_events(EventQuery(actor="iq-army")) == 2
        assert store.count_events(EventQuery(text="Military Forces")) == 1  # text: as coded
        store.close()


@pytest.mark.parametrize("bad", [{"interval": "year"}, {"by": "country"}])
def test_store_aggregates_bad_arguments(bad: dict[str, str]) -> None:
    args = {"interval": "day", "by": "event_type", **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        MemoryStore().event_counts(EventQuery(), **args)
