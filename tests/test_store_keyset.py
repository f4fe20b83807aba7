"""Keyset paging (EventQuery.after): pages in every order cover every event exactly once,
and SqlStore and MemoryStore agree."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from pg import SQL_KINDS, sql_database
from strategies import sample_document, sample_event

from rasd.records import Event
from rasd.store import EventQuery, MemoryStore, SqlStore, Store
from rasd.store.query import worth_reading_in_order


@pytest.fixture(scope="module", params=[*SQL_KINDS, "memory"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    if request.param == "memory":
        yield _load(MemoryStore())
        return
    with sql_database(request.param, tmp_path_factory.mktemp("keyset")) as url:
        s = _load(SqlStore(url))
        yield s
        s.close()


def _load(s: Store) -> Store:
    s.migrate()
    rng = random.Random(3)
    days = [None, *(date(2023, 1, 1) + timedelta(days=d) for d in range(5))]  # many ties
    for d in range(4):
        doc = sample_document(f"Invented keyset report {d}.")
        s.add(doc, [sample_event(doc, i, event_date=rng.choice(days)) for i in range(9)])
    return s


def _pages(store: Store, order: str, size: int) -> list[list[Event]]:
    pages, after = [], None
    while True:
        page = list(store.events(EventQuery(order=order, limit=size, after=after)))
        if not page:
            return pages
        pages.append(page)
        after = (page[-1].event_date, page[-1].id)


@pytest.mark.parametrize("order", ["event_date", "-event_date", "id"])
@pytest.mark.parametrize("size", [1, 4, 36, 100])
def test_store_keyset_pages_cover_all(store: Store, order: str, size: int) -> None:
    everything = [e.id for e in store.events(EventQuery(order=order))]
    paged = [e.id for page in _pages(store, order, size) for e in page]
    assert paged == everything


def test_store_keyset_after_undated_and_counts(store: Store) -> None:
    ordered = list(store.events(EventQuery(order="event_date")))
    first_undated = next(i for i, e in enumerate(ordered) if e.event_date is None)
    pivot = ordered[first_undated]
    rest = list(store.events(EventQuery(order="event_date", after=(None, pivot.id))))
    assert [e.id for e in rest] == [e.id for e in ordered[first_undated + 1 :]]
    # counting ignores the keyset position, like limit and offset
    assert store.count_events(EventQuery(after=(None, pivot.id))) == len(ordered)


def test_store_keyset_after_and_offset_exclusive() -> None:
    with pytest.raises(ValueError, match="after"):
        EventQuery(after=(None, "x"), offset=3)


@pytest.mark.parametrize(
    "query",
    [
        EventQuery(limit=4),
        EventQuery(limit=4, order="-event_date", event_types=("Strategic developments",)),
        EventQuery(limit=5, actor="iq-army", since=date(2023, 1, 2)),
        EventQuery(limit=3, text="kirkuk", order="-event_date"),
        EventQuery(limit=50, person="abu"),
    ],
)
def test_store_keyset_page_same_as_events(store: Store, query: EventQuery) -> None:
    """page() (which may read in list order rather than sort) gives what events() gives."""
    page = store.page(query)
    assert [e.id for e in page.events] == [e.id for e in store.events(query)]
    assert page.total == store.count_events(query)
    after = (page.events[-1].event_date, page.events[-1].id)
    following = EventQuery(**{**query.__dict__, "after": after})
    assert [e.id for e in store.page(following).events] == [e.id for e in store.events(following)]


@pytest.mark.parametrize(
    ("query", "matching", "expected"),
    [
        (EventQuery(limit=50), 100_000, True),
        (EventQuery(limit=50), 2_000, False),  # few matches: find them and sort
        (EventQuery(limit=50), 2_300, True),
        (EventQuery(), 100_000, False),  # no limit: a full read, sorting is fine
        (EventQuery(limit=50, near=(33.0, 44.0, 10.0)), 100_000, False),
        (EventQuery(limit=50, order="id"), 100_000, False),
    ],
)
def test_store_keyset_worth_reading_in_order(
    query: EventQuery, matching: int, expected: bool
) -> None:
    assert worth_reading_in_order(query, matching, 100_000) is expected
