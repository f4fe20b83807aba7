"""The knowledge reads (clusters, links, persons, corrections) as a viewer sees them.

Mixed into SqlStore and MemoryStore ahead of their knowledge mixins: each method
asks the store's own (``super()``) and, for a scoped store, keeps what the viewer
may see, in one place for both stores:

* links only when both events are visible;
* an incident's cluster shows only visible reports; when its representative is not
  visible, the visible report with the lowest id stands for it (so no hidden event id
  ever reaches the viewer); a cluster re-made by a concurrent write between two reads
  never leaves it without one;
* a person only with their visible mentions, named as a visible report names them;
* corrections only of the viewer's own organisation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rasd.records import Correction, EventLink, PersonEntity, PersonRef, Viewer
from rasd.store.ksql import missing_person

SEARCH_SLACK = 20  # persons read per person wanted when filtering a search


def _stand_in(cluster_id: str, visible_members: set[str]) -> str:
    """The cluster id if visible, else its lowest visible member. The members and the
    clusters were read together (``cluster_groups``), and the set holds at least the
    visible events asked about, so it is never empty (a re-clustering between two
    separate reads answered 500: ``min() arg is an empty sequence``)."""
    return cluster_id if cluster_id in visible_members else min(visible_members)


class ScopedKnowledge:
    _viewer: Viewer | None

    def _visible_ids(self, event_ids: Iterable[str]) -> set[str]:  # provided by each store
        raise NotImplementedError

    def links(self, event_ids: Sequence[str]) -> list[EventLink]:
        found: list[EventLink] = super().links(event_ids)  # type: ignore[misc]
        if self._viewer is None:
            return found
        seen = self._visible_ids({end for link in found for end in (link.a, link.b)})
        return [link for link in found if link.a in seen and link.b in seen]

    def clusters(self, event_ids: Sequence[str]) -> dict[str, str]:
        if self._viewer is None:
            raw: dict[str, str] = super().clusters(event_ids)  # type: ignore[misc]
            return raw
        asked = self._visible_ids(event_ids)
        groups: dict[str, list[str]] = super().cluster_groups(sorted(asked))  # type: ignore[misc]
        visible = self._visible_ids({m for members in groups.values() for m in members})
        out: dict[str, str] = {}
        for cluster, members in groups.items():
            mine = asked.intersection(members)
            stand_in = _stand_in(cluster, visible.intersection(members) | mine)
            out.update({e: stand_in for e in mine})
        return out

    def _visible_members(self, cluster_id: str) -> list[str]:
        members: list[str] = super().cluster_members(cluster_id)  # type: ignore[misc]
        return sorted(self._visible_ids(members))

    def cluster_members(self, cluster_id: str) -> list[str]:
        if self._viewer is None:
            members: list[str] = super().cluster_members(cluster_id)  # type: ignore[misc]
            return members
        raw = super().clusters(sorted(self._visible_ids([cluster_id])))  # type: ignore[misc]
        return self._visible_members(raw[cluster_id]) if cluster_id in raw else []

    def cluster_sizes(self, cluster_ids: Sequence[str]) -> dict[str, int]:
        if self._viewer is None:
            sizes: dict[str, int] = super().cluster_sizes(cluster_ids)  # type: ignore[misc]
            return sizes
        counted = {c: len(self.cluster_members(c)) for c in cluster_ids}
        return {c: n for c, n in counted.items() if n}

    def person_refs(
        self, *, person_ids: Sequence[str] | None = None, event_ids: Sequence[str] | None = None
    ) -> list[PersonRef]:
        refs: list[PersonRef] = super().person_refs(  # type: ignore[misc]
            person_ids=person_ids, event_ids=event_ids
        )
        if self._viewer is None:
            return refs
        seen = self._visible_ids({r.event_id for r in refs})
        return [r for r in refs if r.event_id in seen]

    def get_person(self, person_id: str) -> PersonEntity:
        entity: PersonEntity = super().get_person(person_id)  # type: ignore[misc]
        if self._viewer is None:
            return entity
        named = self._visible_names([entity])
        if person_id not in named:
            raise missing_person(person_id)
        return entity.model_copy(update={"name": named[person_id]})

    def search_persons(self, text: str = "", limit: int = 50) -> list[PersonEntity]:
        if self._viewer is None:
            found: list[PersonEntity] = super().search_persons(text, limit)  # type: ignore[misc]
            return found
        wider = super().search_persons(text, limit * SEARCH_SLACK)  # type: ignore[misc]
        named = self._visible_names(wider)
        kept = [p.model_copy(update={"name": named[p.id]}) for p in wider if p.id in named]
        kept = [p for p in kept if text.lower() in p.name.lower()]
        return sorted(kept, key=lambda p: (p.name, p.id))[:limit]

    def _visible_names(self, entities: Sequence[PersonEntity]) -> dict[str, str]:
        """person id -> their name if a visible report uses it, else the name visible
        reports use most; for persons visibly mentioned."""
        refs = self.person_refs(person_ids=[p.id for p in entities])
        names: dict[str, Counter[str]] = {}
        for ref in refs:
            names.setdefault(ref.person_id, Counter())[ref.name] += 1
        own = {p.id: p.name for p in entities}
        return {
            pid: own[pid] if own.get(pid) in c else min(c, key=lambda n: (-c[n], n))
            for pid, c in names.items()
        }

    def corrections(
        self, *, document_id: str | None = None, subject: str | None = None
    ) -> list[Correction]:
        found: list[Correction] = super().corrections(  # type: ignore[misc]
            document_id=document_id, subject=subject
        )
        if self._viewer is None:
            return found
        return [c for c in found if c.org == self._viewer.org]
