"""POST /api/documents: JSON or a file in, events with evidence out; dry_run saves nothing.

A fake pipeline (one event per report) keeps these tests fast; the one slow test
posts an invented report through the real spaCy pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_seed import new_store
from fastapi import FastAPI
from fastapi.testclient import TestClient
from strategies import ARMY, KIRKUK, sample_event

from rasd.api import create_app
from rasd.api.deps import get_pipeline_loader
from rasd.config import Settings
from rasd.pipeline.doc import Doc
from rasd.records import Evidence, event_id
from rasd.store import SqlStore

REPORT = "Invented report: on Monday the army arrested a commander in Kirkuk."


class FakePipeline:
    """Codes one arrest per report, with evidence on the word 'arrested' (if present)."""

    calls = 0

    def __call__(self, doc: Doc) -> Doc:
        FakePipeline.calls += 1
        text = doc.document.text
        start = max(text.find("arrested"), 0)
        evidence = Evidence(
            field="event_type",
            document_id=doc.document.id,
            start=start,
            end=start + 8,
            text=text[start : start + 8],
            sentence=text,
        )
        event = sample_event(
            doc.document,
            0,
            id=event_id(doc.document.id, "Arrests", start, start + 8),
            document_id=doc.document.id,
            evidence=(evidence,),
            actor1=ARMY,
            place=KIRKUK,
        )
        doc.events = [event]
        doc.warnings = ["an invented warning"]
        return doc


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    s = new_store(tmp_path)
    yield s
    s.close()


def _app(store: SqlStore, settings: Settings | None = None) -> FastAPI:
    app = create_app(settings or Settings(auth="off"), store)
    app.dependency_overrides[get_pipeline_loader] = lambda: FakePipeline
    return app


def _pipeline_toml(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "pipeline.toml"
    path.write_text(text, "utf-8")
    return Settings(pipeline_config=path, auth="off")


@pytest.fixture
def client(store: SqlStore) -> Iterator[TestClient]:
    with TestClient(_app(store)) as c:
        yield c


def _post(client: TestClient, dry_run: bool, **body: Any) -> Any:
    return client.post("/api/documents", params={"dry_run": str(dry_run).lower()}, json=body)


def test_api_documents_post_json_saves(client: TestClient, store: SqlStore) -> None:
    response = _post(
        client, False, text=REPORT, published_at="2023-09-27", title="T", url="https://e.org/x"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["saved"] is True
    assert body["warnings"] == ["an invented warning"]
    assert body["document"]["published_at"] == "2023-09-27"
    assert (body["document"]["title"], body["document"]["url"]) == ("T", "https://e.org/x")
    (event,) = body["events"]
    assert event["evidence"][0]["text"] == "arrested"
    assert event["document"]["id"] == body["document"]["id"]
    assert store.count_events() == 1
    assert client.get(f"/api/events/{event['id']}").status_code == 200
    assert client.get(f"/api/documents/{body['document']['id']}").json()["text"] == REPORT


def test_api_documents_post_dry_run_saves_nothing(client: TestClient, store: SqlStore) -> None:
    body = _post(client, True, text=REPORT, published_at="2023-09-27").json()
    assert body["saved"] is False and len(body["events"]) == 1
    assert store.count_events() == 0
    assert list(store.documents()) == []


def test_api_documents_post_date_header_line(client: TestClient, store: SqlStore) -> None:
    body = _post(client, True, text=f"date 2023-09-27\ntitle: Header title\n{REPORT}").json()
    assert body["document"]["published_at"] == "2023-09-27"
    assert body["document"]["title"] == "Header title"


def test_api_documents_post_multipart_file(client: TestClient, store: SqlStore) -> None:
    data = f"date 2023-09-27\n{REPORT}".encode()
    response = client.post(
        "/api/documents",
        files={"file": ("kirkuk.txt", data, "text/plain")},
        data={"source": "upload test"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["document"]["source"] == "upload test"
    assert body["document"]["published_at"] == "2023-09-27"
    assert store.count_events() == 1


def test_api_documents_post_multipart_text_field(client: TestClient) -> None:
    response = client.post(
        "/api/documents",
        params={"dry_run": "true"},
        data={"text": REPORT, "published_at": "2023-09-27"},
        files={"unused": ("x", b"", "text/plain")},  # forces multipart encoding
    )
    assert response.status_code == 200, response.text
    assert response.json()["document"]["published_at"] == "2023-09-27"


def _loc(response: Any) -> list[list[str]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["detail"]]


def test_api_documents_post_missing_date_is_422(client: TestClient, store: SqlStore) -> None:
    calls = FakePipeline.calls
    response = _post(client, False, text=REPORT)
    assert _loc(response) == [["body", "published_at"]]
    assert "YYYY-MM-DD" in response.json()["detail"][0]["msg"]
    assert FakePipeline.calls == calls  # refused before the pipeline runs
    assert store.count_events() == 0


def test_api_documents_post_missing_date_allowed_by_config(tmp_path: Path, store: SqlStore) -> None:
    settings = _pipeline_toml(tmp_path, '[temporal]\nmissing_publication_date = "today"\n')
    with TestClient(_app(store, settings)) as client:
        response = _post(client, True, text=REPORT)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"published_at": "2023-09-27"}, ["body", "text"]),
        ({"text": "", "published_at": "2023-09-27"}, ["body", "text"]),
        ({"text": REPORT, "published_at": "27 Sept"}, ["body", "published_at"]),
        ({"text": REPORT, "published_at": "2023-09-27", "colour": "red"}, ["body", "colour"]),
        ({"text": "too short", "published_at": "2023-09-27"}, ["body", "text"]),
    ],
)
def test_api_documents_post_bad_json_fields(
    client: TestClient, body: dict[str, Any], loc: list[str]
) -> None:
    assert _loc(client.post("/api/documents", json=body)) == [loc]


def test_api_documents_post_not_json(client: TestClient) -> None:
    response = client.post(
        "/api/documents", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert _loc(response) == [["body"]]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.txt", b"\x00\x01binary\x00", "binary"),
        ("report.txt", "caf\xe9 report with enough text".encode("latin-1"), "not UTF-8"),
        ("report.pdf", b"%PDF-1.4 whatever", "unsupported file type .pdf"),
        ("report.txt", b"   ", "empty"),
    ],
)
def test_api_documents_post_bad_file(
    client: TestClient, name: str, data: bytes, message: str
) -> None:
    response = client.post(
        "/api/documents",
        files={"file": (name, data, "application/octet-stream")},
        data={"published_at": "2023-09-27"},
    )
    assert _loc(response) == [["body", "file"]]
    assert message in response.json()["detail"][0]["msg"]


def test_api_documents_post_form_bad_date(client: TestClient) -> None:
    response = client.post(
        "/api/documents",
        files={"file": ("r.txt", REPORT.encode(), "text/plain")},
        data={"published_at": "yesterday"},
    )
    assert _loc(response) == [["body", "published_at"]]


def test_api_documents_post_form_without_file_or_text(client: TestClient) -> None:
    response = client.post(
        "/api/documents", data={"title": "only a title"}, files={"x": ("x", b"", "text/plain")}
    )
    assert _loc(response) == [["body", "file"]]


@pytest.mark.slow
def test_api_documents_post_real_pipeline(tmp_path: Path) -> None:
    """The real pipeline on an invented report: events with evidence; dry_run stores nothing."""
    text = (
        "Invented test report. Iraqi security forces arrested three Islamic State suspects "
        "in Kirkuk on Monday, the interior ministry said. Separately, a roadside bomb "
        "exploded near Ramadi on Sunday, killing two civilians."
    )
    store = new_store(tmp_path)
    with TestClient(create_app(Settings(auth="off"), store)) as client:
        dry = client.post(
            "/api/documents",
            params={"dry_run": "true"},
            json={"text": text, "published_at": "2023-09-27", "title": "<b>Invented</b>"},
        )
        assert dry.status_code == 200, dry.text
        assert store.count_events() == 0 and list(store.documents()) == []
        body = dry.json()
        subs = {e["sub_event_type"] for e in body["events"]}
        assert "Arrests" in subs and "Remote explosive/landmine/IED" in subs
        arrest = next(e for e in body["events"] if e["sub_event_type"] == "Arrests")
        assert arrest["event_date"] == str(date(2023, 9, 25))
        assert arrest["place"]["admin1"] == "Kirkuk"
        for ev in arrest["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
        saved = client.post("/api/documents", json={"text": text, "published_at": "2023-09-27"})
        assert saved.json()["saved"] is True
        assert store.count_events() == len(body["events"])
    store.close()


@pytest.mark.parametrize("name", ["../../escape.txt", "..", "", "report.txt\x00.html", "a/b/c.txt"])
def test_api_documents_post_upload_name_is_not_a_path(
    client: TestClient, tmp_path: Path, name: str
) -> None:
    data = f"date 2023-09-27\n{REPORT}".encode()
    response = client.post(
        "/api/documents",
        params={"dry_run": "true"},
        files={"file": (name, data, "text/plain")},
    )
    assert response.status_code in (200, 422), response.text
    assert not (tmp_path.parent / "escape.txt").exists()


def test_api_documents_post_upload_header_source_kept(client: TestClient) -> None:
    data = f"date 2023-09-27\nsource: Header Agency\n{REPORT}".encode()
    body = client.post(
        "/api/documents", params={"dry_run": "true"}, files={"file": ("r.txt", data)}
    ).json()
    assert body["document"]["source"] == "Header Agency"
    plain = client.post(
        "/api/documents",
        params={"dry_run": "true"},
        files={"file": ("r.txt", f"date 2023-09-27\n{REPORT}".encode())},
    ).json()
    assert plain["document"]["source"] == "r.txt"


def test_api_documents_post_body_too_large(tmp_path: Path, store: SqlStore) -> None:
    with TestClient(
        _app(store, _pipeline_toml(tmp_path, "[input]\nmax_file_mb = 0.001\n"))
    ) as client:
        huge = {"text": "x" * 200_000, "published_at": "2023-09-27"}
        response = client.post("/api/documents", json=huge)  # over the body cap: not read
        assert response.status_code == 413
        assert "max_file_mb" in response.json()["fix"]
        big = {"text": REPORT + " padding" * 200, "published_at": "2023-09-27"}
        response = client.post("/api/documents", json=big)  # under the body cap, over the limit
        assert _loc(response) == [["body", "text"]]
        assert "max_file_mb" in response.json()["detail"][0]["msg"]
