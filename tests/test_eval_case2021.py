"""CASE 2021 Task 2 loader, label mapping, classifier entry point and scores."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fixtures.eval.fakes import FakePipeline, event, factory

from rasd.eval import case2021
from rasd.eval.base import EvalContext
from rasd.exceptions import EvalDataError
from rasd.pipeline.doc import EventCandidate, Span
from rasd.taxonomy import SUB_EVENT_TYPES

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_eval_case2021_label_map_covers_acled_exactly():
    assert set(case2021.SEEN.values()) == set(SUB_EVENT_TYPES)
    assert len(case2021.SEEN) == 25
    assert not set(case2021.UNSEEN) & set(case2021.SEEN)


def test_eval_case2021_load_fixture():
    snippets = case2021.load(FIXTURES / "case2021_task2")
    assert [s.id for s in snippets] == ["2", "5", "7", "8", "11", "13"]
    assert snippets[0].gold == "Air/drone strike"
    assert snippets[4].gold == case2021.NONE and not snippets[4].seen


def test_eval_case2021_unknown_label(tmp_path):
    (tmp_path / "x.tsv").write_text("id\tEventSnippet\tSubType\n1\tText\tMYSTERY\n", "utf-8")
    with pytest.raises(EvalDataError, match="MYSTERY"):
        case2021.load(tmp_path)


def _cand(sub: str, confidence: float) -> EventCandidate:
    return EventCandidate(sub, Span(0, 1, "x"), Span(0, 1, "x"), confidence)


@pytest.mark.parametrize(
    ("events", "candidates", "label"),
    [
        ([], [], "none"),
        (
            [event("Arrests", confidence=0.4), event("Armed clash", confidence=0.9)],
            [],
            "Armed clash",
        ),
        # a tie keeps the first
        ([event("Arrests", confidence=0.5), event("Attack", confidence=0.5)], [], "Arrests"),
        # events win over candidates even when a candidate is more confident
        ([event("Grenade", confidence=0.3)], [_cand("Attack", 0.9)], "Grenade"),
        ([], [_cand("Attack", 0.2), _cand("Suicide bomb", 0.25)], "Suicide bomb"),
    ],
)
def test_eval_case2021_classify(events, candidates, label):
    assert case2021.classify(SimpleNamespace(events=events, candidates=candidates)) == label


def test_eval_case2021_classify_rejected_document():
    assert case2021.classify(None) == "none"


def _respond(doc):
    text = doc.text
    if "Warplanes" in text:
        doc.events.append(event("Air/drone strike"))
    elif "firefight" in text:
        doc.events.append(event("Attack"))  # wrong
    elif "detained" in text:
        doc.candidates.append(_cand("Arrests", 0.2))  # right, via a candidate
    elif "Floods" in text:
        doc.events.append(event("Other"))  # wrong: unseen gold is "none"
    # roadside bomb and the diplomatic snippet: no event


def test_eval_case2021_evaluate_on_fixture():
    ctx = EvalContext(FIXTURES, pipeline_factory=factory(FakePipeline(_respond)))
    result = case2021.evaluate(ctx)
    m = result.metrics
    # seen: 4 snippets, 2 right (air strike, arrests)
    assert m["micro_f1"] == pytest.approx(0.5)
    # per class over gold classes: air 1, armed clash 0, arrests 1, IED 0
    assert m["macro_f1"] == pytest.approx(0.5)
    assert m["f1.Air/drone strike"] == 1.0
    # all: 6 snippets, right: air, arrests, diplomatic (none = none)
    assert m["micro_f1_all"] == pytest.approx(0.5)
    # event type: air strike, armed clash vs attack (Battles vs VAC: wrong), arrests
    assert m["event_type_acc"] == pytest.approx(0.5)
    assert m["no_event_rate"] == pytest.approx(0.25)
    assert result.counts == {
        "snippets": 6,
        "seen": 4,
        "unseen": 2,
        "iraq_syria": 2,
        "no_prediction": 2,
        "rejected_docs": 0,
    }
    assert result.by_corpus["iraq_syria"]["micro_f1"] == 1.0
    assert result.extra["confusion"]["Armed clash"] == {"Attack": 1}
    assert result.baselines["majority"]["micro_f1"] == pytest.approx(0.25)
    assert len(result.errors) == 3
    assert {e.expected for e in result.errors} == {"ARMED_CLASH", "REM_EXPLOS", "NATURAL_DISASTER"}
