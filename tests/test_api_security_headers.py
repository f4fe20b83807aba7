"""Untrusted text stays data: hostile titles, notes, actor names and URLs come back verbatim
as JSON, and every response carries the Content-Security-Policy and nosniff headers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from api_seed import new_store
from fastapi.testclient import TestClient
from strategies import KIRKUK, sample_event

from rasd.api import create_app
from rasd.api.app import content_security_policy, tile_source
from rasd.config import Settings
from rasd.exceptions import ConfigError
from rasd.records import Actor, Document, Person
from rasd.taxonomy import ActorType

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(document.cookie)"
TEXT = f"Invented hostile report {SCRIPT} about an arrest in Kirkuk {IMG}."
HOSTILE_DOC = Document.from_text(
    TEXT, source=f"feed {IMG}", url=JS_URL, title=f"Title {SCRIPT}", published_at=date(2023, 9, 27)
)
EVIL = Actor(id="evil", name=f"Group {SCRIPT}", actor_type=ActorType.REBEL_GROUP)
HOSTILE = sample_event(
    HOSTILE_DOC,
    1,
    actor1=EVIL,
    location=f"Kirkuk {IMG}",
    place=KIRKUK.model_copy(update={"name": f"Kirkuk {SCRIPT}"}),
    notes=f"Notes {SCRIPT} {JS_URL}",
    persons=(Person(name=f"Abu {IMG}", role=JS_URL),),
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = new_store(tmp_path)
    store.add(HOSTILE_DOC, [HOSTILE])
    with TestClient(create_app(Settings(auth="off"), store)) as c:
        yield c
    store.close()


def test_api_security_headers_hostile_content_verbatim(client: TestClient) -> None:
    event = client.get(f"/api/events/{HOSTILE.id}")
    assert event.headers["content-type"] == "application/json"
    body = event.json()
    assert body["actor1"]["name"] == f"Group {SCRIPT}"
    assert body["notes"] == f"Notes {SCRIPT} {JS_URL}"
    assert body["location"] == f"Kirkuk {IMG}"
    assert body["place"]["name"] == f"Kirkuk {SCRIPT}"
    assert body["persons"][0] == {
        "name": f"Abu {IMG}",
        "role": JS_URL,
        "nationality": None,
        "actor_id": None,
        "status": None,
        "person_id": None,
    }
    assert body["document"]["url"] == JS_URL
    assert body["document"]["title"] == f"Title {SCRIPT}"
    document = client.get(f"/api/documents/{HOSTILE_DOC.id}").json()
    assert document["text"] == TEXT
    listed = client.get("/api/events", params={"q": "<script>"}).json()
    assert [i["id"] for i in listed["items"]] == [HOSTILE.id]
    actors = client.get("/api/actors", params={"q": "<script"}).json()
    assert actors[0]["name"] == f"Group {SCRIPT}"


@pytest.mark.parametrize(
    "path",
    [
        "/api/events",
        "/api/events/unknown",
        "/api/events?since=bad",
        "/api/exports/acled-csv",
        "/api/config",
        "/openapi.json",
        "/docs",
        "/",
    ],
)
def test_api_security_headers_on_every_response(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_security_headers_docs_page_offline(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "cdn" not in page.lower() and "<script>" not in page  # no CDN, no inline script
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "init.js"):
        assert f"/docs/assets/{asset}" in page
        assert client.get(f"/docs/assets/{asset}").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/events"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://tiles.{s}.example.org/{z}/{x}/{y}.png", "http:"),
    ],
)
def test_api_security_headers_tile_url_allowed(url: str, source: str) -> None:
    assert tile_source(url) == source
    csp = content_security_policy(url)
    assert f"img-src 'self' data: {source};" in csp
    assert f"connect-src 'self' {source}" in csp


@pytest.mark.parametrize("url", ["javascript:alert(1)", "tiles/{z}/{x}/{y}.png", "ftp://x/{z}"])
def test_api_security_headers_tile_url_rejected(url: str) -> None:
    with pytest.raises(ConfigError, match="RASD_TILE_URL"):
        create_app(Settings(tile_url=url, auth="off"))


def test_api_security_headers_config_endpoint(tmp_path: Path) -> None:
    url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    store = new_store(tmp_path)
    with TestClient(create_app(Settings(tile_url=url, auth="off"), store)) as client:
        assert client.get("/api/config").json()["tile_url"] == url
        assert (
            "https://tile.openstreetmap.org" in client.get("/").headers["content-security-policy"]
        )
    with TestClient(create_app(Settings(auth="off"), store)) as client:
        body = client.get("/api/config").json()
        assert body["tile_url"] is None and body["version"]
    store.close()
