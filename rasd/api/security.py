"""Who is asking: an API token (``Authorization: Bearer rasd_...``) or a browser session
(the ``rasd_session`` cookie, HttpOnly, SameSite=Strict), checked on every request.

A request signed in by cookie that changes anything (POST, PUT, PATCH, DELETE) must
also carry the session's CSRF token in ``X-CSRF-Token``: another site can make the
browser send the cookie, but cannot read the token. Token requests need no CSRF
token (a browser never adds an Authorization header by itself).

With ``RASD_AUTH=off`` (development only; :meth:`Settings.check_safe` refuses it
elsewhere) every request is the local organisation's admin and sees everything.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from rasd.access import auth
from rasd.exceptions import AuthError, Forbidden
from rasd.records import User

if TYPE_CHECKING:
    from rasd.api.deps import ApiState

SESSION_COOKIE = "rasd_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "token", "session" or "open" (sign-in off)
    csrf: str = ""

    @property
    def open(self) -> bool:
        return self.via == "open"


def client_address(request: Request, trusted_proxies: tuple[str, ...]) -> str:
    """The caller's address: the peer's, unless the peer is a trusted proxy; then the
    rightmost ``X-Forwarded-For`` address that is not a trusted proxy (a client can
    prepend anything to that header, but not what the proxies append after it)."""
    peer = request.client.host if request.client else ""
    if not trusted_proxies or not _trusted(peer, trusted_proxies):
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address, trusted_proxies):
            return address
    return peer


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


def local_admin(org: str) -> User:
    return User(id="local", username="local", org=org, role="admin")


def authenticate(request: Request, state: ApiState) -> Principal:
    """The principal of a request, or AuthError (401) / Forbidden (403, CSRF)."""
    settings = state.settings
    if settings.auth == "off":
        return Principal(local_admin(settings.org), "open")
    store = state.access()
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthError(
                "Authorization header",
                "is not 'Bearer <token>'",
                "send Authorization: Bearer rasd_...",
            )
        return Principal(auth.token_user(store, secret.strip()), "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthError(
            "request", "is not signed in", "sign in (POST /api/auth/login) or send an API token"
        )
    user, csrf = auth.session_user(store, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise Forbidden(
                f"{CSRF_HEADER} header",
                "is missing or does not match this session",
                f"send the csrf token from /api/auth/me in {CSRF_HEADER}",
            )
    return Principal(user, "session", csrf)
