"""Sign-in and authorisation of the API (issue 6): passwords and rate limits, sessions and
tokens that end, CSRF on cookie-authenticated changes, cookie flags, and what each role
may not do. Every test runs with sign-in required (the default), on each store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pg import SQL_KINDS, any_store

from rasd.access import passwords, tokens
from rasd.access.auth import create_org, create_user, issue_token
from rasd.api.app import create_app
from rasd.config import Settings
from rasd.exceptions import ConfigError
from rasd.records import Document

PASSWORDS = {
    "ada": "first-correct-passphrase",
    "bob": "second-correct-passphrase",
    "cyd": "third-correct-passphrase",
    "eve": "other-org-correct-passphrase",
}
ROLES = {"ada": ("fed", "admin"), "bob": ("fed", "analyst"), "cyd": ("fed", "viewer")}
ROLES["eve"] = ("reg", "admin")


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> None:
    passwords.configure(1, 64)


@pytest.fixture(params=["memory", *SQL_KINDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Organisations fed (ada admin, bob analyst, cyd viewer) and reg (eve admin)."""
    with any_store(request.param, tmp_path) as fresh:
        yield _people(fresh)


def _people(store: Any) -> Any:
    create_org(store, "fed", "Federal", "AMBER")
    create_org(store, "reg", "Regional", "AMBER")
    for name, (org, role) in ROLES.items():
        create_user(store, name, PASSWORDS[name], org, role)
    return store


def app_for(store: Any, **settings: Any) -> Any:
    """The API with sign-in required (the default), in the test environment unless told."""
    return create_app(Settings(**{"auth": "required", "environment": "test", **settings}), store)


@pytest.fixture
def client(store: Any) -> Iterator[TestClient]:
    with TestClient(app_for(store, login_max_failures=3)) as c:
        yield c


def login(c: TestClient, name: str, password: str | None = None) -> Any:
    return c.post(
        "/api/auth/login", json={"username": name, "password": password or PASSWORDS[name]}
    )


def signed_in(c: TestClient, name: str) -> dict[str, str]:
    """Sign ``name`` in on ``c`` (its cookie jar); the CSRF header for changes."""
    r = login(c, name)
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf"]}


def bearer(store: Any, name: str, days: int | None = 1) -> dict[str, str]:
    user = store.user_by_name(name)[0]
    return {"Authorization": f"Bearer {issue_token(store, user, 'test', days)[1]}"}


def user_id(store: Any, name: str) -> str:
    return str(store.user_by_name(name)[0].id)


# -- passwords and the rate limit ------------------------------------------------------------


def test_api_auth_wrong_password_and_unknown_user_answer_alike(client: TestClient) -> None:
    wrong = login(client, "ada", "not-adas-passphrase")
    unknown = login(client, "nobody-here", "whatever-passphrase")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert "rasd_session" not in wrong.headers.get("set-cookie", "")


def test_api_auth_nothing_is_read_without_credentials(client: TestClient) -> None:
    for headers in (
        {},
        {"Authorization": "Basic YWRhOmFkYQ=="},
        {"Authorization": "Bearer rasd_x"},
    ):
        for path in ("/api/events", "/api/stats", "/api/exports/jsonl", "/api/auth/me"):
            assert client.get(path, headers=headers).status_code == 401, (path, headers)


def test_api_auth_rate_limit_by_username(client: TestClient, store: Any) -> None:
    app = client.app
    for n in range(3):  # from three addresses: only the username's count reaches the limit
        with TestClient(app, client=(f"10.0.0.{n}", 1000)) as other:
            assert login(other, "ada", "wrong-passphrase-x").status_code == 401
    with TestClient(app, client=("10.0.0.9", 1000)) as fresh:
        limited = login(fresh, "ada")  # the right password, too late
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert login(fresh, "bob").status_code == 200  # another user from a fresh address


def test_api_auth_rate_limit_by_address(client: TestClient) -> None:
    for name in ("u1", "u2", "u3"):
        assert login(client, name, "wrong-passphrase-x").status_code == 401
    limited = login(client, "ada")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    with TestClient(client.app, client=("10.0.0.7", 1000)) as elsewhere:
        assert login(elsewhere, "ada").status_code == 200


def test_api_auth_success_resets_the_username_count(client: TestClient) -> None:
    app = client.app
    with TestClient(app, client=("10.0.1.1", 1)) as a, TestClient(app, client=("10.0.1.2", 1)) as b:
        for _ in range(2):
            assert login(a, "bob", "wrong-passphrase-x").status_code == 401
        assert login(b, "bob").status_code == 200  # resets bob's count
        for _ in range(2):
            assert login(b, "bob", "wrong-passphrase-x").status_code == 401
    with TestClient(app, client=("10.0.1.3", 1)) as c:
        assert login(c, "bob").status_code == 200  # 4 failures in all, 2 since the success


# -- tokens and sessions that end --------------------------------------------------------------


def test_api_auth_expired_token_and_session(client: TestClient, store: Any) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    secret = tokens.new_secret(tokens.TOKEN_PREFIX)
    store.add_token(user_id(store, "ada"), "old", tokens.digest(secret), past)
    assert (
        client.get("/api/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    cookie = tokens.new_secret()
    store.add_session(user_id(store, "ada"), tokens.digest(cookie), "csrf", past)
    client.cookies.set("rasd_session", cookie)
    assert client.get("/api/auth/me").status_code == 401


def test_api_auth_revoked_token_stops_at_once(client: TestClient, store: Any) -> None:
    h = bearer(store, "bob")
    made = client.post("/api/tokens", json={"name": "ci"}, headers=h)
    assert made.status_code == 201
    second = {"Authorization": f"Bearer {made.json()['token']}"}
    assert client.get("/api/events", headers=second).status_code == 200
    assert client.delete(f"/api/tokens/{made.json()['id']}", headers=h).status_code == 204
    assert client.get("/api/events", headers=second).status_code == 401
    assert client.get("/api/events", headers=h).status_code == 200  # the other one still works


def test_api_auth_disabled_user_is_locked_out(client: TestClient, store: Any) -> None:
    token = bearer(store, "bob")
    session = TestClient(client.app)
    signed_in(session, "bob")
    admin = bearer(store, "ada")
    r = client.patch(f"/api/users/{user_id(store, 'bob')}", json={"disabled": True}, headers=admin)
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert client.get("/api/events", headers=token).status_code == 401
    assert session.get("/api/auth/me").status_code == 401
    assert login(client, "bob").json() == login(client, "bob", "wrong-passphrase-x").json()
    r = client.patch(f"/api/users/{user_id(store, 'bob')}", json={"disabled": False}, headers=admin)
    assert r.status_code == 200 and r.json()["disabled"] is False
    assert client.get("/api/events", headers=token).status_code == 401  # revoked for good
    assert session.get("/api/auth/me").status_code == 401


def test_api_auth_password_change_ends_sessions_and_tokens(client: TestClient, store: Any) -> None:
    token = bearer(store, "bob")
    session = TestClient(client.app)
    signed_in(session, "bob")
    admin = bearer(store, "ada")
    new = "brand-new-passphrase-2"
    r = client.patch(f"/api/users/{user_id(store, 'bob')}", json={"password": new}, headers=admin)
    assert r.status_code == 200
    assert session.get("/api/auth/me").status_code == 401
    assert client.get("/api/events", headers=token).status_code == 401
    assert login(client, "bob").status_code == 401
    assert login(client, "bob", new).status_code == 200


def test_api_auth_logout_ends_the_session(client: TestClient) -> None:
    csrf = signed_in(client, "cyd")
    cookie = client.cookies.get("rasd_session") or ""
    assert cookie and client.post("/api/auth/logout", headers=csrf).status_code == 204
    client.cookies.set("rasd_session", cookie)  # a copy kept by an attacker
    assert client.get("/api/auth/me").status_code == 401


# -- CSRF and cookies ----------------------------------------------------------------------------


def test_api_auth_cookie_changes_need_the_csrf_token(client: TestClient, store: Any) -> None:
    csrf = signed_in(client, "ada")
    changes: list[tuple[str, str, dict[str, str] | None]] = [
        ("POST", "/api/tokens", {"name": "x"}),
        ("PATCH", f"/api/users/{user_id(store, 'cyd')}", {"role": "analyst"}),
        ("PATCH", "/api/orgs/me", {"name": "Renamed"}),
        ("POST", "/api/shares", {"partner": "reg", "kind": "feed"}),
        ("POST", "/api/auth/logout", None),
    ]
    for method, path, body in changes:
        for headers in ({}, {"X-CSRF-Token": "not-the-token"}, {"X-CSRF-Token": ""}):
            r = client.request(method, path, headers=headers, json=body)
            assert r.status_code == 403, (method, path, headers, r.text)
    made = client.post("/api/tokens", json={"name": "x"}, headers=csrf)
    assert made.status_code == 201
    bad = client.delete(f"/api/tokens/{made.json()['id']}")
    assert bad.status_code == 403
    assert client.delete(f"/api/tokens/{made.json()['id']}", headers=csrf).status_code == 204
    assert client.get("/api/users").status_code == 200  # reads need no CSRF token
    roles = {u["username"]: u["role"] for u in client.get("/api/users").json()}
    assert roles["cyd"] == "viewer"  # nothing above changed it


def test_api_auth_bearer_changes_need_no_csrf(client: TestClient, store: Any) -> None:
    h = bearer(store, "ada")
    assert client.post("/api/tokens", json={"name": "x"}, headers=h).status_code == 201
    r = client.post("/api/shares", json={"partner": "reg", "kind": "feed"}, headers=h)
    assert r.status_code == 201, r.text
    assert client.get("/api/auth/me", headers=h).json()["csrf"] == ""


def test_api_auth_session_cookie_flags(store: Any) -> None:
    with TestClient(app_for(store)) as c:
        cookie = login(c, "ada").headers["set-cookie"].lower()
    assert "rasd_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "path=/" in cookie and "max-age=" in cookie and "secure" not in cookie
    production = app_for(store, environment="production")
    with TestClient(production, base_url="https://testserver") as c:
        cookie = login(c, "ada").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


@pytest.mark.parametrize("environment", ["production", "test"])
def test_api_auth_off_refused_outside_development(environment: Any) -> None:
    with pytest.raises(ConfigError, match="RASD_AUTH"):
        create_app(Settings(environment=environment, auth="off"))


def test_api_auth_production_needs_no_secret_key() -> None:
    """RASD_SECRET_KEY is gone (it signed nothing); production starts without it."""
    create_app(Settings(environment="production"))


# -- roles and organisations --------------------------------------------------------------------


def test_api_auth_viewer_cannot_write_or_administer(client: TestClient, store: Any) -> None:
    h = bearer(store, "cyd")
    doc = Document.from_text("A report kept by fed about Kirkuk.", org="fed", tlp="AMBER")
    store.add(doc, [])
    refused = [
        (
            "POST",
            "/api/documents",
            {"text": "Gunmen attacked a checkpoint.", "published_at": "2024-01-01"},
        ),
        (
            "POST",
            "/api/corrections",
            {"action": "revert", "reverts": 1, "analyst": "c", "reason": "r"},
        ),
        ("POST", "/api/shares", {"partner": "reg", "kind": "document", "target": doc.id}),
        ("POST", "/api/users", {"username": "mallory", "password": "mallory-passphrase"}),
        ("PATCH", f"/api/users/{user_id(store, 'cyd')}", {"role": "admin"}),
        ("PATCH", "/api/orgs/me", {"default_tlp": "CLEAR"}),
        ("GET", "/api/users", None),
        ("GET", "/api/audit", None),
    ]
    for method, path, body in refused:
        r = client.request(method, path, json=body, headers=h)
        assert r.status_code == 403, (method, path, r.text)
    assert client.get("/api/auth/me", headers=h).json()["user"]["role"] == "viewer"


def test_api_auth_analyst_cannot_manage_users(client: TestClient, store: Any) -> None:
    h = bearer(store, "bob")
    r = client.post(
        "/api/users",
        json={"username": "mallory", "password": "mallory-passphrase", "role": "admin"},
        headers=h,
    )
    assert r.status_code == 403
    for target in ("bob", "cyd"):
        r = client.patch(f"/api/users/{user_id(store, target)}", json={"role": "admin"}, headers=h)
        assert r.status_code == 403
    assert client.get("/api/users", headers=h).status_code == 403
    assert store.user_by_name("mallory") is None
    assert store.user_by_name("bob")[0].role == "analyst"


def test_api_auth_admin_stays_in_their_organisation(client: TestClient, store: Any) -> None:
    h = bearer(store, "ada")
    eve = user_id(store, "eve")
    unknown = "0" * 32
    for body in ({"role": "viewer"}, {"disabled": True}, {"password": "taken-over-passphrase"}):
        theirs = client.patch(f"/api/users/{eve}", json=body, headers=h)
        missing = client.patch(f"/api/users/{unknown}", json=body, headers=h)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["fix"] == missing.json()["fix"]
    assert login(client, "eve").status_code == 200  # eve untouched
    assert store.user_by_name("eve")[0].role == "admin"
    listed = {u["username"] for u in client.get("/api/users", headers=h).json()}
    assert listed == {"ada", "bob", "cyd"}
    made = client.post(
        "/api/users",
        json={"username": "dan", "password": "fresh-user-passphrase", "org": "reg"},
        headers=h,
    )
    assert made.status_code == 422  # no org field: new users join the admin's own org
    made = client.post(
        "/api/users", json={"username": "dan", "password": "fresh-user-passphrase"}, headers=h
    )
    assert made.status_code == 201 and made.json()["org"] == "fed"


def test_api_auth_admin_cannot_change_own_role(client: TestClient, store: Any) -> None:
    h = bearer(store, "ada")
    me = user_id(store, "ada")
    for body in ({"role": "viewer"}, {"role": "admin"}, {"disabled": True}):
        assert client.patch(f"/api/users/{me}", json=body, headers=h).status_code == 403
    assert store.user_by_name("ada")[0].role == "admin"


def test_api_auth_role_change_takes_effect_at_once(client: TestClient, store: Any) -> None:
    bob = bearer(store, "bob")
    admin = bearer(store, "ada")
    assert (
        client.post("/api/shares", json={"partner": "reg", "kind": "feed"}, headers=bob).status_code
        == 201
    )
    r = client.patch(f"/api/users/{user_id(store, 'bob')}", json={"role": "viewer"}, headers=admin)
    assert r.status_code == 200
    assert (
        client.post("/api/shares", json={"partner": "reg", "kind": "feed"}, headers=bob).status_code
        == 403
    )


def test_api_auth_user_cannot_revoke_another_users_token(client: TestClient, store: Any) -> None:
    ada = bearer(store, "ada")
    made = client.post("/api/tokens", json={"name": "ada-ci"}, headers=ada).json()
    adas = {"Authorization": f"Bearer {made['token']}"}
    for other in ("bob", "eve"):
        r = client.delete(f"/api/tokens/{made['id']}", headers=bearer(store, other))
        missing = client.delete(f"/api/tokens/{'0' * 32}", headers=bearer(store, other))
        assert r.status_code == missing.status_code == 404
        assert r.json()["fix"] == missing.json()["fix"]
    assert client.get("/api/events", headers=adas).status_code == 200  # still valid
    assert made["id"] not in {
        t["id"] for t in client.get("/api/tokens", headers=bearer(store, "bob")).json()
    }
