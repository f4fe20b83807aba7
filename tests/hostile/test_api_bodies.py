"""Hostile request bodies (issue 12, defects 4 and 6): bodies are capped while they stream,
refused on Content-Length before a byte is read, writes are authenticated before their
body is read, 422 answers never echo what was sent, and a lone surrogate is a 422.

The streaming tests call the ASGI app directly with a counting ``receive``: the test
client reads a whole body before the app sees it, so it could not show where the app
stopped reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from rasd.access import passwords
from rasd.access.auth import create_org, create_user, issue_token
from rasd.api.app import create_app
from rasd.config import Settings
from rasd.store import MemoryStore

CHUNK = 64 * 1024
SECRET = "do-not-echo-this-passphrase"


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> None:
    passwords.configure(1, 64)


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    create_org(store, "fed", "Federal", "AMBER")
    create_user(store, "ada", "first-correct-passphrase", "fed", "analyst")
    return store


def _app(store: MemoryStore, **settings: Any) -> Any:
    return create_app(Settings(**{"auth": "required", "environment": "test", **settings}), store)


@pytest.fixture
def client(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(_app(store)) as c:
        yield c


def _token(store: MemoryStore) -> str:
    user = store.user_by_name("ada")
    assert user is not None
    return issue_token(store, user[0], "t")[1]


def asgi_post(
    app: Any,
    path: str,
    headers: dict[str, str],
    chunks: int,
    chunk: bytes = b"x" * CHUNK,
    first: bytes = b"",
) -> tuple[int, dict[str, str], bytes, int]:
    """POST ``first`` and ``chunks`` chunks to ``app`` as a server would stream them:
    (status, headers, body, how many chunks the app asked for)."""
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > chunks:
            return {"type": "http.disconnect"}
        body = first + chunk if asked == 1 else chunk
        return {"type": "http.request", "body": body, "more_body": asked < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "state": {},
    }  # fmt: skip
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    head = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], head, body, asked


def test_api_bodies_content_length_over_cap_refused_before_reading(store: MemoryStore) -> None:
    app = _app(store)
    headers = {"content-type": "application/json", "content-length": str(100 * 1024 * 1024)}
    status, _, body, asked = asgi_post(app, "/api/auth/login", headers, chunks=1600)
    assert status == 413, body
    assert asked == 0  # refused on the header alone
    detail = json.loads(body)
    assert "RASD_MAX_BODY_KB" in detail["fix"]
    assert "bytes" in detail["detail"]


def test_api_bodies_streamed_body_stops_at_cap(store: MemoryStore) -> None:
    """No Content-Length (chunked): the app stops reading just past the cap."""
    app = _app(store)
    status, _, body, asked = asgi_post(
        app, "/api/auth/login", {"content-type": "application/json"}, chunks=1600
    )
    assert status == 413, body
    assert asked <= 2  # 64 KiB cap, 64 KiB chunks: the second chunk crosses it


def test_api_bodies_cap_is_a_setting(store: MemoryStore) -> None:
    app = _app(store, max_body_kb=256)
    status, _, _, asked = asgi_post(
        app, "/api/auth/login", {"content-type": "application/json"}, chunks=1600
    )
    assert status == 413
    assert 4 <= asked <= 5


def test_api_bodies_multipart_upload_stops_at_document_cap(store: MemoryStore) -> None:
    """A 100 MB upload is cut at the configured document cap (max_file_mb = 10), not
    spooled in full first."""
    app = _app(store)
    headers = {
        "content-type": "multipart/form-data; boundary=xyz",
        "authorization": f"Bearer {_token(store)}",
    }
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="r.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    status, _, body, asked = asgi_post(app, "/api/documents", headers, chunks=1600, first=head)
    assert status == 413, body
    assert asked <= 10 * 16 + 2  # 10 MB + the form overhead, in 64 KiB chunks
    assert "max_file_mb" in json.loads(body)["fix"]


def test_api_bodies_write_authenticated_before_body_is_read(store: MemoryStore) -> None:
    app = _app(store)
    status, head, body, asked = asgi_post(
        app, "/api/shares", {"content-type": "application/json"}, chunks=1, chunk=b"{not json"
    )
    assert status == 401, body
    assert asked == 0
    assert head.get("www-authenticate") == "Bearer"


def test_api_bodies_unsigned_upload_refused_before_body(store: MemoryStore) -> None:
    app = _app(store)
    status, _, _, asked = asgi_post(
        app, "/api/documents", {"content-type": "multipart/form-data; boundary=x"}, chunks=1600
    )
    assert status == 401
    assert asked == 0


def test_api_bodies_422_never_echoes_input(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "u" * 300, "password": SECRET})
    assert r.status_code == 422
    assert SECRET not in r.text
    assert "u" * 300 not in r.text
    assert all("input" not in e for e in r.json()["detail"])
    assert r.json()["detail"][0]["loc"] == ["body", "username"]


def test_api_bodies_422_of_bad_json_never_echoes_input(client: TestClient) -> None:
    r = client.post(
        "/api/auth/login",
        content=b'{"username": "ada", "password": "' + SECRET.encode() + b'"',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert SECRET not in r.text


@pytest.mark.parametrize("field", ["username", "password"])
def test_api_bodies_lone_surrogate_is_422_naming_field(
    store: MemoryStore, client: TestClient, field: str
) -> None:
    values = {"username": "ada", "password": "whatever-passphrase"}
    raw = json.dumps(values).replace(values[field], "\\ud800")
    r = client.post(
        "/api/auth/login", content=raw.encode(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]
    assert "surrogate" in r.json()["detail"][0]["msg"]


def test_api_bodies_lone_surrogate_on_sql_store(tmp_path: Any) -> None:
    """On SQLite a lone surrogate cannot even be encoded: it was a 500."""
    from rasd.store import SqlStore

    sql = SqlStore(f"sqlite:///{tmp_path / 'r.sqlite'}")
    sql.migrate()
    app = create_app(Settings(auth="required", environment="test"), sql)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(
            "/api/auth/login",
            content=b'{"username": "\\ud800", "password": "x"}',
            headers={"content-type": "application/json"},
        )
    sql.close()
    assert r.status_code == 422, r.text


def test_api_bodies_non_utf8_report_is_422(store: MemoryStore, client: TestClient) -> None:
    """Found by the RSS property test: b"\\x80" as a JSON report answered 500."""
    r = client.post(
        "/api/documents",
        content=b"\x80",
        headers={"content-type": "application/json", "authorization": f"Bearer {_token(store)}"},
    )
    assert r.status_code == 422, r.text
    assert "UTF-8" in r.json()["detail"][0]["msg"]
