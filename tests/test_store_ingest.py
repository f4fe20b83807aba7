"""Ingest semantics shared by SqlStore and MemoryStore: idempotence, replacement, atomicity."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pg import SQL_KINDS, scalar, sql_database
from strategies import ISIS, sample_document, sample_event

from rasd.exceptions import NotFound, StoreError
from rasd.records import Document, Mention
from rasd.store import EventQuery, MemoryStore, SqlStore, Store, mapping

TABLES = ("documents", "events", "event_actors", "persons", "evidence", "mentions")


@pytest.fixture(params=[*SQL_KINDS, "memory"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """A fresh SQLite or PostgreSQL database; None for the in-memory store."""
    if request.param == "memory":
        yield None
        return
    with sql_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str | None) -> Iterator[Store]:
    made: Store = MemoryStore() if store_url is None else SqlStore(store_url)
    made.migrate()
    yield made
    made.close()


def _rows(url: str) -> dict[str, int]:
    return {t: scalar(url, f"SELECT count(*) FROM {t}") for t in TABLES}


def test_store_ingest_add_twice_is_idempotent(store: Store) -> None:
    doc = sample_document()
    events = [sample_event(doc, 0), sample_event(doc, 1)]
    first = store.add(doc, events)
    second = store.add(doc, events)
    assert (first.new_document, first.events_added, first.events_unchanged) == (True, 2, 0)
    assert (second.new_document, second.events_added, second.events_unchanged) == (False, 0, 2)
    assert store.stats().documents == 1 and store.stats().events == 2


def test_store_ingest_same_text_same_document(store: Store) -> None:
    a = Document.from_text("Same report text.", source="feed-a")
    b = Document.from_text("Same report text.", source="feed-b", title="Later title")
    store.add(a, [])
    result = store.add(b, [])
    assert result.document_id == a.id and not result.new_document
    assert store.get_document(a.id) == b  # metadata follows the latest add
    assert store.stats().documents == 1


def test_store_ingest_readd_replaces_events(store: Store) -> None:
    doc = sample_document()
    e0, e1, e2 = (sample_event(doc, n) for n in range(3))
    store.add(doc, [e0, e1])
    changed = sample_event(doc, 1, fatalities=3)
    result = store.add(doc, [changed, e2])
    assert (result.events_added, result.events_unchanged, result.events_removed) == (2, 0, 1)
    stored = {e.id: e for e in store.events()}
    assert set(stored) == {e1.id, e2.id}
    assert stored[e1.id].fatalities == 3
    with pytest.raises(NotFound):
        store.get_event(e0.id)


def test_store_ingest_readd_with_no_events_empties_document(store: Store) -> None:
    doc = sample_document()
    store.add(doc, [sample_event(doc)])
    result = store.add(doc, [])
    assert result.events_removed == 1
    assert store.count_events() == 0 and store.stats().documents == 1


def test_store_ingest_created_at_kept_for_unchanged(store: Store) -> None:
    doc = sample_document()
    store.add(doc, [sample_event(doc)])
    first = store.get_event(sample_event(doc).id).created_at
    assert first is not None and first.tzinfo is not None
    later = sample_event(doc, created_at=datetime(2030, 1, 1, tzinfo=UTC))
    store.add(doc, [later])  # same content: the store keeps when it first saw it
    assert store.get_event(later.id).created_at == first


def test_store_ingest_explicit_created_at_roundtrips(store: Store) -> None:
    doc = sample_document()
    stamp = datetime(2023, 9, 27, 8, 30, 15, 123456, tzinfo=UTC)
    store.add(doc, [sample_event(doc, created_at=stamp)])
    assert store.get_event(sample_event(doc).id).created_at == stamp


def test_store_ingest_actor_snapshot_per_event(store: Store) -> None:
    """An actor renamed in the knowledge base does not rewrite events already stored."""
    d1, d2 = sample_document("First report."), sample_document("Second report.")
    renamed = ISIS.model_copy(update={"name": "Islamic State"})
    store.add(d1, [sample_event(d1)])
    store.add(d2, [sample_event(d2, actor2=renamed)])
    assert store.get_event(sample_event(d1).id).actor2 == ISIS
    assert store.get_event(sample_event(d2).id).actor2 == renamed


def test_store_ingest_mentions_replaced(store: Store) -> None:
    doc = sample_document()
    kirkuk = Mention(start=48, end=54, text="Kirkuk", label="GPE", kb_id="94787")
    store.add(doc, [], mentions=[kirkuk])
    assert store.get_mentions(doc.id) == [kirkuk]
    store.add(doc, [])
    assert store.get_mentions(doc.id) == []


@pytest.mark.parametrize("bad", ["other_document", "conflicting_duplicate"])
def test_store_ingest_bad_events_store_nothing(store: Store, bad: str) -> None:
    doc = sample_document()
    good = sample_event(doc, 0)
    if bad == "other_document":
        other = sample_document("Another report.")
        wrong = sample_event(other, 5)
    else:
        wrong = sample_event(doc, 0, fatalities=9)
    with pytest.raises(StoreError, match=good.id if bad != "other_document" else wrong.id):
        store.add(doc, [good, wrong])
    with pytest.raises(NotFound):
        store.get_document(doc.id)
    assert store.count_events() == 0


def test_store_ingest_event_id_of_other_document_rolls_back(store: Store) -> None:
    d1, d2 = sample_document("First report."), sample_document("Second report.")
    store.add(d1, [sample_event(d1)])
    thief = sample_event(d1).model_copy(update={"document_id": d2.id})
    with pytest.raises(StoreError, match="already belongs to document"):
        store.add(d2, [thief])
    with pytest.raises(NotFound):
        store.get_document(d2.id)  # the document row written first is gone too
    assert store.get_event(thief.id).document_id == d1.id


def _fail_after(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    real = mapping.event_to_row
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n:
            raise RuntimeError("simulated crash while writing events")
        return real(*args, **kwargs)

    monkeypatch.setattr(mapping, "event_to_row", flaky)


def test_store_ingest_atomic_new_document(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    doc = sample_document()
    _fail_after(monkeypatch, 1)  # the document row and one event are written, then a crash
    with pytest.raises(RuntimeError, match="simulated"):
        store.add(doc, [sample_event(doc, 0), sample_event(doc, 1)], mentions=[])
    assert _rows(sql_url) == dict.fromkeys(TABLES, 0)
    with pytest.raises(NotFound):
        store.get_document(doc.id)
    store.close()


def test_store_ingest_atomic_readd_keeps_previous(
    sql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    doc = sample_document()
    old = [sample_event(doc, 0), sample_event(doc, 1)]
    store.add(doc, old)
    before = (_rows(sql_url), list(store.events()))
    _fail_after(monkeypatch, 0)
    with pytest.raises(RuntimeError):
        store.add(doc.model_copy(update={"title": "new"}), [sample_event(doc, 2)])
    assert (_rows(sql_url), list(store.events())) == before
    assert store.get_document(doc.id).title is None
    store.close()


def test_store_ingest_delete_document(store: Store, store_url: str | None) -> None:
    doc = sample_document()
    store.add(doc, [sample_event(doc)], mentions=[Mention(start=0, end=2, text="On", label="X")])
    store.delete_document(doc.id)
    assert store.stats().documents == 0 and store.count_events() == 0
    if store_url is not None:
        assert _rows(store_url) == dict.fromkeys(TABLES, 0)
    with pytest.raises(NotFound, match=doc.id):
        store.delete_document(doc.id)


@pytest.mark.parametrize("what", ["document", "event", "mentions"])
def test_store_ingest_not_found_names_id(store: Store, what: str) -> None:
    getter = {
        "document": store.get_document,
        "event": store.get_event,
        "mentions": store.get_mentions,
    }[what]
    with pytest.raises(NotFound, match="no-such-id") as info:
        getter("no-such-id")
    assert info.value.fix


def test_store_ingest_stats_by_type(store: Store) -> None:
    doc = sample_document()
    store.add(doc, [sample_event(doc, 0), sample_event(doc, 1)])
    stats = store.stats()
    assert stats.by_event_type == {"Strategic developments": 2}
    assert list(store.documents()) == [doc]
    assert store.count_events(EventQuery(document_id=doc.id)) == 2


def test_store_ingest_concurrent_writers(sql_url: str) -> None:
    """Writers in several threads (each with its own store, like processes) serialise cleanly."""
    from concurrent.futures import ThreadPoolExecutor

    SqlStore(sql_url).migrate()
    docs = [sample_document(f"Report {i}.") for i in range(12)]

    def work(offset: int) -> int:
        store = SqlStore(sql_url)
        try:
            for doc in docs[offset:] + docs[:offset]:  # every worker adds every document
                store.add(doc, [sample_event(doc, 0), sample_event(doc, 1)])
            return sum(1 for _ in store.events())
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(work, [0, 3, 6, 9]))
    assert all(c <= 24 for c in counts)
    stats = SqlStore(sql_url).stats()
    assert (stats.documents, stats.events) == (12, 24)
