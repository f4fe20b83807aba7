"""The knowledge side of MemoryStore (see :mod:`rasd.store.kbase` for the semantics)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rasd.records import Correction, Document, Event, EventLink, PersonEntity, PersonRef
from rasd.store.ksql import missing_person


class KnowledgeMemory:
    """Mixed into MemoryStore. Rows of events that are gone are dropped on read."""

    _events: dict[str, Event]
    _documents: dict[str, Document]

    def _init_knowledge(self) -> None:
        self._extractions: dict[str, tuple[Event, ...]] = {}
        self._corrections: list[Correction] = []
        self._links: dict[tuple[str, str], EventLink] = {}
        self._clusters: dict[str, str] = {}
        self._entities: dict[str, PersonEntity] = {}
        self._refs: dict[tuple[str, int], PersonRef] = {}

    def put_extraction(self, document_id: str, events: Sequence[Event]) -> None:
        self._extractions[document_id] = tuple(events)

    def get_extraction(self, document_id: str) -> list[Event] | None:
        if document_id not in self._documents or document_id not in self._extractions:
            return None
        return list(self._extractions[document_id])

    def add_correction(self, correction: Correction) -> Correction:
        stored = correction.model_copy(
            update={
                "id": len(self._corrections) + 1,
                "created_at": correction.created_at or datetime.now(UTC),
            }
        )
        self._corrections.append(stored)
        return stored

    def corrections(
        self, *, document_id: str | None = None, subject: str | None = None
    ) -> list[Correction]:
        return [
            c
            for c in self._corrections
            if (document_id is None or c.document_id == document_id)
            and (subject is None or subject in (c.target, c.other))
        ]

    def links(self, event_ids: Sequence[str]) -> list[EventLink]:
        wanted = set(event_ids)
        return [
            self._links[k]
            for k in sorted(self._links)
            if (k[0] in wanted or k[1] in wanted) and self._alive(*k)
        ]

    def update_links(
        self, event_ids: Sequence[str], links: Sequence[EventLink], clusters: Mapping[str, str]
    ) -> None:
        gone = set(event_ids)
        self._links = {k: v for k, v in self._links.items() if not gone & set(k)}
        self._links.update({(link.a, link.b): link for link in links})
        self._clusters.update(clusters)

    def clusters(self, event_ids: Sequence[str]) -> dict[str, str]:
        return {e: self._clusters[e] for e in event_ids if e in self._clusters and self._alive(e)}

    def cluster_groups(self, event_ids: Sequence[str]) -> dict[str, list[str]]:
        wanted = {self._clusters[e] for e in event_ids if e in self._clusters and self._alive(e)}
        return {
            c: sorted(e for e, k in self._clusters.items() if k == c and self._alive(e))
            for c in sorted(wanted)
        }

    def cluster_members(self, cluster_id: str) -> list[str]:
        return sorted(e for e, c in self._clusters.items() if c == cluster_id and self._alive(e))

    def cluster_sizes(self, cluster_ids: Sequence[str]) -> dict[str, int]:
        wanted = set(cluster_ids)
        out: dict[str, int] = {}
        for event_id, cluster in self._clusters.items():
            if cluster in wanted and self._alive(event_id):
                out[cluster] = out.get(cluster, 0) + 1
        return out

    def person_entities(self, keys: Sequence[str]) -> list[PersonEntity]:
        wanted = set(keys)
        return sorted((p for p in self._entities.values() if p.key in wanted), key=lambda p: p.id)

    def get_person(self, person_id: str) -> PersonEntity:
        if person_id not in self._entities:
            raise missing_person(person_id)
        return self._entities[person_id]

    def update_person_refs(
        self, event_ids: Sequence[str], refs: Sequence[PersonRef], entities: Sequence[PersonEntity]
    ) -> None:
        gone = set(event_ids)
        self._refs = {k: v for k, v in self._refs.items() if k[0] not in gone}
        self._entities.update({p.id: p for p in entities})
        self._refs.update({(r.event_id, r.position): r for r in refs})

    def person_refs(
        self, *, person_ids: Sequence[str] | None = None, event_ids: Sequence[str] | None = None
    ) -> list[PersonRef]:
        return [
            self._refs[k]
            for k in sorted(self._refs)
            if self._alive(k[0])
            and (person_ids is None or self._refs[k].person_id in person_ids)
            and (event_ids is None or k[0] in event_ids)
        ]

    def search_persons(self, text: str = "", limit: int = 50) -> list[PersonEntity]:
        mentioned = {r.person_id for k, r in self._refs.items() if self._alive(k[0])}
        found = [
            p
            for p in self._entities.values()
            if p.id in mentioned and text.lower() in p.name.lower()
        ]
        return sorted(found, key=lambda p: (p.name, p.id))[:limit]

    def _alive(self, *event_ids: str) -> bool:
        return all(e in self._events for e in event_ids)
