"""Derived mentions (rasd.pipeline.mentions) on hand-built parses, plus one real-model check."""

from __future__ import annotations

import pytest

from rasd.pipeline.doc import Doc
from rasd.pipeline.mentions import (
    actor_countries,
    augmented_mentions,
    drop_modifier_places,
    nominal_mentions,
    pronoun_mentions,
    short_names,
)
from rasd.records import Document, Mention

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc as SpacyDoc  # noqa: E402


def _doc(words, tags, pos, deps, heads, mentions=()):
    """A pipeline Doc over a hand-built spaCy parse (heads are absolute token indices)."""
    sdoc = SpacyDoc(
        spacy.blank("en").vocab, words=words, tags=tags, pos=pos, deps=deps, heads=heads
    )
    doc = Doc(Document.from_text(sdoc.text, source="test"))
    doc.spacy = sdoc
    doc.mentions = [
        Mention(start=s, end=e, text=sdoc.text[s:e], label=lab) for s, e, lab in mentions
    ]
    return doc


def _fighters_doc():
    # "ISIL fighters attacked the town ."
    words = ["ISIL", "fighters", "attacked", "the", "town", "."]
    return _doc(
        words,
        tags=["NNP", "NNS", "VBD", "DT", "NN", "."],
        pos=["PROPN", "NOUN", "VERB", "DET", "NOUN", "PUNCT"],
        deps=["compound", "nsubj", "ROOT", "det", "dobj", "punct"],
        heads=[1, 2, 2, 4, 2, 2],
        mentions=[(0, 4, "ORG")],
    )


def _country_doc():
    # "France said we will help U.S. companies ."
    words = ["France", "said", "we", "will", "help", "U.S.", "companies", "."]
    return _doc(
        words,
        tags=["NNP", "VBD", "PRP", "MD", "VB", "NNP", "NNS", "."],
        pos=["PROPN", "VERB", "PRON", "AUX", "VERB", "PROPN", "NOUN", "PUNCT"],
        deps=["nsubj", "ROOT", "nsubj", "aux", "ccomp", "compound", "dobj", "punct"],
        heads=[1, 1, 4, 4, 1, 6, 4, 1],
        mentions=[(0, 6, "GPE"), (25, 29, "GPE")],
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [("ISIL fighters", "ORG"), ("the town", "FAC")],
)
def test_mentions_nominal_phrases(text, label):
    found = {(m.text, m.label) for m in nominal_mentions(_fighters_doc())}
    assert (text, label) in found


def test_mentions_phrase_replaces_nested_modifier():
    got = [(m.text, m.label) for m in augmented_mentions(_fighters_doc())]
    assert got == [("ISIL fighters", "ORG"), ("the town", "FAC")]


def test_mentions_pronouns_subjects_only():
    got = [(m.text, m.label) for m in pronoun_mentions(_country_doc())]
    assert got == [("we", "ORG")]


def test_mentions_acting_country_is_organisation():
    doc = _country_doc()
    got = [(m.text, m.label) for m in actor_countries(doc, doc.mentions)]
    assert got == [("France", "ORG"), ("U.S.", "GPE")]


def test_mentions_modifier_country_dropped():
    doc = _country_doc()
    assert [m.text for m in drop_modifier_places(doc, doc.mentions)] == ["France"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("GPE", "PERSON"), ("ORG", "PERSON"), ("DATE", "DATE")],
)
def test_mentions_short_name_follows_full_name(label, expected):
    full = Mention(start=0, end=12, text="Karim Wasifi", label="PERSON")
    short = Mention(start=20, end=25, text="Karim", label=label)
    assert short_names([full, short])[1].label == expected


def test_mentions_without_parse_returns_mentions():
    doc = Doc(Document.from_text("Nothing parsed here at all.", source="test"))
    doc.mentions = [Mention(start=0, end=7, text="Nothing", label="ORG")]
    assert augmented_mentions(doc) == doc.mentions


@pytest.mark.slow
def test_mentions_real_model_nominals():
    from rasd.config import PipelineConfig
    from rasd.pipeline.nlp import fill, load_spacy

    text = "The Foreign Secretary said civilians fled the city."
    doc = fill(
        Doc(Document.from_text(text, source="test")),
        load_spacy(PipelineConfig.load().nlp.model)(text),
    )
    got = {(m.text, m.label) for m in augmented_mentions(doc)}
    assert {("The Foreign Secretary", "PERSON"), ("civilians", "ORG"), ("the city", "FAC")} <= got


def _members_doc():
    # "Nations which joined include France and Jordan ." (relative clause left out)
    words = ["Nations", "include", "France", "and", "Jordan", "."]
    return _doc(
        words,
        tags=["NNS", "VBP", "NNP", "CC", "NNP", "."],
        pos=["NOUN", "VERB", "PROPN", "CCONJ", "PROPN", "PUNCT"],
        deps=["nsubj", "ROOT", "dobj", "cc", "conj", "punct"],
        heads=[1, 1, 1, 2, 2, 1],
        mentions=[(16, 22, "GPE"), (27, 33, "GPE")],
    )


def test_mentions_member_list_countries_are_organisations():
    doc = _members_doc()
    assert [(m.text, m.label) for m in actor_countries(doc, doc.mentions)] == [
        ("France", "ORG"),
        ("Jordan", "ORG"),
    ]
