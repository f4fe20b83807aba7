"""The sign-in limit under attack (issue 12, defect 5): parallel guesses never get more
than the limit checked, an admin's password reset lifts the lock, failed sign-ins reach
the target organisation's audit log, and X-Forwarded-For is believed only from a
configured proxy. On the memory store, SQLite and (``-m pg``) PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pg import SQL_KINDS, any_store

from rasd.access import auth, passwords
from rasd.access.auth import LoginPolicy, create_org, create_user, issue_token
from rasd.api.app import create_app
from rasd.config import Settings
from rasd.exceptions import AuthError, RateLimited

PASSWORD = "the-right-passphrase"
LIMIT = 5


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> None:
    passwords.configure(1, 64)


@pytest.fixture(params=["memory", *SQL_KINDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with any_store(request.param, tmp_path) as fresh:
        yield _people(fresh)


def _people(store: Any) -> Any:
    create_org(store, "fed", "Federal", "AMBER")
    create_org(store, "reg", "Regional", "AMBER")
    create_user(store, "ada", PASSWORD, "fed", "admin")
    create_user(store, "bob", PASSWORD, "fed", "analyst")
    create_user(store, "eve", PASSWORD, "reg", "admin")
    return store


def _app(store: Any, **settings: Any) -> Any:
    base = {"auth": "required", "environment": "test", "login_max_failures": LIMIT}
    return create_app(Settings(**{**base, **settings}), store)


def test_api_signin_parallel_guesses_checked_at_most_limit(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 guesses at once, the right one among the last: at most LIMIT reach argon2."""
    checked = 0
    lock = threading.Lock()
    real = passwords.verify_password

    def slow_verify(stored: str, password: str) -> bool:
        nonlocal checked
        with lock:
            checked += 1
        threading.Event().wait(0.05)  # argon2 takes time: the window the race needs
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)
    guesses = [f"wrong-guess-{n:02d}" for n in range(39)] + [PASSWORD]
    policy = LoginPolicy(max_failures=LIMIT, window=timedelta(minutes=15))

    def attempt(n_password: tuple[int, str]) -> str:
        n, password = n_password
        try:
            auth.login(store, "bob", password, f"10.0.{n}.1", policy)
        except RateLimited:
            return "limited"
        except AuthError:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(attempt, enumerate(guesses)))
    assert checked <= LIMIT, f"{checked} guesses reached the password check"
    assert results.count("limited") >= 40 - LIMIT


def test_api_signin_admin_reset_lifts_the_lock(store: Any) -> None:
    app = _app(store, login_max_failures=2)
    with TestClient(app) as c:
        for _ in range(3):
            c.post("/api/auth/login", json={"username": "bob", "password": "wrong-guess-1"})
        assert (
            c.post("/api/auth/login", json={"username": "bob", "password": PASSWORD}).status_code
            == 429
        )
        admin = store.user_by_name("ada")[0]
        h = {"Authorization": f"Bearer {issue_token(store, admin, 't')[1]}"}
        bob_id = store.user_by_name("bob")[0].id
        new = "a-brand-new-passphrase"
        assert c.patch(f"/api/users/{bob_id}", json={"password": new}, headers=h).status_code == 200
        r = c.post("/api/auth/login", json={"username": "bob", "password": new})
    assert r.status_code == 200, r.text


def test_api_signin_failures_reach_target_org_audit(store: Any) -> None:
    with TestClient(_app(store)) as c:
        c.post("/api/auth/login", json={"username": "bob", "password": "wrong-guess-1"})
        c.post("/api/auth/login", json={"username": "nobody", "password": "wrong-guess-1"})
    fed = store.audit_log("fed", action="login_failed")
    assert len(fed) == 1 and "bob" in fed[0].detail
    assert store.audit_log("reg", action="login_failed") == []


@pytest.mark.parametrize(
    ("proxies", "expected"), [((), "10.9.9.9"), (("10.9.0.0/16",), "203.0.113.7")]
)
def test_api_signin_forwarded_for_only_from_trusted_proxy(
    store: Any, proxies: tuple[str, ...], expected: str
) -> None:
    app = _app(store, trusted_proxies=proxies)
    with TestClient(app, client=("10.9.9.9", 4000)) as c:
        c.post(
            "/api/auth/login",
            json={"username": "bob", "password": "wrong-guess-1"},
            headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"},
        )
    (entry,) = store.audit_log("fed", action="login_failed")
    assert entry.detail.endswith(f"from {expected}")


def test_api_signin_spoofed_forwarded_for_cannot_dodge_address_limit(store: Any) -> None:
    app = _app(store, login_max_failures=2)
    with TestClient(app, client=("10.9.9.9", 4000)) as c:
        for n, name in enumerate(["ada", "bob", "eve", "ada"]):
            r = c.post(
                "/api/auth/login",
                json={"username": name, "password": "wrong-guess-1"},
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
            )
    assert r.status_code == 429


def test_api_signin_serve_leaves_forwarded_headers_to_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """uvicorn must not rewrite the client address from X-Forwarded-For itself (it
    trusts 127.0.0.1 by default): the app decides, from RASD_TRUSTED_PROXIES."""
    import uvicorn

    from rasd.api import server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.sqlite'}", environment="test")
    server.serve(settings, announce=lambda _line: None)
    assert seen["proxy_headers"] is False
