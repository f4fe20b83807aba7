"""``rasd train``: rebuild the learned heads from rasd's own corpus, reproducibly.

The same corpus, encoder and seed give byte-identical artefacts: the examples are read
in a fixed order, scikit-learn's solver is deterministic, and nothing time-dependent is
written. Only the ``train`` split is fitted; the ``valid`` split chooses the
regularisation, fits the calibration temperature and gives the manifest's figures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from rasd.config import PipelineConfig
from rasd.corpus.schema import Example
from rasd.exceptions import InputError
from rasd.models.corpus_features import Progress, feature_matrix
from rasd.models.encoder import Encoder
from rasd.models.features import CLASSES, NONE
from rasd.models.head import SoftmaxHead, expected_calibration_error, fit_temperature

ARTEFACTS = Path(__file__).parent / "artefacts"
HEAD_FILE = "event_type.npz"
MANIFEST_FILE = "manifest.json"
C_GRID = (8.0, 32.0, 128.0)


def default_corpus_dir() -> Path:
    """``corpus/`` of the source checkout rasd runs from, else of the working directory."""
    repo = Path(__file__).resolve().parents[2] / "corpus"
    return repo if repo.is_dir() else Path("corpus")


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted(corpus.glob("*/*.jsonl"))
    if not files:
        raise InputError(str(corpus), "holds no */*.jsonl corpus files", "pass --corpus DIR")
    return files


def read_corpus(corpus: Path) -> tuple[list[Example], str]:
    """Every example, in file and line order, and the corpus's SHA-256."""
    digest = hashlib.sha256()
    examples: list[Example] = []
    for path in corpus_files(corpus):
        data = path.read_bytes()
        digest.update(path.relative_to(corpus).as_posix().encode() + b"\0" + data)
        for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
            if line.strip():
                examples.append(_parse(path, number, line))
    return examples, digest.hexdigest()


def _parse(path: Path, number: int, line: str) -> Example:
    try:
        return Example.model_validate_json(line)
    except ValidationError as exc:
        raise InputError(
            f"{path}:{number}",
            f"is not a canonical corpus record ({exc.errors()[0]['msg']})",
            f"run `python -m rasd.corpus.annotate {path}`",
        ) from exc


def label(example: Example) -> int:
    return CLASSES.index(example.sub_event_type or NONE)


@dataclass(frozen=True)
class TrainResult:
    head: SoftmaxHead
    manifest: dict[str, object]


Fit = tuple[np.ndarray, np.ndarray]


def _fit_linear(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> Fit:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    model.fit(x, y)
    weights = np.zeros((x.shape[1], len(CLASSES)), dtype=np.float32)
    bias = np.full(len(CLASSES), -1e4, dtype=np.float32)  # classes absent from training
    weights[:, model.classes_] = model.coef_.T
    bias[model.classes_] = model.intercept_
    return weights, bias


def _macro_f1(pred: np.ndarray, gold: np.ndarray) -> float:
    scores = []
    for cls in np.unique(gold):
        tp = float(np.sum((pred == cls) & (gold == cls)))
        fp = float(np.sum((pred == cls) & (gold != cls)))
        fn = float(np.sum((pred != cls) & (gold == cls)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def train_event_head(
    examples: list[Example],
    corpus_sha: str,
    config: PipelineConfig,
    encoder: Encoder,
    seed: int = 13,
    progress: Progress | None = None,
) -> TrainResult:
    texts = [e.text for e in examples]
    x = feature_matrix(texts, config, encoder, progress)
    y = np.array([label(e) for e in examples])
    is_valid = np.array([e.split == "valid" for e in examples])
    if is_valid.all() or not is_valid.any():
        raise InputError("corpus", "needs examples in both splits", "re-run the annotate tool")
    xt, yt, xv, yv = x[~is_valid], y[~is_valid], x[is_valid], y[is_valid]
    fits = {f"linear C={c}": _fit_linear(xt, yt, c, seed) for c in C_GRID}
    heads = {name: SoftmaxHead(CLASSES, w, b, 1.0, encoder.name) for name, (w, b) in fits.items()}
    scores = {name: _macro_f1(np.argmax(h.logits(xv), axis=1), yv) for name, h in heads.items()}
    best = max(scores, key=lambda name: (scores[name], name))
    logits = heads[best].logits(xv)
    temperature = fit_temperature(logits, yv)
    head = SoftmaxHead(CLASSES, *fits[best], temperature, encoder.name)
    proba = head.proba(xv)
    fit = {"head": best, "scores": scores, "temperature": temperature}
    manifest = _manifest(examples, corpus_sha, encoder, config, seed, fit, logits, proba, yv)
    return TrainResult(head, manifest)


def _manifest(
    examples: list[Example],
    corpus_sha: str,
    encoder: Encoder,
    config: PipelineConfig,
    seed: int,
    fit: dict[str, object],
    logits: np.ndarray,
    proba: np.ndarray,
    gold: np.ndarray,
) -> dict[str, object]:
    from importlib.metadata import version

    valid = sum(e.split == "valid" for e in examples)
    uncal = np.exp(logits - logits.max(axis=1, keepdims=True))
    uncal /= uncal.sum(axis=1, keepdims=True)
    return {
        "heads": {"event_type": HEAD_FILE},
        "corpus_sha256": corpus_sha,
        "examples": {"train": len(examples) - valid, "valid": valid},
        "encoder": encoder.name,
        "spacy_model": config.nlp.model,
        "scikit_learn": version("scikit-learn"),
        "seed": seed,
        "head": fit["head"],
        "valid": {
            "macro_f1_by_head": {k: round(s, 4) for k, s in fit["scores"].items()},  # type: ignore[attr-defined]
            "accuracy": round(float(np.mean(proba.argmax(axis=1) == gold)), 4),
            "macro_f1": round(_macro_f1(proba.argmax(axis=1), gold), 4),
            "ece_uncalibrated": round(expected_calibration_error(uncal, gold), 4),
            "ece": round(expected_calibration_error(proba, gold), 4),
            "temperature": fit["temperature"],
        },
    }


def write_artefacts(result: TrainResult, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    head_path, manifest_path = out / HEAD_FILE, out / MANIFEST_FILE
    result.head.save(head_path)
    manifest_path.write_text(json.dumps(result.manifest, indent=2, sort_keys=True) + "\n", "utf-8")
    return [head_path, manifest_path]


def iter_sha256(paths: list[Path]) -> Iterator[tuple[str, str]]:
    for path in paths:
        yield path.name, hashlib.sha256(path.read_bytes()).hexdigest()


def train(
    corpus: Path,
    out: Path,
    config: PipelineConfig,
    encoder: Encoder,
    seed: int = 13,
    on_total: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> tuple[TrainResult, list[Path]]:
    """Read the corpus, train every head, write the artefacts; what ``rasd train`` runs."""
    examples, sha = read_corpus(corpus)
    if on_total:
        on_total(2 * len(examples))  # one step per example for parsing, one for embedding
    result = train_event_head(examples, sha, config, encoder, seed, progress)
    return result, write_artefacts(result, out)
