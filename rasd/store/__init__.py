"""The event store: documents and their coded events, in SQL or in memory.

``SqlStore(url)`` (SQLAlchemy 2 + Alembic migrations shipped in the package) and
``MemoryStore()`` (a fake for tests) both implement :class:`Store`.
"""

from rasd.store.base import AddResult, EventQuery, Store, StoreStats
from rasd.store.memory import MemoryStore
from rasd.store.sql import SqlStore

__all__ = ["AddResult", "EventQuery", "MemoryStore", "SqlStore", "Store", "StoreStats"]
