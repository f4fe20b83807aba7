"""Person entity resolution: "Abu Bukhari" in three reports is one person.

Each person mention of an event is resolved to a person entity by its name key
(:func:`rasd.knowledge.names.name_key`, which absorbs transliteration variants),
provided what the reports say does not conflict: a mention whose group or
nationality differs from the entity's is a different person. Single-word names
("Ahmed") are too common to link across reports and stay within their report.

Analysts' ``merge_persons`` and ``split_person`` corrections are applied on every
resolution, so they survive re-extraction and are undone by reverting them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rasd.exceptions import NotFound
from rasd.knowledge.corrections import active
from rasd.knowledge.names import is_specific, name_key
from rasd.records import SYSTEM_USER, Correction, Event, Person, PersonEntity, PersonRef, Viewer
from rasd.store.base import Store
from rasd.store.kbase import KnowledgeStore

log = logging.getLogger(__name__)


def _id(*parts: str) -> str:
    return "p-" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class PersonRules:
    """The analysts' word on persons: merged into (target -> other) and split-off mentions."""

    merged: dict[str, str] = field(default_factory=dict)
    split: set[tuple[str, str]] = field(default_factory=set)  # (person id, event id)

    @classmethod
    def from_corrections(cls, corrections: Iterable[Correction]) -> PersonRules:
        rules = cls()
        for c in active(corrections):
            if c.action == "merge_persons" and c.other and c.other != c.target:
                rules.merged[c.target] = c.other
            elif c.action == "split_person" and c.other:
                rules.split.add((c.target, c.other))
        return rules

    def canonical(self, person_id: str) -> str:
        seen = {person_id}
        while person_id in self.merged:
            person_id = self.merged[person_id]
            if person_id in seen:  # a cycle of merges: stop at the first repeat
                break
            seen.add(person_id)
        return person_id


def _compatible(person: Person, known: Sequence[Person]) -> bool:
    for other in known:
        if person.actor_id and other.actor_id and person.actor_id != other.actor_id:
            return False
        if (
            person.nationality
            and other.nationality
            and person.nationality.lower() != other.nationality.lower()
        ):
            return False
    return True


class Resolver:
    """Resolves mentions against the store's entities, remembering what it has seen."""

    def __init__(self, store: Store, kstore: KnowledgeStore, rules: PersonRules) -> None:
        self.store, self.kstore, self.rules = store, kstore, rules
        self._known: dict[str, list[Person]] = {}  # person id -> mentions seen

    def _mentions_of(self, person_id: str) -> list[Person]:
        if person_id not in self._known:
            found: list[Person] = []
            for ref in self.kstore.person_refs(person_ids=[person_id]):
                try:
                    event = self.store.get_event(ref.event_id)
                except NotFound:
                    continue
                if ref.position < len(event.persons):
                    found.append(event.persons[ref.position])
            self._known[person_id] = found
        return self._known[person_id]

    def resolve(self, event: Event, person: Person) -> PersonEntity | None:
        key = name_key(person.name)
        if not key:
            return None
        if is_specific(person.name):
            salt = [person.actor_id or "", (person.nationality or "").lower()]
            natural = _id(key, *salt)
            found = self._match(key, person, natural)
            entity = found or PersonEntity(id=natural, name=person.name, key=key)
        else:  # too common a name to link across reports
            entity = PersonEntity(id=_id(key, event.document_id), name=person.name, key=key)
        entity = self._analysts_say(entity, event, person)
        self._known.setdefault(entity.id, []).append(person)
        return entity

    def _analysts_say(self, entity: PersonEntity, event: Event, person: Person) -> PersonEntity:
        """Apply split_person (to this person or the one it was merged into), then merges."""
        canonical = self.rules.canonical(entity.id)
        for owner in (entity.id, canonical):
            if (owner, event.id) in self.rules.split:
                return PersonEntity(id=_id(owner, event.id), name=person.name, key=entity.key)
        if canonical == entity.id:
            return entity
        try:  # an analyst merged this person into another
            return self.kstore.get_person(canonical)
        except NotFound:  # that person has no mention left: keep this one's own
            log.info("person %s merged into %s, which is not stored", entity.id, canonical)
            return entity

    def _match(self, key: str, person: Person, natural: str) -> PersonEntity | None:
        """A compatible known entity; the one this mention would create comes first, so
        entities split off by analysts do not attract new mentions."""
        found = self.kstore.person_entities([key])
        for entity in sorted(found, key=lambda e: e.id != natural):
            if self.rules.canonical(entity.id) != entity.id:
                continue
            known = self._mentions_of(entity.id)
            # The mention's own (natural) id, or a person visible reports name: never one
            # known only from reports hidden from this event's organisation.
            if (known or entity.id == natural) and _compatible(person, known):
                return entity
        return None


def resolve_persons(
    store: Store, kstore: KnowledgeStore, events: Sequence[Event]
) -> list[PersonRef]:
    """Resolve and store the person mentions of ``events`` (replacing earlier references).
    An event follows the person merges and splits of its own organisation only."""
    corrections = kstore.corrections()
    resolvers: dict[str, Resolver] = {}
    refs: list[PersonRef] = []
    entities: dict[str, PersonEntity] = {}
    for event in events:
        if event.org not in resolvers:  # what this event's organisation may see, only
            own = PersonRules.from_corrections(c for c in corrections if c.org == event.org)
            view = Viewer(org=event.org, user=SYSTEM_USER)
            scoped = store.scoped(view)
            known = scoped if isinstance(scoped, KnowledgeStore) else kstore
            resolvers[event.org] = Resolver(scoped, known, own)
        resolver = resolvers[event.org]
        for position, person in enumerate(event.persons):
            entity = resolver.resolve(event, person)
            if entity is None:
                continue
            entities.setdefault(entity.id, entity)
            refs.append(
                PersonRef(
                    event_id=event.id, position=position, person_id=entity.id, name=person.name
                )
            )
    kstore.update_person_refs([e.id for e in events], refs, list(entities.values()))
    return refs
