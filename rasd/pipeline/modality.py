"""Is a trigger a reported event? Negation, modality, tense, genericity and commentary.

``assess`` returns ``EVENT`` (a new event), ``REFERENCE`` (a mention of an event that
may already be known: it can merge into an earlier candidate but never creates
one) or ``None`` (not an event: planned, threatened, denied, hypothetical,
generic, defined, or an adjective such as "previously arrested elements").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

EVENT: Final = "event"
REFERENCE: Final = "reference"

MODAL_AUX: Final = frozenset(
    {"will", "shall", "would", "could", "may", "might", "should", "must", "can", "'ll"}
)
INTENT_VERBS: Final = frozenset(
    {
        "plan",
        "intend",
        "seek",
        "aim",
        "threaten",
        "vow",
        "want",
        "hope",
        "prepare",
        "urge",
        "demand",
        "warn",
        "pledge",
        "promise",
        "need",
        "try",
        "attempt",
        "propose",
        "consider",
        "expect",
        "call",
        "order",
        "allow",
        "prevent",
        "avoid",
        "fear",
        "deny",
        "reject",
        "refuse",
        "continue",
        "resume",
        "step",
        "intensify",
        "target",
    }
)
EVALUATIVE_VERBS: Final = frozenset(
    {
        "describe",
        "praise",
        "welcome",
        "hail",
        "condemn",
        "criticize",
        "criticise",
        "stress",
        "believe",
        "think",
        "view",
        "consider",
        "regard",
        "see",
        "commend",
        "applaud",
        "explain",
        "discuss",
        "analyse",
        "analyze",
        "link",
        "attribute",
        "follow",
    }
)
DENIAL_VERBS: Final = frozenset({"deny", "refute", "dismiss", "reject", "rule", "debunk"})
REPORTING_VERBS: Final = frozenset(
    {
        "say",
        "explain",
        "point",
        "add",
        "state",
        "note",
        "believe",
        "stress",
        "argue",
        "tell",
        "describe",
        "consider",
        "see",
        "think",
        "warn",
        "affirm",
        "indicate",
        "suggest",
    }
)
REFERENCE_VERBS: Final = frozenset({"take", "occur", "happen", "come", "follow", "coincide"})
GOAL_NOUNS: Final = frozenset(
    {
        "goal",
        "plan",
        "aim",
        "objective",
        "intention",
        "threat",
        "purpose",
        "capacity",
        "ability",
        "strategy",
        "risk",
        "possibility",
    }
)
PAST_ABILITY: Final = frozenset({"able", "manage", "succeed"})
DEFINITION_RE: Final = re.compile(
    r"\b(is a term|is defined as|refers to|it means|means that|is the name given|"
    r"is a tactic|is a system)\b",
    re.IGNORECASE,
)
GENERIC_PRESENT_TAGS: Final = frozenset({"VBZ", "VBP"})


def is_definition(sentence: SpacySpan) -> bool:
    return bool(DEFINITION_RE.search(sentence.text))


NEGATIVE_SUBJECTS: Final = frozenset({"nobody", "none", "noone", "no-one"})


def _negated(tok: Token) -> bool:
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    for c in tok.children:
        if c.dep_ in {"nsubj", "nsubjpass"} and (
            c.lower_ in NEGATIVE_SUBJECTS or any(d.lower_ == "no" for d in c.children)
        ):
            return True  # "Nobody was killed", "no one was arrested"
    return any(c.lower_ in {"no", "without"} and c.dep_ in {"det", "prep"} for c in tok.children)


def _modal(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MODAL_AUX for c in tok.children)


def _governor_verbs(tok: Token, depth: int = 4) -> list[Token]:
    """Verbs (and adjectives like 'able') above a token, nearest first."""
    out = []
    cur = tok
    for _ in range(depth):
        if cur.head is cur:
            break
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX", "ADJ"} or cur.lemma_ in GOAL_NOUNS:
            out.append(cur)
    return out


def _in_conditional(tok: Token) -> bool:
    for anc in [tok, *tok.ancestors]:
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in anc.children):
            return True
    return False


def _verb_status(tok: Token) -> str | None:
    if tok.dep_ == "amod":
        return None  # "previously arrested elements", "wanted men": adjectival participles
    if _modal(tok):
        return None
    has_perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children)
    if tok.tag_ in GENERIC_PRESENT_TAGS and not has_perfect:
        # Headline present ("Police arrest five in Basra") may report an event, but a
        # habitual or generic present ("ISIS moves", "cells attack") does not: such a
        # mention can merge into a known event, never create one.
        return REFERENCE if _specific_subject(tok) else None
    if tok.tag_ == "VB" or tok.tag_ == "VBG":
        for gov in _governor_verbs(tok):
            if gov.lemma_ in PAST_ABILITY:
                return EVENT if not _modal(gov) else None
            if gov.lemma_ in INTENT_VERBS or gov.lemma_ in GOAL_NOUNS or _modal(gov):
                return None
        if tok.tag_ == "VB":
            return None  # bare infinitive without a past frame: "to arrest", "must arrest"
        return (
            REFERENCE if tok.dep_ in {"pcomp", "pobj"} else EVENT
        )  # "killing two" / "after setting"
    return EVENT


def _specific_subject(tok: Token) -> bool:
    subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return bool(subj) and (subj[0].pos_ == "PROPN" or bool(subj[0].ent_type_) or any(
        c.dep_ in {"det", "nummod"} for c in subj[0].children
    ))


def _has_agent(tok: Token) -> bool:
    return any(c.dep_ == "agent" for c in tok.children)


def _past_governor(tok: Token) -> bool:
    """Governed by a past-tense verb: "sparked large demonstrations", "used gas in attacks"."""
    govs = _governor_verbs(tok, depth=3)
    return bool(govs) and govs[0].tag_ in {"VBD"} and not _modal(govs[0])


def _means_clause(tok: Token) -> bool:
    """Inside 'after/before/by/while ...ing': the means or prelude of another event."""
    for anc in tok.ancestors:
        if anc.tag_ == "VBG" and anc.dep_ in {"pcomp", "advcl"}:
            return anc.head.lower_ in {
                "after",
                "before",
                "by",
                "while",
                "upon",
                "following",
            } or any(c.dep_ == "mark" for c in anc.children)
    return False


def _commentary(tok: Token) -> bool:
    """Governed by a present-tense reporting verb ("he says", "the expert explains")."""
    for anc in tok.ancestors:
        if anc.lemma_ in REPORTING_VERBS and anc.tag_ in GENERIC_PRESENT_TAGS:
            return True
    return False


def in_quotation(tok: Token) -> bool:
    """Inside quoted speech in its sentence: commentary, not the reporter's account."""
    sent = tok.sent
    before = tok.doc.text[sent.start_char : tok.idx]
    opened = before.count("“") - before.count("”")
    straight = before.count('"') % 2
    return opened > 0 or straight == 1


def _noun_status(tok: Token) -> str | None:
    if tok.dep_ == "compound" and tok.head.pos_ in {"NOUN", "PROPN"}:
        tok = tok.head  # "Grenade attacks used to be...": judge the phrase by its head
    det = {c.lower_ for c in tok.children if c.dep_ in {"det", "poss"}}
    has_num = any(c.dep_ == "nummod" for c in tok.children)
    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
    if tok.tag_ in {"NNS", "NNPS"} and not det and not has_num and not _past_governor(tok):
        return None  # generic plural: "intensifying strikes is one of its goals"
    if not det and not has_num and not has_of and tok.dep_ == "pobj":
        return None  # mass noun in a prepositional phrase: "decentralised in fighting"
    if _means_clause(tok):
        return REFERENCE  # "after setting up an ambush": how another event happened
    govs = _governor_verbs(tok)
    for gov in govs[:2]:
        if gov.lemma_ in GOAL_NOUNS:
            return None
        if _modal(gov) or gov.lemma_ in INTENT_VERBS or _negated(gov):
            return None
        if (
            gov.pos_ == "VERB"
            and gov.tag_ in GENERIC_PRESENT_TAGS
            and gov.lemma_ in EVALUATIVE_VERBS
        ):
            return REFERENCE
        if gov.lemma_ in EVALUATIVE_VERBS:
            return REFERENCE
    if det & {"the", "this", "that", "these", "its", "his", "their"}:
        # a definite mention refers back unless it has its own object ("the arrest of X")
        has_obj = any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
        if not has_obj or (govs and govs[0].lemma_ in REFERENCE_VERBS):
            return REFERENCE
    return EVENT


def _denied(tok: Token) -> bool:
    """Under a denial or refutation: "the ministry denied that its forces had shelled..."."""
    return any(gov.lemma_ in DENIAL_VERBS for gov in _governor_verbs(tok, depth=3))


def assess(tok: Token, sentence: SpacySpan) -> str | None:
    """Classify a trigger token as a new EVENT, a REFERENCE to an event, or None."""
    if is_definition(sentence) or _negated(tok) or _in_conditional(tok) or _denied(tok):
        return None
    if _commentary(tok) or in_quotation(tok):
        return REFERENCE
    if tok.pos_ in {"VERB", "AUX"}:
        return _verb_status(tok)
    if tok.pos_ in {"NOUN", "PROPN"}:
        return _noun_status(tok)
    if tok.pos_ == "ADJ":
        return None
    return EVENT
