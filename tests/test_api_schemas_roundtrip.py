"""API schemas: EventOut/EventDetail round-trip through JSON and mirror the records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents, events

from rasd.api.schemas import EventDetail, EventOut, event_detail, event_out
from rasd.records import Document, Event

CONTRACT_KEYS = {
    "id", "document_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "location", "place",
    "geo_precision", "fatalities", "notes", "confidence", "persons", "cluster_id", "source_count",
    "org", "tlp",
}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(events())
def test_api_schemas_roundtrip_event_out(event: Event) -> None:
    out = event_out(event)
    assert EventOut.model_validate_json(out.model_dump_json()) == out
    data = out.model_dump(mode="json")
    assert set(data) == CONTRACT_KEYS
    assert data["event_date"] == (event.event_date.isoformat() if event.event_date else None)
    assert data["notes"] == event.notes and data["location"] == event.location
    names = [a["name"] for a in data["assoc_actor_1"]]
    assert names == [a.name for a in event.assoc_actor_1]
    assert [p["name"] for p in data["persons"]] == [p.name for p in event.persons]
    if event.place is not None:
        assert data["place"]["latitude"] == event.place.latitude


@settings(max_examples=80, deadline=None)
@given(events(), st.none() | documents())
def test_api_schemas_roundtrip_event_detail(event: Event, document: Document | None) -> None:
    detail = event_detail(event, document)
    assert EventDetail.model_validate_json(detail.model_dump_json()) == detail
    data = detail.model_dump(mode="json")
    assert set(data) == CONTRACT_KEYS | {"evidence", "document", "sources", "corrections"}
    assert [(e["start"], e["end"], e["text"]) for e in data["evidence"]] == [
        (e.start, e.end, e.text) for e in event.evidence
    ]
    if document is not None:
        assert "text" not in data["document"] and data["document"]["id"] == document.id
