"""Rules alone, model alone, both: the learned coder's ablation for classification sets.

Given the configured pipeline (rules + the ``classify`` stage), this gives two more
predictors over the same snippets, for the report's baseline columns:

- ``rules only``: the same loaded stages without ``classify``;
- ``model alone``: the head on each whole snippet (its embedding plus the rules' votes as
  features, as in training), its argmax including "none"; no event assembly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rasd.models.features import CLASSES, combine, rule_features
from rasd.pipeline.base import Pipeline
from rasd.pipeline.detect import find_hits


def classify_stage(pipeline: Any) -> Any | None:
    """The pipeline's ``classify`` stage, or None when it runs without one."""
    stages = getattr(pipeline, "stages", [])
    return next((s for s in stages if getattr(s, "name", "") == "classify"), None)


def rules_only(pipeline: Pipeline) -> Pipeline:
    """The same loaded stages, without ``classify``."""
    return Pipeline([s for s in pipeline.stages if s.name != "classify"], loaded=True)


def model_alone(stage: Any, docs: Sequence[Any]) -> list[str]:
    """The head's label for each processed doc's whole text ("none" for a failed doc)."""
    stage.load()
    rows, texts = [], []
    for doc in docs:
        sdoc = getattr(doc, "spacy", None)
        if sdoc is None:
            rows.append(np.zeros(len(rule_features([], [])), dtype=np.float32))
            texts.append("")
            continue
        hits = find_hits(sdoc, stage.detect.matcher(sdoc))
        rows.append(rule_features(list(sdoc.sents), hits))
        texts.append(doc.text)
    proba = stage.head.proba(combine(stage.encoder.embed(texts), np.stack(rows)))
    return [CLASSES[i] for i in proba.argmax(axis=1)]
