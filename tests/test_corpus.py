"""rasd's own training corpus: every line is a valid canonical record, the corpus covers
what the learned coder needs, and nothing in it is copied from the evaluation data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rasd.corpus.annotate import canonical, split_of
from rasd.corpus.overlap import shared_runs
from rasd.corpus.schema import Example
from rasd.taxonomy import SUB_EVENT_TYPES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = sorted(CORPUS.glob("*/*.jsonl"))


def _examples() -> list[Example]:
    out = []
    for path in FILES:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.strip():
                try:
                    out.append(Example.model_validate_json(line))
                except ValueError as exc:
                    pytest.fail(f"{path.name}:{number}: {exc}")
    return out


def test_corpus_files_exist_and_say_whose_they_are() -> None:
    assert FILES, "corpus/*/*.jsonl is empty"
    readme = (CORPUS / "README.md").read_text("utf-8")
    assert "Apache License 2.0" in readme and "written by hand" in readme


def test_every_line_is_canonical_with_unique_ids_and_hash_splits() -> None:
    examples = _examples()
    ids = Counter(e.id for e in examples)
    assert [i for i, n in ids.items() if n > 1] == []
    assert all(e.split == split_of(e.id) for e in examples)
    texts = Counter(e.text for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []


def test_corpus_covers_every_sub_event_type_and_non_events() -> None:
    examples = _examples()
    types = Counter(e.sub_event_type for e in examples)
    missing = [t for t in SUB_EVENT_TYPES if types[t] == 0]
    assert missing == []
    assert types[None] > 0
    assert len({e.country for e in examples}) >= 20


def test_no_run_of_8_tokens_is_shared_with_the_evaluation_data(shared_data: Path) -> None:
    texts = {e.id: e.text for e in _examples()}
    others = [p for p in sorted(shared_data.rglob("*")) if p.is_file()]
    found = shared_runs(texts, others)
    assert found == [], "\n".join(f"{i} ~ {p.name}: {run}" for i, p, run in found[:20])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"text": "Gunmen shot a man dead in Kirkuk.", "actor1": "Rebels"}, "not in the text"),
        ({"text": "Gunmen shot a man dead in Kirkuk.", "type": "Shooting"}, "unknown sub-event"),
        ({"text": "Gunmen shot a man dead in Kirkuk.", "type": None}, "needs nonevent"),
        ({"text": "Gunmen shot a man.", "actor1": ["Gunmen", "a man"]}, "takes one span"),
    ],
)
def test_annotate_refuses_what_it_cannot_place(raw: dict[str, object], message: str) -> None:
    line = {"id": "t-1", "voice": "wire", "country": "IQ", "type": "Attack", **raw}
    with pytest.raises(ValueError, match=message):
        canonical(line, None)


def test_annotate_finds_offsets_and_is_idempotent() -> None:
    raw = {
        "id": "t-2",
        "voice": "local",
        "country": "IQ",
        "text": "Gunmen killed two shepherds near Tuz Khurmatu on Friday, police said.",
        "type": "Attack",
        "actor1": "Gunmen",
        "victim": "two shepherds",
        "place": "Tuz Khurmatu",
        "where": "Tuz Khurmatu|IQ",
        "fatalities": "killed two shepherds",
        "deaths": 2,
    }
    example = canonical(raw, lambda name, cc: 99 if (name, cc) == ("Tuz Khurmatu", "IQ") else None)
    assert example.geonameid == 99
    assert [(s.role, example.text[s.start : s.end]) for s in example.spans] == [
        ("actor1", "Gunmen"),
        ("victim", "two shepherds"),
        ("place", "Tuz Khurmatu"),
        ("fatalities", "killed two shepherds"),
    ]
    again = canonical(json.loads(example.model_dump_json()), None)
    assert again == example
