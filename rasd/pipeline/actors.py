"""Stage 'actors': link actor mentions to the knowledge base and resolve each event's
actor spans to ACLED actors.

* ``doc.actors``: every actor mention (ruler ``ACTOR`` mentions, ORG/NORP mentions the
  KB knows, and any alias the KB finds in the text) -> Actor. Spokes-bodies and
  media outlets are left out.
* ``candidate.actor1_resolved`` / ``actor2_resolved``: the spans the arguments stage
  put in ``candidate.actor1`` / ``actor2`` (first = main actor, rest = associated),
  each resolved by :func:`resolve_phrase`, then deduplicated (a parent gives way to
  its more specific unit), named for the event's date and country, and stripped of
  spokes-bodies ("the Security Media Cell announced...").
* ``candidate.actor1`` / ``actor2`` are then rewritten to the spans the resolved
  actors came from, so ``actor1[i]`` is the evidence of ``actor1_resolved[i]``
  (spokes-bodies, unresolved phrases and duplicates no longer appear).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from rasd.actors.base import ActorKB, ActorResolver
from rasd.actors.matcher import head_phrase
from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, EventCandidate, Span
from rasd.records import Actor
from rasd.taxonomy import SUB_EVENT_TYPES

T = TypeVar("T")

#: Mention labels whose text may name a known actor.
LINKABLE_LABELS = frozenset({"ORG", "NORP"})
#: Kinds of generic fallback that an ORG/NORP mention is never linked to on its own.
DESCRIPTIVE_KINDS = frozenset(
    {"generic", "unidentified", "identity", "protesters", "rioters", "civilian"}
)


def is_actor(kb: ActorKB, actor: Actor) -> bool:
    """False for spokes-bodies and media outlets (KBs without ``info`` allow everything)."""
    if isinstance(kb, ActorResolver):
        info = kb.info(actor.id)
        return info is None or info.is_actor
    return True


def resolve_phrase(
    kb: ActorKB, text: str, country: str | None, present: Collection[str] = ()
) -> Actor | None:
    """The actor a noun phrase denotes. Returns spokes-bodies too (callers drop them).

    Order: a spokes-body heading the phrase ("a PMF spokesman") -> the whole phrase
    as a KB alias -> a KB actor heading the phrase -> a generic heading it (except
    "gunmen"-like unidentified groups, which yield to a named group: "gunmen from
    ISIS") -> any KB actor inside -> a vague phrase of an actor named elsewhere in
    the document ("the terrorist organization") -> any generic fallback.
    """
    resolver = kb if isinstance(kb, ActorResolver) else None
    generic_full = kb.generic(text, country)
    if generic_full is not None and not is_actor(kb, generic_full):
        return generic_full
    found = kb.match(text)
    if found is not None:
        return found
    head = head_phrase(text)
    found = resolver.find(head) if resolver else kb.match(head)
    if found is not None:
        return found
    generic_head = kb.generic(head, country)
    if generic_head is not None and not _unidentified(kb, generic_head):
        return generic_head
    if resolver is not None:
        found = resolver.find(text) or resolver.context_match(text, present)
        if found is not None:
            return found
    return generic_full


def _unidentified(kb: ActorKB, actor: Actor) -> bool:
    if isinstance(kb, ActorResolver):
        info = kb.info(actor.id)
        return info is not None and info.kind == "unidentified"
    return actor.name.startswith("Unidentified")


def _ancestors(kb: ActorKB, actor_id: str) -> set[str]:
    out: set[str] = set()
    if not isinstance(kb, ActorResolver):
        return out
    info = kb.info(actor_id)
    while info is not None and info.parent and info.parent not in out:
        out.add(info.parent)
        info = kb.info(info.parent)
    return out


def dedupe(kb: ActorKB, actors: Iterable[Actor]) -> list[Actor]:
    """Drop repeats (same id or name) and any actor that is an ancestor of another."""
    return [a for a, _ in dedupe_pairs(kb, [(a, None) for a in actors])]


def dedupe_pairs(kb: ActorKB, pairs: Iterable[tuple[Actor, T]]) -> list[tuple[Actor, T]]:
    """:func:`dedupe` over (actor, evidence) pairs, keeping each kept actor's evidence."""
    out: list[tuple[Actor, T]] = []
    for actor, extra in pairs:
        if not any(o.id == actor.id or o.name == actor.name for o, _ in out):
            out.append((actor, extra))
    ancestors = set().union(*(_ancestors(kb, a.id) for a, _ in out)) if out else set()
    return [(a, x) for a, x in out if a.id not in ancestors]


@dataclass
class ActorsStage:
    kb: ActorKB
    default_country: str = "Iraq"
    name: str = "actors"
    requires: tuple[str, ...] = ("arguments",)
    assigns: tuple[str, ...] = ("actors", "event_actors")

    def load(self) -> None:
        self.kb.load()

    def __call__(self, doc: Doc) -> Doc:
        doc.actors = self.mention_actors(doc)
        present = {a.id for a in doc.actors.values()}
        for cand in doc.candidates:
            country = self.country_of(cand)
            when = cand.date.value if cand.date else doc.document.published_at
            pairs = self.resolve_spans(doc, cand.actor1, country, when, present)
            cand.actor1_resolved, cand.actor1 = [a for a, _ in pairs], [s for _, s in pairs]
            pairs = self.resolve_spans(doc, cand.actor2, country, when, present)
            cand.actor2_resolved, cand.actor2 = [a for a, _ in pairs], [s for _, s in pairs]
            self.crowd_actors(cand, country)
        return doc

    def crowd_actors(self, cand: EventCandidate, country: str) -> None:
        """ACLED codes demonstrations with Protesters/Rioters (country) as the crowd's actor:
        actor1 for protests and riots, actor2 for excessive force against protesters."""
        sub = cand.sub_event_type
        if SUB_EVENT_TYPES[sub] == "Violence against civilians" and not cand.actor2_resolved:
            # ACLED: the victims of violence against civilians are Civilians (country)
            civilians = self.kb.generic("civilians", country)
            if civilians is not None:
                cand.actor2_resolved, cand.actor2 = [civilians], []
            return
        crowd_word = {"Protests": "protesters", "Riots": "rioters"}.get(SUB_EVENT_TYPES[sub])
        if crowd_word is None:
            return
        crowd = self.kb.generic(crowd_word, country)
        if crowd is None:
            return
        if sub == "Excessive force against protesters":
            if not any(a.actor_type == crowd.actor_type for a in cand.actor2_resolved):
                others = [a for a in cand.actor1_resolved if a.actor_type != crowd.actor_type]
                cand.actor1_resolved, cand.actor1 = others[:1], []
                cand.actor2_resolved, cand.actor2 = [crowd, *cand.actor2_resolved], []
            return
        if not cand.actor1_resolved or cand.actor1_resolved[0].actor_type != crowd.actor_type:
            rest = [a for a in cand.actor1_resolved if a.id != crowd.id]
            cand.actor1_resolved = [crowd, *rest]
            cand.actor1 = []  # no single span supports the generic crowd actor

    def country_of(self, cand: EventCandidate) -> str:
        if cand.place is not None and cand.place.country:
            return cand.place.country
        return self.default_country

    def _localise(self, actor: Actor, when: date | None, country: str | None) -> Actor:
        if isinstance(self.kb, ActorResolver):
            return self.kb.localise(actor, when, country)
        return actor

    def mention_actors(self, doc: Doc) -> dict[tuple[int, int], Actor]:
        found: dict[tuple[int, int], Actor] = {}
        for m in doc.mentions:
            actor = None
            if m.label == "ACTOR":
                actor = (self.kb.get(m.kb_id) if m.kb_id else None) or self.kb.match(m.text)
            elif m.label in LINKABLE_LABELS:
                actor = self.link_named(m.text)
            if actor is not None:
                found[(m.start, m.end)] = actor
        if isinstance(self.kb, ActorResolver):
            for start, end, actor in self.kb.find_all(doc.text):
                if not any(s < end and start < e for s, e in found):
                    found[(start, end)] = actor
        when = doc.document.published_at
        return {
            span: self._localise(actor, when, self.default_country)
            for span, actor in sorted(found.items())
            if is_actor(self.kb, actor)
        }

    def link_named(self, text: str) -> Actor | None:
        """A KB actor for an ORG/NORP mention ("the Directorate of Military Intelligence"),
        never a merely descriptive fallback."""
        actor = resolve_phrase(self.kb, text, self.default_country)
        if actor is None or not isinstance(self.kb, ActorResolver):
            return actor
        info = self.kb.info(actor.id)
        return None if info is None or info.kind in DESCRIPTIVE_KINDS else actor

    def resolve_spans(
        self,
        doc: Doc,
        spans: list[Span],
        country: str,
        when: date | None,
        present: Collection[str],
    ) -> list[tuple[Actor, Span]]:
        """Resolved actors, each with the span it came from (unresolved spans warn)."""
        resolved: list[tuple[Actor, Span]] = []
        for span in spans:
            actor = doc.actors.get((span.start, span.end)) or resolve_phrase(
                self.kb, span.text, country, present
            )
            if actor is None:
                if not any(ch.isupper() for ch in span.text):
                    continue  # a descriptive phrase ("the shop owner") that names no group
                doc.warnings.append(
                    f"actors: no actor found for {span.text!r} "
                    f"(characters {span.start}-{span.end}); if it names a group, "
                    "add it to an actor file (see docs/actors.md)"
                )
            elif is_actor(self.kb, actor):
                resolved.append((self._localise(actor, when, country), span))
        return dedupe_pairs(self.kb, resolved)


@register("actors")
def make(config: PipelineConfig, backends: Backends) -> ActorsStage:
    return ActorsStage(backends.get_kb(config), config.actors.default_country)
