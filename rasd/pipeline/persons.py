"""Named persons involved in an event, with their role and nationality as reported.

"the arrest of the so-called commander of the foreign terrorist battalion of ISIS in
Kirkuk (north), called “Abu Bukhari.”" gives the person "Abu Bukhari", role "so-called
commander of the foreign terrorist battalion of ISIS", status "arrested"; a later
"this foreigner is of Uzbek nationality" gives the nationality "Uzbek".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from rasd.actors.persons import find_nationality, find_role
from rasd.pipeline.doc import Doc, EventCandidate, PersonRef, Span

if TYPE_CHECKING:
    from spacy.tokens import Token

STATUS_BY_TYPE: Final = {
    "Arrests": "arrested",
    "Attack": "killed",
    "Abduction/forced disappearance": "abducted",
    "Armed clash": "killed",
    "Air/drone strike": "killed",
    "Remote explosive/landmine/IED": "killed",
    "Suicide bomb": "killed",
    "Agreement": "released",
}
SPEECH: Final = {
    "say",
    "tell",
    "describe",
    "explain",
    "add",
    "state",
    "announce",
    "note",
    "stress",
    "praise",
    "point",
}
APPOSITIVE: Final = re.compile(r"^[”\"']?\s*,\s*(?:the|a|an)?\s*", re.I)
ANAPHOR: Final = re.compile(
    r"\b(this|the) (foreigner|commander|leader|man|suspect|detainee|militant|terrorist)\b|\bhe\b",
    re.I,
)
NATIONALITY_WINDOW: Final = 6


def _is_speaker(tok: Token) -> bool:
    cur = tok
    for _ in range(3):
        if cur.dep_ in {"nsubj", "appos"} and cur.head.lemma_ in SPEECH:
            return True
        if cur.head is cur:
            break
        cur = cur.head
    return False


def _role_phrase(doc: Doc, name: Span, cand: EventCandidate, sentence: Span) -> Span | None:
    """The reported role: the description leading up to the name ("the so-called
    commander of ... called 'Abu Bukhari'") or an appositive after it ("Abu Omar, the wali of ...")."""
    left = cand.trigger.end if cand.trigger.end <= name.start else sentence.start
    left = max(left, name.start - 200, sentence.start)
    found = find_role(doc.text[left : name.start])
    if found is None:
        after = doc.text[name.end : min(sentence.end, name.end + 80)]
        m = APPOSITIVE.match(after)
        if m is None:
            return None
        left = name.end + m.end()
        found = find_role(doc.text[left : left + 80])
    if found is None:
        return None
    start, end = left + found[0], left + found[1]
    return Span(start, end, doc.text[start:end])


def _nationality(doc: Doc, sentence: Span) -> tuple[Span, str] | None:
    """The nationality stated in the person's sentence or a following anaphoric sentence."""
    later = [s for s in doc.sentences if s.start >= sentence.start][:NATIONALITY_WINDOW]
    for idx, sent in enumerate(later):
        if idx > 0 and not ANAPHOR.search(sent.text):
            continue
        found = find_nationality(sent.text)
        if found:
            start, end, value = found
            return Span(sent.start + start, sent.start + end, sent.text[start:end]), value
    return None


PATIENT_LEMMAS: Final = frozenset(
    {"die", "kill", "arrest", "abduct", "kidnap", "seize", "shoot", "wound", "injure", "detain",
     "capture", "execute", "assassinate", "behead", "beat"}
)


def _patient_sentence(doc: Doc, sentence: Span) -> bool:
    """A follow-up sentence that tells what happened to someone ("X was seized by masked men")."""
    assert doc.spacy is not None
    span = doc.spacy.char_span(sentence.start, sentence.end, alignment_mode="expand")
    return span is not None and any(t.lemma_ in PATIENT_LEMMAS for t in span)


def find_persons(doc: Doc, cand: EventCandidate, follow_up: Span | None = None) -> list[PersonRef]:
    """Named persons the event happened to, from its sentence and a follow-up sentence."""
    assert doc.spacy is not None
    sentences = [cand.sentence]
    if follow_up is not None and _patient_sentence(doc, follow_up):
        sentences.append(follow_up)
    out: list[PersonRef] = []
    for m in doc.mentions:
        sentence = next((s for s in sentences if s.start <= m.start < s.end), None)
        if m.label != "PERSON" or sentence is None:
            continue
        span = doc.spacy.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or _is_speaker(span.root):
            continue
        name = Span(m.start, m.end, m.text)
        if any(a.overlaps(name) for a in cand.actor1):
            continue
        nat = _nationality(doc, sentence)
        out.append(
            PersonRef(
                span=name,
                role=_role_phrase(doc, name, cand, sentence),
                nationality=nat[0] if nat else None,
                nationality_value=nat[1] if nat else None,
                status=STATUS_BY_TYPE.get(cand.sub_event_type),
            )
        )
    return out
