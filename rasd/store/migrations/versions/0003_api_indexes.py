"""Indexes for the API's event lists: the list orders, admin1 with the order, actors.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Events are listed ``ORDER BY event_date IS NULL, event_date [DESC], id`` (undated
last) and admin1 is compared case-insensitively (``lower(admin1) = lower(?)``).
These expression indexes let SQLite (and PostgreSQL) read a page in order
instead of sorting every matching event, and find an admin1 without a scan.
They are expression-based, so they live here and not in rasd.store.models
(Alembic's autogenerate comparison skips expression-based indexes). The
(actor_id, event_id) index of event_actors is a plain one, declared in the model too.
On PostgreSQL, whose ``lower()`` folds non-ASCII letters too, rasd compares
``lower(admin1 COLLATE "C")`` instead (:mod:`rasd.store.folding`), so the
admin1 index is on that expression there.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDATED_LAST = sa.text("(event_date IS NULL)")
INDEXES: dict[str, list[str | sa.TextClause]] = {
    "ix_events_list_order": [UNDATED_LAST, "event_date", "id"],
    "ix_events_list_order_desc": [UNDATED_LAST, sa.text("event_date DESC"), "id"],
    "ix_events_admin1_list_order": [sa.text("lower(admin1)"), UNDATED_LAST, "event_date", "id"],
}
#: rasd.store.folding.ascii_lower(admin1) on PostgreSQL (frozen here, as migrations are).
PG_ADMIN1 = sa.text('lower(admin1 COLLATE "C")')
#: The actor filter's covering index: an actor's event ids without reading the rows.
ACTOR_EVENTS = "ix_event_actors_actor_id_event_id"


def columns(name: str) -> list[str | sa.TextClause]:
    """The index's columns on the current connection's dialect."""
    found = INDEXES[name]
    if name == "ix_events_admin1_list_order" and op.get_bind().dialect.name != "sqlite":
        return [PG_ADMIN1, *found[1:]]
    return found


def upgrade() -> None:
    for name in INDEXES:
        op.create_index(name, "events", columns(name))
    op.create_index(ACTOR_EVENTS, "event_actors", ["actor_id", "event_id"])


def downgrade() -> None:
    op.drop_index(ACTOR_EVENTS, table_name="event_actors")
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="events")
