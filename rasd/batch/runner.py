"""``run_batch``: stream inputs into shards, skip finished ones, process the rest on an
engine, write each shard atomically with its checkpoint, and summarise."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasd.batch.engines import Engine
from rasd.batch.shards import MANIFEST_VERSION, Layout, Shard, make_shards, write_json_atomic
from rasd.batch.sources import count_records, iter_records
from rasd.batch.worker import ShardStats
from rasd.batch.writer import shard_problem, write_errors_file, write_shard
from rasd.config import PipelineConfig
from rasd.exceptions import InputError

DEFAULT_SHARD_SIZE = 500


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    shard_size: int = DEFAULT_SHARD_SIZE
    fresh: bool = False  # discard an earlier run in ``out`` instead of resuming it
    count: bool = True  # count the inputs first, for the progress bar's ETA


@dataclass
class BatchSummary:
    """Totals of a run. ``resumed_*`` are shards finished by an earlier (killed) run."""

    engine: str = ""
    workers: int = 0
    total_items: int | None = None  # input records counted up front (None: not counted)
    items: int = 0  # records seen so far, including resumed shards, problems, duplicates
    shards: int = 0  # shards processed by this run
    resumed_shards: int = 0
    resumed_items: int = 0
    documents: int = 0  # processed by this run
    words: int = 0  # in the documents processed by this run
    resumed_documents: int = 0
    events: int = 0
    mentions: int = 0
    persons: int = 0
    errors: int = 0  # read and extract errors of all finished shards
    duplicates: int = 0
    startup_seconds: float = 0.0  # starting workers and loading their pipelines
    seconds: float = 0.0  # processing, after start-up
    worker_cpu_seconds: float = 0.0  # CPU time the workers spent on this run's shards
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker
    out: str = ""

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def add(self, stats: ShardStats, resumed: bool) -> None:
        self.errors += stats.errors
        self.duplicates += stats.duplicates
        if resumed:
            self.resumed_shards += 1
            self.resumed_documents += stats.documents
            return
        self.shards += 1
        self.documents += stats.documents
        self.words += stats.words
        self.events += stats.events
        self.mentions += stats.mentions
        self.persons += stats.persons
        self.worker_cpu_seconds += stats.cpu_seconds
        if stats.worker:
            old = self.peak_rss_mb.get(stats.worker, 0.0)
            self.peak_rss_mb[stats.worker] = max(old, stats.peak_rss_mb)

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data.update(docs_per_second=self.docs_per_second, words_per_second=self.words_per_second)
        return data

    def lines(self) -> list[str]:
        """A human summary, one line each."""
        out = [
            f"{self.documents} documents extracted by this run ({self.words} words) in "
            f"{self.seconds:.1f} s on {self.engine} with {self.workers} worker(s): "
            f"{self.docs_per_second:.1f} docs/s, {self.words_per_second:.0f} words/s "
            f"(+{self.startup_seconds:.1f} s start-up)",
            f"{self.events} events, {self.mentions} mentions, {self.persons} persons",
        ]
        if self.resumed_shards:
            out.append(
                f"resumed: {self.resumed_shards} shard(s) ({self.resumed_documents} documents) "
                "were already finished and were kept"
            )
        out.append(
            f"{self.errors} error(s) (see {self.out}/errors.jsonl), "
            f"{self.duplicates} duplicate document(s) skipped"
        )
        if self.peak_rss_mb:
            peak = max(self.peak_rss_mb.values())
            out.append(f"peak memory per worker: {peak:.0f} MB")
        out.append(f"output: {self.out} (load it with `rasd load {self.out}`)")
        return out


ProgressCallback = Callable[[BatchSummary], None]


def config_digest(config: PipelineConfig) -> str:
    return hashlib.sha256(config.model_dump_json().encode("utf-8")).hexdigest()[:16]


def run_batch(
    inputs: Sequence[Path | str],
    options: BatchOptions,
    engine: Engine,
    config: PipelineConfig,
    on_progress: ProgressCallback | None = None,
) -> BatchSummary:
    """Extract every input document on ``engine`` into Parquet under ``options.out``.

    Resumes a killed run in the same directory (finished shards are kept and not
    redone). Returns the summary, also written to ``OUT/summary.json``.
    """
    if not inputs:
        raise InputError("INPUT", "no input given", "name files or directories to process")
    layout = Layout(Path(options.out))
    layout.prepare(_manifest(inputs, options, config), options.fresh)
    summary = BatchSummary(engine=engine.name, workers=engine.workers, out=str(layout.root))
    if options.count:
        summary.total_items = count_records(inputs)
    notify = on_progress or (lambda _s: None)
    notify(summary)
    started = time.perf_counter()
    try:
        engine.start()
        summary.startup_seconds = time.perf_counter() - started
        started = time.perf_counter()
        shards = make_shards(iter_records(inputs, config.input), options.shard_size)
        for result in engine.run(_todo(shards, layout, summary, notify)):
            write_shard(layout, result)
            summary.items += _size(result.tables["documents"].num_rows, result.stats)
            summary.add(result.stats, resumed=False)
            summary.seconds = time.perf_counter() - started
            notify(summary)
    finally:
        engine.close()
    summary.errors = write_errors_file(layout)
    write_json_atomic(layout.root / "summary.json", summary.as_dict(), layout.tmp)
    return summary


def _size(documents: int, stats: ShardStats) -> int:
    """Input records a finished shard stands for (documents, failures, problems, duplicates)."""
    return documents + stats.errors + stats.duplicates


def _todo(
    shards: Iterator[Shard],
    layout: Layout,
    summary: BatchSummary,
    notify: ProgressCallback,
) -> Iterator[Shard]:
    """The shards still to do; finished ones are checked against their checkpoint and counted."""
    done = layout.done()
    for shard in shards:
        checkpoint = done.get(shard.name)
        if checkpoint is None:
            yield shard
            continue
        if checkpoint.get("digest") != shard.digest():
            raise InputError(
                str(layout.root),
                f"holds shard {shard.name} of a run over different input "
                "(the inputs changed since that run)",
                "use another --out directory, or pass --fresh to start again",
            )
        if shard_problem(layout, shard.name, checkpoint) is not None:
            yield shard  # a file was damaged or lost since: redo the shard
            continue
        stats = ShardStats(
            **{k: v for k, v in checkpoint.items() if k in ShardStats.__dataclass_fields__}
        )
        summary.items += _size(stats.documents, stats)
        summary.resumed_items += _size(stats.documents, stats)
        summary.add(stats, resumed=True)
        notify(summary)


def _manifest(
    inputs: Sequence[Path | str], options: BatchOptions, config: PipelineConfig
) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION,
        "shard_size": options.shard_size,
        "config_digest": config_digest(config),
        "inputs": [str(Path(p).resolve()) for p in inputs],
    }
