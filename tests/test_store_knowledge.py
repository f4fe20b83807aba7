"""The knowledge side of both stores: round-trips (record <-> store <-> JSON), append-only
corrections, and rows that go with their events."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kfixtures import report
from strategies import texts

from rasd.records import CORRECTION_ACTIONS, Correction, EventLink, PersonEntity, PersonRef

corrections = st.builds(
    Correction,
    action=st.sampled_from(CORRECTION_ACTIONS),
    target=texts(min_size=1, max_size=30),
    other=st.none() | texts(min_size=1, max_size=30),
    field=st.none() | st.sampled_from(["fatalities", "event_date", "actor1"]),
    value=st.none() | texts(max_size=40),
    document_id=st.none() | st.text("0123456789abcdef", min_size=32, max_size=32),
    anchor_start=st.none() | st.integers(0, 10_000),
    anchor_end=st.none() | st.integers(0, 10_000),
    reverts=st.none() | st.integers(1, 1000),
    analyst=texts(min_size=1, max_size=20).filter(str.strip),
    reason=texts(min_size=1, max_size=60).filter(str.strip),
)


@pytest.fixture
def store(kstore):  # type: ignore[no-untyped-def]
    return kstore


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(correction=corrections)
def test_store_knowledge_correction_roundtrip(store, correction: Correction) -> None:  # type: ignore[no-untyped-def]
    stored = store.add_correction(correction)
    assert stored.id is not None and stored.created_at is not None
    assert stored.created_at.tzinfo is not None
    back = store.corrections()[-1]
    assert back == stored
    assert Correction.model_validate_json(back.model_dump_json()) == back
    assert back.model_copy(update={"id": None, "created_at": None}) == correction


def test_store_knowledge_corrections_append_in_order(store) -> None:  # type: ignore[no-untyped-def]
    when = datetime(2024, 1, 1, tzinfo=UTC)
    made = [
        store.add_correction(
            Correction(action="not_event", target=f"e{i}", analyst="a", reason="r", created_at=when)
        )
        for i in range(3)
    ]
    assert [c.id for c in store.corrections()] == [c.id for c in made] == sorted(c.id for c in made)
    assert [c.target for c in store.corrections(subject="e1")] == ["e1"]


def test_store_knowledge_rows_go_with_their_events(store) -> None:  # type: ignore[no-untyped-def]
    (da, a), (db, b) = (
        report("One bomb exploded.", source="A"),
        report("Another bomb exploded.", source="B"),
    )
    store.add(da, [a])
    store.add(db, [b])
    x, y = sorted([a.id, b.id])
    store.update_links([a.id, b.id], [EventLink(a=x, b=y, reason="test")], {a.id: x, b.id: x})
    store.update_person_refs(
        [a.id],
        [PersonRef(event_id=a.id, position=0, person_id="p-1", name="Abu X")],
        [PersonEntity(id="p-1", name="Abu X", key="b x")],
    )
    store.put_extraction(da.id, [a])
    assert store.links([a.id]) == [EventLink(a=x, b=y, reason="test")]
    assert store.get_extraction(da.id) == [a]
    store.add(da, [])  # re-extracted without the event
    assert store.links([b.id]) == [] and store.clusters([a.id]) == {}
    assert store.person_refs(person_ids=["p-1"]) == []
    assert store.get_person("p-1").name == "Abu X"  # the entity stays; only its mention went
    store.delete_document(da.id)
    assert store.get_extraction(da.id) is None


@pytest.mark.parametrize(("a", "b"), [("x", "x"), ("y", "x")])
def test_store_knowledge_link_ends_must_be_ordered(a: str, b: str) -> None:
    with pytest.raises(ValueError, match="a < b"):
        EventLink(a=a, b=b)
