"""Alembic, driven from code: the migrations ship inside the package.

The script directory is found with :mod:`importlib.resources`, so migrations run
from a source checkout and from an installed wheel alike, with no alembic.ini.
The version table is ``rasd_alembic_version`` so rasd can share a PostgreSQL
database with other applications.
"""

from __future__ import annotations

import threading
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

VERSION_TABLE = "rasd_alembic_version"
_UPGRADE_LOCK = threading.Lock()  # alembic's command/context globals are not thread-safe


def script_location() -> str:
    return str(resources.files("rasd.store").joinpath("migrations"))


def alembic_config(connection: Connection | None = None, url: str = "") -> Config:
    """A Config built in code; ``connection`` (if given) is the one the migrations use."""
    config = Config()
    config.set_main_option("script_location", script_location())
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise RuntimeError("rasd ships no migrations; the installation is broken")
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the schema on ``connection`` (the caller commits). A no-op at head.

    Serialised within the process by a lock, and across processes by the write
    transaction the caller holds (``BEGIN IMMEDIATE`` on SQLite).
    """
    with _UPGRADE_LOCK:
        command.upgrade(alembic_config(connection), revision)
