"""ASCII-only case folding in SQL, the same on every database.

rasd's text filters are case-insensitive with ASCII-only folding, as SQLite's
``lower()`` and ``LIKE`` do and as :func:`rasd.store.query.fold` does for the
in-memory store. PostgreSQL's ``lower()`` folds every letter its locale knows
(``É`` to ``é`` under ``C.UTF-8`` or ``en_US.UTF-8``), except under the ``C``
collation, where it folds ASCII letters only. So there ``ascii_lower(x)`` is
``lower(x COLLATE "C")``: identical results on every backend and in every
database locale. (``translate(x, 'A..Z', 'a..z')`` gives the same answers but
was 30 times slower on PostgreSQL 15.) It is immutable, so PostgreSQL indexes
can be built on it (migrations 0003 and 0004 do so for ``admin1`` and ``q``).

>>> select(EventRow).where(ascii_lower(EventRow.admin1) == fold("Anbar"))
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def pg_fold_sql(column_sql: str) -> str:
    """PostgreSQL's ASCII-only fold of an SQL expression (as the migrations index it)."""
    return f'lower({column_sql} COLLATE "C")'


class ascii_lower(FunctionElement[str]):  # noqa: N801 - an SQL function construct
    """``lower(x)`` on SQLite (ASCII-only there); ``lower(x COLLATE "C")`` elsewhere."""

    type = String()
    inherit_cache = True
    name = "ascii_lower"


@compiles(ascii_lower)
def _ascii_lower_default(element: ascii_lower, compiler: Any, **kw: Any) -> str:
    return pg_fold_sql(compiler.process(element.clauses, **kw))


@compiles(ascii_lower, "sqlite")
def _ascii_lower_sqlite(element: ascii_lower, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"
