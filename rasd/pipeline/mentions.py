"""Extra typed mentions derived from a processed Doc: what a named-entity tagger misses.

Pure functions over a pipeline :class:`~rasd.pipeline.doc.Doc` that has been
through the ``nlp`` stage (``doc.spacy`` set). They add what annotated corpora
such as re3d count as entities although no NER model proposes them:

* nominal mentions: noun phrases headed by a person-role noun ("the Foreign
  Secretary", "a spokesman" -> ``PERSON``), a group-of-people noun ("civilians",
  "ISIL fighters", "the regime" -> ``ORG``) or a place noun ("the library",
  "an ISIL-held building" -> ``FAC``);
* pronouns: personal pronouns of people ("he", "I" -> ``PERSON``) and of groups
  ("we", "they" -> ``ORG``), and the place adverbs "here"/"there" (``LOC``);
* actor countries: a country name that acts ("France has pledged...",
  "the United States and its partners") is an organisation, not a place;
* short names: a later "Karim" after "Karim Wasifi" is the same person, whatever
  label the tagger or a gazetteer ruler gave the short form.

:func:`augmented_mentions` combines them with ``doc.mentions``: a derived noun
phrase replaces the mentions nested in its modifiers ("ISIL" inside "ISIL
fighters"), never a mention that holds its head noun ("the Syrian Democratic
Forces" stays as tagged). Leading determiners are kept, as in the phrase.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rasd.pipeline.doc import Doc
from rasd.records import Mention

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Singular nouns naming one person by role, office or description.
PERSON_NOUNS = _words(
    """minister secretary president premier spokesman spokeswoman spokesperson commander
    leader chief head general colonel captain sergeant lieutenant major officer official
    ambassador envoy representative advisor adviser director diplomat governor mayor king
    queen prince emir sheikh cleric imam man woman boy girl child son daughter brother
    sister father mother wife husband student resident analyst musician journalist
    reporter doctor teacher engineer soldier fighter militant gunman bomber hostage victim
    witness survivor member hero citizen civilian farmer worker volunteer founder
    chairman chairwoman coordinator commissioner negotiator lawyer judge"""
)
#: Nouns naming a group of people (plural of the above, collectives, bodies).
GROUP_NOUNS = _words(
    """people civilians children men women victims residents militants fighters forces
    troops soldiers terrorists insurgents rebels jihadists extremists operatives partners
    allies community coalition regime government administration authorities parties
    countries nations states families family enemy units unit navy army police militia
    militias friends volunteers journalists users witnesses crowds crowd members officials
    leaders airmen employees participants citizens worshippers refugees students teachers
    doctors protesters demonstrators gunmen snipers patients population group groups
    organisation organization network cell brigade brigades battalion battalions
    squad team teams comrades colleagues relatives neighbours neighbors
    founders enthusiasts musicians artists audience staff personnel crew
    hostages survivors supporters followers opposition"""
)
#: Nouns naming a place, building or position.
PLACE_NOUNS = _words(
    """library libraries town towns city cities village villages area areas region regions
    country hospital hospitals mosque mosques school schools building buildings position
    positions line route routes street streets road roads home homes house houses base
    bases facility facilities compound compounds site sites territory terrain bridge
    bridges tunnel tunnels entrance entrances camp camps border frontier district
    districts neighbourhood neighborhood suburb suburbs province provinces university
    museum centre center market markets station stations headquarters factory factories
    land river dam checkpoint checkpoints airport port studio basement courthouse complex
    farmland outskirts capital front frontline launch targets target cache caches
    prison jail church churches shop store office embassy palace square
    valley mountain mountains desert coast island"""
)
#: Subject and object pronouns only: possessives ("his", "their") mostly go unannotated.
PERSON_PRONOUNS = _words("i me myself he him himself she her herself")
GROUP_PRONOUNS = _words("we us ourselves they themselves")
PLACE_ADVERBS = frozenset({"here", "there"})
#: Verb dependencies of a country that acts rather than locates.
ACTING_DEPS = frozenset({"nsubj", "nsubjpass", "agent"})
GPE_LABELS = frozenset({"GPE"})
#: Subjects whose listed objects are member states: "partners include France, Jordan".
MEMBER_NOUNS = frozenset({"nations", "countries", "members", "partners", "allies", "states"})
#: Dependencies of a country name that modifies a noun rather than naming a place.
MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
TYPED_LABELS = frozenset({"PERSON", "ORG", "ACTOR", "NORP", "GPE", "LOC", "FAC"})


def _mention(doc: Doc, start: int, end: int, label: str) -> Mention:
    return Mention(start=start, end=end, text=doc.text[start:end], label=label)


def _chunk_label(head: Token) -> str | None:
    lemma, lower = head.lemma_.lower(), head.lower_
    if head.tag_ in ("NNS", "NNPS") and (lower in GROUP_NOUNS or lemma in PERSON_NOUNS):
        return "ORG"
    if lower in GROUP_NOUNS and head.tag_ in ("NN", "NNP"):
        return "ORG" if lower not in PERSON_NOUNS else "PERSON"
    if lower in PERSON_NOUNS or lemma in PERSON_NOUNS:
        return "PERSON"
    if lower in PLACE_NOUNS or lemma in PLACE_NOUNS:
        return "FAC"
    return None


def _trim(chunk: SpacySpan) -> tuple[int, int] | None:
    """Character bounds of a noun chunk without leading possessive pronouns' clitics
    and trailing punctuation; None when nothing is left."""
    tokens = [t for t in chunk if not t.is_punct or t.i not in (chunk.start, chunk.end - 1)]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def nominal_mentions(doc: Doc) -> list[Mention]:
    """Noun phrases headed by a person-role, group or place noun (see module doc)."""
    if doc.spacy is None:
        return []
    out = []
    for chunk in doc.spacy.noun_chunks:
        head = chunk.root
        if head.pos_ == "PRON" or head.ent_type_ in ("PERSON",):
            continue
        label = _chunk_label(head)
        bounds = _trim(chunk)
        if label is None or bounds is None:
            continue
        if label == "PERSON" and len(chunk) == 1:
            continue  # a bare role noun is mostly a modifier or a list item ("fighter aircraft")
        out.append(_mention(doc, *bounds, label))
    return out


def pronoun_mentions(doc: Doc) -> list[Mention]:
    """Personal pronouns of people (PERSON) and groups (ORG), and "here"/"there" (LOC)."""
    if doc.spacy is None:
        return []
    out = []
    for tok in doc.spacy:
        lower = tok.lower_
        if lower in PERSON_PRONOUNS and tok.pos_ == "PRON":
            label = "PERSON"
        elif lower in GROUP_PRONOUNS and tok.pos_ == "PRON":
            label = "ORG"
        elif lower in PLACE_ADVERBS and tok.pos_ == "ADV" and tok.dep_ != "expl":
            label = "LOC"
        else:
            continue
        out.append(_mention(doc, tok.idx, tok.idx + len(tok.text), label))
    return out


def _acting(root: Token) -> bool:
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    if root.dep_ in ACTING_DEPS:
        return True
    # a member list: "Coalition nations which have conducted strikes include France, ..."
    subjects = [c for c in root.head.children if c.dep_ in ACTING_DEPS]
    return root.dep_ in ("dobj", "attr", "appos") and any(
        s.lower_ in MEMBER_NOUNS for s in subjects
    )


def actor_countries(doc: Doc, mentions: Iterable[Mention]) -> list[Mention]:
    """GPE mentions that act (subject of a verb, or joined to one) relabelled ORG,
    with a leading "the" included."""
    if doc.spacy is None:
        return list(mentions)
    out = []
    for m in mentions:
        span = doc.spacy.char_span(m.start, m.end, alignment_mode="expand")
        if m.label in GPE_LABELS and span is not None and _acting(span.root):
            start = m.start
            if span.start > 0 and doc.spacy[span.start - 1].lower_ == "the":
                start = doc.spacy[span.start - 1].idx
            m = _mention(doc, start, m.end, "ORG")
        out.append(m)
    return out


def _modifier(root: Token) -> bool:
    return root.dep_ in MODIFIER_DEPS and root.head.lower_ not in PLACE_NOUNS


def drop_modifier_places(doc: Doc, mentions: Iterable[Mention]) -> list[Mention]:
    """Without GPE mentions that only modify a noun ("U.S. companies", "Iraq's work"):
    the phrase, not the country, is the entity there."""
    if doc.spacy is None:
        return list(mentions)
    out = []
    for m in mentions:
        span = doc.spacy.char_span(m.start, m.end, alignment_mode="expand")
        if m.label in GPE_LABELS and span is not None and _modifier(span.root):
            continue
        out.append(m)
    return out


def short_names(mentions: Iterable[Mention]) -> list[Mention]:
    """A one-word mention equal to a word of a multi-word PERSON mention becomes PERSON."""
    mentions = list(mentions)
    words = {
        w for m in mentions if m.label == "PERSON" and " " in m.text.strip() for w in m.text.split()
    }
    out = []
    for m in mentions:
        if m.label in TYPED_LABELS and m.label != "PERSON" and m.text in words:
            m = m.model_copy(update={"label": "PERSON"})
        out.append(m)
    return out


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _merge_phrases(base: list[Mention], phrases: list[Mention], doc: Doc) -> list[Mention]:
    """Add derived noun phrases; a phrase yields to a mention covering its last word
    (its head) and replaces the typed mentions nested in its modifiers."""
    kept = list(base)
    for phrase in phrases:
        last_word = doc.text[phrase.start : phrase.end].rstrip().rsplit(None, 1)[-1]
        head_start = phrase.end - len(last_word)
        typed = [m for m in kept if m.label in TYPED_LABELS and _overlaps(m, phrase)]
        if any(m.start <= head_start < m.end or m.end > phrase.end for m in typed):
            continue
        kept = [m for m in kept if m not in typed]
        kept.append(phrase)
    return sorted(kept, key=lambda m: (m.start, m.end))


def augmented_mentions(doc: Doc) -> list[Mention]:
    """``doc.mentions`` plus the derived mentions of this module (see module doc)."""
    base = short_names(actor_countries(doc, drop_modifier_places(doc, doc.mentions)))
    phrases = nominal_mentions(doc)
    merged = _merge_phrases(base, phrases, doc)
    pronouns = [p for p in pronoun_mentions(doc) if not any(_overlaps(p, m) for m in merged)]
    return sorted(merged + pronouns, key=lambda m: (m.start, m.end))
