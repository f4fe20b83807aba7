"""What a head sees of a sentence: its embedding, plus the rules' votes as features.

The rules (``rasd.pipeline.detect``) stay in the loop twice over: their trigger hits are
features here, and they are the fallback wherever the model abstains. For every
sub-event type the rule features hold the best prior of a raw trigger hit in the span
and of a trigger the rules kept after their modality and retyping checks (and whether
that kept trigger was reported as fact).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rasd.pipeline.detect import Hit, select
from rasd.pipeline.modality import EVENT
from rasd.taxonomy import SUB_EVENT_TYPES

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

NONE = "none"
#: The head's classes: every ACLED sub-event type, then "none" (not an event).
CLASSES: tuple[str, ...] = (*SUB_EVENT_TYPES, NONE)
_INDEX = {sub: i for i, sub in enumerate(SUB_EVENT_TYPES)}
N_TYPES = len(SUB_EVENT_TYPES)
RULE_DIM = 3 * N_TYPES + 1


def rule_features(sents: Sequence[SpacySpan], hits: Sequence[Hit]) -> np.ndarray:
    """RULE_DIM floats for the sentences ``sents`` given the document's raw trigger hits.

    Layout: raw-hit prior per type, kept-trigger prior per type, kept-and-reported-as-fact
    flag per type, then 1.0 when no rule fired at all."""
    out = np.zeros(RULE_DIM, dtype=np.float32)
    for sent in sents:
        inside = [h for h in hits if sent.start <= h.head.i < sent.end]
        for hit in inside:
            i = _INDEX[hit.sub_event_type]
            out[i] = max(out[i], hit.prior)
        for hit in select([copy.copy(h) for h in inside], sent):
            i = _INDEX[hit.sub_event_type]
            out[N_TYPES + i] = max(out[N_TYPES + i], hit.prior)
            if hit.status == EVENT:
                out[2 * N_TYPES + i] = 1.0
    out[-1] = 0.0 if out[:N_TYPES].any() else 1.0
    return out


def combine(embeddings: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """The head's input: embedding columns then rule columns, float32."""
    return np.hstack([embeddings, rules]).astype(np.float32)
