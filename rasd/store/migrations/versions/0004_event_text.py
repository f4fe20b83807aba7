"""A trigram substring index for the ``q`` filter (SQLite only; see rasd.store.textindex).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

``event_text`` is an FTS5 virtual table (tokenizer ``trigram``), one row per event
with its notes, location, actor names and evidence sentences joined by a
separator. Existing events are indexed here; rasd's write path keeps it in step.
Other dialects get nothing (the filter then scans, as before).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEP = "char(10, 9246, 10)"  # the separator of rasd.store.textindex.SEPARATOR


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE event_text USING fts5(event_id UNINDEXED, body, tokenize='trigram')"
    )
    op.execute(
        f"""
        INSERT INTO event_text (event_id, body)
        SELECT e.id,
               e.notes || {SEP} || e.location
               || coalesce((SELECT group_concat({SEP} || a.name, '') FROM event_actors a
                            WHERE a.event_id = e.id), '')
               || coalesce((SELECT group_concat({SEP} || s.sentence, '')
                            FROM (SELECT DISTINCT sentence FROM evidence v WHERE v.event_id = e.id) s), '')
        FROM events e
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE event_text")
