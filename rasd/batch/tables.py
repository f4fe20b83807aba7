"""Arrow schemas of the batch outputs and the conversion of records to rows.

Tables (one Parquet file per table per shard):

``documents``
    The :class:`~rasd.records.Document` fields, plus ``words`` (whitespace
    tokens), ``n_events`` and ``n_mentions``.
``events``
    The ACLED columns of :func:`rasd.export.event_to_json` (typed), plus
    ``document_id``, ``confidence``, the actor ids, ``geonameid``,
    ``country_code`` and ``record``: the whole event as JSON
    (``Event.model_dump_json``), from which ``rasd load`` restores it exactly.
``mentions``
    ``document_id``, ``position`` (order in the document) and the
    :class:`~rasd.records.Mention` fields.
``persons``
    ``event_id``, ``document_id``, ``position`` and the
    :class:`~rasd.records.Person` fields.
``errors``
    ``source``, ``line``, ``document_id`` (when the document was read),
    ``stage`` (``read``: the input could not be read; ``extract``: the pipeline
    failed on it), ``message`` and ``fix``.

The partition column ``shard`` comes from the directory names
(``events/shard=000012/part.parquet``), not from the files.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rasd.export import ACLED_COLUMNS, event_to_json
from rasd.records import Document, Event, IngestProblem, Mention

_STR = pa.string()
_I32 = pa.int32()

DOCUMENTS = pa.schema(
    [
        ("id", _STR),
        ("text", _STR),
        ("source", _STR),
        ("url", _STR),
        ("title", _STR),
        ("published_at", pa.date32()),
        ("language", _STR),
        ("words", _I32),
        ("n_events", _I32),
        ("n_mentions", _I32),
    ]
)

_ACLED_TYPES: dict[str, pa.DataType] = {
    "event_date": pa.date32(),
    "year": _I32,
    "time_precision": _I32,
    "inter1": _I32,
    "inter2": _I32,
    "interaction": _I32,
    "iso": _I32,
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "geo_precision": _I32,
    "fatalities": _I32,
    "timestamp": pa.int64(),
}

EVENTS = pa.schema(
    [(c, _ACLED_TYPES.get(c, _STR)) for c in ACLED_COLUMNS]
    + [
        ("document_id", _STR),
        ("confidence", pa.float64()),
        ("actor1_id", _STR),
        ("actor2_id", _STR),
        ("geonameid", pa.int64()),
        ("country_code", _STR),
        ("n_evidence", _I32),
        ("record", _STR),
    ]
)

MENTIONS = pa.schema(
    [
        ("document_id", _STR),
        ("position", _I32),
        ("start", _I32),
        ("end", _I32),
        ("text", _STR),
        ("label", _STR),
        ("kb_id", _STR),
    ]
)

PERSONS = pa.schema(
    [
        ("event_id", _STR),
        ("document_id", _STR),
        ("position", _I32),
        ("name", _STR),
        ("role", _STR),
        ("nationality", _STR),
        ("actor_id", _STR),
        ("status", _STR),
    ]
)

ERRORS = pa.schema(
    [
        ("source", _STR),
        ("line", _I32),
        ("document_id", _STR),
        ("stage", _STR),
        ("message", _STR),
        ("fix", _STR),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "events": EVENTS,
    "mentions": MENTIONS,
    "persons": PERSONS,
    "errors": ERRORS,
}


def word_count(text: str) -> int:
    return len(text.split())


def document_row(document: Document, n_events: int, n_mentions: int) -> dict[str, Any]:
    row = document.model_dump()
    row.update(words=word_count(document.text), n_events=n_events, n_mentions=n_mentions)
    return row


def event_row(event: Event, document: Document) -> dict[str, Any]:
    values = event_to_json(event, document)
    row: dict[str, Any] = {c: values[c] for c in ACLED_COLUMNS}
    row["event_date"] = event.event_date
    place = event.place
    row.update(
        document_id=event.document_id,
        confidence=event.confidence,
        actor1_id=event.actor1.id if event.actor1 else None,
        actor2_id=event.actor2.id if event.actor2 else None,
        geonameid=place.geonameid if place else None,
        country_code=place.country_code if place else None,
        n_evidence=len(event.evidence),
        record=event.model_dump_json(),
    )
    return row


def mention_rows(document_id: str, mentions: list[Mention]) -> list[dict[str, Any]]:
    return [
        {"document_id": document_id, "position": i, **m.model_dump()}
        for i, m in enumerate(mentions)
    ]


def person_rows(event: Event) -> list[dict[str, Any]]:
    return [
        {"event_id": event.id, "document_id": event.document_id, "position": i, **p.model_dump()}
        for i, p in enumerate(event.persons)
    ]


def problem_row(problem: IngestProblem) -> dict[str, Any]:
    return {
        "source": problem.source,
        "line": problem.line,
        "document_id": None,
        "stage": "read",
        "message": problem.message,
        "fix": problem.fix,
    }


def failure_row(document: Document, message: str, fix: str) -> dict[str, Any]:
    return {
        "source": document.source,
        "line": None,
        "document_id": document.id,
        "stage": "extract",
        "message": message,
        "fix": fix,
    }


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
