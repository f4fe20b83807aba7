"""Who did what to whom: semantic-role ranges around a trigger, and the actor spans in them.

Agent: the grammatical subject of a verb trigger (climbing "was able to"), the "by"
phrase of a passive, or the possessive/compound modifier of a noun trigger ("ISIS
attack"), or the subject of the verb that announces a noun trigger ("the Directorate
announced the arrest of..."), unless that subject is a spokes-body.
Patient: the object ("destroyed two guest houses for ISIS"), the "of"/"on"/"against"
phrase of a noun trigger ("the arrest of a leader of ISIS").
Associated: "in coordination with", "backed by", "alongside", "together with".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rasd.pipeline.doc import Doc, EventCandidate, Span
from rasd.pipeline.modality import REFERENCE

if TYPE_CHECKING:
    from spacy.tokens import Token

ACTOR_LABELS = frozenset({"ACTOR", "ORG", "NORP"})
ACTOR_HEADS = frozenset(
    {
        "forces",
        "force",
        "troops",
        "army",
        "police",
        "policemen",
        "aviation",
        "soldiers",
        "militants",
        "gunmen",
        "fighters",
        "jets",
        "warplanes",
        "aircraft",
        "drone",
        "drones",
        "helicopter",
        "helicopters",
        "protesters",
        "demonstrators",
        "rioters",
        "civilians",
        "assailants",
        "attackers",
        "men",
        "militia",
        "militias",
        "mob",
        "crowd",
        "group",
        "insurgents",
        "terrorists",
        "residents",
        "villagers",
        "farmer",
        "farmers",
        "guards",
        "personnel",
        "units",
        "unit",
        "peshmerga",
        "coalition",
        "bomber",
        "gunman",
        "sniper",
    }
)
SPOKES_CUES = (
    "media cell",
    "spokesman",
    "spokesperson",
    "news agency",
    "press office",
    "media office",
    "information cell",
    "statement",
    "official said",
    "ministry of information",
)
ASSOC_PREPS = {"with", "alongside", "by"}
ASSOC_CUES = (
    "in coordination with",
    "in cooperation with",
    "with the support of",
    "backed by",
    "supported by",
    "alongside",
    "together with",
    "jointly with",
    "with the help of",
    "in conjunction with",
    "in partnership with",
)
ELABORATION_CUES = (
    "carried out",
    "conducted",
    "executed",
    "implemented",
    "by the units",
    "by units",
    "operation was",
    "the operation",
    "the raid",
)
AGENT_DEPS = {"nsubj", "agent"}
PATIENT_DEPS = {"dobj", "nsubjpass", "obj", "attr"}
ANNOUNCE = {
    "announce",
    "report",
    "say",
    "state",
    "confirm",
    "reveal",
    "declare",
    "publish",
    "claim",
}


@dataclass
class Frames:
    agent: list[tuple[int, int]] = field(default_factory=list)
    patient: list[tuple[int, int]] = field(default_factory=list)
    assoc: list[tuple[int, int]] = field(default_factory=list)


def _range(tok: Token) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def is_spokesbody(text: str) -> bool:
    low = text.lower()
    return any(cue in low for cue in SPOKES_CUES)


def role_ranges(trigger: Token) -> Frames:
    frames = Frames()
    if trigger.pos_ in {"NOUN", "PROPN"}:
        _noun_frames(trigger, frames)
    else:
        _verb_frames(trigger, frames)
    _assoc_frames(trigger, frames)
    return frames


def _verb_frames(tok: Token, frames: Frames) -> None:
    for child in tok.children:
        if child.dep_ in AGENT_DEPS:
            frames.agent.append(_range(child))
        elif (
            child.dep_ in PATIENT_DEPS
            or child.dep_ == "prep"
            and child.lower_ in {"on", "against", "at", "targeting"}
        ):
            frames.patient.append(_range(child))
    if not frames.agent:
        # "army aviation was able to destroy", "gunmen opened fire, killing ..."
        cur = tok
        for _ in range(3):
            if cur.head is cur:
                break
            cur = cur.head
            subj = [c for c in cur.children if c.dep_ in AGENT_DEPS]
            if subj:
                frames.agent.append(_range(subj[0]))
                break


def _noun_frames(tok: Token, frames: Frames) -> None:
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "on", "against", "targeting"}:
            frames.patient.append(_range(child))
        elif (
            child.dep_ == "prep"
            and child.lower_ == "by"
            or child.dep_ in {"poss", "compound", "amod", "nmod"}
            and child.i < tok.i
        ):
            frames.agent.append(_range(child))
    if frames.agent:
        return
    gov = tok.head
    if gov.lemma_ in ANNOUNCE or gov.lemma_ in {
        "carry",
        "conduct",
        "launch",
        "execute",
        "perform",
        "stage",
        "mount",
    }:
        for child in gov.children:
            if child.dep_ in AGENT_DEPS:
                rng = _range(child)
                text = tok.doc.text[rng[0] : rng[1]]
                if not is_spokesbody(text):
                    frames.agent.append(rng)


def _assoc_frames(tok: Token, frames: Frames) -> None:
    sent = tok.sent
    low = sent.text.lower()
    for cue in ASSOC_CUES:
        pos = low.find(cue)
        if pos < 0:
            continue
        start = sent.start_char + pos + len(cue)
        # up to the end of the phrase: next comma/period or sentence end
        rest = sent.text[pos + len(cue) :]
        stop = min(
            [i for i in (rest.find(","), rest.find("."), rest.find(";")) if i >= 0] or [len(rest)]
        )
        frames.assoc.append((start, start + stop))


def actor_spans(doc: Doc, sentence: Span, ranges: list[tuple[int, int]]) -> list[Span]:
    """Actor mentions and actor-like noun phrases inside the given ranges, in text order."""
    found: list[Span] = []
    for start, end in ranges:
        for m in doc.mentions:
            if (
                start <= m.start
                and m.end <= end
                and m.label in ACTOR_LABELS
                and _actor_like(doc, m.start, m.end, m.label)
            ):
                found.append(Span(m.start, m.end, m.text))
        found.extend(_actor_chunks(doc, start, end))
    return _dedupe(found)


def _actor_like(doc: Doc, start: int, end: int, label: str) -> bool:
    """A nationality word is an actor only as a subject ("Iraqis protested"), not "of Uzbek nationality"."""
    if label != "NORP":
        return True
    assert doc.spacy is not None
    span = doc.spacy.char_span(start, end, alignment_mode="expand")
    return (
        span is not None
        and span.root.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}
        and span.root.tag_ in {"NNPS", "NNS"}
    )


def _governs_actor_mention(doc: Doc, root_i: int) -> bool:
    """ "the units of the Counter-Terrorism Service": the named actor is the actor, not "units"."""
    assert doc.spacy is not None
    root = doc.spacy[root_i]
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            s, e = _range(child)
            if any(s <= m.start and m.end <= e and m.label in ACTOR_LABELS for m in doc.mentions):
                return True
    return False


def _actor_chunks(doc: Doc, start: int, end: int) -> list[Span]:
    assert doc.spacy is not None
    out = []
    for chunk in doc.spacy.noun_chunks:
        if chunk.start_char < start or chunk.end_char > end:
            continue
        if chunk.root.lower_ in ACTOR_HEADS and not _governs_actor_mention(doc, chunk.root.i):
            toks = [t for t in chunk if t.dep_ != "det" and t.lower_ not in {"the", "a", "an"}]
            if toks:
                s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
                out.append(Span(s, e, doc.text[s:e]))
    return out


def _dedupe(spans: list[Span]) -> list[Span]:
    spans = sorted(set(spans), key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for s in spans:
        if is_spokesbody(s.text):
            continue
        if any(o.overlaps(s) for o in out):
            continue
        out.append(s)
    return out


def continuation(doc: Doc, cand: EventCandidate) -> Span | None:
    """The next sentence, when it starts no event of its own: news leads often give the
    toll, the victims' names or who carried the event out there."""
    nxt = next((s for s in doc.sentences if s.start >= cand.sentence.end and s.text.strip()), None)
    if nxt is None or any(c.sentence == nxt and c.notes != REFERENCE for c in doc.candidates):
        return None
    return nxt


def elaboration_actors(doc: Doc, cand: EventCandidate, follow_up: Span | None) -> list[Span]:
    """Actors named in the follow-up sentence when it explains who carried the event out."""
    if follow_up is None or not any(cue in follow_up.text.lower() for cue in ELABORATION_CUES):
        return []
    spans = actor_spans(doc, follow_up, [(follow_up.start, follow_up.end)])
    patients = {s.text.lower() for s in cand.actor2}
    return [s for s in spans if s.text.lower() not in patients]
