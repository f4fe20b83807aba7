"""/api/auth: sign in (a session cookie and a CSRF token), sign out, who am I."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from rasd.access import auth
from rasd.access.tokens import digest
from rasd.api.aschemas import LoginIn, Me, UserOut
from rasd.api.audit import record_write
from rasd.api.deps import AccessDep, PrincipalDep, StateDep
from rasd.api.security import SESSION_COOKIE, Principal, client_address
from rasd.exceptions import RasdError
from rasd.records import AuditEntry
from rasd.store.abase import AccessStore

router = APIRouter(tags=["auth"])


def _policy(state: StateDep) -> auth.LoginPolicy:
    s = state.settings
    return auth.LoginPolicy(
        s.login_max_failures, timedelta(minutes=s.login_window_minutes), s.session_hours
    )


@router.post("/auth/login", response_model=Me)
def login(body: LoginIn, request: Request, response: Response, state: StateDep) -> Me:
    """Sign in. Sets the ``rasd_session`` cookie (HttpOnly, SameSite=Strict) and returns
    the CSRF token to send in ``X-CSRF-Token`` with every change. After
    ``RASD_LOGIN_MAX_FAILURES`` failures for a username or from an address within
    ``RASD_LOGIN_WINDOW_MINUTES``, answers 429 with ``Retry-After``."""
    access = state.access()
    address = client_address(request, state.settings.trusted_proxies)
    try:
        session = auth.login(access, body.username, body.password, address, _policy(state))
    except RasdError:
        _audit_failure(access, body.username, address)
        raise
    response.set_cookie(
        SESSION_COOKIE,
        session.secret,
        max_age=state.settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=state.settings.environment == "production",
        path="/",
    )
    principal = Principal(session.user, "session", session.csrf)
    record_write(access, principal, "auth", action="login", detail=f"from {address}")
    return _me(access, principal, state.settings.auth)


def _audit_failure(access: AccessStore, username: str, address: str) -> None:
    """In the log of the organisation of the user named (its admins see the attack);
    a username nobody has goes to the log of no organisation."""
    found = access.user_by_name(username)
    org = found[0].org if found is not None else ""
    user = found[0].id if found is not None else ""
    entry = AuditEntry(
        org=org, user=user, action="login_failed", resource="auth",
        detail=f"{username!r} from {address}",
    )  # fmt: skip
    access.audit([entry])


@router.post("/auth/logout", status_code=204)
def logout(
    request: Request, response: Response, principal: PrincipalDep, access: AccessDep
) -> None:
    """End this browser session (the cookie stops working at once)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        access.end_session(digest(cookie))
    response.delete_cookie(SESSION_COOKIE, path="/")
    if not principal.open:
        record_write(access, principal, "auth", action="logout")


@router.get("/auth/me", response_model=Me)
def me(principal: PrincipalDep, state: StateDep) -> Me:
    """The signed-in user, their organisation and the session's CSRF token."""
    return _me(state.access(), principal, state.settings.auth)


def _me(access: AccessStore, principal: Principal, mode: str) -> Me:
    org = access.get_org(principal.user.org)
    return Me(
        user=UserOut.of(principal.user),
        org_name=org.name,
        default_tlp=org.default_tlp,
        csrf=principal.csrf,
        auth=mode,
    )
