"""The knowledge side of a store: raw extractions, corrections, event links and clusters,
and person entities. :class:`rasd.store.sql.SqlStore` and
:class:`rasd.store.memory.MemoryStore` both implement it (see ``ksql`` and ``kmemory``).

Semantics both follow
---------------------
* Corrections are append-only: ``add_correction`` assigns the next id and the time;
  nothing ever updates or deletes one (a ``revert`` correction undoes another).
* Links, clusters and person references belong to events: when an event goes
  (its document is re-extracted without it, or deleted) they go with it.
* ``update_links(event_ids, links, clusters)`` is atomic: it drops every link
  touching ``event_ids``, writes ``links`` and upserts the cluster assignments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from rasd.records import Correction, Event, EventLink, PersonEntity, PersonRef


@runtime_checkable
class KnowledgeStore(Protocol):
    def put_extraction(self, document_id: str, events: Sequence[Event]) -> None:
        """Keep the pipeline's own events of a document (before corrections)."""

    def get_extraction(self, document_id: str) -> list[Event] | None:
        """The kept extraction, or None when the document was stored without one."""
        ...

    def add_correction(self, correction: Correction) -> Correction:
        """Append to the audit log; returns the correction with its id and time."""
        ...

    def corrections(
        self, *, document_id: str | None = None, subject: str | None = None
    ) -> list[Correction]:
        """Corrections in order; ``subject`` matches ``target`` or ``other``."""
        ...

    def links(self, event_ids: Sequence[str]) -> list[EventLink]:
        """Every link with an end among ``event_ids``."""
        ...

    def update_links(
        self, event_ids: Sequence[str], links: Sequence[EventLink], clusters: Mapping[str, str]
    ) -> None: ...

    def clusters(self, event_ids: Sequence[str]) -> dict[str, str]:
        """event id -> cluster id, for the events that have one."""
        ...

    def cluster_groups(self, event_ids: Sequence[str]) -> dict[str, list[str]]:
        """cluster id -> all its members, for the clusters of ``event_ids``, read together
        (one snapshot)."""
        ...

    def cluster_members(self, cluster_id: str) -> list[str]: ...

    def cluster_sizes(self, cluster_ids: Sequence[str]) -> dict[str, int]:
        """cluster id -> how many events (reports) it has, for the clusters that exist."""
        ...

    def person_entities(self, keys: Sequence[str]) -> list[PersonEntity]: ...

    def get_person(self, person_id: str) -> PersonEntity:
        """The person, or raise NotFound."""
        ...

    def update_person_refs(
        self, event_ids: Sequence[str], refs: Sequence[PersonRef], entities: Sequence[PersonEntity]
    ) -> None:
        """Replace the references of ``event_ids`` by ``refs``; upsert ``entities``."""

    def person_refs(
        self, *, person_ids: Sequence[str] | None = None, event_ids: Sequence[str] | None = None
    ) -> list[PersonRef]: ...

    def search_persons(self, text: str = "", limit: int = 50) -> list[PersonEntity]:
        """Persons still mentioned by an event whose name contains ``text`` (any case), by name."""
        ...
