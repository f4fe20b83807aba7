"""Stage 'classify': how the learned head's decision combines with the rules'.

The head here is a stand-in whose answer is fixed by its bias (weights zero), over the
hashing encoder, so each test states exactly what the head says and checks what the
stage does with it."""

from __future__ import annotations

import numpy as np
import pytest

from rasd.config import ModelConfig, PipelineConfig
from rasd.exceptions import ConfigError
from rasd.models.encoder import HashingEncoder
from rasd.models.features import CLASSES, RULE_DIM
from rasd.models.head import SoftmaxHead
from rasd.pipeline.classify import ClassifyStage
from rasd.pipeline.detect import DetectStage
from rasd.pipeline.doc import Doc
from rasd.pipeline.nlp import NlpStage
from rasd.records import Document

pytestmark = pytest.mark.slow
ENCODER = HashingEncoder(32)


@pytest.fixture(scope="module")
def front() -> tuple[NlpStage, DetectStage]:
    cfg = PipelineConfig.load()
    nlp = NlpStage(cfg.nlp, [])
    nlp.load()
    return nlp, DetectStage(cfg.events)


def _head(label: str, p: float) -> SoftmaxHead:
    """A head that gives ``label`` probability ``p`` for every sentence."""
    rest = (1.0 - p) / (len(CLASSES) - 1)
    bias = np.log(np.array([p if c == label else rest for c in CLASSES], dtype=np.float32))
    weights = np.zeros((ENCODER.dim + RULE_DIM, len(CLASSES)), dtype=np.float32)
    return SoftmaxHead(CLASSES, weights, bias, 1.0, ENCODER.name)


def _run(
    front: tuple[NlpStage, DetectStage], text: str, label: str, p: float
) -> list[tuple[str, float]]:
    nlp, detect = front
    stage = ClassifyStage(ModelConfig(), detect, encoder=ENCODER, head=_head(label, p))
    doc = stage(detect(nlp(Doc(Document.from_text(text)))))
    return [(c.sub_event_type, round(c.confidence, 2)) for c in doc.candidates]


STRIKE = "Iraqi warplanes struck an ISIS hideout in the Hamrin mountains on Sunday."


@pytest.mark.parametrize(
    ("label", "p", "expected"),
    [
        ("Air/drone strike", 0.9, [("Air/drone strike", 0.9)]),  # agrees: confidence is p
        ("Shelling/artillery/missile attack", 0.7, [("Shelling/artillery/missile attack", 0.7)]),
        ("Shelling/artillery/missile attack", 0.4, "rules"),  # abstains: the rules stand
        ("none", 0.9, []),  # vetoes
        ("none", 0.6, "rules"),  # below the veto: the rules stand
    ],
)
def test_head_retypes_confirms_or_vetoes_rule_candidates(
    front: tuple[NlpStage, DetectStage], label: str, p: float, expected: object
) -> None:
    nlp, detect = front
    rules = detect(nlp(Doc(Document.from_text(STRIKE)))).candidates
    if expected == "rules":
        expected = [(c.sub_event_type, round(c.confidence, 2)) for c in rules]
        assert expected and expected[0][0] == "Air/drone strike"
    assert _run(front, STRIKE, label, p) == expected


def test_head_adds_an_event_the_rules_passed_over_only_when_sure(
    front: tuple[NlpStage, DetectStage],
) -> None:
    # "freed" without territory: the rules' typing passes it over, their modality does not
    text = "Tribal fighters freed two kidnapped engineers near Baiji on Monday."
    nlp, detect = front
    assert detect(nlp(Doc(Document.from_text(text)))).candidates == []
    assert _run(front, text, "Other", 0.5) == []
    assert _run(front, text, "Other", 0.95) == [("Other", 0.95)]


@pytest.mark.parametrize(
    "text",
    [
        "The group plans to attack the airport next week, a commander said.",
        "Police denied that they had arrested any protesters.",
        "Turkey regularly targets the militia with drone strikes.",
    ],
)
def test_head_never_overrules_the_rules_reading_of_plans_denials_and_habits(
    front: tuple[NlpStage, DetectStage], text: str
) -> None:
    assert _run(front, text, "Attack", 0.99) == []


def test_sentences_without_any_trigger_are_not_embedded(
    front: tuple[NlpStage, DetectStage],
) -> None:
    class Counting(HashingEncoder):
        calls = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.calls += len(texts)
            return super().embed(texts)

    nlp, detect = front
    enc = Counting(32)
    stage = ClassifyStage(ModelConfig(), detect, encoder=enc, head=_head("none", 0.5))
    stage(detect(nlp(Doc(Document.from_text("The weather was mild. " + STRIKE)))))
    assert Counting.calls == 1
    # a trigger only inside a plan: nothing the head says could change the sentence
    plan = "The group plans to attack the airport next week, a commander said. "
    stage(detect(nlp(Doc(Document.from_text(plan + STRIKE)))))
    assert Counting.calls == 2


def test_a_head_trained_on_another_encoder_is_refused(front: tuple[NlpStage, DetectStage]) -> None:
    stage = ClassifyStage(ModelConfig(), front[1], encoder=ENCODER, head=_head("none", 0.5))
    stage.head = SoftmaxHead(CLASSES, stage.head.weights, stage.head.bias, 1.0, "other-encoder")  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="retrain"):
        stage.load()
