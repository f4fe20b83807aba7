"""Sign-in, tokens and roles: plain functions over an AccessStore (the API and CLI call them).

* ``login`` records the attempt and checks the rate limit first (failures per username,
  whatever its case, and per client address in a sliding window), then the argon2 hash; a wrong password, an unknown user and a
  disabled user fail alike (``AuthError``), so a caller cannot tell which.
* A session is a random secret (the cookie) plus a CSRF token; the store keeps digests.
* ``require`` is the role check: viewer < analyst < admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import ValidationError

from rasd.access import passwords, tokens
from rasd.exceptions import AuthError, Forbidden, RasdError, RateLimited
from rasd.records import ROLES, Org, User
from rasd.store.abase import AccessStore, TokenInfo

R = TypeVar("R", Org, User)


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5  # per username, and per address, within the window
    window: timedelta = timedelta(minutes=15)
    session_hours: int = 12


@dataclass(frozen=True)
class Session:
    user: User
    secret: str  # the cookie value: shown once, never stored
    csrf: str
    expires_at: datetime


def now() -> datetime:
    return datetime.now(UTC)


def login(
    store: AccessStore,
    username: str,
    password: str,
    address: str,
    policy: LoginPolicy = LoginPolicy(),
) -> Session:
    """A new session for the user, or AuthError / RateLimited (nothing else is said)."""
    at = now()
    _reserve_attempt(store, username, address, at, policy)
    found = store.user_by_name(username)
    user, good = None, False
    if found is not None:
        user, stored_hash = found
        good = passwords.verify_password(stored_hash, password) and not user.disabled
    else:
        passwords.verify_password(_DUMMY_HASH(), password)  # same work: no timing oracle
    if user is None or not good:  # the reserved attempt stays, as a failure
        raise AuthError("login", "the username or password is wrong", "check both and retry")
    store.clear_login_failures(limit_key(username))
    return _new_session(store, user, at, policy)


def limit_key(username: str) -> str:
    """Failures count per username whatever its case (usernames are case-insensitive)."""
    return username.lower()


def _reserve_attempt(
    store: AccessStore, username: str, address: str, at: datetime, policy: LoginPolicy
) -> None:
    """Record the attempt as a failure *before* the password is checked (committed), then
    count: of parallel attempts, the n-th to commit counts at least n, so at most
    ``max_failures`` ever reach the check. A success clears them; an attempt refused
    here counts too (guessing on while locked keeps the lock)."""
    store.add_login_failure(limit_key(username), address, at)
    by_name, by_address = store.login_failures(
        username=limit_key(username), address=address, since=at - policy.window
    )
    if max(by_name, by_address) > policy.max_failures:
        raise RateLimited(
            f"login for {username!r}",
            f"has failed {policy.max_failures} times in {_minutes(policy.window)} minutes",
            f"wait {_minutes(policy.window)} minutes, or ask an admin to reset the password",
            retry_after=int(policy.window.total_seconds()),
        )


def _new_session(store: AccessStore, user: User, at: datetime, policy: LoginPolicy) -> Session:
    secret, csrf = tokens.new_secret(), tokens.new_secret()
    expires = at + timedelta(hours=policy.session_hours)
    store.add_session(user.id, tokens.digest(secret), csrf, expires)
    return Session(user, secret, csrf, expires)


def _minutes(window: timedelta) -> int:
    return int(window.total_seconds() // 60)


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - reads as a constant, computed once on first use
    if not _dummy:
        _dummy.append(passwords.hash_password("not-a-real-password-" + tokens.new_id()))
    return _dummy[0]


def session_user(store: AccessStore, secret: str) -> tuple[User, str]:
    """(user, csrf token) of a session cookie, or AuthError."""
    info = store.session_user(tokens.digest(secret), now())
    if info is None:
        raise AuthError("session", "has expired or was ended", "sign in again")
    return info.user, info.csrf


def token_user(store: AccessStore, secret: str) -> User:
    user = store.token_user(tokens.digest(secret), now())
    if user is None:
        raise AuthError(
            "API token", "is unknown, expired or revoked", "create a new one: rasd token create"
        )
    return user


def issue_token(
    store: AccessStore, user: User, name: str, days: int | None = 90
) -> tuple[TokenInfo, str]:
    """A new API token for the user: (its record, the secret, shown this once)."""
    secret = tokens.new_secret(tokens.TOKEN_PREFIX)
    expires = None if days is None else now() + timedelta(days=days)
    return store.add_token(user.id, name, tokens.digest(secret), expires), secret


def require(user: User, role: str) -> None:
    """Forbidden unless the user's role is ``role`` or above."""
    if ROLES.index(user.role) < ROLES.index(role):
        raise Forbidden(
            f"user {user.username}",
            f"has the {user.role} role; this needs {role}",
            f"ask an admin of organisation {user.org!r} for the {role} role",
        )


def create_user(store: AccessStore, username: str, password: str, org: str, role: str) -> User:
    """Check the password policy, hash it, and store the user (NotFound for an unknown org)."""
    passwords.check_password(password, username)
    store.get_org(org)
    user = _valid(
        User, f"user {username}", id=tokens.new_id(), username=username, org=org, role=role,
        created_at=now(),
    )  # fmt: skip
    return store.create_user(user, passwords.hash_password(password))


def update_user(
    store: AccessStore, user: User, *, role: str | None = None, disabled: bool | None = None
) -> User:
    """A new role or sign-in allowed/stopped (disabling ends sessions and revokes tokens)."""
    if role is not None and role not in ROLES:
        raise RasdError(f"role {role!r}", "is not a role", f"use one of {', '.join(ROLES)}")
    return store.update_user(user.id, role=role, disabled=disabled)


def _valid(kind: type[R], subject: str, **fields: object) -> R:
    """The record, or a RasdError naming the bad field and the fix (not pydantic's text)."""
    try:
        return kind.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RasdError(
            f"{subject}: {where}", first["msg"].removeprefix("Value error, "), "correct it"
        ) from None


def set_password(store: AccessStore, user: User, password: str) -> User:
    """A new password; every session and token of the user ends, and a sign-in lock on
    the user is lifted."""
    passwords.check_password(password, user.username)
    updated = store.update_user(user.id, password_hash=passwords.hash_password(password))
    store.clear_login_failures(limit_key(user.username))
    return updated


def create_org(store: AccessStore, org_id: str, name: str, default_tlp: str) -> Org:
    org = _valid(Org, f"organisation {org_id!r}", id=org_id, name=name, default_tlp=default_tlp)
    return store.create_org(org)
