"""Features for many texts at once: spaCy parses, the rules' votes, and embeddings.

Used by training (the corpus) and by evaluation; the pipeline stage builds the same
features sentence by sentence from the document it is coding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rasd.config import PipelineConfig
from rasd.models.encoder import Encoder
from rasd.models.features import RULE_DIM, combine, rule_features
from rasd.pipeline.detect import DetectStage, find_hits
from rasd.pipeline.nlp import load_spacy

Progress = Callable[[int], None]


def rule_matrix(
    texts: Sequence[str], config: PipelineConfig, progress: Progress | None = None
) -> np.ndarray:
    """(len(texts), RULE_DIM): each text parsed by spaCy, scored by the rules as one span."""
    nlp = load_spacy(config.nlp.model)
    detect = DetectStage(config.events)
    out = np.zeros((len(texts), RULE_DIM), dtype=np.float32)
    for row, sdoc in enumerate(nlp.pipe(texts, batch_size=64)):
        out[row] = rule_features(list(sdoc.sents), find_hits(sdoc, detect.matcher(sdoc)))
        if progress:
            progress(1)
    return out


def embed(texts: Sequence[str], encoder: Encoder, progress: Progress | None = None) -> np.ndarray:
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    step = 64
    for i in range(0, len(texts), step):
        chunk = list(texts[i : i + step])
        out[i : i + len(chunk)] = encoder.embed(chunk)
        if progress:
            progress(len(chunk))
    return out


def feature_matrix(
    texts: Sequence[str], config: PipelineConfig, encoder: Encoder, progress: Progress | None = None
) -> np.ndarray:
    return combine(embed(texts, encoder, progress), rule_matrix(texts, config, progress))
