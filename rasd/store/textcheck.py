"""A shared check for text the database cannot hold: PostgreSQL refuses a NUL character
(``\\x00``) in any text column, and the error it raises reads like an outage. The API
refuses NULs as a 422 naming the field (:class:`rasd.api.schemas.InSchema`); the
write paths (ingest, import, the store) call :func:`nul_fields` to turn such a record
into a per-record problem before it reaches the database.
"""

from __future__ import annotations

from pydantic import BaseModel

NUL = "\x00"
FIX = "remove the NUL characters (\\u0000) from it; rasd stores text only"


def nul_fields(record: BaseModel, prefix: str = "") -> list[str]:
    """The dotted names of the record's fields (nested records, lists and tuples too)
    whose text holds a NUL; empty when there is none."""
    found: list[str] = []
    for name in type(record).model_fields:
        found.extend(_in_value(getattr(record, name), f"{prefix}{name}"))
    return found


def _in_value(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        return [where] if NUL in value else []
    if isinstance(value, BaseModel):
        return nul_fields(value, f"{where}.")
    if isinstance(value, list | tuple):
        return [f for n, v in enumerate(value) for f in _in_value(v, f"{where}[{n}]")]
    return []
