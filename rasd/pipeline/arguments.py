"""Stage 'arguments': fill each event candidate's date, actors, places, fatalities and
persons with spans from the text (resolution to gazetteer places and KB actors
happens in the geocode and actors stages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rasd.config import PipelineConfig
from rasd.pipeline import roles
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import DateMention, Doc, EventCandidate, PlaceRef, Span
from rasd.pipeline.fatalities import count_fatalities
from rasd.pipeline.modality import REFERENCE
from rasd.pipeline.persons import find_persons
from rasd.records import PLACE_LABELS

if TYPE_CHECKING:
    from spacy.tokens import Token

NEAR_CUES = (
    "near ",
    "outskirts of ",
    "vicinity of ",
    "close to ",
    "north of ",
    "south of ",
    "east of ",
    "west of ",
    "northeast of ",
    "northwest of ",
    "southeast of ",
    "southwest of ",
    "km from ",
    "kilometres from ",
    "kilometers from ",
    "around ",
    "outside ",
    "on the road between ",
    "road to ",
)
INHERIT_CUES = (
    "at a time when",
    "at the same time",
    "meanwhile",
    "simultaneously",
    "in a separate",
    "separately",
    "elsewhere",
)


@dataclass
class ArgumentsStage:
    name: str = "arguments"
    requires: tuple[str, ...] = ("candidates", "mentions", "dates")
    assigns: tuple[str, ...] = ("arguments",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        if doc.spacy is None:
            return doc
        previous: EventCandidate | None = None
        for cand in doc.candidates:
            trigger = _trigger_token(doc, cand)
            if trigger is None or cand.notes == REFERENCE:
                continue  # references only merge into earlier events; they carry no arguments
            follow_up = roles.continuation(doc, cand)
            fill_actors(doc, cand, trigger, follow_up)
            cand.places = find_places(doc, cand)
            fill_date(doc, cand, previous)
            fill_fatalities(doc, cand, follow_up)
            cand.persons = find_persons(doc, cand, follow_up)
            previous = cand
        return doc


def _trigger_token(doc: Doc, cand: EventCandidate) -> Token | None:
    assert doc.spacy is not None
    span = doc.spacy.char_span(cand.trigger.start, cand.trigger.end, alignment_mode="expand")
    return span.root if span is not None else None


def fill_actors(doc: Doc, cand: EventCandidate, trigger: Token, follow_up: Span | None) -> None:
    frames = roles.role_ranges(trigger)
    cand.actor1 = roles.actor_spans(doc, cand.sentence, frames.agent)
    cand.actor2 = roles.actor_spans(doc, cand.sentence, frames.patient)
    assoc = roles.actor_spans(doc, cand.sentence, frames.assoc)
    cand.actor2 = [s for s in cand.actor2 if not any(s.overlaps(a) for a in cand.actor1)]
    if not cand.actor1:
        cand.actor1 = roles.elaboration_actors(doc, cand, follow_up)
    if cand.actor1:
        cand.actor1 = (
            cand.actor1[:1] + [a for a in assoc if not a.overlaps(cand.actor1[0])] + cand.actor1[1:]
        )
    elif assoc:
        cand.actor1 = assoc


def find_places(doc: Doc, cand: EventCandidate) -> list[PlaceRef]:
    """Place mentions of the trigger sentence, those nearest the trigger first."""
    actor_spans = cand.actor1 + cand.actor2
    refs: list[PlaceRef] = []
    for m in doc.mentions:
        if m.label not in PLACE_LABELS or not (cand.sentence.start <= m.start < cand.sentence.end):
            continue
        span = Span(m.start, m.end, m.text)
        if any(a.contains(span) and a != span for a in actor_spans):
            continue  # "the Asayish Operations Department of the Kurdistan Region"
        before = doc.text[max(cand.sentence.start, m.start - 40) : m.start].lower()
        near = any(before.endswith(cue) or before.endswith(cue + "the ") for cue in NEAR_CUES)
        refs.append(PlaceRef(span=span, near=near, role="near" if near else "in"))
    refs.sort(key=lambda r: (not _locative(doc, r.span), abs(r.span.start - cand.trigger.start)))
    return refs


LOCATIVE_PREPS = (
    "in ",
    "near ",
    "at ",
    "outside ",
    "around ",
    "in the ",
    "near the ",
    "into ",
    "from ",
)


def _locative(doc: Doc, span: Span) -> bool:
    """Introduced by a locative preposition ("in the Hawija district"), not "wali of Kirkuk"."""
    before = doc.text[max(0, span.start - 12) : span.start].lower()
    return before.endswith(LOCATIVE_PREPS) or before.endswith(NEAR_CUES)


def fill_date(doc: Doc, cand: EventCandidate, previous: EventCandidate | None) -> None:
    in_sentence = [d for d in doc.dates if cand.sentence.start <= d.span.start < cand.sentence.end]
    if in_sentence:
        best = min(in_sentence, key=lambda d: abs(d.span.start - cand.trigger.start))
        cand.date, cand.date_evidence = best, best.span
        return
    sentence = cand.sentence.text.lower()
    linked = _linked_candidate(doc, cand) or (
        previous if any(c in sentence for c in INHERIT_CUES) else None
    )
    if linked is not None and linked.date is not None:
        # "The arrest took place at a time when ...": same time as the linked event, roughly
        cand.date = DateMention(linked.date.span, linked.date.value, max(linked.date.precision, 2))
        cand.date_evidence = linked.date_evidence
        return
    published = doc.document.published_at
    if published is not None:
        cand.date = DateMention(Span(cand.sentence.start, cand.sentence.start, ""), published, 2)


def _linked_candidate(doc: Doc, cand: EventCandidate) -> EventCandidate | None:
    """A reference to an earlier event in the same sentence ("The arrest took place ...")."""
    for other in doc.candidates:
        if other is cand or other.sentence != cand.sentence or other.notes != REFERENCE:
            continue
        for earlier in reversed(doc.candidates[: doc.candidates.index(other)]):
            if earlier.sub_event_type == other.sub_event_type and earlier.notes != REFERENCE:
                return earlier
    return None


def fill_fatalities(doc: Doc, cand: EventCandidate, follow_up: Span | None) -> None:
    for sentence in (cand.sentence, follow_up):
        if sentence is None:
            continue
        found = count_fatalities(sentence.text)
        if found is not None:
            n, start, end = found
            cand.fatalities = n
            cand.fatalities_span = Span(
                sentence.start + start, sentence.start + end, sentence.text[start:end]
            )
            return


@register("arguments")
def make(config: PipelineConfig, backends: Backends) -> ArgumentsStage:
    return ArgumentsStage()
