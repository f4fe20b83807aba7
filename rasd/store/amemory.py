"""The access side of MemoryStore (see :mod:`rasd.store.abase` for the semantics).

Same errors, orders and shaping as :mod:`rasd.store.asql`; like the migration, the
store starts with the ``local`` organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice

from rasd.access.tokens import new_id
from rasd.records import AuditEntry, Org, Share, User
from rasd.store.abase import SessionInfo, TokenInfo
from rasd.store.asql import (
    missing_org,
    missing_share,
    missing_token,
    missing_user,
    org_taken,
    secret_taken,
    shaped_entry,
    user_id_taken,
    user_taken,
)
from rasd.store.common import to_utc
from rasd.taxonomy import LOCAL_ORG


@dataclass(frozen=True)
class _Session:
    user_id: str
    csrf: str
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class _Failure:
    username: str
    address: str
    at: datetime


class AccessMemory:
    """Mixed into MemoryStore; ``_init_access()`` is called from its ``__init__``.

    Containers are only ever changed in place, never rebound: ``MemoryStore.scoped``
    views are shallow copies that must see the same organisations, users and log."""

    def _init_access(self) -> None:
        self._orgs: dict[str, Org] = {LOCAL_ORG: Org(id=LOCAL_ORG, name="Local")}
        self._users: dict[str, User] = {}
        self._hashes: dict[str, str] = {}  # user id -> password hash
        self._tokens: dict[str, TokenInfo] = {}
        self._token_digests: dict[str, str] = {}  # digest -> token id
        self._sessions: dict[str, _Session] = {}  # digest -> session
        self._failures: list[_Failure] = []
        self._shares: list[Share] = []  # id n is at index n - 1
        self._audit: list[AuditEntry] = []  # likewise

    # -- organisations -------------------------------------------------------------------

    def create_org(self, org: Org) -> Org:
        if org.id in self._orgs:
            raise org_taken(org.id)
        self._orgs[org.id] = org
        return org

    def get_org(self, org_id: str) -> Org:
        if org_id not in self._orgs:
            raise missing_org(org_id)
        return self._orgs[org_id]

    def orgs(self) -> list[Org]:
        return [self._orgs[k] for k in sorted(self._orgs)]

    def update_org(
        self, org_id: str, *, name: str | None = None, default_tlp: str | None = None
    ) -> Org:
        org = self.get_org(org_id)
        updated = Org(
            id=org.id,
            name=org.name if name is None else name,
            default_tlp=org.default_tlp if default_tlp is None else default_tlp,
        )
        self._orgs[org_id] = updated
        return updated

    # -- users ---------------------------------------------------------------------------

    def create_user(self, user: User, password_hash: str) -> User:
        self.get_org(user.org)
        if user.id in self._users:
            raise user_id_taken(user.id)
        if self.user_by_name(user.username) is not None:
            raise user_taken(user.username)
        stored = user.model_copy(
            update={"created_at": to_utc(user.created_at or datetime.now(UTC))}
        )
        self._users[user.id] = stored
        self._hashes[user.id] = password_hash
        return stored

    def get_user(self, user_id: str) -> User:
        if user_id not in self._users:
            raise missing_user(user_id)
        return self._users[user_id]

    def user_by_name(self, username: str) -> tuple[User, str] | None:
        for user in self._users.values():
            if user.username.lower() == username.lower():  # case-insensitive, like SqlStore
                return user, self._hashes[user.id]
        return None

    def users(self, org: str | None = None) -> list[User]:
        if org is not None:
            self.get_org(org)
        found = [u for u in self._users.values() if org is None or u.org == org]
        return sorted(found, key=lambda u: u.username)

    def update_user(
        self,
        user_id: str,
        *,
        role: str | None = None,
        disabled: bool | None = None,
        password_hash: str | None = None,
    ) -> User:
        user = self.get_user(user_id)
        updated = User(  # validates the role before anything changes
            id=user.id,
            username=user.username,
            org=user.org,
            role=user.role if role is None else role,
            disabled=user.disabled if disabled is None else disabled,
            created_at=user.created_at,
        )
        self._users[user_id] = updated
        if password_hash is not None:
            self._hashes[user_id] = password_hash
        if disabled or password_hash is not None:
            self._revoke_all(user_id, datetime.now(UTC))
        return updated

    def _revoke_all(self, user_id: str, now: datetime) -> None:
        for token_id, token in self._tokens.items():
            if token.user_id == user_id and token.revoked_at is None:
                self._tokens[token_id] = replace(token, revoked_at=now)
        for digest, session in self._sessions.items():
            if session.user_id == user_id and session.revoked_at is None:
                self._sessions[digest] = replace(session, revoked_at=now)

    def _active(self, user_id: str) -> User | None:
        user = self._users.get(user_id)
        return None if user is None or user.disabled else user

    # -- API tokens ------------------------------------------------------------------------

    def add_token(
        self, user_id: str, name: str, digest: str, expires_at: datetime | None
    ) -> TokenInfo:
        self.get_user(user_id)
        if digest in self._token_digests:
            raise secret_taken("API token")
        token = TokenInfo(
            id=new_id(),
            user_id=user_id,
            name=name,
            created_at=datetime.now(UTC),
            expires_at=None if expires_at is None else to_utc(expires_at),
            revoked_at=None,
        )
        self._tokens[token.id] = token
        self._token_digests[digest] = token.id
        return token

    def tokens(self, user_id: str) -> list[TokenInfo]:
        self.get_user(user_id)
        mine = [t for t in self._tokens.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    def revoke_token(self, token_id: str, user_id: str) -> None:
        token = self._tokens.get(token_id)
        if token is None or token.user_id != user_id:
            raise missing_token(token_id)
        if token.revoked_at is None:
            self._tokens[token_id] = replace(token, revoked_at=datetime.now(UTC))

    def token_user(self, digest: str, now: datetime) -> User | None:
        token = self._tokens.get(self._token_digests.get(digest, ""))
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and token.expires_at <= to_utc(now):
            return None
        return self._active(token.user_id)

    # -- browser sessions ------------------------------------------------------------------

    def add_session(self, user_id: str, digest: str, csrf: str, expires_at: datetime) -> None:
        self.get_user(user_id)
        if digest in self._sessions:
            raise secret_taken("session")
        self._sessions[digest] = _Session(user_id, csrf, to_utc(expires_at))

    def session_user(self, digest: str, now: datetime) -> SessionInfo | None:
        session = self._sessions.get(digest)
        if session is None or session.revoked_at is not None:
            return None
        if session.expires_at <= to_utc(now):
            return None
        user = self._active(session.user_id)
        return None if user is None else SessionInfo(user, session.csrf, session.expires_at)

    def end_session(self, digest: str) -> None:
        session = self._sessions.get(digest)
        if session is not None and session.revoked_at is None:
            self._sessions[digest] = replace(session, revoked_at=datetime.now(UTC))

    # -- login rate limiting -------------------------------------------------------------

    def add_login_failure(self, username: str, address: str, at: datetime) -> None:
        self._failures.append(_Failure(username, address, to_utc(at)))

    def login_failures(self, *, username: str, address: str, since: datetime) -> tuple[int, int]:
        recent = [f for f in self._failures if f.at >= to_utc(since)]
        return (
            sum(1 for f in recent if f.username == username),
            sum(1 for f in recent if f.address == address),
        )

    def clear_login_failures(self, username: str) -> None:
        # In place: a scoped view (a shallow copy of the store) shares these containers.
        self._failures[:] = [f for f in self._failures if f.username != username]

    # -- sharing ---------------------------------------------------------------------------

    def add_share(self, share: Share) -> Share:
        self.get_org(share.org)
        self.get_org(share.partner)
        withdrawn = share.withdrawn_at
        stored = share.model_copy(
            update={
                "id": len(self._shares) + 1,
                "created_at": to_utc(share.created_at or datetime.now(UTC)),
                "withdrawn_at": None if withdrawn is None else to_utc(withdrawn),
            }
        )
        self._shares.append(stored)
        return stored

    def get_share(self, share_id: int) -> Share:
        if not 1 <= share_id <= len(self._shares):
            raise missing_share(share_id)
        return self._shares[share_id - 1]

    def withdraw_share(self, share_id: int, at: datetime) -> Share:
        """Withdrawing a withdrawn share changes nothing (it keeps its first time)."""
        share = self.get_share(share_id)
        if share.withdrawn_at is None:
            share = share.model_copy(update={"withdrawn_at": to_utc(at)})
            self._shares[share_id - 1] = share
        return share

    def shares_by(self, org: str, *, include_withdrawn: bool = False) -> list[Share]:
        self.get_org(org)
        return [
            s
            for s in self._shares
            if s.org == org and (include_withdrawn or s.withdrawn_at is None)
        ]

    def shares_for(self, partner: str) -> list[Share]:
        self.get_org(partner)
        return [s for s in self._shares if s.partner == partner and s.withdrawn_at is None]

    # -- audit log ---------------------------------------------------------------------------

    def audit(self, entries: Sequence[AuditEntry]) -> None:
        """Entries are not checked against the organisations: the log never refuses a line."""
        now = datetime.now(UTC)
        for entry in entries:
            self._audit.append(shaped_entry(entry, len(self._audit) + 1, now))

    def audit_log(
        self, org: str, *, limit: int = 100, before: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        self.get_org(org)
        found = (
            e
            for e in reversed(self._audit)
            if e.org == org
            and (before is None or (e.id or 0) < before)
            and (action is None or e.action == action)
        )
        return list(islice(found, max(limit, 0)))
