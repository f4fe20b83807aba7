"""Usernames unique whatever their case: a unique index on ``lower(username)``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Before this revision "ada" and "Ada" could both exist (one could sign in as the
other's look-alike). The index is on an expression, so it lives here and not in
rasd.store.models (like the indexes of 0003). A database that already holds two
names differing only in case cannot take the index: the upgrade stops and names
them, and an admin renames or disables one (``rasd user``) before upgrading.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ux_users_username_lower"


def upgrade() -> None:
    clashes = op.get_bind().execute(
        sa.text("SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1")
    )
    names = sorted(str(row[0]) for row in clashes)
    if names:
        raise RuntimeError(
            f"users {', '.join(names)} exist in more than one case (e.g. 'ada' and 'Ada'); "
            "delete or rename all but one of each, then migrate again"
        )
    op.create_index(INDEX, "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
