"""Stage 'classify': the learned event-type head over the rules' candidates.

For every sentence that holds a rule candidate or a trigger the rules' modality reads as
a reported event (no other sentence is embedded), the head (``rasd.models``) reads the
sentence's embedding and the rules' votes (sentences of a whole batch of docs are
embedded in one call) and gives calibrated probabilities for the 25
ACLED sub-event types and "none". Then, per sentence:

- a rule candidate whose type the head contradicts with probability >= ``retype`` takes
  the head's type (the candidate of the same ACLED event type if there is one, else the
  most confident);
- a sentence the rules passed over, which the head calls an event with probability
  >= ``create``, gets a candidate at a trigger word that the rules' modality checks
  read as a reported event (so the head overrules the rules' typing, never their
  reading of plans, threats, denials, negations and habits);
- a rule candidate in a sentence the head calls "none" with probability >= ``veto`` is
  dropped;
- a candidate the head types (agreeing or retyping) carries the head's calibrated
  probability as its confidence.

Where the head abstains (below every threshold) the rules' decision stands. The head
and its encoder load once, in ``load``; sentences are embedded in one batch per doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rasd.config import ModelConfig, PipelineConfig
from rasd.exceptions import ConfigError
from rasd.models.encoder import Encoder, make_encoder
from rasd.models.features import CLASSES, NONE, combine, rule_features
from rasd.models.head import SoftmaxHead
from rasd.pipeline.base import Backends, register
from rasd.pipeline.detect import DetectStage, Hit, find_hits
from rasd.pipeline.doc import Doc, EventCandidate, Span
from rasd.pipeline.modality import EVENT, assess
from rasd.taxonomy import SUB_EVENT_TYPES

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan


@dataclass
class ClassifyStage:
    config: ModelConfig
    detect: DetectStage
    encoder: Encoder | None = None
    head: SoftmaxHead | None = None
    name: str = "classify"
    requires: tuple[str, ...] = ("spacy", "sentences", "candidates")
    assigns: tuple[str, ...] = ("candidates", "classified")
    _loaded: bool = field(default=False, repr=False)

    def load(self) -> None:
        if self._loaded:
            return
        if self.head is None:
            self.head = SoftmaxHead.load(self.config.head_path())
        if self.encoder is None:
            self.encoder = make_encoder(self.config.encoder, self.config.threads)
        if self.encoder.name != self.head.encoder:
            raise ConfigError(
                f"[model] encoder = {self.config.encoder!r}",
                f"is {self.encoder.name}, but the head was trained on {self.head.encoder}",
                "retrain with `rasd train` or set the encoder the head was trained with",
            )
        self.encoder.load()
        self._loaded = True

    def __call__(self, doc: Doc) -> Doc:
        return self.pipe([doc])[0]

    def pipe(self, docs: list[Doc]) -> list[Doc]:
        """Code a batch of docs, embedding all their open sentences in one call (the
        encoder is several times faster on a batch than sentence by sentence)."""
        self.load()
        assert self.encoder is not None and self.head is not None
        plans = [self._plan(doc) for doc in docs]
        sents = [s for _, open_sents in plans for s in open_sents]
        if not sents:
            return docs
        rules = np.stack(
            [rule_features([s], hits) for hits, open_sents in plans for s in open_sents]
        )
        proba = self.head.proba(combine(self.encoder.embed([s.text for s in sents]), rules))
        start = 0
        for doc, (hits, open_sents) in zip(docs, plans, strict=True):
            self._apply(doc, hits, open_sents, proba[start : start + len(open_sents)])
            start += len(open_sents)
        return docs

    def _plan(self, doc: Doc) -> tuple[list[Hit], list[SpacySpan]]:
        """The doc's trigger hits and the sentences the head's answer can change."""
        if doc.spacy is None:
            return [], []
        hits = find_hits(doc.spacy, self.detect.matcher(doc.spacy))
        return hits, [s for s in doc.spacy.sents if _open_to_the_head(s, hits, doc.candidates)]

    def _apply(self, doc: Doc, hits: list[Hit], sents: list[SpacySpan], proba: np.ndarray) -> None:
        if not sents:
            return
        kept: list[EventCandidate] = []
        for sent, row in zip(sents, proba, strict=True):
            inside = [
                c for c in doc.candidates if sent.start_char <= c.trigger.start < sent.end_char
            ]
            kept += self._decide(doc, sent, row, inside, hits)
        outside = [c for c in doc.candidates if not any(c is k for k in kept) and not _in(c, sents)]
        doc.candidates = sorted(kept + outside, key=lambda c: c.trigger.start)

    def _decide(
        self,
        doc: Doc,
        sent: SpacySpan,
        row: np.ndarray,
        inside: list[EventCandidate],
        hits: list[Hit],
    ) -> list[EventCandidate]:
        best = int(np.argmax(row))
        label, p = CLASSES[best], float(row[best])
        if label == NONE:
            return [] if inside and p >= self.config.veto else inside
        if not inside:
            return self._create(doc, sent, label, p, hits) if p >= self.config.create else []
        chosen = _same_family(inside, label) or max(inside, key=lambda c: c.confidence)
        if chosen.sub_event_type == label or p >= self.config.retype:
            chosen.sub_event_type, chosen.confidence = label, p
        return inside

    def _create(
        self, doc: Doc, sent: SpacySpan, label: str, p: float, hits: list[Hit]
    ) -> list[EventCandidate]:
        """A candidate at a trigger the rules' modality checks accept as a reported event:
        the head overrules the rules' typing, never their reading of plans, threats,
        denials, negations and habits."""
        inside = [h for h in hits if sent.start <= h.head.i < sent.end]
        reported = [h for h in inside if assess(h.head, sent) == EVENT]
        if not reported:
            return []
        family = SUB_EVENT_TYPES[label]
        hit = next(
            (h for h in reported if SUB_EVENT_TYPES[h.sub_event_type] == family), reported[0]
        )
        candidate = EventCandidate(
            sub_event_type=label,
            trigger=Span(hit.start, hit.end, doc.text[hit.start : hit.end]),
            sentence=Span(sent.start_char, sent.end_char, sent.text),
            confidence=p,
            notes=EVENT,
        )
        return [candidate]


def _same_family(cands: list[EventCandidate], label: str) -> EventCandidate | None:
    family = SUB_EVENT_TYPES[label]
    same = [c for c in cands if SUB_EVENT_TYPES[c.sub_event_type] == family]
    return max(same, key=lambda c: c.confidence) if same else None


def _open_to_the_head(sent: SpacySpan, hits: list[Hit], cands: list[EventCandidate]) -> bool:
    """Whether the head's answer can change anything here: the sentence holds a rule
    candidate (to confirm, retype or veto) or a trigger read as a reported event (where
    the head may add one). Other sentences are never embedded."""
    if any(sent.start_char <= c.trigger.start < sent.end_char for c in cands):
        return True
    inside = [h for h in hits if sent.start <= h.head.i < sent.end]
    return any(assess(h.head, sent) == EVENT for h in inside)


def _in(cand: EventCandidate, sents: list[SpacySpan]) -> bool:
    return any(s.start_char <= cand.trigger.start < s.end_char for s in sents)


@register("classify")
def make(config: PipelineConfig, backends: Backends) -> ClassifyStage:
    return ClassifyStage(config.model, DetectStage(config.events), encoder=backends.encoder)
