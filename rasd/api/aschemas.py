"""API shapes for sign-in, users, organisations, tokens, shares and the audit log.

Password hashes, token digests and session ids never appear in any of them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from rasd.api.schemas import InSchema, Schema
from rasd.records import AuditEntry, Org, Share, User
from rasd.store.abase import TokenInfo

Role = Literal["viewer", "analyst", "admin"]
Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


class LoginIn(InSchema):
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(Schema):
    id: str
    username: str
    org: str
    role: str
    disabled: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id, username=user.username, org=user.org, role=user.role, disabled=user.disabled
        )


class Me(Schema):
    user: UserOut
    org_name: str
    default_tlp: str
    csrf: str = Field("", description="send it in X-CSRF-Token with every POST/PATCH/DELETE")
    auth: str = Field(description="required, or off (development: no sign-in)")


class UserIn(InSchema):
    username: str = Field(min_length=1, max_length=255, pattern=r"^[\w.@+-]+$")
    password: str = Field(min_length=1, max_length=1024)
    role: Role = "viewer"


class UserPatch(InSchema):
    role: Role | None = None
    disabled: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=1024)


class OrgOut(Schema):
    id: str
    name: str
    default_tlp: str

    @classmethod
    def of(cls, org: Org) -> OrgOut:
        return cls(id=org.id, name=org.name, default_tlp=org.default_tlp)


class OrgPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=255)
    default_tlp: Tlp | None = None


class TokenIn(InSchema):
    name: str = Field("", max_length=255)
    days: int | None = Field(None, ge=1, le=3650, description="lifetime (default RASD_TOKEN_DAYS)")


class TokenOut(Schema):
    id: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, t: TokenInfo) -> TokenOut:
        return cls(
            id=t.id,
            name=t.name,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
        )


class NewToken(TokenOut):
    token: str = Field(description="the secret: shown this once, store it now")


class ShareIn(InSchema):
    partner: str = Field(min_length=1, description="the organisation to share with")
    kind: Literal["event", "document", "feed"]
    target: str | None = Field(None, description="event or document id (kind event/document)")
    name: str = Field("", max_length=255)
    # kind feed: the saved query (the filters of GET /api/events)
    since: date | None = None
    until: date | None = None
    event_type: list[str] = []
    sub_event_type: list[str] = []
    actor: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    q: str | None = None
    person: str | None = None


class ShareOut(Schema):
    id: int
    org: str
    partner: str
    kind: str
    target: str | None
    query: dict[str, object] | None
    name: str
    created_by: str
    created_at: datetime | None
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, s: Share) -> ShareOut:
        assert s.id is not None
        return cls(
            id=s.id,
            org=s.org,
            partner=s.partner,
            kind=s.kind,
            target=s.target,
            query=None if s.query is None else json.loads(s.query),
            name=s.name,
            created_by=s.created_by,
            created_at=s.created_at,
            withdrawn_at=s.withdrawn_at,
        )


class AuditOut(Schema):
    id: int
    at: datetime | None
    user: str
    action: str
    resource: str
    items: list[str]
    count: int
    tlp: str
    detail: str

    @classmethod
    def of(cls, a: AuditEntry) -> AuditOut:
        assert a.id is not None
        return cls(
            id=a.id,
            at=a.at,
            user=a.user,
            action=a.action,
            resource=a.resource,
            items=list(a.items),
            count=a.count,
            tlp=a.tlp,
            detail=a.detail,
        )
