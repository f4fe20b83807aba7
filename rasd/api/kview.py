"""Events as the API shows them with what rasd knows across reports: the canonical event
each belongs to, how many reports tell it, the other sources, resolved persons and the
analysts' corrections. Batched: one store call per kind of lookup, not per event."""

from __future__ import annotations

from collections.abc import Sequence

from rasd.api.kschemas import correction_out
from rasd.api.schemas import (
    DocumentOut,
    EventDetail,
    EventOut,
    PersonOut,
    SourceOut,
    document_out,
    event_detail,
    event_out,
    evidence_out,
)
from rasd.exceptions import NotFound
from rasd.knowledge.corrections import cancelled
from rasd.knowledge.dedup import KStore
from rasd.records import Document, Event


def _document(store: KStore, document_id: str) -> Document | None:
    """The report, or None when the viewer sees the event but not its whole report."""
    try:
        return store.get_document(document_id)
    except NotFound:
        return None


def _shown(document: Document | None) -> DocumentOut | None:
    return None if document is None else document_out(document)


def _persons(out: list[PersonOut], refs: dict[int, str]) -> list[PersonOut]:
    return [p.model_copy(update={"person_id": refs.get(i)}) for i, p in enumerate(out)]


def events_out(store: KStore, events: Sequence[Event]) -> list[EventOut]:
    """List items with cluster id, number of sources and person ids filled in."""
    ids = [e.id for e in events]
    clusters = store.clusters(ids)
    sizes = store.cluster_sizes(list(set(clusters.values())))
    refs: dict[str, dict[int, str]] = {}
    for ref in store.person_refs(event_ids=ids):
        refs.setdefault(ref.event_id, {})[ref.position] = ref.person_id
    out = []
    for event in events:
        item = event_out(event)
        cluster = clusters.get(event.id, event.id)
        out.append(
            item.model_copy(
                update={
                    "cluster_id": cluster,
                    "source_count": sizes.get(cluster, 1),
                    "persons": _persons(item.persons, refs.get(event.id, {})),
                }
            )
        )
    return out


def detail_out(store: KStore, event: Event) -> EventDetail:
    """One event with evidence, document, the other sources of its incident and corrections."""
    base = event_detail(event, _document(store, event.document_id))
    listed = events_out(store, [event])[0]
    cluster = listed.cluster_id or event.id
    sources = []
    for member in store.cluster_members(cluster):
        if member == event.id:
            continue
        try:
            other = store.get_event(member)
        except NotFound:  # removed since the cluster was read: not a source any more
            continue
        sources.append(
            SourceOut(
                event_id=other.id,
                document=_shown(_document(store, other.document_id)),
                evidence=[evidence_out(e) for e in other.evidence],
            )
        )
    undone = cancelled(store.corrections())
    corrections = [
        correction_out(c, undone).model_dump(mode="json")
        for c in store.corrections(subject=event.id)
    ]
    return base.model_copy(
        update={
            "cluster_id": cluster,
            "source_count": listed.source_count,
            "persons": listed.persons,
            "sources": sources,
            "corrections": corrections,
        }
    )
