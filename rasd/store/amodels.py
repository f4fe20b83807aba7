"""Tables of organisations, users, API tokens, browser sessions, login failures, shares
and the audit log (migration 0005). Imported by :mod:`rasd.store.models` users through
``Base``: they share one metadata, so Alembic sees one schema.

Secrets are never stored: passwords as argon2 hashes, tokens and session ids as
SHA-256 digests (they are long random values, so a fast digest is enough).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rasd.store.models import CODE, ID, NAME, ORG, Base
from rasd.taxonomy import DEFAULT_TLP

DIGEST = 64  # hex SHA-256


class OrgRow(Base):
    __tablename__ = "orgs"

    id: Mapped[str] = mapped_column(String(ORG), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    default_tlp: Mapped[str] = mapped_column(String(CODE), server_default=DEFAULT_TLP)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(ORG), primary_key=True)
    username: Mapped[str] = mapped_column(String(NAME), unique=True)
    org: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    role: Mapped[str] = mapped_column(String(CODE))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    """An API token (``Authorization: Bearer ...``) of a user; only its digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(ORG), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME), default="")
    digest: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A browser session (the ``rasd_session`` cookie) and its CSRF token."""

    __tablename__ = "sessions"

    digest: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(DIGEST))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailureRow(Base):
    """A failed login, kept for rate limiting (by username and by client address)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(NAME), index=True)
    address: Mapped[str] = mapped_column(String(NAME), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ShareRow(Base):
    """An organisation shows an event, a document or a standing feed to a partner."""

    __tablename__ = "shares"
    __table_args__ = (Index("ix_shares_partner_kind", "partner", "kind", "withdrawn_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org: Mapped[str] = mapped_column(ForeignKey("orgs.id"), index=True)
    partner: Mapped[str] = mapped_column(ForeignKey("orgs.id"))
    kind: Mapped[str] = mapped_column(String(CODE))
    target: Mapped[str | None] = mapped_column(String(ID), index=True)
    query: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(ORG))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only: every write, every login, every read of AMBER or RED items."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_at", "org", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    org: Mapped[str] = mapped_column(String(ORG))
    user_id: Mapped[str] = mapped_column(String(ORG), default="")
    action: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str] = mapped_column(String(64))
    items: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of ids
    count: Mapped[int] = mapped_column(Integer, default=0)
    tlp: Mapped[str] = mapped_column(String(CODE), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
