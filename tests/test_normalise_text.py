"""rasd.pipeline.normalise: normalise_text, split_header and the 'normalise' stage."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends
from rasd.pipeline.doc import Doc
from rasd.pipeline.normalise import make, normalise_text, split_header
from rasd.records import Document, content_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("\ufeffHello", "Hello"),
        ("zero\u200bwidth\u200d joiner\u2060", "zerowidth joiner"),
        ("soft\u00adhyphen", "softhyphen"),
        ("ctrl\x00\x07\x1bchars", "ctrlchars"),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept"),
        ("many     spaces", "many spaces"),
        ("no\u00a0break\u2009thin", "no break thin"),
        ("trailing   \nspaces\t\n", "trailing\nspaces"),
        ("  \n lead and trail \n ", "lead and trail"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFC
        (
            "\u201ccurly\u201d \u2018quotes\u2019 \u2014 dash",
            "\u201ccurly\u201d \u2018quotes\u2019 \u2014 dash",
        ),
        ("para one\n\npara two", "para one\n\npara two"),
        ("line\u2028sep\x85nel\x0cff", "line\nsep\nnel\nff"),
        ("\u0627\u0644\u0639\u0631\u0627\u0642", "\u0627\u0644\u0639\u0631\u0627\u0642"),
    ],
)
def test_normalise_text_cases(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@given(st.text())
def test_normalise_text_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=200))
def test_normalise_text_keeps_visible_characters(text: str) -> None:
    out = normalise_text(text)
    visible = [c for c in text if not c.isspace()]
    assert len([c for c in out if not c.isspace()]) <= len(visible)
    assert "  " not in out


@pytest.mark.parametrize(
    ("text", "published", "title", "body"),
    [
        ("date 2023-09-27\nBody.", date(2023, 9, 27), None, "Body."),
        ("date: 2023-09-27\ntitle: T\n\nBody.", date(2023, 9, 27), "T", "Body."),
        (
            "title: T\ndate 2023-09-27 Body on the same line.",
            date(2023, 9, 27),
            "T",
            "Body on the same line.",
        ),
        ("date 2023-09-27T10:00:00Z\nBody.", date(2023, 9, 27), None, "Body."),
        ("DATE:2023-09-27\nBody.", date(2023, 9, 27), None, "Body."),
        ("Date palms burned.", None, None, "Date palms burned."),
        ("Body only.\ndate 2023-09-27", None, None, "Body only.\ndate 2023-09-27"),
    ],
)
def test_normalise_split_header(
    text: str, published: date | None, title: str | None, body: str
) -> None:
    head = split_header(text)
    assert (head.published_at, head.title, head.body) == (published, title, body)


def test_normalise_split_header_bad_date() -> None:
    head = split_header("date 27/09/2023\nBody.")
    assert head.bad_date == "27/09/2023" and head.published_at is None


def stage_run(document: Document) -> Document:
    stage = make(PipelineConfig(), Backends())
    stage.load()
    return stage(Doc(document)).document


def test_normalise_stage_rebuilds_id_when_text_changes() -> None:
    raw = Document.from_text("Police  arrested\r\ntwo men.\u200b", source="s", title="t")
    out = stage_run(raw)
    assert out.text == "Police arrested\ntwo men."
    assert out.id == content_id(out.text) != raw.id
    assert (out.source, out.title) == ("s", "t")


def test_normalise_stage_unchanged_document_is_same_object() -> None:
    doc = Document.from_text("Police arrested two men.")
    assert stage_run(doc) is doc


def test_normalise_stage_reads_header_when_no_publication_date() -> None:
    raw = Document.from_text(" date 2023-09-27 On Tuesday, police arrested two men.")
    out = stage_run(raw)
    assert out.published_at == date(2023, 9, 27)
    assert out.text == "On Tuesday, police arrested two men."
    assert out.id == content_id(out.text)


def test_normalise_stage_leaves_header_when_publication_date_known() -> None:
    raw = Document.from_text("date 2023-09-27\nText.", published_at=date(2023, 1, 1))
    assert stage_run(raw) is raw


def test_normalise_stage_leaves_header_without_date() -> None:
    raw = Document.from_text("title: T\nText.")
    assert stage_run(raw) is raw


_HEADERS = st.sampled_from(
    [
        "",
        "date 2023-09-27\n",
        " date 2023-09-27 ",
        "title: T\n",
        "date 2023-09-27\ndate 2023-09-28\n",
    ]
)


@given(_HEADERS, _HEADERS, st.text(max_size=80))
def test_normalise_stage_idempotent_property(h1: str, h2: str, body: str) -> None:
    once = stage_run(Document.from_text(h1 + h2 + body))
    twice = stage_run(once)
    assert twice == once


def test_normalise_stage_idempotent() -> None:
    raw = Document.from_text("title: T\n date 2023-09-27 \u201cQuoted\u201d   text\r\n")
    once = stage_run(raw)
    assert stage_run(once) is once
