"""`make bench`: speed and memory figures, measured in one run on the same texts.

Reports (printed, and written to benchmarks/results/latest.json):
- full-pipeline words/s and its ratio to bare ``nlp.pipe`` with the same spaCy model;
- gazetteer load time from its cache (and the one-off build time if it had to be built);
- peak resident memory of this process.

The machine is shared and noisy, so compare the ratio, not absolute speeds.
Texts: the news articles of the geoparsing corpora in ../shared/data when present
(real reporting, read at run time), else the invented samples shipped with rasd.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_texts(limit: int) -> tuple[str, list[str]]:
    shared = ROOT.parent / "shared" / "data" / "geoparsing"
    if shared.is_dir():
        from rasd.eval.geoparsing import load as load_corpora

        texts = [d.text for corpus in load_corpora(shared).values() for d in corpus]
        return f"geoparsing corpora in {shared}", texts[:limit]
    from rasd.demo import sample_files

    texts = [p.read_text("utf-8") for p in sample_files() if p.suffix == ".txt"]
    return "rasd samples (shared data absent)", (texts * (limit // max(len(texts), 1) + 1))[:limit]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def bench_gazetteer() -> dict[str, float]:
    from rasd.config import PipelineConfig
    from rasd.gazetteer.geocoder import GazetteerGeocoder

    cfg = PipelineConfig.load().gazetteer
    start = time.perf_counter()
    GazetteerGeocoder(cfg).load()  # builds the cache if missing
    first = time.perf_counter() - start
    start = time.perf_counter()
    GazetteerGeocoder(cfg).load()
    return {"first_load_s": round(first, 3), "cached_load_s": round(time.perf_counter() - start, 3)}


def bench_pipeline(texts: list[str], repeat: int) -> dict[str, float]:
    from rasd.engine import build_pipeline, extract_many
    from rasd.pipeline.nlp import load_spacy
    from rasd.records import Document

    pipeline = build_pipeline().load()
    bare = load_spacy(pipeline.stage("nlp").config.model)  # type: ignore[attr-defined]
    docs = [Document.from_text(t) for t in texts]
    n_words = words(texts)
    bare_s, full_s, n_events = [], [], 0
    for _ in range(repeat):  # interleave to share the machine's noise
        start = time.perf_counter()
        for _sd in bare.pipe(texts, batch_size=16):
            pass
        bare_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        n_events = sum(len(d.events) for d in extract_many(pipeline, docs))
        full_s.append(time.perf_counter() - start)
    bare_wps, full_wps = n_words / min(bare_s), n_words / min(full_s)
    return {
        "documents": len(texts),
        "words": n_words,
        "events": n_events,
        "bare_spacy_words_per_s": round(bare_wps),
        "rasd_words_per_s": round(full_wps),
        "ratio_rasd_to_bare": round(full_wps / bare_wps, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="documents to process")
    parser.add_argument("--repeat", type=int, default=2, help="timed repetitions (best is kept)")
    args = parser.parse_args()
    source, texts = load_texts(args.limit)
    results: dict[str, object] = {"texts": source, "python": platform.python_version()}
    results["gazetteer"] = bench_gazetteer()
    results["pipeline"] = bench_pipeline(texts, args.repeat)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = ROOT / "benchmarks" / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    goals = (
        results["pipeline"]["ratio_rasd_to_bare"] >= 0.75,
        results["gazetteer"]["cached_load_s"] <= 3,
    )  # type: ignore[index]
    print(
        f"goals: ratio>=0.75 {'met' if goals[0] else 'MISSED'}; "
        f"gazetteer load<=3s {'met' if goals[1] else 'MISSED'}; "
        f"peak RSS<=1024MB {'met' if results['peak_rss_mb'] <= 1024 else 'MISSED'}"
    )  # type: ignore[operator]


if __name__ == "__main__":
    main()
