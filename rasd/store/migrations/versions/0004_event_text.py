"""A trigram substring index for the ``q`` filter (see rasd.store.textindex).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

``event_text`` is an FTS5 virtual table (tokenizer ``trigram``), one row per event
with its notes, location, actor names and evidence sentences joined by a
separator. Existing events are indexed here; rasd's write path keeps it in step.

On PostgreSQL: the ``pg_trgm`` extension (trusted since PostgreSQL 13, so the
database owner may create it) and a GIN trigram index on the ASCII-folded notes,
location, actor names and evidence sentences, which PostgreSQL maintains itself.
Other dialects get nothing (the filter then scans, as before).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

from rasd.exceptions import StoreError

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEP = "char(10, 9246, 10)"  # the separator of rasd.store.textindex.SEPARATOR
#: rasd.store.textindex.PG_INDEXES, frozen: name -> (table, text column).
PG_INDEXES = {
    "ix_events_notes_trgm": ("events", "notes"),
    "ix_events_location_trgm": ("events", "location"),
    "ix_event_actors_name_trgm": ("event_actors", "name"),
    "ix_evidence_sentence_trgm": ("evidence", "sentence"),
}
#: rasd.store.folding.ascii_lower on PostgreSQL, frozen.
PG_FOLD = 'lower({} COLLATE "C")'


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _upgrade_postgresql()
    if dialect != "sqlite":
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


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    try:  # on failure the whole migration rolls back
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        raise StoreError(
            f"database {bind.engine.url.database!r}",
            f"cannot get the pg_trgm extension ({getattr(exc, 'orig', exc)})",
            "run CREATE EXTENSION pg_trgm; in this database as a superuser, or grant rasd's "
            "role CREATE on the database (pg_trgm is a trusted extension since PostgreSQL 13), "
            "then migrate again",
        ) from exc
    for name, (table, column) in PG_INDEXES.items():
        folded = PG_FOLD.format(column)
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({folded} gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    if dialect == "sqlite":
        op.execute("DROP TABLE event_text")
