"""Event <-> store <-> JSON round-trips (Hypothesis), for SqlStore and MemoryStore."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from pg import SQL_KINDS, sql_database
from strategies import documents_with_events, events

from rasd.export import event_from_json, event_to_json, write_jsonl
from rasd.records import Document, Event
from rasd.store import EventQuery, MemoryStore, SqlStore, Store

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _without_created(event: Event) -> Event:
    return event.model_copy(update={"created_at": None})


@pytest.fixture(scope="module", params=[*SQL_KINDS, "memory"])
def shared_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """One store per module: Hypothesis examples add documents to it one after another."""
    if request.param == "memory":
        yield MemoryStore()
        return
    with sql_database(request.param, tmp_path_factory.mktemp("roundtrip")) as url:
        store = SqlStore(url)
        store.migrate()
        yield store
        store.close()


def _assert_stored(store: Store, document: Document, found: list[Event]) -> None:
    assert store.get_document(document.id) == document
    for event in found:
        got = store.get_event(event.id)
        assert _without_created(got) == _without_created(event)
        assert got.created_at is not None and got.created_at.utcoffset() is not None
    listed = list(store.events(EventQuery(document_id=document.id, order="id")))
    assert [e.id for e in listed] == sorted(e.id for e in found)


@SETTINGS
@given(item=documents_with_events())
def test_store_roundtrip_events_exact(
    shared_store: Store, item: tuple[Document, list[Event]]
) -> None:
    document, found = item
    shared_store.add(document, found)
    _assert_stored(shared_store, document, found)


@SETTINGS
@given(item=documents_with_events())
def test_store_roundtrip_idempotent_readd(
    shared_store: Store, item: tuple[Document, list[Event]]
) -> None:
    document, found = item
    shared_store.add(document, found)
    before = {e.id: shared_store.get_event(e.id) for e in found}
    again = shared_store.add(document, found)
    assert not again.new_document
    assert (again.events_added, again.events_unchanged, again.events_removed) == (0, len(found), 0)
    assert {e.id: shared_store.get_event(e.id) for e in found} == before  # created_at kept


@settings(max_examples=150, deadline=None)
@given(event=events())
def test_store_roundtrip_json_exact(event: Event) -> None:
    text = json.dumps(event_to_json(event), ensure_ascii=False)
    assert event_from_json(json.loads(text)) == event


@SETTINGS
@given(item=documents_with_events())
def test_store_roundtrip_store_to_jsonl(
    shared_store: Store, item: tuple[Document, list[Event]]
) -> None:
    document, found = item
    shared_store.add(document, found)
    stored = list(shared_store.events(EventQuery(document_id=document.id)))
    out = io.StringIO()
    result = write_jsonl(shared_store.events(EventQuery(document_id=document.id)), out)
    assert result.written == len(found)
    back = [event_from_json(json.loads(line)) for line in out.getvalue().splitlines()]
    assert back == stored
