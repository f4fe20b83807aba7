"""Stage 'assemble': merge mentions of one incident, drop background and weak candidates,
and build the final ``Event`` records with evidence for every coded field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from rasd.config import EventsConfig, PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, EventCandidate, Span
from rasd.pipeline.modality import REFERENCE
from rasd.pipeline.notes import summarise
from rasd.records import Actor, Event, Evidence, Person, event_id
from rasd.taxonomy import SUB_EVENT_TYPES


@dataclass
class AssembleStage:
    config: EventsConfig
    name: str = "assemble"
    requires: tuple[str, ...] = ("event_places", "event_actors", "dates")
    assigns: tuple[str, ...] = ("events",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        cands = merge_references(doc.candidates)
        if self.config.merge_within_document:
            cands = merge_same_incident(cands)
        cands = [c for c in cands if not self._background(doc, c)]
        events = [build_event(doc, c) for c in cands]
        doc.events = [e for e in events if e.confidence >= self.config.min_confidence]
        return doc

    def _background(self, doc: Doc, cand: EventCandidate) -> bool:
        published = doc.document.published_at
        if published is None or cand.date is None:
            return False
        if cand.date_evidence is None and (
            _past_year(cand.sentence.text, published.year)
            or BACKGROUND_RE.search(cand.sentence.text)
        ):
            return True  # "In 2018, demonstrators set fire to ...", "in recent years": history
        return cand.date.value < published - timedelta(days=self.config.max_days_before_publication)


BACKGROUND_RE = re.compile(
    r"\b(in recent (years|months)|over the (past|last) (years|decade)|in the past (decade|few years)"
    r"|for years|have long|increasingly|since the (war|fall|start|end))\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _past_year(sentence: str, year: int) -> bool:
    return any(int(y) < year for y in YEAR_RE.findall(sentence))


def merge_references(cands: list[EventCandidate]) -> list[EventCandidate]:
    """References ("the arrest took place") join the nearest earlier event of their type."""
    out: list[EventCandidate] = []
    for cand in cands:
        if cand.notes != REFERENCE:
            out.append(cand)
            continue
        target = next((c for c in reversed(out) if c.sub_event_type == cand.sub_event_type), None)
        if target is not None:
            target.merged.append(cand)
    return out


def _compatible(a: EventCandidate, b: EventCandidate) -> bool:
    if a.sub_event_type != b.sub_event_type:
        return False
    if not _same_area(a, b):
        return False
    if (
        a.place
        and b.place
        and a.place.name != b.place.name
        and a.geo_precision == b.geo_precision == 1
    ):
        return False
    if a.date and b.date and abs((a.date.value - b.date.value).days) > 1:
        return False
    return _actors_agree(a.actor1_resolved, b.actor1_resolved)


def _actors_agree(a: list[Actor], b: list[Actor]) -> bool:
    """No conflict: one side has no actors, or they share one."""
    ids_a, ids_b = {x.id for x in a}, {x.id for x in b}
    return not ids_a or not ids_b or bool(ids_a & ids_b)


CROWD_TYPES = frozenset({"Protests", "Riots"})
CROWD_SEVERITY = {
    "Excessive force against protesters": 5,
    "Violent demonstration": 4,
    "Mob violence": 3,
    "Protest with intervention": 2,
    "Peaceful protest": 1,
}


def _same_area(a: EventCandidate, b: EventCandidate) -> bool:
    return not a.place or not b.place or a.place.admin1 == b.place.admin1


VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
NEW_INCIDENT_CUES = ("separate", "elsewhere", "another", "earlier this", "last week", "in a second")


def _family(sub_event_type: str) -> str:
    etype = SUB_EVENT_TYPES[sub_event_type]
    if etype in VIOLENT_TYPES:
        return "violence"
    if etype in CROWD_TYPES:
        return "crowd"
    return sub_event_type


def _new_incident(cand: EventCandidate) -> bool:
    low = cand.sentence.text.lower()
    return any(cue in low for cue in NEW_INCIDENT_CUES)


def _weak_follow_up(target: EventCandidate, cand: EventCandidate) -> bool:
    """A later sentence elaborating an earlier event: undated and in the same area
    ("Footage showed several large explosions", "he had been badly beaten"), or the
    same day, place and actors (ACLED: one event per day, location and actor pair)."""
    if not _same_area(target, cand) or _family(target.sub_event_type) != _family(
        cand.sub_event_type
    ):
        return False
    if _new_incident(cand):
        return False
    if cand.date_evidence is None:
        return True
    same_day = (
        target.date is not None and cand.date is not None and target.date.value == cand.date.value
    )
    return same_day and _actors_agree(
        target.actor1_resolved + target.actor2_resolved, cand.actor1_resolved + cand.actor2_resolved
    )


def _same_telling(c: EventCandidate, cand: EventCandidate) -> bool:
    return _compatible(c, cand) and (not c.place or not cand.place or c.place == cand.place)


def merge_same_incident(cands: list[EventCandidate]) -> list[EventCandidate]:
    """One incident told twice in a report is one event: the first telling keeps the rest."""
    out: list[EventCandidate] = []
    for cand in cands:
        target = next((c for c in out if _same_telling(c, cand)), None)
        if target is None:
            # the nearest earlier event it elaborates, not the first of the report
            target = next((c for c in reversed(out) if _weak_follow_up(c, cand)), None)
        if target is None:
            out.append(cand)
            continue
        target.merged.append(cand)
        _fill_missing(target, cand)
    return out


def _fill_missing(target: EventCandidate, other: EventCandidate) -> None:
    if CROWD_SEVERITY.get(other.sub_event_type, 0) > CROWD_SEVERITY.get(target.sub_event_type, 0):
        target.sub_event_type = other.sub_event_type
    if not target.actor1_resolved and other.actor1_resolved:
        target.actor1_resolved, target.actor1 = other.actor1_resolved, other.actor1
    if not target.actor2_resolved and other.actor2_resolved:
        target.actor2_resolved, target.actor2 = other.actor2_resolved, other.actor2
    if target.place is None and other.place is not None:
        target.place, target.place_span, target.geo_precision = (
            other.place,
            other.place_span,
            other.geo_precision,
        )
    if other.fatalities > target.fatalities:
        target.fatalities, target.fatalities_span = other.fatalities, other.fatalities_span
    if not target.persons and other.persons:
        target.persons = other.persons


def _evidence(doc: Doc, fieldname: str, span: Span | None, cand: EventCandidate) -> Evidence | None:
    if span is None:
        return None
    sent = doc.sentence_of(span.start) if span.end > span.start else cand.sentence
    return Evidence(
        field=fieldname,
        document_id=doc.document.id,
        start=span.start,
        end=span.end,
        text=doc.text[span.start : span.end],
        sentence=sent.text,
        sentence_start=sent.start,
    )


def _evidence_list(doc: Doc, cand: EventCandidate) -> tuple[Evidence, ...]:
    items: list[tuple[str, Span | None]] = [
        ("event_type", cand.trigger),
        ("sub_event_type", cand.trigger),
        (
            "event_date",
            cand.date_evidence
            if cand.date_evidence and cand.date_evidence.end > cand.date_evidence.start
            else cand.sentence,
        ),
        ("location", cand.place_span),
        ("fatalities", cand.fatalities_span),
    ]
    for i, span in enumerate(cand.actor1[: len(cand.actor1_resolved)]):
        items.append(("actor1" if i == 0 else "assoc_actor_1", span))
    for i, span in enumerate(cand.actor2[: len(cand.actor2_resolved)]):
        items.append(("actor2" if i == 0 else "assoc_actor_2", span))
    items.extend(("persons", p.span) for p in cand.persons)
    items.extend(("persons.role", p.role) for p in cand.persons if p.role)
    items.extend(("persons.nationality", p.nationality) for p in cand.persons if p.nationality)
    items.extend(("mention", m.trigger) for m in cand.merged)
    evidence = (_evidence(doc, f, s, cand) for f, s in items)
    return tuple(e for e in evidence if e is not None)


def _persons(cand: EventCandidate) -> tuple[Person, ...]:
    actor2 = cand.actor2_resolved[0].id if cand.actor2_resolved else None
    out = []
    for ref in cand.persons:
        role = ref.role.text if ref.role else None
        out.append(
            Person(
                name=ref.span.text.strip("“”\"' "),
                role=role,
                nationality=ref.nationality_value,
                actor_id=actor2 if ref.status in {"arrested", "killed", "abducted"} else None,
                status=ref.status,
            )
        )
    return tuple(out)


def _confidence(cand: EventCandidate) -> float:
    score = cand.confidence
    score += 0.08 if cand.actor1_resolved else -0.05
    score += 0.05 if cand.place is not None else -0.05
    score += 0.04 if cand.date_evidence is not None else 0.0
    score += 0.02 * min(len(cand.merged), 3)
    return round(max(0.0, min(0.99, score)), 3)


def build_event(doc: Doc, cand: EventCandidate) -> Event:
    a1, a2 = cand.actor1_resolved, cand.actor2_resolved
    place = cand.place
    return Event(
        id=event_id(doc.document.id, cand.sub_event_type, cand.trigger.start, cand.trigger.end),
        document_id=doc.document.id,
        event_date=cand.date.value if cand.date else None,
        time_precision=cand.date.precision if cand.date else 3,
        event_type=SUB_EVENT_TYPES[cand.sub_event_type],
        sub_event_type=cand.sub_event_type,
        actor1=a1[0] if a1 else None,
        assoc_actor_1=tuple(a1[1:]),
        actor2=a2[0] if a2 else None,
        assoc_actor_2=tuple(a2[1:]),
        place=place,
        location=place.name if place else "",
        geo_precision=cand.geo_precision if place else 3,
        fatalities=cand.fatalities,
        notes=summarise(cand),
        confidence=_confidence(cand),
        persons=_persons(cand),
        evidence=_evidence_list(doc, cand),
    )


@register("assemble")
def make(config: PipelineConfig, backends: Backends) -> AssembleStage:
    return AssembleStage(config.events)
