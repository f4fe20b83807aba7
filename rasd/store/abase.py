"""The access side of a store: organisations, users, API tokens, browser sessions,
login failures, shares and the audit log. :class:`rasd.store.sql.SqlStore` and
:class:`rasd.store.memory.MemoryStore` both implement it (``asql`` / ``amemory``).

Semantics both follow
---------------------
* Secrets never reach the store: ``create_user`` takes an argon2 hash
  (:mod:`rasd.access.passwords`); tokens and sessions are looked up by the SHA-256
  digest of the secret (:func:`rasd.access.tokens.digest`).
* ``token_user`` / ``session_user`` return None for an unknown, expired or revoked
  token or session, or a disabled user: callers cannot tell which (no oracle).
* Shares and audit entries are append-only; a share is withdrawn by setting
  ``withdrawn_at`` (``withdraw_share``), never deleted. ``shares_for(partner)`` lists
  only the shares in force.
* Every method that names an organisation or user that does not exist raises
  :class:`rasd.exceptions.NotFound`; a duplicate username or organisation id raises
  :class:`rasd.exceptions.Conflict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from rasd.records import AuditEntry, Org, Share, User


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user_id: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionInfo:
    user: User
    csrf: str
    expires_at: datetime


@runtime_checkable
class AccessStore(Protocol):
    # -- organisations and users --------------------------------------------------------
    def create_org(self, org: Org) -> Org: ...

    def get_org(self, org_id: str) -> Org: ...

    def orgs(self) -> list[Org]: ...

    def update_org(
        self, org_id: str, *, name: str | None = None, default_tlp: str | None = None
    ) -> Org: ...

    def create_user(self, user: User, password_hash: str) -> User: ...

    def get_user(self, user_id: str) -> User: ...

    def user_by_name(self, username: str) -> tuple[User, str] | None:
        """The user and their password hash, or None."""
        ...

    def users(self, org: str | None = None) -> list[User]: ...

    def update_user(
        self,
        user_id: str,
        *,
        role: str | None = None,
        disabled: bool | None = None,
        password_hash: str | None = None,
    ) -> User:
        """Changing the password or disabling a user revokes their sessions and tokens."""
        ...

    # -- API tokens ------------------------------------------------------------------------
    def add_token(
        self, user_id: str, name: str, digest: str, expires_at: datetime | None
    ) -> TokenInfo: ...

    def tokens(self, user_id: str) -> list[TokenInfo]: ...

    def revoke_token(self, token_id: str, user_id: str) -> None:
        """Revoke one of the user's tokens (NotFound if it is not theirs)."""

    def token_user(self, digest: str, now: datetime) -> User | None: ...

    # -- browser sessions ------------------------------------------------------------------
    def add_session(self, user_id: str, digest: str, csrf: str, expires_at: datetime) -> None: ...

    def session_user(self, digest: str, now: datetime) -> SessionInfo | None: ...

    def end_session(self, digest: str) -> None: ...

    # -- login rate limiting -------------------------------------------------------------
    def add_login_failure(self, username: str, address: str, at: datetime) -> None: ...

    def login_failures(self, *, username: str, address: str, since: datetime) -> tuple[int, int]:
        """(failures for this username, failures from this address) since ``since``."""
        ...

    def clear_login_failures(self, username: str) -> None: ...

    # -- sharing ---------------------------------------------------------------------------
    def add_share(self, share: Share) -> Share:
        """Append; returns it with its id and time."""
        ...

    def get_share(self, share_id: int) -> Share: ...

    def withdraw_share(self, share_id: int, at: datetime) -> Share: ...

    def shares_by(self, org: str, *, include_withdrawn: bool = False) -> list[Share]:
        """What ``org`` shares with others."""
        ...

    def shares_for(self, partner: str) -> list[Share]:
        """The shares in force that others give ``partner``."""
        ...

    # -- audit log ---------------------------------------------------------------------------
    def audit(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries (their id and time are assigned; ``at`` kept when given)."""

    def audit_log(
        self, org: str, *, limit: int = 100, before: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        """The organisation's entries, newest first; ``before`` is an id (keyset paging)."""
        ...
