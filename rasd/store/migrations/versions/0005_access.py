"""Organisations, users, tokens, sessions, shares, the audit log; owner and TLP marking.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

Existing documents, events and corrections belong to the ``local`` organisation
(created here) and keep the default marking, AMBER: nothing stored before this
revision becomes visible to another organisation by upgrading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORG, CODE, NAME, ID, DIGEST = 64, 16, 255, 128, 64
WHEN = sa.DateTime(timezone=True)


def _marking_columns() -> None:
    # Plain ADD COLUMN (no table copy), so the expression indexes of 0003 stay.
    for table in ("documents", "events", "corrections"):
        op.add_column(
            table, sa.Column("org", sa.String(ORG), server_default="local", nullable=False)
        )
        if table != "corrections":
            op.add_column(
                table, sa.Column("tlp", sa.String(CODE), server_default="AMBER", nullable=False)
            )
        op.create_index(f"ix_{table}_org", table, ["org"])
    op.create_index("ix_events_tlp", "events", ["tlp"])


#: 0003's expression indexes, which SQLite's table copy (dropping a column) cannot keep.
UNDATED_LAST = sa.text("(event_date IS NULL)")
LIST_ORDER: dict[str, list[str | sa.TextClause]] = {
    "ix_events_list_order": [UNDATED_LAST, "event_date", "id"],
    "ix_events_list_order_desc": [UNDATED_LAST, sa.text("event_date DESC"), "id"],
    "ix_events_admin1_list_order": [sa.text("lower(admin1)"), UNDATED_LAST, "event_date", "id"],
}
#: The admin1 index's fold on PostgreSQL (as in 0003).
PG_ADMIN1 = sa.text('lower(admin1 COLLATE "C")')


def _list_order(name: str) -> list[str | sa.TextClause]:
    found = LIST_ORDER[name]
    if name == "ix_events_admin1_list_order" and op.get_bind().dialect.name != "sqlite":
        return [PG_ADMIN1, *found[1:]]
    return found


def _owned() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def _people() -> None:
    orgs = op.create_table(
        "orgs",
        sa.Column("id", sa.String(ORG), primary_key=True),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("default_tlp", sa.String(CODE), server_default="AMBER", nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.bulk_insert(orgs, [{"id": "local", "name": "Local", "created_at": datetime.now(UTC)}])
    op.create_table(
        "users",
        sa.Column("id", sa.String(ORG), primary_key=True),
        sa.Column("username", sa.String(NAME), nullable=False, unique=True),
        sa.Column("org", sa.String(ORG), sa.ForeignKey("orgs.id"), nullable=False, index=True),
        sa.Column("role", sa.String(CODE), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(ORG), primary_key=True),
        sa.Column("user_id", sa.String(ORG), _owned(), nullable=False, index=True),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("digest", sa.String(DIGEST), nullable=False, unique=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN),
        sa.Column("revoked_at", WHEN),
    )
    op.create_table(
        "sessions",
        sa.Column("digest", sa.String(DIGEST), primary_key=True),
        sa.Column("user_id", sa.String(ORG), _owned(), nullable=False, index=True),
        sa.Column("csrf", sa.String(DIGEST), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(NAME), nullable=False, index=True),
        sa.Column("address", sa.String(NAME), nullable=False, index=True),
        sa.Column("at", WHEN, nullable=False, index=True),
    )


def _sharing() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("org", sa.String(ORG), sa.ForeignKey("orgs.id"), nullable=False, index=True),
        sa.Column("partner", sa.String(ORG), sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("kind", sa.String(CODE), nullable=False),
        sa.Column("target", sa.String(ID), index=True),
        sa.Column("query", sa.Text()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(ORG), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("withdrawn_at", WHEN),
    )
    op.create_index("ix_shares_partner_kind", "shares", ["partner", "kind", "withdrawn_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("org", sa.String(ORG), nullable=False),
        sa.Column("user_id", sa.String(ORG), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("resource", sa.String(64), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(CODE), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_log_org_at", "audit_log", ["org", "at"])


def upgrade() -> None:
    _marking_columns()
    _people()
    _sharing()


def downgrade() -> None:
    for table in ("audit_log", "shares", "login_failures", "sessions", "api_tokens", "users"):
        op.drop_table(table)
    op.drop_table("orgs")
    op.drop_index("ix_events_tlp", table_name="events")
    for name in LIST_ORDER:
        op.drop_index(name, table_name="events")
    for table in ("corrections", "events", "documents"):
        op.drop_index(f"ix_{table}_org", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("org")
            if table != "corrections":
                batch.drop_column("tlp")
    for name in LIST_ORDER:
        op.create_index(name, "events", _list_order(name))
