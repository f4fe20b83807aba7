"""Shared evaluation plumbing: the report format, precision/recall/F1 and error records.

Every dataset module exposes ``evaluate(ctx: EvalContext) -> EvalResult``; the
runner (``rasd.eval.runner``) prints the table and writes the report and errors.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasd.exceptions import EvalDataError, RasdError

if TYPE_CHECKING:
    from rasd.pipeline.doc import Doc
    from rasd.records import Document


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass
class ErrorRecord:
    """One miss: what the gold data expected, what rasd said, and the sentence."""

    doc_id: str
    kind: str  # e.g. "false_negative", "wrong_type", "far_location"
    expected: Any
    predicted: Any
    sentence: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "doc_id": self.doc_id,
                "kind": self.kind,
                "expected": self.expected,
                "predicted": self.predicted,
                "sentence": self.sentence,
            },
            ensure_ascii=False,
            default=str,
        )


@dataclass
class EvalResult:
    dataset: str
    metrics: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    by_corpus: dict[str, dict[str, float]] = field(default_factory=dict)
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> metrics
    anchors: dict[str, str] = field(default_factory=dict)  # published figures, as text
    errors: list[ErrorRecord] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. confusion matrix
    command: str = ""  # the command line that produced it (set by the runner)


@dataclass
class EvalContext:
    data_dir: Path
    split: str = "dev"
    limit: int | None = None
    # builds the pipeline lazily; datasets that need no pipeline never call it
    pipeline_factory: Callable[[], Any] | None = None
    # builds the plain spaCy model (no rulers) for baselines; None: no spaCy baseline
    spacy_factory: Callable[[], Any] | None = None

    def pipeline(self) -> Any:
        """The pipeline from ``pipeline_factory``, or a clear error when there is none."""
        if self.pipeline_factory is None:
            raise EvalDataError(
                "EvalContext.pipeline_factory",
                "is not set, so no pipeline can be run",
                "pass pipeline_factory (rasd.eval.runner.run sets the default pipeline)",
            )
        return self.pipeline_factory()

    def dataset_dir(self, name: str) -> Path:
        path = self.data_dir / name
        if not path.is_dir():
            raise EvalDataError(
                str(path),
                "is not a directory",
                "pass --data-dir pointing at the folder that holds the datasets "
                "(default ../shared/data)",
            )
        return path


def run_document(pipeline: Any, document: Document) -> tuple[Doc | None, str | None]:
    """Run the pipeline on one document: ``(doc, None)``, or ``(None, message)`` when the
    pipeline rejects the document with a RasdError (too short, unreadable...).

    Other exceptions are bugs and propagate. The document still counts in the
    scores: the caller treats a rejected document as one with no predictions.
    """
    from rasd.engine import process

    try:
        return process(pipeline, document), None
    except RasdError as exc:
        return None, str(exc)


def git_commit(cwd: Path | None = None) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=cwd, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report_dict(result: EvalResult, split: str) -> dict[str, Any]:
    return {
        "dataset": result.dataset,
        "split": split,
        "commit": git_commit(Path(__file__).parent),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": result.metrics,
        "counts": result.counts,
        "by_corpus": result.by_corpus,
        "baselines": result.baselines,
        "anchors": result.anchors,
        "extra": result.extra,
        "command": result.command,
    }


def write_report(result: EvalResult, split: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(report_dict(result, split), indent=2, ensure_ascii=False), "utf-8")
    tmp.replace(path)


def write_errors(result: EvalResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for err in result.errors:
            fh.write(err.to_json() + "\n")
    tmp.replace(path)
