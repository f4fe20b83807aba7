"""Knowledge across reports: raw extractions, the corrections audit log, event links and
clusters, person entities and their mentions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(length=128)
ACTOR_ID = sa.String(length=255)
NAME = sa.String(length=255)


def _event_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["events.id"], name=op.f(f"fk_{table}_{column}_events"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("document_id", ID, nullable=False),
        sa.Column("events_json", sa.Text(), nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_extractions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_extractions")),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", ACTOR_ID, nullable=False),
        sa.Column("other", ACTOR_ID, nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("document_id", ID, nullable=True),
        sa.Column("anchor_start", sa.Integer(), nullable=True),
        sa.Column("anchor_end", sa.Integer(), nullable=True),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("analyst", NAME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    for column in ("target", "other", "document_id"):
        op.create_index(op.f(f"ix_corrections_{column}"), "corrections", [column])
    op.create_table(
        "event_links",
        sa.Column("a", ID, nullable=False),
        sa.Column("b", ID, nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _event_fk("event_links", "a"),
        _event_fk("event_links", "b"),
        sa.PrimaryKeyConstraint("a", "b", name=op.f("pk_event_links")),
    )
    op.create_index(op.f("ix_event_links_b"), "event_links", ["b"])
    op.create_table(
        "event_clusters",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("cluster_id", ID, nullable=False),
        _event_fk("event_clusters", "event_id"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_clusters")),
    )
    op.create_index(op.f("ix_event_clusters_cluster_id"), "event_clusters", ["cluster_id"])
    op.create_table(
        "person_entities",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key", NAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_entities")),
    )
    op.create_index(op.f("ix_person_entities_key"), "person_entities", ["key"])
    op.create_table(
        "person_refs",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _event_fk("person_refs", "event_id"),
        sa.PrimaryKeyConstraint("event_id", "position", name=op.f("pk_person_refs")),
    )
    op.create_index(op.f("ix_person_refs_person_id"), "person_refs", ["person_id"])


def downgrade() -> None:
    for table in ("person_refs", "person_entities", "event_clusters", "event_links"):
        op.drop_table(table)
    op.drop_table("corrections")
    op.drop_table("extractions")
