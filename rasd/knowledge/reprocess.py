"""``rasd reprocess``: run the current pipeline again over stored documents.

Corrections are kept (they are re-applied to the new extraction) and the report
says what changed: events added and removed, and for events kept, which coded
fields changed, field by field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rasd.engine import process
from rasd.exceptions import RasdError
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.pipeline.base import Pipeline
from rasd.records import Correction, Event, IngestProblem
from rasd.store.base import EventQuery

#: The coded fields compared, with how to read each from an event.
FIELDS: dict[str, Callable[[Event], Any]] = {
    "event_date": lambda e: e.event_date,
    "time_precision": lambda e: e.time_precision,
    "event_type": lambda e: e.event_type,
    "sub_event_type": lambda e: e.sub_event_type,
    "actor1": lambda e: e.actor1.id if e.actor1 else None,
    "assoc_actor_1": lambda e: tuple(a.id for a in e.assoc_actor_1),
    "actor2": lambda e: e.actor2.id if e.actor2 else None,
    "assoc_actor_2": lambda e: tuple(a.id for a in e.assoc_actor_2),
    "location": lambda e: e.location,
    "admin1": lambda e: e.place.admin1 if e.place else None,
    "geo_precision": lambda e: e.geo_precision,
    "fatalities": lambda e: e.fatalities,
    "persons": lambda e: tuple((p.name, p.role, p.status) for p in e.persons),
    "notes": lambda e: e.notes,
}


@dataclass
class Change:
    event_id: str
    field: str
    before: Any
    after: Any


@dataclass
class ReprocessReport:
    documents: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    orphans: list[Correction] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)

    def by_field(self) -> dict[str, int]:
        return dict(Counter(c.field for c in self.changes).most_common())

    def changed_events(self) -> int:
        return len({c.event_id for c in self.changes})


def diff(before: dict[str, Event], after: dict[str, Event], report: ReprocessReport) -> None:
    report.added.extend(sorted(set(after) - set(before)))
    report.removed.extend(sorted(set(before) - set(after)))
    for event_id in sorted(set(before) & set(after)):
        for name, read in FIELDS.items():
            old, new = read(before[event_id]), read(after[event_id])
            if old != new:
                report.changes.append(Change(event_id, name, old, new))


def reprocess(
    pipeline: Pipeline,
    store: KStore,
    knowledge: Knowledge | None = None,
    since: date | None = None,
    on_document: Callable[[str], None] | None = None,
) -> ReprocessReport:
    """Re-extract stored documents (published on or after ``since``), keeping corrections."""
    report = ReprocessReport()
    for document in list(store.documents()):
        if since is not None and (document.published_at is None or document.published_at < since):
            continue
        before = {e.id: e for e in store.events(EventQuery(document_id=document.id))}
        try:
            fresh = process(pipeline, document)
        except RasdError as exc:
            report.problems.append(
                IngestProblem(
                    source=document.source or document.id, message=exc.problem, fix=exc.fix
                )
            )
            continue
        saved = save_extraction(
            store, document, fresh.events, store.get_mentions(document.id), knowledge
        )
        report.documents += 1
        report.orphans.extend(saved.orphans)
        diff(before, {e.id: e for e in saved.events}, report)
        if on_document is not None:
            on_document(document.source or document.id)
    return report
