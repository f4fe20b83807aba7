"""The learned coder's learning curve: corpus size against the CASE 2021 dev score.

    python -m rasd.eval.learning_curve --data-dir ../shared/data

For each fraction of the corpus's train split (a fixed, hash-ordered subset, so the
curve is reproducible) it fits the event-type head as ``rasd train`` does and scores
the head alone on the CASE 2021 dev snippets (the 25 ACLED types; "none" excluded from
the prediction, since every one of those snippets is an event) and on the corpus's own
valid split. The dev portion only measures: nothing here trains on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from rasd.config import PipelineConfig, Settings
from rasd.eval.case2021 import FOLDER, load
from rasd.models.corpus_features import feature_matrix
from rasd.models.encoder import CachedEncoder, make_encoder
from rasd.models.features import CLASSES
from rasd.models.train import _fit_linear, _macro_f1, default_corpus_dir, label, read_corpus

FRACTIONS = (0.1, 0.25, 0.5, 1.0)


def _order(ids: list[str]) -> np.ndarray:
    return np.argsort([hashlib.sha256(i.encode()).hexdigest() for i in ids], kind="stable")


def curve(corpus: Path, data_dir: Path, c: float, lang: str) -> list[dict[str, float]]:
    config = PipelineConfig.load(Settings().pipeline_config)
    encoder = CachedEncoder(make_encoder(config.model.encoder), Path(Settings().cache_dir))
    examples = [e for e in read_corpus(corpus)[0] if lang in ("all", e.lang)]
    x = feature_matrix([e.text for e in examples], config, encoder)
    y = np.array([label(e) for e in examples])
    valid = np.array([e.split == "valid" for e in examples])
    snippets = [s for s in load(data_dir / FOLDER) if s.seen]
    xc = feature_matrix([s.text for s in snippets], config, encoder)
    gold = np.array([CLASSES.index(s.gold) for s in snippets])
    train_idx = np.flatnonzero(~valid)[_order([examples[i].id for i in np.flatnonzero(~valid)])]
    rows = []
    for fraction in FRACTIONS:
        take = train_idx[: max(1, int(round(fraction * len(train_idx))))]
        weights, bias = _fit_linear(x[take], y[take], c, 13)
        logits = xc @ weights + bias
        logits[:, -1] = -np.inf  # every CASE subtask-1 snippet is an event
        pred = logits.argmax(axis=1)
        rows.append(
            {
                "fraction": fraction,
                "train_examples": int(len(take)),
                "valid_macro_f1": round(
                    _macro_f1((x[valid] @ weights + bias).argmax(1), y[valid]), 4
                ),
                "case_micro_f1": round(float(np.mean(pred == gold)), 4),
                "case_macro_f1": round(_macro_f1(pred, gold), 4),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus_dir())
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--C", type=float, default=32.0, help="the head's regularisation")
    parser.add_argument("--lang", default="all", help="en, ar or all corpus examples")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    rows = curve(args.corpus, args.data_dir, args.C, args.lang)
    print(
        "| fraction | train examples | corpus valid macro-F1 | CASE dev micro-F1 | CASE dev macro-F1 |"
    )
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['fraction']} | {r['train_examples']} | {r['valid_macro_f1']} | {r['case_micro_f1']} | {r['case_macro_f1']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
