"""What every engine runs in its workers: one loaded pipeline, shard in, tables out.

The local engine (worker processes) and the Ray engine (actors) both hold one
:class:`ShardWorker` per worker and call :meth:`ShardWorker.process`, so both
produce the same rows from the same shard.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from rasd.batch import tables
from rasd.batch.shards import Shard
from rasd.config import PipelineConfig
from rasd.exceptions import RasdError
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.records import Document, IngestProblem

BUG_FIX = "report it with this document; the batch went on without it"
LoadStatus = tuple[str, str, str, str]  # (worker name, or "" and subject, problem, fix)


@dataclass
class ShardStats:
    documents: int = 0
    words: int = 0
    events: int = 0
    mentions: int = 0
    persons: int = 0
    errors: int = 0
    duplicates: int = 0
    seconds: float = 0.0  # time the worker spent on the shard
    cpu_seconds: float = 0.0  # CPU time of the worker process on the shard
    worker: str = ""  # "pid:<n>" of the process that did it
    peak_rss_mb: float = 0.0  # that process's peak resident memory so far

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ShardResult:
    index: int
    digest: str
    tables: dict[str, pa.Table]
    stats: ShardStats = field(default_factory=ShardStats)

    @property
    def name(self) -> str:
        return f"{self.index:06d}"


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB.

    On Linux, ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` would carry over
    the peak of the parent a spawned worker was forked from.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class ShardWorker:
    """Holds one pipeline. The constructor builds nothing heavy; :meth:`load` loads it."""

    def __init__(
        self,
        config: PipelineConfig,
        batch_size: int = 16,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.config = config
        self.batch_size = batch_size
        self.pipeline = pipeline

    def load(self) -> str:
        """Build and load the pipeline; returns the worker's name (for logs and stats)."""
        if self.pipeline is None:
            from rasd.engine import build_pipeline

            self.pipeline = build_pipeline(self.config)
        self.pipeline.load()
        return f"pid:{os.getpid()}"

    def load_status(self) -> LoadStatus:
        """:meth:`load`, with a failure returned as plain strings (always picklable)."""
        try:
            return (self.load(), "", "", "")
        except RasdError as exc:
            return ("", exc.subject, exc.problem, exc.fix)
        except Exception as exc:
            problem = f"failed to load: {type(exc).__name__}: {exc}"
            return ("", "the pipeline", problem, "run `rasd doctor`")

    def process(self, shard: Shard) -> ShardResult:
        """Extract every document of the shard; failures become error rows."""
        self.load()
        start, cpu_start = time.perf_counter(), time.process_time()
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables.SCHEMAS}
        docs = [i for i in shard.items if isinstance(i, Document)]
        for item in shard.items:
            if isinstance(item, IngestProblem):
                rows["errors"].append(tables.problem_row(item))
        for document, outcome in self._extract(docs):
            if isinstance(outcome, Doc):
                _add_rows(rows, outcome)
            else:
                rows["errors"].append(tables.failure_row(document, *_describe(outcome)))
        stats = _stats(rows, shard, time.perf_counter() - start)
        stats.cpu_seconds = time.process_time() - cpu_start
        built = {name: tables.to_table(name, r) for name, r in rows.items()}
        return ShardResult(shard.index, shard.digest(), built, stats)

    def _extract(self, docs: list[Document]) -> Iterator[tuple[Document, Doc | Exception]]:
        """Batches through ``pipeline.pipe``; a failing batch is redone one document at a time."""
        assert self.pipeline is not None
        for i in range(0, len(docs), self.batch_size):
            chunk = docs[i : i + self.batch_size]
            try:
                done = list(self.pipeline.pipe([Doc(d) for d in chunk], self.batch_size))
            except Exception:
                yield from ((d, self._one(d)) for d in chunk)
            else:
                yield from zip(chunk, done, strict=True)

    def _one(self, document: Document) -> Doc | Exception:
        assert self.pipeline is not None
        try:
            return self.pipeline(Doc(document))
        except Exception as exc:  # one bad document never stops the batch
            return exc


def _add_rows(rows: dict[str, list[dict[str, Any]]], doc: Doc) -> None:
    document = doc.document
    rows["documents"].append(tables.document_row(document, len(doc.events), len(doc.mentions)))
    rows["mentions"].extend(tables.mention_rows(document.id, doc.mentions))
    for event in doc.events:
        rows["events"].append(tables.event_row(event, document))
        rows["persons"].extend(tables.person_rows(event))


def _describe(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, RasdError):
        return f"{exc.subject}: {exc.problem}", exc.fix
    return f"the pipeline failed: {type(exc).__name__}: {exc}", BUG_FIX


def _stats(rows: dict[str, list[dict[str, Any]]], shard: Shard, seconds: float) -> ShardStats:
    return ShardStats(
        documents=len(rows["documents"]),
        words=sum(r["words"] for r in rows["documents"]),
        events=len(rows["events"]),
        mentions=len(rows["mentions"]),
        persons=len(rows["persons"]),
        errors=len(rows["errors"]),
        duplicates=shard.duplicates,
        seconds=seconds,
        worker=f"pid:{os.getpid()}",
        peak_rss_mb=peak_rss_mb(),
    )
