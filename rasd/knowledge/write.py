"""The one write path of extracted and corrected knowledge.

Every way events reach the store (``rasd ingest``, ``rasd load``, ``rasd
reprocess``, the API) calls :func:`save_extraction`:

1. the pipeline's own events are kept (``extractions``), so corrections can be
   re-applied and undone at any time without running the pipeline again;
2. the corrections in force are applied (:mod:`rasd.knowledge.corrections`);
3. the document and its corrected events are stored (atomic, idempotent);
4. the events are linked to the same incidents in other reports, and
5. their persons are resolved to person entities.

:func:`correct` records an analyst correction after checking it, then re-derives
exactly what it affects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rasd.config import DedupConfig, PipelineConfig
from rasd.exceptions import CorrectionError, NotFound
from rasd.knowledge import corrections as corr
from rasd.knowledge.dedup import KStore, existing_events, link_events
from rasd.knowledge.persons import resolve_persons
from rasd.knowledge.similarity import Similarity
from rasd.records import Actor, Correction, Document, Event, Mention
from rasd.store.base import AddResult, EventQuery


@dataclass(frozen=True)
class Knowledge:
    """What the write path needs besides the store: the de-duplication settings."""

    dedup: DedupConfig = field(default_factory=DedupConfig)
    similarity: Similarity | None = None

    @classmethod
    def from_config(cls, config: PipelineConfig | None) -> Knowledge:
        """The settings of ``[dedup]``; with embeddings on, their sentence similarity."""
        dedup = config.dedup if config is not None else DedupConfig()
        similarity = None
        if dedup.embeddings:
            from rasd.knowledge.embeddings import embedding_similarity

            similarity = embedding_similarity(dedup.embedding_model)
        return cls(dedup, similarity)


@dataclass
class Saved:
    result: AddResult
    events: list[Event]
    orphans: list[Correction]
    clusters: dict[str, str]


def save_extraction(
    store: KStore,
    document: Document,
    events: Sequence[Event],
    mentions: Sequence[Mention] = (),
    knowledge: Knowledge | None = None,
) -> Saved:
    """Store a fresh extraction of a document, with corrections, links and persons."""
    knowledge = knowledge or Knowledge()
    applied = corr.apply(events, _corrections_for(store, document))
    result = store.add(document, applied.events, mentions)
    store.put_extraction(document.id, events)
    clusters = _relate(store, applied.events, knowledge)
    return Saved(result, applied.events, applied.orphans, clusters)


def _corrections_for(store: KStore, document: Document) -> list[Correction]:
    """This document's event corrections, the actor merges of its organisation (they apply
    to all its reports, never to another organisation's) and every revert (which may
    undo either)."""
    return [
        c
        for c in store.corrections()
        if c.document_id == document.id
        or c.action == "revert"
        or (c.action == "merge_actors" and c.org == document.org)
    ]


def _relate(store: KStore, events: Sequence[Event], knowledge: Knowledge) -> dict[str, str]:
    clusters = link_events(store, events, knowledge.dedup, knowledge.similarity)
    resolve_persons(store, store, events)
    return clusters


def rederive(store: KStore, document_id: str, knowledge: Knowledge | None = None) -> Saved:
    """Re-apply the corrections in force to a document's kept extraction (no pipeline)."""
    document = store.get_document(document_id)
    raw = store.get_extraction(document_id)
    if raw is None:  # stored before extractions were kept: the stored events are the baseline
        raw = list(store.events(EventQuery(document_id=document_id)))
    mentions = store.get_mentions(document_id)
    return save_extraction(store, document, raw, mentions, knowledge)


# -- corrections ---------------------------------------------------------------------------


def correct(
    store: KStore, correction: Correction, knowledge: Knowledge | None = None
) -> Correction:
    """Check a correction, append it to the audit log, and re-derive what it affects."""
    checked = _check(store, correction)
    recorded = store.add_correction(checked)
    _effects(store, recorded, knowledge or Knowledge())
    return recorded


def _check(store: KStore, c: Correction) -> Correction:
    if c.action in ("set_field", "not_event", "merge_events", "split_events"):
        event = _event(store, c.target)
        update: dict[str, object] = {"document_id": event.document_id}
        span = corr.anchor(event)
        if span is not None:
            update["anchor_start"], update["anchor_end"] = span
        if c.action == "set_field":
            corr.set_field(event, c.field or "", None if c.value is None else _json(c))
        if c.action in ("merge_events", "split_events"):
            _check_pair(store, event, c)
        return c.model_copy(update=update)
    if c.action == "merge_actors":
        return _check_actor_merge(store, c)
    if c.action in ("merge_persons", "split_person"):
        store.get_person(c.target)
        if c.action == "merge_persons":
            store.get_person(_need_other(c))
        else:
            _event(store, _need_other(c))
        return c
    if c.action == "revert":
        return _check_revert(store, c)
    raise CorrectionError(f"action {c.action!r}", "is not handled", "use a documented action")


def _json(c: Correction) -> object:
    import json

    try:
        return json.loads(c.value or "null")
    except ValueError:
        raise CorrectionError(
            f"value {c.value!r}", "is not JSON", 'quote strings: "Kirkuk"; numbers as 3'
        ) from None


def _event(store: KStore, event_id: str) -> Event:
    try:
        return store.get_event(event_id)
    except NotFound as exc:
        raise CorrectionError(
            f"event {event_id}", "is not in the store", "list events with `rasd events`"
        ) from exc


def _need_other(c: Correction) -> str:
    if not c.other:
        raise CorrectionError(
            f"{c.action} of {c.target}", "needs a second id (other)", "name both ids"
        )
    return c.other


def _check_pair(store: KStore, event: Event, c: Correction) -> None:
    other = _event(store, _need_other(c))
    if other.id == event.id:
        raise CorrectionError(f"{c.action} {event.id}", "names one event twice", "name two events")
    if c.action == "merge_events" and other.document_id == event.document_id:
        raise CorrectionError(
            f"merge_events {event.id} {other.id}",
            "names two events of one report, which rasd keeps apart",
            "mark one of them not_event instead, or correct its fields",
        )


def _check_actor_merge(store: KStore, c: Correction) -> Correction:
    into = find_actor(store, _need_other(c))
    if into is None:
        raise CorrectionError(
            f"actor {c.other}",
            "is not coded on any stored event",
            "check the id with `rasd events --actor`",
        )
    if find_actor(store, c.target) is None:
        raise CorrectionError(
            f"actor {c.target}",
            "is not coded on any stored event",
            "check the id with `rasd events --actor`",
        )
    return c.model_copy(update={"value": corr.encode(into)})


def find_actor(store: KStore, actor_id: str) -> Actor | None:
    """The actor as coded on a stored event (exact id)."""
    for event in store.events(EventQuery(actor=actor_id)):
        for actor in (event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2):
            if actor is not None and actor.id == actor_id:
                return actor
    return None


def _check_revert(store: KStore, c: Correction) -> Correction:
    log = {x.id: x for x in store.corrections()}
    if c.reverts is None or c.reverts not in log:
        raise CorrectionError(
            f"revert {c.reverts}",
            "names no correction in the log",
            "list them with `rasd corrections`",
        )
    if c.reverts in corr.cancelled(log.values()):
        raise CorrectionError(
            f"correction #{c.reverts}", "is already undone", "revert the revert to restore it"
        )
    return c.model_copy(update={"target": log[c.reverts].target, "other": log[c.reverts].other})


def _effects(store: KStore, c: Correction, knowledge: Knowledge) -> None:
    subject = c
    if c.action == "revert":
        subject = next(x for x in store.corrections() if x.id == c.reverts)
        while subject.action == "revert":
            subject = next(x for x in store.corrections() if x.id == subject.reverts)
    if subject.action in corr.EVENT_ACTIONS and subject.document_id:
        rederive(store, subject.document_id, knowledge)
    elif subject.action in ("merge_events", "split_events"):
        events = list(existing_events(store, (subject.target, subject.other)))
        link_events(store, events, knowledge.dedup, knowledge.similarity)
    elif subject.action == "merge_actors":
        for document_id in _documents_with_actor(store, (subject.target, subject.other or "")):
            rederive(store, document_id, knowledge)
    elif subject.action in ("merge_persons", "split_person"):
        ids = [subject.target] + ([subject.other] if subject.other else [])
        refs = store.person_refs(person_ids=ids)
        event_ids = {r.event_id for r in refs} | ({subject.other} if subject.other else set())
        resolve_persons(store, store, list(existing_events(store, event_ids)))


def _documents_with_actor(store: KStore, actor_ids: Iterable[str]) -> list[str]:
    docs: set[str] = set()
    for actor_id in actor_ids:
        for event in store.events(EventQuery(actor=actor_id)):
            docs.add(event.document_id)
    return sorted(docs)


def parse_value(store: KStore, field_name: str, text: str) -> str:
    """A value typed by an analyst, as a correction stores it (JSON).

    Actor fields take an actor id (coded on a stored event, or in the knowledge
    base); "null" clears a field; anything that is not JSON is taken as a string.
    """
    if text == "null":
        return "null"
    if field_name in ("actor1", "actor2"):
        actor = find_actor(store, text) or _kb_actor(text)
        if actor is None:
            raise CorrectionError(
                f"actor {text!r}",
                "is neither coded on a stored event nor in the actor knowledge base",
                "give an actor id as `rasd events --format json` shows it (e.g. islamic-state)",
            )
        return corr.encode(actor)
    import json

    try:
        json.loads(text)
    except ValueError:
        return corr.encode(text)
    return text


def _kb_actor(actor_id: str) -> Actor | None:
    from rasd.actors.kb import YamlActorKB

    kb = YamlActorKB()
    kb.load()
    return kb.get(actor_id)
