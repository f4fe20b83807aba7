"""The access side of SqlStore (see :mod:`rasd.store.abase` for the semantics).

The errors and the audit-entry shaping here are shared with
:mod:`rasd.store.amemory`, so both stores say and store the same things.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rasd.access.tokens import new_id
from rasd.exceptions import Conflict, NotFound
from rasd.records import AuditEntry, Org, Share, User
from rasd.store.abase import SessionInfo, TokenInfo
from rasd.store.amodels import (
    AuditRow,
    LoginFailureRow,
    OrgRow,
    SessionRow,
    ShareRow,
    TokenRow,
    UserRow,
)
from rasd.store.common import to_utc
from rasd.store.write import NO_SYNC

AUDIT_ITEMS = 1000  # ids kept per audit entry; ``count`` holds the total

_SHARE_FIELDS = ("org", "partner", "kind", "target", "query", "name", "created_by")

# -- errors shared with MemoryStore --------------------------------------------------------


def missing_org(org_id: str) -> NotFound:
    return NotFound(
        f"organisation {org_id!r}",
        "does not exist",
        "use an organisation the store lists (AccessStore.orgs()) or create it first",
    )


def missing_user(user_id: str) -> NotFound:
    return NotFound(
        f"user {user_id!r}",
        "does not exist",
        "use a user id the store lists (AccessStore.users()) or create the user first",
    )


def missing_token(token_id: str) -> NotFound:
    return NotFound(
        f"API token {token_id!r}",
        "is not one of this user's tokens",
        "list the user's tokens (AccessStore.tokens(user_id)) and revoke one of those",
    )


def missing_share(share_id: int) -> NotFound:
    return NotFound(
        f"share {share_id}",
        "does not exist",
        "list the organisation's shares (AccessStore.shares_by(org)) for their ids",
    )


def org_taken(org_id: str) -> Conflict:
    return Conflict(
        f"organisation {org_id!r}",
        "already exists",
        "choose another organisation id, or update the existing one",
    )


def user_taken(username: str) -> Conflict:
    """The same words whoever holds the name, in whatever case: an admin learns nothing
    about another organisation's users beyond that the name is not free."""
    return Conflict(
        f"username {username!r}",
        "is not available (usernames are unique across this server, whatever their case)",
        "choose another username",
    )


def user_id_taken(user_id: str) -> Conflict:
    return Conflict(
        f"user id {user_id!r}",
        "already exists",
        "give each new user a fresh id (rasd.access.tokens.new_id())",
    )


def secret_taken(what: str) -> Conflict:
    return Conflict(
        what,
        "has the digest of a secret already stored",
        "make a fresh secret with rasd.access.tokens.new_secret() and store its digest",
    )


def shaped_entry(entry: AuditEntry, entry_id: int | None, now: datetime) -> AuditEntry:
    """The entry as stored: its id, its time (``at`` kept when given, in UTC), at most
    ``AUDIT_ITEMS`` ids, and ``count`` at least the number of ids given."""
    return entry.model_copy(
        update={
            "id": entry_id,
            "at": to_utc(entry.at or now),
            "items": tuple(entry.items[:AUDIT_ITEMS]),
            "count": max(entry.count, len(entry.items)),
        }
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite drops the offset of DateTime(timezone=True); only UTC is ever stored.
    return None if value is None else to_utc(value)


class AccessSql:
    """Mixed into SqlStore, which provides ``_session`` and ``_errors``."""

    _session: Callable[..., Session]
    _errors: Callable[[str], AbstractContextManager[None]]

    # -- organisations -------------------------------------------------------------------

    def create_org(self, org: Org) -> Org:
        with self._errors(f"creating organisation {org.id}"), self._session(writing=True) as s:
            if s.get(OrgRow, org.id) is not None:
                raise org_taken(org.id)
            s.add(OrgRow(id=org.id, name=org.name, default_tlp=org.default_tlp, created_at=_now()))
            _commit(s, org_taken(org.id))
        return org

    def get_org(self, org_id: str) -> Org:
        with self._errors(f"reading organisation {org_id}"), self._session() as s:
            return _to_org(_org_row(s, org_id))

    def orgs(self) -> list[Org]:
        with self._errors("reading organisations"), self._session() as s:
            return [_to_org(r) for r in s.scalars(select(OrgRow).order_by(OrgRow.id))]

    def update_org(
        self, org_id: str, *, name: str | None = None, default_tlp: str | None = None
    ) -> Org:
        with self._errors(f"updating organisation {org_id}"), self._session(writing=True) as s:
            row = _org_row(s, org_id)
            updated = Org(  # validates the marking before anything is written
                id=row.id,
                name=row.name if name is None else name,
                default_tlp=row.default_tlp if default_tlp is None else default_tlp,
            )
            row.name, row.default_tlp = updated.name, updated.default_tlp
            s.commit()
        return updated

    # -- users ---------------------------------------------------------------------------

    def create_user(self, user: User, password_hash: str) -> User:
        stored = user.model_copy(update={"created_at": to_utc(user.created_at or _now())})
        with self._errors(f"creating user {user.username}"), self._session(writing=True) as s:
            _org_row(s, user.org)
            if s.get(UserRow, user.id) is not None:
                raise user_id_taken(user.id)
            if s.scalar(select(UserRow.id).where(_same_name(user.username))):
                raise user_taken(user.username)
            s.add(UserRow(**stored.model_dump(), password_hash=password_hash))
            _commit(s, user_taken(user.username))
        return stored

    def get_user(self, user_id: str) -> User:
        with self._errors(f"reading user {user_id}"), self._session() as s:
            return _to_user(_user_row(s, user_id))

    def user_by_name(self, username: str) -> tuple[User, str] | None:
        stmt = select(UserRow).where(_same_name(username))
        with self._errors("reading a user"), self._session() as s:
            row = s.scalar(stmt)
            return None if row is None else (_to_user(row), row.password_hash)

    def users(self, org: str | None = None) -> list[User]:
        stmt = select(UserRow).order_by(UserRow.username)
        with self._errors("reading users"), self._session() as s:
            if org is not None:
                _org_row(s, org)
                stmt = stmt.where(UserRow.org == org)
            return [_to_user(r) for r in s.scalars(stmt)]

    def update_user(
        self,
        user_id: str,
        *,
        role: str | None = None,
        disabled: bool | None = None,
        password_hash: str | None = None,
    ) -> User:
        with self._errors(f"updating user {user_id}"), self._session(writing=True) as s:
            row = _user_row(s, user_id)
            updated = User(  # validates the role before anything is written
                id=row.id,
                username=row.username,
                org=row.org,
                role=row.role if role is None else role,
                disabled=row.disabled if disabled is None else disabled,
                created_at=_aware(row.created_at),
            )
            row.role, row.disabled = updated.role, updated.disabled
            if password_hash is not None:
                row.password_hash = password_hash
            if disabled or password_hash is not None:
                _revoke_all(s, user_id, _now())
            s.commit()
        return updated

    # -- API tokens ------------------------------------------------------------------------

    def add_token(
        self, user_id: str, name: str, digest: str, expires_at: datetime | None
    ) -> TokenInfo:
        with self._errors(f"adding a token for {user_id}"), self._session(writing=True) as s:
            _user_row(s, user_id)
            if s.scalar(select(TokenRow.id).where(TokenRow.digest == digest)):
                raise secret_taken("API token")
            row = TokenRow(
                id=new_id(),
                user_id=user_id,
                name=name,
                digest=digest,
                created_at=_now(),
                expires_at=_aware(expires_at),
                revoked_at=None,
            )
            s.add(row)
            _commit(s, secret_taken("API token"))
            return _to_token(row)

    def tokens(self, user_id: str) -> list[TokenInfo]:
        stmt = (
            select(TokenRow)
            .where(TokenRow.user_id == user_id)
            .order_by(TokenRow.created_at, TokenRow.id)
        )
        with self._errors(f"reading the tokens of {user_id}"), self._session() as s:
            _user_row(s, user_id)
            return [_to_token(r) for r in s.scalars(stmt)]

    def revoke_token(self, token_id: str, user_id: str) -> None:
        with self._errors(f"revoking token {token_id}"), self._session(writing=True) as s:
            row = s.get(TokenRow, token_id)
            if row is None or row.user_id != user_id:
                raise missing_token(token_id)
            if row.revoked_at is None:
                row.revoked_at = _now()
            s.commit()

    def token_user(self, digest: str, now: datetime) -> User | None:
        stmt = (
            select(UserRow)
            .join(TokenRow, TokenRow.user_id == UserRow.id)
            .where(
                TokenRow.digest == digest,
                TokenRow.revoked_at.is_(None),
                or_(TokenRow.expires_at.is_(None), TokenRow.expires_at > to_utc(now)),
                UserRow.disabled.is_(False),
            )
        )
        with self._errors("checking an API token"), self._session() as s:
            row = s.scalar(stmt)
            return None if row is None else _to_user(row)

    # -- browser sessions ------------------------------------------------------------------

    def add_session(self, user_id: str, digest: str, csrf: str, expires_at: datetime) -> None:
        with self._errors(f"starting a session for {user_id}"), self._session(writing=True) as s:
            _user_row(s, user_id)
            if s.get(SessionRow, digest) is not None:
                raise secret_taken("session")
            s.add(
                SessionRow(
                    digest=digest,
                    user_id=user_id,
                    csrf=csrf,
                    created_at=_now(),
                    expires_at=to_utc(expires_at),
                    revoked_at=None,
                )
            )
            _commit(s, secret_taken("session"))

    def session_user(self, digest: str, now: datetime) -> SessionInfo | None:
        stmt = (
            select(SessionRow, UserRow)
            .join(UserRow, SessionRow.user_id == UserRow.id)
            .where(
                SessionRow.digest == digest,
                SessionRow.revoked_at.is_(None),
                SessionRow.expires_at > to_utc(now),
                UserRow.disabled.is_(False),
            )
        )
        with self._errors("checking a session"), self._session() as s:
            found = s.execute(stmt).first()
            if found is None:
                return None
            session, user = found
            return SessionInfo(_to_user(user), session.csrf, to_utc(session.expires_at))

    def end_session(self, digest: str) -> None:
        stmt = (
            update(SessionRow)
            .where(SessionRow.digest == digest, SessionRow.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        with self._errors("ending a session"), self._session(writing=True) as s:
            s.execute(stmt, execution_options=NO_SYNC)
            s.commit()

    # -- login rate limiting -------------------------------------------------------------

    def add_login_failure(self, username: str, address: str, at: datetime) -> None:
        row = LoginFailureRow(username=username, address=address, at=to_utc(at))
        with self._errors("recording a failed login"), self._session(writing=True) as s:
            s.add(row)
            s.commit()

    def login_failures(self, *, username: str, address: str, since: datetime) -> tuple[int, int]:
        count = select(func.count()).select_from(LoginFailureRow)
        recent = LoginFailureRow.at >= to_utc(since)
        with self._errors("counting failed logins"), self._session() as s:
            by_name = s.scalar(count.where(LoginFailureRow.username == username, recent))
            by_address = s.scalar(count.where(LoginFailureRow.address == address, recent))
        return int(by_name or 0), int(by_address or 0)

    def clear_login_failures(self, username: str) -> None:
        stmt = delete(LoginFailureRow).where(LoginFailureRow.username == username)
        with self._errors("clearing failed logins"), self._session(writing=True) as s:
            s.execute(stmt, execution_options=NO_SYNC)
            s.commit()

    # -- sharing ---------------------------------------------------------------------------

    def add_share(self, share: Share) -> Share:
        values = {f: getattr(share, f) for f in _SHARE_FIELDS}
        with self._errors(f"sharing with {share.partner}"), self._session(writing=True) as s:
            _org_row(s, share.org)
            _org_row(s, share.partner)
            row = ShareRow(
                **values,
                created_at=to_utc(share.created_at or _now()),
                withdrawn_at=_aware(share.withdrawn_at),
            )
            s.add(row)
            s.commit()
            return _to_share(row)

    def get_share(self, share_id: int) -> Share:
        with self._errors(f"reading share {share_id}"), self._session() as s:
            return _to_share(_share_row(s, share_id))

    def withdraw_share(self, share_id: int, at: datetime) -> Share:
        """Withdrawing a withdrawn share changes nothing (it keeps its first time)."""
        with self._errors(f"withdrawing share {share_id}"), self._session(writing=True) as s:
            row = _share_row(s, share_id)
            if row.withdrawn_at is None:
                row.withdrawn_at = to_utc(at)
            s.commit()
            return _to_share(row)

    def shares_by(self, org: str, *, include_withdrawn: bool = False) -> list[Share]:
        stmt = select(ShareRow).where(ShareRow.org == org).order_by(ShareRow.id)
        if not include_withdrawn:
            stmt = stmt.where(ShareRow.withdrawn_at.is_(None))
        with self._errors(f"reading the shares of {org}"), self._session() as s:
            _org_row(s, org)
            return [_to_share(r) for r in s.scalars(stmt)]

    def shares_for(self, partner: str) -> list[Share]:
        stmt = (
            select(ShareRow)
            .where(ShareRow.partner == partner, ShareRow.withdrawn_at.is_(None))
            .order_by(ShareRow.id)
        )
        with self._errors(f"reading the shares with {partner}"), self._session() as s:
            _org_row(s, partner)
            return [_to_share(r) for r in s.scalars(stmt)]

    # -- audit log ---------------------------------------------------------------------------

    def audit(self, entries: Sequence[AuditEntry]) -> None:
        """Entries are not checked against the organisations: the log never refuses a line."""
        if not entries:
            return
        rows = audit_rows(entries)
        with self._errors("writing the audit log"), self._session(writing=True) as s:
            s.add_all(rows)
            s.commit()

    def audit_log(
        self, org: str, *, limit: int = 100, before: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        stmt = select(AuditRow).where(AuditRow.org == org)
        if before is not None:
            stmt = stmt.where(AuditRow.id < before)
        if action is not None:
            stmt = stmt.where(AuditRow.action == action)
        stmt = stmt.order_by(AuditRow.id.desc()).limit(max(limit, 0))
        with self._errors(f"reading the audit log of {org}"), self._session() as s:
            _org_row(s, org)
            return [_to_entry(r) for r in s.scalars(stmt)]


# -- rows ----------------------------------------------------------------------------------


def _commit(session: Session, conflict: Conflict) -> None:
    """Commit; a unique constraint that a concurrent writer won first becomes ``conflict``."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise conflict from exc


def _same_name(username: str) -> ColumnElement[bool]:
    """Usernames compare case-insensitively (the unique index of migration 0006 is on
    ``lower(username)``: the database's lower, on both sides)."""
    return func.lower(UserRow.username) == func.lower(username)


def _org_row(session: Session, org_id: str) -> OrgRow:
    row = session.get(OrgRow, org_id)
    if row is None:
        raise missing_org(org_id)
    return row


def _user_row(session: Session, user_id: str) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise missing_user(user_id)
    return row


def _share_row(session: Session, share_id: int) -> ShareRow:
    row = session.get(ShareRow, share_id)
    if row is None:
        raise missing_share(share_id)
    return row


def _revoke_all(session: Session, user_id: str, now: datetime) -> None:
    for table in (TokenRow, SessionRow):
        stmt = (
            update(table)
            .where(table.user_id == user_id, table.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(stmt, execution_options=NO_SYNC)


def _to_org(row: OrgRow) -> Org:
    return Org(id=row.id, name=row.name, default_tlp=row.default_tlp)


def _to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        org=row.org,
        role=row.role,
        disabled=row.disabled,
        created_at=_aware(row.created_at),
    )


def _to_token(row: TokenRow) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        created_at=to_utc(row.created_at),
        expires_at=_aware(row.expires_at),
        revoked_at=_aware(row.revoked_at),
    )


def _to_share(row: ShareRow) -> Share:
    return Share(
        id=row.id,
        **{f: getattr(row, f) for f in _SHARE_FIELDS},
        created_at=_aware(row.created_at),
        withdrawn_at=_aware(row.withdrawn_at),
    )


def audit_rows(entries: Sequence[AuditEntry]) -> list[AuditRow]:
    """The rows of these entries as :meth:`AccessSql.audit` writes them (also used to write
    an entry in the transaction of the change it records)."""
    now = _now()
    return [_to_audit_row(shaped_entry(e, None, now)) for e in entries]


def _to_audit_row(entry: AuditEntry) -> AuditRow:
    """``entry`` as :func:`shaped_entry` made it (its time set, its ids cut)."""
    return AuditRow(
        at=entry.at,
        org=entry.org,
        user_id=entry.user,
        action=entry.action,
        resource=entry.resource,
        items=json.dumps(list(entry.items)),
        count=entry.count,
        tlp=entry.tlp,
        detail=entry.detail,
    )


def _to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=_aware(row.at),
        org=row.org,
        user=row.user_id,
        action=row.action,
        resource=row.resource,
        items=tuple(json.loads(row.items)),
        count=row.count,
        tlp=row.tlp,
        detail=row.detail,
    )
