"""Hardening of the API (issue 12, defects 13, 17 and 11): headers on every answer (500s
too), no caching of what may be AMBER or RED, no version for strangers, no username
oracle across organisations, usernames unique whatever their case, sharing and feeds
that are refused clearly, and NUL characters refused before they reach PostgreSQL.
Each runs on the memory store, SQLite and (``-m pg``) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pg import SQL_KINDS, any_store

from rasd.access import passwords
from rasd.access.auth import create_org, create_user, issue_token
from rasd.api.app import create_app
from rasd.config import Settings
from rasd.records import Document

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> None:
    passwords.configure(1, 64)


@pytest.fixture(params=["memory", *SQL_KINDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """fed (ada admin, bob analyst) and reg (eve admin); one RED report of fed."""
    with any_store(request.param, tmp_path) as fresh:
        yield _people(fresh)


def _people(store: Any) -> Any:
    create_org(store, "fed", "Federal", "AMBER")
    create_org(store, "reg", "Regional", "AMBER")
    create_user(store, "ada", PASSWORD, "fed", "admin")
    create_user(store, "bob", PASSWORD, "fed", "analyst")
    create_user(store, "eve", PASSWORD, "reg", "admin")
    doc = Document.from_text("A RED report kept by fed about Kirkuk.", org="fed", tlp="RED")
    store.add(doc, [])
    return store


def _app(store: Any, **settings: Any) -> Any:
    return create_app(Settings(**{"auth": "required", "environment": "test", **settings}), store)


@pytest.fixture
def client(store: Any) -> Iterator[TestClient]:
    with TestClient(_app(store), raise_server_exceptions=False) as c:
        yield c


def bearer(store: Any, name: str) -> dict[str, str]:
    found = store.user_by_name(name)
    assert found is not None
    return {"Authorization": f"Bearer {issue_token(store, found[0], 't')[1]}"}


# -- headers ---------------------------------------------------------------------------------


def test_api_hardening_500_has_security_headers(store: Any) -> None:
    def broken() -> None:
        raise RuntimeError("a bug deep inside")

    app = _app(store)
    app.router.add_api_route("/api/broken", broken)
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the UI mounted at /
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/broken", headers=bearer(store, "bob"))
    assert r.status_code == 500
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "a bug deep inside" not in r.text and "Traceback" not in r.text
    assert r.json()["fix"]


def test_api_hardening_red_json_not_cached(client: TestClient, store: Any) -> None:
    doc_id = next(iter(store.documents())).id
    h = bearer(store, "bob")
    for path in ("/api/events", "/api/auth/me", f"/api/documents/{doc_id}"):
        r = client.get(path, headers=h)
        assert r.headers.get("cache-control") == "no-store", (path, r.status_code)


def test_api_hardening_hsts_in_production_only(store: Any) -> None:
    with TestClient(_app(store, environment="production")) as c:
        assert "max-age=" in c.get("/api/config").headers["strict-transport-security"]
    with TestClient(_app(store)) as c:
        assert "strict-transport-security" not in c.get("/api/config").headers


def test_api_hardening_config_hides_version_from_strangers(client: TestClient, store: Any) -> None:
    from rasd import __version__

    anonymous = client.get("/api/config")
    assert anonymous.status_code == 200
    assert anonymous.json()["version"] is None
    assert __version__ not in anonymous.text
    assert client.get("/api/config", headers=bearer(store, "bob")).json()["version"] == __version__


# -- users -----------------------------------------------------------------------------------


def _new_user(client: TestClient, h: dict[str, str], name: str) -> Any:
    return client.post(
        "/api/users", json={"username": name, "password": PASSWORD, "role": "viewer"}, headers=h
    )


def test_api_hardening_username_elsewhere_answers_like_one_at_home(
    client: TestClient, store: Any
) -> None:
    """ada (fed) cannot tell eve (reg) exists from a refusal that differs from bob's (fed)."""
    h = bearer(store, "ada")
    elsewhere, at_home = _new_user(client, h, "eve"), _new_user(client, h, "bob")
    assert elsewhere.status_code == at_home.status_code == 409
    assert elsewhere.json() == {**at_home.json(), "subject": elsewhere.json()["subject"]}
    assert "reg" not in elsewhere.text and "update the existing" not in elsewhere.text


@pytest.mark.parametrize("name", ["ADA", "Bob", "eVe"])
def test_api_hardening_usernames_unique_whatever_the_case(
    client: TestClient, store: Any, name: str
) -> None:
    r = _new_user(client, bearer(store, "ada"), name)
    assert r.status_code == 409, r.text
    assert len([u for u in store.users() if u.username.lower() == name.lower()]) == 1


def test_api_hardening_case_variant_cannot_sneak_past_the_sign_in_limit(
    store: Any,
) -> None:
    """Each guess from another address: only the per-username count can stop them."""
    app = _app(store, login_max_failures=2)
    for n, name in enumerate(["bob", "BOB", "Bob", "bOb"]):
        with TestClient(app, client=(f"10.0.0.{n}", 5000)) as c:
            r = c.post("/api/auth/login", json={"username": name, "password": "wrong-guess-12"})
    assert r.status_code == 429, r.text


# -- sharing ---------------------------------------------------------------------------------


def test_api_hardening_share_with_own_org_is_422(client: TestClient, store: Any) -> None:
    r = client.post(
        "/api/shares", json={"partner": "fed", "kind": "feed"}, headers=bearer(store, "bob")
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "partner"]


@pytest.mark.parametrize(
    ("field", "value"), [("sub_event_type", "Alien invasion"), ("event_type", "Riot")]
)
def test_api_hardening_feed_with_unknown_type_is_422(
    client: TestClient, store: Any, field: str, value: str
) -> None:
    body = {"partner": "reg", "kind": "feed", field: [value]}
    r = client.post("/api/shares", json=body, headers=bearer(store, "bob"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]
    assert "use one of" in r.json()["detail"][0]["msg"]


# -- NUL characters (PostgreSQL answered 503 "database unreachable") --------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/events?country=Ira%00q",
        "/api/events?q=%00",
        "/api/actors?q=a%00",
        "/api/events/abc%00def",
        "/api/places?admin1=%00",
    ],
)
def test_api_hardening_nul_in_url_is_422(client: TestClient, store: Any, path: str) -> None:
    for headers in ({}, bearer(store, "bob")):  # before sign-in too
        r = client.get(path, headers=headers)
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert "NUL" in r.json()["detail"][0]["msg"]


def test_api_hardening_nul_in_login_is_422(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "ad\x00a", "password": "x"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "username"]


def test_api_hardening_nul_in_body_field_names_it(client: TestClient, store: Any) -> None:
    r = client.post(
        "/api/shares",
        json={"partner": "reg", "kind": "feed", "name": "weekly\x00"},
        headers=bearer(store, "bob"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "name"]


def test_api_hardening_nul_in_report_title_is_422(client: TestClient, store: Any) -> None:
    body = {"text": "A report about Kirkuk.", "title": "Kirkuk\x00", "published_at": "2023-09-27"}
    r = client.post("/api/documents", json=body, headers=bearer(store, "bob"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "title"]
