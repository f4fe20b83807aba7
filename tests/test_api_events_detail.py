"""GET /api/events/{id} and GET /api/documents/{id}: evidence, document, 404 with a fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_seed import DOC, EVENTS, OTHER, OTHER_EVENT, seeded_client
from fastapi.testclient import TestClient


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with seeded_client(tmp_path) as c:
        yield c


def test_api_events_detail_evidence_points_into_text(client: TestClient) -> None:
    event = EVENTS["kirkuk_arrest"]
    body = client.get(f"/api/events/{event.id}").json()
    assert body["id"] == event.id
    assert body["document"] == {
        "id": DOC.id,
        "title": None,
        "source": "INA",
        "url": "https://example.org/a",
        "published_at": "2023-09-27",
        "language": "en",
        "org": "local",
        "tlp": "AMBER",
    }
    text = client.get(f"/api/documents/{DOC.id}").json()["text"]
    assert [e["field"] for e in body["evidence"]] == ["event_type", "place"]
    for ev in body["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]
        start = ev["sentence_start"]
        assert text[start : start + len(ev["sentence"])] == ev["sentence"]
        assert ev["start"] >= start
    assert body["evidence"][0]["sentence"] == (
        "On Monday the army arrested an ISIS commander in Kirkuk."
    )
    assert body["sources"] == [] and body["corrections"] == []
    assert body["cluster_id"] == event.id and body["source_count"] == 1


def test_api_events_detail_unknown_is_404(client: TestClient) -> None:
    response = client.get("/api/events/no-such-event")
    assert response.status_code == 404
    assert response.json()["detail"] == "event no-such-event not found"
    assert response.json()["fix"]


def test_api_documents_get_text_and_event_ids(client: TestClient) -> None:
    body = client.get(f"/api/documents/{DOC.id}").json()
    assert body["text"] == DOC.text
    assert body["title"] is None and body["published_at"] == "2023-09-27"
    assert sorted(body["event_ids"]) == sorted(e.id for e in EVENTS.values())
    other = client.get(f"/api/documents/{OTHER.id}").json()
    assert other["event_ids"] == [OTHER_EVENT.id]


def test_api_documents_get_unknown_is_404(client: TestClient) -> None:
    response = client.get("/api/documents/0123456789abcdef")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "document 0123456789abcdef not found",
        "fix": response.json()["fix"],
    }
    assert response.json()["fix"]
