"""Stage 'detect': find event triggers, type them in the ACLED taxonomy, and keep only
reported events (see ``rasd.pipeline.modality``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rasd.config import EventsConfig, PipelineConfig
from rasd.pipeline import lexicon as lx
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, EventCandidate, Span
from rasd.pipeline.modality import EVENT, REFERENCE, assess
from rasd.taxonomy import SUB_EVENT_TYPES

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# When one sentence has several triggers of one event type, the more specific wins.
SPECIFICITY = {
    "Suicide bomb": 9,
    "Chemical weapon": 9,
    "Air/drone strike": 8,
    "Grenade": 8,
    "Shelling/artillery/missile attack": 7,
    "Remote explosive/landmine/IED": 6,
    "Excessive force against protesters": 8,
    "Protest with intervention": 7,
    "Violent demonstration": 6,
    "Mob violence": 6,
    "Peaceful protest": 3,
    "Abduction/forced disappearance": 7,
    "Sexual violence": 7,
    "Attack": 4,
    "Government regains territory": 7,
    "Non-state actor overtakes territory": 7,
    "Armed clash": 4,
}
GENERIC_LEMMAS = frozenset(
    {
        "attack",
        "strike",
        "raid",
        "kill",
        "destroy",
        "bomb",
        "shoot",
        "seize",
        "capture",
        "storm",
        "explode",
        "explosion",
        "blast",
    }
)


@dataclass
class Hit:
    head: Token
    start: int  # char offsets of the whole trigger phrase
    end: int
    sub_event_type: str
    prior: float
    lemma: str
    status: str = EVENT
    phrase: bool = False  # matched a multi-word pattern: specific, not retyped as generic


@dataclass
class DetectStage:
    config: EventsConfig
    name: str = "detect"
    requires: tuple[str, ...] = ("spacy", "sentences", "dates")
    assigns: tuple[str, ...] = ("candidates",)
    _matchers: dict[int, Matcher] = field(default_factory=dict, repr=False)

    def load(self) -> None:
        pass

    def matcher(self, sdoc: SpacyDoc) -> Matcher:
        key = id(sdoc.vocab)
        if key not in self._matchers:
            from spacy.matcher import Matcher

            m = Matcher(sdoc.vocab)
            for i, (pattern, _sub, _prior) in enumerate(lx.PHRASE_TRIGGERS):
                m.add(f"P{i}", [pattern])
            self._matchers[key] = m
        return self._matchers[key]

    def __call__(self, doc: Doc) -> Doc:
        sdoc = doc.spacy
        if sdoc is None:
            return doc
        hits = find_hits(sdoc, self.matcher(sdoc))
        doc.candidates = []
        for sent in sdoc.sents:
            in_sent = [h for h in hits if sent.start <= h.head.i < sent.end]
            for hit in select(in_sent, sent):
                doc.candidates.append(
                    EventCandidate(
                        sub_event_type=hit.sub_event_type,
                        trigger=Span(hit.start, hit.end, doc.text[hit.start : hit.end]),
                        sentence=Span(sent.start_char, sent.end_char, sent.text),
                        confidence=hit.prior,
                        notes=hit.status,
                    )
                )
        return doc


def find_hits(sdoc: SpacyDoc, matcher: Matcher) -> list[Hit]:
    hits: list[Hit] = []
    covered: set[int] = set()
    for match_id, start, end in matcher(sdoc):
        idx = int(sdoc.vocab.strings[match_id][1:])
        _pattern, sub, prior = lx.PHRASE_TRIGGERS[idx]
        span = sdoc[start:end]
        head = span.root
        hits.append(
            Hit(head, span.start_char, span.end_char, sub, prior, head.lemma_.lower(), phrase=True)
        )
        covered.update(range(start, end))
    for tok in sdoc:
        if tok.i in covered:
            continue
        entry = lx.LEMMA_TRIGGERS.get(tok.lemma_.lower()) or lx.LEMMA_TRIGGERS.get(tok.lower_)
        if entry and tok.pos_ in {"VERB", "NOUN", "PROPN", "ADJ", "AUX"}:
            sub, prior = entry
            hits.append(Hit(tok, tok.idx, tok.idx + len(tok.text), sub, prior, tok.lemma_.lower()))
    return hits


def _disrupted_objects(hits: list[Hit]) -> set[int]:
    """Token indices inside the objects of a disruption trigger ("defused an IED")."""
    inside: set[int] = set()
    for hit in hits:
        if hit.sub_event_type == "Disrupted weapons use" or hit.lemma in {"seize", "capture"}:
            for child in hit.head.children:
                if child.dep_ in {"dobj", "nsubjpass", "obj", "pobj", "prep"}:
                    inside.update(t.i for t in child.subtree)
    return inside


def select(hits: list[Hit], sent: SpacySpan) -> list[Hit]:
    """Assess, retype and keep at most one trigger per event type in a sentence."""
    kept: dict[str, Hit] = {}
    disrupted = _disrupted_objects(hits)
    for hit in hits:
        if hit.head.i in disrupted and hit.head.pos_ in {"NOUN", "PROPN"}:
            continue  # the weapon that was defused or seized is not an event of its own
        status = assess(hit.head, sent)
        if status is None:
            continue
        sub = retype(hit, sent)
        if sub is None:
            continue
        hit.sub_event_type, hit.status = sub, status
        etype = SUB_EVENT_TYPES[sub]
        old = kept.get(etype)
        if old is None or _rank(hit) > _rank(old):
            kept[etype] = hit
    chosen = [h for h in kept.values() if not _means_of_other(h, list(kept.values()))]
    if any(SUB_EVENT_TYPES[h.sub_event_type] in {"Protests", "Riots"} for h in chosen):
        # rioters "setting fire to" a building: part of the demonstration, not a separate event
        # and security forces "opening fire on teachers protesting" is the intervention itself
        absorbed = {"Looting/property destruction", "Attack", "Armed clash"}
        chosen = [h for h in chosen if h.sub_event_type not in absorbed]
    violent = [h for h in chosen if h.lemma not in {"kill", "shoot"}]
    if len(violent) < len(chosen) and violent:
        # "killing two" in a sentence with another violent trigger is that event's toll
        chosen = [
            h for h in chosen if h.lemma not in {"kill", "shoot"} or not _same_family(h, violent)
        ]
    return sorted(chosen, key=lambda h: h.start)


def _means_of_other(hit: Hit, others: list[Hit]) -> bool:
    """A noun in a prepositional phrase of another trigger: "arrested him ... in an ambush"."""
    tok = hit.head
    if tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ != "pobj":
        return False
    heads = {o.head for o in others if o is not hit}
    return any(anc in heads for anc in list(tok.ancestors)[:8])


def _same_family(hit: Hit, others: list[Hit]) -> bool:
    violent_types = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
    return SUB_EVENT_TYPES[hit.sub_event_type] in violent_types and any(
        SUB_EVENT_TYPES[o.sub_event_type] in violent_types for o in others
    )


def _rank(hit: Hit) -> tuple[int, int, float]:
    return (hit.status == EVENT, SPECIFICITY.get(hit.sub_event_type, 5), hit.prior)


OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "pobj", "prep", "attr", "obj"})


def _context_words(sent: SpacySpan) -> set[str]:
    return {t.lower_ for t in sent} | {t.lemma_.lower() for t in sent}


def _words_under(tok: Token, deps: frozenset[str] | set[str], lemmas: bool = False) -> set[str]:
    """Lower-cased words (and optionally lemmas) of the token's dependents with these relations."""
    out: set[str] = set()
    for child in tok.children:
        if child.dep_ in deps:
            out |= {t.lower_ for t in child.subtree}
            if lemmas:
                out |= {t.lemma_.lower() for t in child.subtree}
    return out


def _object_words(tok: Token) -> set[str]:
    """Words in the trigger's objects and prepositional complements."""
    return _words_under(tok, OBJECT_DEPS, lemmas=True)


def retype(hit: Hit, sent: SpacySpan) -> str | None:
    """Refine a trigger's sub-event type from its sentence. None: not an event trigger here."""
    words = _context_words(sent)
    objects = _object_words(hit.head)
    sub = hit.sub_event_type
    if hit.lemma in {"seize", "capture"}:
        return _retype_seize(hit, objects, words)
    if hit.lemma in {"discover", "find", "uncover", "confiscate", "stash"}:
        arms = lx.WEAPON_WORDS | {"arms", "firearms", "ammunitions", "weaponry"}
        return "Disrupted weapons use" if (objects | words) & arms else None
    if hit.lemma == "free" and not objects & lx.TERRITORY_OBJECTS:
        return None  # "freed hostages" is not territory
    if hit.lemma in {"gather", "march"}:
        return "Peaceful protest" if words & lx.PROTEST_CUES else None
    if hit.lemma in {"suspend", "merge", "dissolve", "disband"}:
        return sub if objects & lx.GROUP_ACTIVITY_OBJECTS or hit.lemma == "disband" else None
    if hit.lemma == "beat":
        subj = _words_under(hit.head, {"nsubj"})
        return "Mob violence" if subj & lx.CROWD_WORDS else "Attack"
    if SUB_EVENT_TYPES[sub] in {"Protests", "Riots"} or (
        sub == "Arrests" and words & lx.PROTEST_WORDS
    ):
        return _retype_protest(sub, words)
    if (
        SUB_EVENT_TYPES[sub] == "Battles"
        and sub != "Armed clash"
        or hit.lemma in {"regain", "recover"}
    ):
        return _retype_territory(hit, sub, objects)
    if hit.phrase and sub not in {"Remote explosive/landmine/IED", "Armed clash", "Attack"}:
        return sub
    if hit.lemma in GENERIC_LEMMAS or sub in {"Remote explosive/landmine/IED", "Armed clash"}:
        return _retype_violence(hit, words, objects)
    return sub


def _retype_territory(hit: Hit, sub: str, objects: set[str]) -> str | None:
    """Who took the ground decides the type: the state regains, a non-state actor overtakes."""
    if (
        hit.lemma == "recover"
        and not objects & lx.TERRITORY_OBJECTS
        and not any(t.ent_type_ in {"GPE", "LOC"} for t in hit.head.subtree)
    ):
        return None  # "recovered bodies", "recovered weapons"
    subj = _words_under(hit.head, {"nsubj", "agent"})
    if subj & lx.NON_STATE_WORDS and not subj & {"army", "government", "regime"}:
        return "Non-state actor overtakes territory"
    if subj & lx.STATE_WORDS:
        return "Government regains territory"
    return sub


def _retype_seize(hit: Hit, objects: set[str], words: set[str]) -> str | None:
    if objects & lx.WEAPON_WORDS:
        return "Disrupted weapons use"
    if objects & lx.TERRITORY_OBJECTS:
        subj = _words_under(hit.head, {"nsubj"})
        state = {"forces", "army", "troops", "government", "military", "iraqi", "syrian", "police"}
        return (
            "Government regains territory"
            if subj & state
            else "Non-state actor overtakes territory"
        )
    person_words = {
        "leader",
        "member",
        "members",
        "suspect",
        "suspects",
        "militant",
        "militants",
        "terrorist",
        "terrorists",
        "commander",
        "fighter",
        "fighters",
        "emir",
        "wali",
    }
    if objects & person_words or any(t.ent_type_ == "PERSON" for t in hit.head.subtree):
        return "Arrests"
    return None


def _retype_protest(sub: str, words: set[str]) -> str:
    force = {"security", "police", "forces", "troops", "guards"}
    if (
        words & {"live", "killed", "kill", "shot", "wounded"}
        and words & lx.PROTEST_WORDS
        and words & force
    ):
        return "Excessive force against protesters"
    if words & {"tear", "disperse", "dispersed", "cannon", "batons", "arrested", "detained"}:
        return "Protest with intervention"
    if words & {
        "stones",
        "rocks",
        "molotov",
        "torched",
        "burned",
        "burnt",
        "fire",
        "stormed",
        "vandalised",
        "vandalized",
        "clashed",
    }:
        return "Violent demonstration" if sub != "Mob violence" else sub
    if sub == "Arrests":
        return "Protest with intervention"
    return sub


def _disaster(hit: Hit, words: set[str], objects: set[str]) -> bool:
    """An earthquake or an industrial explosion is not political violence."""
    subj = _words_under(hit.head, {"nsubj", "nsubjpass"})
    hostile = {"attack", "bomb", "militants", "gunmen", "suicide", "ied"}
    return bool((subj | objects) & lx.DISASTER_WORDS) and not words & hostile


def _retype_violence(hit: Hit, words: set[str], objects: set[str]) -> str | None:
    if _disaster(hit, words, objects):
        return None
    return _weapon_type(hit, words, objects)


def _weapon_type(hit: Hit, words: set[str], objects: set[str]) -> str | None:
    if "suicide" in words:
        return "Suicide bomb"
    if "grenade" in words or "grenades" in words:
        return "Grenade"
    if words & lx.AIR_WORDS and hit.lemma not in {
        "clash",
        "fight",
        "fighting",
        "firefight",
        "gunfight",
    }:
        return "Air/drone strike"
    if words & lx.SHELL_WORDS:
        return "Shelling/artillery/missile attack"
    if words & lx.IED_WORDS or hit.lemma in {
        "bomb",
        "bombing",
        "explode",
        "explosion",
        "blast",
        "detonate",
    }:
        if hit.sub_event_type in {"Armed clash"} and hit.lemma in {
            "clash",
            "fighting",
            "firefight",
            "gunfight",
        }:
            return hit.sub_event_type
        return "Remote explosive/landmine/IED"
    if hit.lemma == "destroy":
        return "Looting/property destruction"
    if hit.lemma in {"kill", "shoot", "attack", "raid", "storm"}:
        if objects & lx.CIVILIAN_WORDS and not objects & lx.FORCE_WORDS:
            return "Attack"
        if objects & lx.FORCE_WORDS or words & lx.FORCE_WORDS:
            return "Armed clash"
        return "Attack" if hit.lemma in {"kill", "shoot"} else "Armed clash"
    if hit.lemma == "strike":
        return None  # "strike" without aircraft, artillery or explosives: labour strike, etc.
    return hit.sub_event_type


@register("detect")
def make(config: PipelineConfig, backends: Backends) -> DetectStage:
    return DetectStage(config.events)


__all__ = ["REFERENCE", "DetectStage", "retype", "select"]
