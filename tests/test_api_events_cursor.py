"""Keyset cursors: pages never repeat or skip an event, even while events are added."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from api_seed import new_store
from fastapi.testclient import TestClient
from strategies import sample_document, sample_event

from rasd.api import create_app
from rasd.config import Settings
from rasd.records import Document, Event
from rasd.store import SqlStore


def _batch(tag: str, count: int, rng: random.Random) -> tuple[Document, list[Event]]:
    doc = sample_document(f"Invented cursor test report {tag}.")
    days = [None, *(date(2023, 1, 1) + timedelta(days=rng.randrange(60)) for _ in range(9))]
    return doc, [sample_event(doc, i, event_date=rng.choice(days)) for i in range(count)]


def _walk(
    client: TestClient, store: SqlStore, order: str, rng: random.Random, add_between: bool
) -> tuple[list[str], set[str]]:
    """Page through with limit 4; optionally add 3 events before each next page."""
    seen: list[str] = []
    added: set[str] = set()
    cursor = None
    for page in range(100):
        params = {"limit": 4, "order": order, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, added
        if add_between:
            doc, events = _batch(f"added {order} {page}", 3, rng)
            store.add(doc, events)
            added |= {e.id for e in events}
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("order", ["event_date", "-event_date"])
@pytest.mark.parametrize("add_between", [False, True])
def test_api_events_cursor_stable_while_adding(
    tmp_path: Path, order: str, add_between: bool
) -> None:
    rng = random.Random(4)
    store = new_store(tmp_path)
    for n in range(3):
        store.add(*_batch(f"initial {n}", 10, rng))
    initial = {e.id for e in store.events()}
    with TestClient(create_app(Settings(auth="off"), store)) as client:
        seen, added = _walk(client, store, order, rng, add_between)
        everything = [
            item["id"]
            for item in client.get("/api/events", params={"limit": 500, "order": order}).json()[
                "items"
            ]
        ]
    assert len(seen) == len(set(seen)), "an event came twice"
    assert initial <= set(seen), "an event that was there from the start was skipped"
    assert set(seen) <= initial | added
    assert seen == [i for i in everything if i in set(seen)], "pages are not in order"
    store.close()


def test_api_events_cursor_tied_to_order(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.add(*_batch("x", 5, random.Random(1)))
    with TestClient(create_app(Settings(auth="off"), store)) as client:
        cursor = client.get("/api/events", params={"limit": 2}).json()["next_cursor"]
        response = client.get("/api/events", params={"cursor": cursor, "order": "-event_date"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"]
    assert "order=event_date" in error["msg"]
    store.close()
