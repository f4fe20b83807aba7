"""/api/users, /api/orgs, /api/tokens, /api/audit: an organisation's own people and log.

An admin manages the users of their own organisation only: another organisation's
users answer 404, as if they did not exist. Nobody changes their own role.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from rasd.access import auth
from rasd.api.aschemas import (
    AuditOut,
    NewToken,
    OrgOut,
    OrgPatch,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from rasd.api.audit import record_write
from rasd.api.deps import AccessDep, PrincipalDep, SettingsDep
from rasd.exceptions import Forbidden, NotFound
from rasd.records import User
from rasd.store.abase import AccessStore

router = APIRouter(tags=["organisation"])


def _own_user(access: AccessStore, admin: User, user_id: str) -> User:
    try:
        user = access.get_user(user_id)
    except NotFound:
        user = None
    if user is None or user.org != admin.org:
        raise NotFound(
            f"user {user_id}", "is not in your organisation", "list them: GET /api/users"
        )
    return user


@router.get("/users", response_model=list[UserOut])
def list_users(principal: PrincipalDep, access: AccessDep) -> list[UserOut]:
    """The users of your organisation (admin)."""
    auth.require(principal.user, "admin")
    return [UserOut.of(u) for u in access.users(principal.user.org)]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, principal: PrincipalDep, access: AccessDep) -> UserOut:
    """Add a user to your organisation (admin). Passwords need 12+ characters."""
    auth.require(principal.user, "admin")
    user = auth.create_user(access, body.username, body.password, principal.user.org, body.role)
    record_write(access, principal, "users", [user.id], f"created {user.username} ({user.role})")
    return UserOut.of(user)


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    user_id: str, body: UserPatch, principal: PrincipalDep, access: AccessDep
) -> UserOut:
    """Change a user's role, disable them, or set a new password (admin). Disabling or a
    new password ends their sessions and revokes their tokens."""
    auth.require(principal.user, "admin")
    user = _own_user(access, principal.user, user_id)
    if user.id == principal.user.id and (body.role or body.disabled):
        raise Forbidden(
            f"user {user.username}",
            "cannot change their own role or disable themselves",
            "ask another admin of your organisation",
        )
    if body.password is not None:
        user = auth.set_password(access, user, body.password)
    user = access.update_user(user.id, role=body.role, disabled=body.disabled)
    changed = body.model_dump(exclude_none=True, exclude={"password"})
    detail = f"{user.username}: {changed}" + (" + new password" if body.password else "")
    record_write(access, principal, "users", [user.id], detail)
    return UserOut.of(user)


@router.get("/orgs", response_model=list[OrgOut])
def list_orgs(principal: PrincipalDep, access: AccessDep) -> list[OrgOut]:
    """Every organisation of this instance (to choose sharing partners)."""
    return [OrgOut.of(o) for o in access.orgs()]


@router.patch("/orgs/me", response_model=OrgOut)
def update_my_org(body: OrgPatch, principal: PrincipalDep, access: AccessDep) -> OrgOut:
    """Rename your organisation or change the marking new reports get (admin)."""
    auth.require(principal.user, "admin")
    org = access.update_org(principal.user.org, name=body.name, default_tlp=body.default_tlp)
    record_write(access, principal, "orgs", [org.id], str(body.model_dump(exclude_none=True)))
    return OrgOut.of(org)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(principal: PrincipalDep, access: AccessDep) -> list[TokenOut]:
    """Your API tokens (never their secrets)."""
    return [TokenOut.of(t) for t in access.tokens(principal.user.id)]


@router.post("/tokens", response_model=NewToken, status_code=201)
def create_token(
    body: TokenIn, principal: PrincipalDep, access: AccessDep, settings: SettingsDep
) -> NewToken:
    """A new API token for you; the secret is in this answer only."""
    info, secret = auth.issue_token(
        access, principal.user, body.name, body.days or settings.token_days
    )
    record_write(access, principal, "tokens", [info.id], f"created {body.name!r}")
    return NewToken(**TokenOut.of(info).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: str, principal: PrincipalDep, access: AccessDep) -> None:
    """Revoke one of your tokens: it stops working at once."""
    access.revoke_token(token_id, principal.user.id)
    record_write(access, principal, "tokens", [token_id], "revoked")


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    principal: PrincipalDep,
    access: AccessDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(description="id of the last entry seen")] = None,
    action: Annotated[str | None, Query(description="read, write, login, login_failed...")] = None,
) -> list[AuditOut]:
    """Your organisation's audit log, newest first (admin): every write, sign-in and
    read of AMBER or RED items."""
    auth.require(principal.user, "admin")
    found = access.audit_log(principal.user.org, limit=limit, before=before, action=action)
    return [AuditOut.of(a) for a in found]
