"""Long reports (issue 12, defect 8): a character cap with a clear message, and texts
longer than one spaCy chunk processed in paragraph chunks with offsets kept right."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasd.config import InputConfig
from rasd.ingest import MAX_CHARS, read_stdin_text
from rasd.pipeline import nlp as nlp_module
from rasd.pipeline.base import Pipeline
from rasd.pipeline.nlp import split_chunks
from rasd.records import Document, IngestProblem

PARAGRAPH = (
    "Security forces arrested three suspected Islamic State members in Kirkuk on Monday. "
    "Gunmen attacked a checkpoint near Tikrit, killing two soldiers.\n\n"
)


def test_long_text_over_the_cap_is_a_clear_problem() -> None:
    text = "word " * (MAX_CHARS // 5 + 10)
    [problem] = read_stdin_text(text, InputConfig(max_file_mb=20))
    assert isinstance(problem, IngestProblem)
    assert f"{MAX_CHARS:,}" in problem.message and "rasd batch" in problem.fix


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("ab .\n"), max_size=600), st.integers(1, 80))
def test_long_text_chunks_rejoin_exactly_and_respect_the_size(text: str, size: int) -> None:
    chunks = split_chunks(text, size)
    assert "".join(chunks) == text
    assert all(0 < len(c) <= size for c in chunks) or text == ""


def test_long_text_chunks_cut_after_paragraphs() -> None:
    text = PARAGRAPH * 10
    chunks = split_chunks(text, len(PARAGRAPH) * 3 + 5)
    assert all(c.endswith("\n\n") for c in chunks[:-1])


def test_long_text_nlp_stage_refuses_past_the_cap() -> None:
    from rasd.config import NlpConfig
    from rasd.exceptions import InputError, TextTooLong

    stage = nlp_module.NlpStage(NlpConfig())
    stage.nlp = object()  # type: ignore[assignment]  # never reached
    from rasd.pipeline.doc import Doc

    with pytest.raises(TextTooLong) as info:
        stage(Doc(Document.from_text("x" * (MAX_CHARS + 1))))
    assert isinstance(info.value, InputError) and "rasd batch" in info.value.fix


@pytest.mark.slow
def test_long_text_chunked_mentions_match_the_text(
    monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline
) -> None:
    from rasd.engine import process

    text = PARAGRAPH * 12
    whole = process(pipeline, Document.from_text(text))
    monkeypatch.setattr(nlp_module, "CHUNK_CHARS", len(PARAGRAPH) * 2 + 7)
    chunked = process(pipeline, Document.from_text(text))
    assert chunked.mentions and len(chunked.sentences) == len(whole.sentences)
    for m in chunked.mentions:
        assert text[m.start : m.end] == m.text
    for event in chunked.events:
        for ev in event.evidence:
            assert text[ev.start : ev.end] == ev.text
    assert {(m.start, m.text) for m in chunked.mentions} >= {
        (m.start, m.text) for m in whole.mentions if m.label in ("GPE", "LOC")
    }
