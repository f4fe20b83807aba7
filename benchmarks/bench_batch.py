"""Batch scaling benchmark: the local and Ray engines with 1 and 2 workers, same input, one run.

Measures, on the same documents:
- bare spaCy ``nlp.pipe`` words/s (same model, same texts, one process);
- words/s of ``rasd batch`` on each engine with 1 and 2 workers (after start-up);
- the speed-up from 1 to 2 workers and the scaling efficiency (speed-up / 2);
- start-up time and peak resident memory per worker;
- the overhead of the full pipeline against bare spaCy, and where the time goes
  (seconds per stage, in one process);
- the workers needed for 1M reports a day at the measured per-worker rate.

Input: the news articles of ../shared/data/india_police_events (real reporting,
read at run time) when present, else the invented samples, made unique.

Usage:  python benchmarks/bench_batch.py [--docs 200] [--json benchmarks/results/batch.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS_PER_DAY = 1_000_000
SHARD_SIZE = 10


def write_input(folder: Path, limit: int) -> tuple[str, Path]:
    """A JSONL feed of ``limit`` reports; returns (description, path)."""
    data = ROOT.parent / "shared" / "data" / "india_police_events"
    feed = folder / "feed.jsonl"
    if (data / "docs.jsonl").is_file():
        dates = {}
        for line in (data / "metadata.jsonl").open(encoding="utf-8"):
            meta = json.loads(line)
            dates[meta["doc_id"]] = meta.get("date")
        rows = []
        for line in (data / "docs.jsonl").open(encoding="utf-8"):
            doc = json.loads(line)
            rows.append({"text": doc["doc_text"], "published_at": dates.get(doc["doc_id"])})
        source = f"IndiaPoliceEvents news articles ({data})"
    else:
        from rasd.demo import sample_files

        texts = [p.read_text("utf-8") for p in sample_files() if p.suffix == ".txt"]
        rows = [{"text": f"{t}\nCopy {i}."} for i in range(limit) for t in texts]
        source = "rasd samples, made unique (shared data absent)"
    rows = rows[:limit]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return source, feed


def bench_bare_spacy(feed: Path) -> dict[str, float]:
    """Bare ``nlp.pipe`` on the same texts with the same model, in this process."""
    from rasd.config import PipelineConfig
    from rasd.pipeline.nlp import load_spacy

    texts = [json.loads(line)["text"] for line in feed.open(encoding="utf-8")]
    cfg = PipelineConfig.load().nlp
    nlp = load_spacy(cfg.model)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=cfg.batch_size):
        pass
    seconds = time.perf_counter() - start
    n_words = sum(len(t.split()) for t in texts)
    return {"seconds": seconds, "words": n_words, "words_per_s": n_words / seconds}


def bench_stages(feed: Path, limit: int) -> dict[str, float]:
    """Seconds per pipeline stage on the first ``limit`` documents (and their words)."""
    from rasd.engine import build_pipeline
    from rasd.pipeline.doc import Doc
    from rasd.records import Document

    texts = [json.loads(line)["text"] for line in feed.open(encoding="utf-8")][:limit]
    pipeline = build_pipeline().load()
    batch = [Doc(Document.from_text(t)) for t in texts]
    seconds: dict[str, float] = {}
    for stage in pipeline.stages:
        start = time.perf_counter()
        piper = getattr(stage, "pipe", None)
        batch = piper(batch) if callable(piper) else [stage(d) for d in batch]
        for d in batch:
            d.assigned.update(stage.assigns)
        seconds[stage.name] = time.perf_counter() - start
    seconds["words"] = sum(len(t.split()) for t in texts)
    return seconds


def _burn(n: int) -> float:
    x = 0
    for i in range(n):
        x += i * i
    return float(x > 0)


def bench_machine(n: int = 20_000_000) -> dict[str, float]:
    """Control: the same pure-CPU loop in 1 and in 2 processes at once.

    Its efficiency is the parallelism the machine offers at that moment (1.0 on
    an idle 2-core machine); other jobs on a shared machine lower it.
    """
    from multiprocessing import get_context

    start = time.perf_counter()
    _burn(n)
    one = time.perf_counter() - start
    with get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1, 1])  # start the processes first
        start = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - start
    return {"one_process_s": one, "two_processes_s": two, "efficiency": one / two}


def bench_engine(feed: Path, out: Path, engine: str, workers: int) -> dict[str, Any]:
    from rasd.batch import BatchOptions, make_engine, run_batch
    from rasd.config import PipelineConfig

    config = PipelineConfig.load()
    shutil.rmtree(out, ignore_errors=True)
    runner = make_engine(engine, config, workers)
    summary = run_batch([feed], BatchOptions(out, shard_size=SHARD_SIZE), runner, config)
    return {
        "engine": engine,
        "workers": workers,
        "documents": summary.documents,
        "words": summary.words,
        "events": summary.events,
        "errors": summary.errors,
        "startup_s": summary.startup_seconds,
        "seconds": summary.seconds,
        "docs_per_s": summary.docs_per_second,
        "words_per_s": summary.words_per_second,
        "worker_cpu_s": summary.worker_cpu_seconds,
        "words_per_worker_cpu_s": summary.words / summary.worker_cpu_seconds,
        "peak_rss_mb_per_worker": sorted(summary.peak_rss_mb.values()),
    }


def same_output(a: Path, b: Path) -> bool:
    from rasd.batch import read_dataset

    return all(read_dataset(a, t).equals(read_dataset(b, t)) for t in ("documents", "events"))


def capacity(per_worker_docs_s: float, efficiency: float) -> dict[str, float]:
    """Workers needed for REPORTS_PER_DAY, at the measured rate and scaling efficiency."""
    per_day = per_worker_docs_s * 86_400
    needed = REPORTS_PER_DAY / (per_day * efficiency) if per_day else math.inf
    return {
        "reports_per_worker_day": per_day,
        "workers_for_1m_per_day": math.ceil(needed),
        "workers_for_1m_in_8h": math.ceil(needed * 3),
    }


def run(limit: int, stage_docs: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="rasd-bench-batch-"))
    try:
        source, feed = write_input(tmp, limit)
        results: dict[str, Any] = {
            "input": source,
            "machine": f"{platform.machine()} {os.cpu_count()} CPUs, python {platform.python_version()}",
            "load_average_at_start": os.getloadavg(),
            "shard_size": SHARD_SIZE,
        }
        results["bare_spacy"] = bench_bare_spacy(feed)
        results["stage_seconds"] = bench_stages(feed, stage_docs)
        results["machine_control_before"] = bench_machine()
        runs = []
        for engine in ("local", "ray"):
            for workers in (1, 2):
                runs.append(bench_engine(feed, tmp / f"{engine}-{workers}", engine, workers))
                print(json.dumps(runs[-1]), flush=True)
        results["runs"] = runs
        results["machine_control_after"] = bench_machine()
        results["same_output_local_ray"] = same_output(tmp / "local-2", tmp / "ray-2")
        results.update(summarise(runs, results["bare_spacy"]["words_per_s"]))
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def summarise(runs: list[dict[str, Any]], bare_wps: float) -> dict[str, Any]:
    by = {(r["engine"], r["workers"]): r for r in runs}
    scaling = {}
    for engine in ("local", "ray"):
        one, two = by[(engine, 1)], by[(engine, 2)]
        speedup = two["words_per_s"] / one["words_per_s"]
        cpu_ratio = two["words_per_worker_cpu_s"] / one["words_per_worker_cpu_s"]
        scaling[engine] = {
            "speedup_1_to_2": speedup,
            "efficiency": speedup / 2,
            "cpu_efficiency": cpu_ratio,  # words per worker CPU-second, 2 workers vs 1
        }
    one = by[("local", 1)]
    return {
        "scaling": scaling,
        "overhead_vs_bare_spacy": bare_wps / one["words_per_s"],
        "capacity": capacity(one["docs_per_s"], scaling["local"]["efficiency"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="documents in the input")
    parser.add_argument("--stage-docs", type=int, default=60, help="documents for stage timings")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    import ray

    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
    try:
        results = run(args.docs, args.stage_docs)
    finally:
        ray.shutdown()
    text = json.dumps(results, indent=2, default=str)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
