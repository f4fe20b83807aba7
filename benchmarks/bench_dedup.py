"""`make bench` (de-duplication part): time against store size. Figures, not timed tests.

Synthetic, seeded, invented incidents in 18 Iraqi provinces, each told by 1-4
reports (one event per report, the tellings varied in date, place precision and
toll), at a constant rate of ``--per-day`` tellings a day: a bigger store covers
more days, as a real archive grows. For each size it reports:

* full re-link (``rasd dedup``, :func:`relink_all`) on SQLite: seconds,
  comparisons, and pairwise precision/recall against the synthetic truth;
* incremental linking (what ``rasd ingest`` does per report): mean ms per new
  report added to the store of that size (``save_extraction``);
* the ratio of the 100k to the 10k figures: about 10 means linear; 100 would
  mean quadratic.

Stores are written in batches of reports per transaction with rasd's own write
code (``rasd.store.write.add_document``), which is the same rows as ``add``.

Example: python benchmarks/bench_dedup.py --sizes 10000 100000 --json benchmarks/results/dedup.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rasd.config import DedupConfig
from rasd.knowledge.dedup import relink_all
from rasd.knowledge.write import save_extraction
from rasd.records import Actor, Document, Event, Evidence, Place, event_id
from rasd.store import SqlStore, write

PROVINCES = [
    ("Baghdad", 33.34, 44.40), ("Nineveh", 36.34, 43.13), ("Kirkuk", 35.47, 44.39),
    ("Salah ad Din", 34.60, 43.68), ("Al Anbar", 33.42, 43.30), ("Diyala", 33.75, 44.60),
    ("Basra", 30.51, 47.78), ("Dhi Qar", 31.05, 46.26), ("Babil", 32.48, 44.42),
    ("Erbil", 36.19, 44.01), ("Dahuk", 36.87, 42.99), ("Sulaymaniyah", 35.56, 45.44),
    ("Maysan", 31.84, 47.14), ("Wasit", 32.51, 45.82), ("Najaf", 32.00, 44.33),
    ("Karbala", 32.62, 44.02), ("Al Qadisiyah", 31.99, 44.93), ("Al Muthanna", 31.31, 45.28),
]  # fmt: skip
SUBS = [
    ("Remote explosive/landmine/IED", "Explosions/Remote violence"),
    ("Armed clash", "Battles"),
    ("Attack", "Violence against civilians"),
    ("Arrests", "Strategic developments"),
    ("Air/drone strike", "Explosions/Remote violence"),
]
ACTORS = [
    Actor(id="islamic-state-iraq", name="Islamic State (Iraq)", actor_type=2, country="Iraq"),
    Actor(id="iq-army", name="Military Forces of Iraq (2022-)", actor_type=1, country="Iraq"),
    Actor(id="unidentified-armed-group-iraq", name="Unidentified Armed Group (Iraq)", actor_type=3, country="Iraq"),
]  # fmt: skip
WORDS = [
    "patrol",
    "checkpoint",
    "market",
    "convoy",
    "village",
    "road",
    "bridge",
    "farm",
    "school",
    "mosque",
    "house",
    "oil",
    "pipeline",
    "truck",
]


def tellings(n: int, per_day: int, seed: int = 7) -> Iterator[tuple[Document, Event, int]]:
    """(document, event, incident number) for ``n`` tellings."""
    rng = random.Random(seed)
    start, made, incident = date(2020, 1, 1), 0, 0
    while made < n:
        incident += 1
        day = start + timedelta(days=made // per_day)
        name, lat, lon = rng.choice(PROVINCES)
        lat, lon = lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3)
        sub, kind = rng.choice(SUBS)
        actor = rng.choice(ACTORS)
        toll = rng.choice([0, 0, 1, 2, 3, 5, 8])
        detail = " ".join(rng.sample(WORDS, 3))
        for k in range(min(rng.choice([1, 1, 2, 2, 3, 4]), n - made)):
            text = f"Report {incident}-{k}: {sub} near the {detail} in {name}; {toll} dead."
            doc = Document.from_text(text, source=f"outlet-{k}", published_at=day)
            coarse = k > 0 and rng.random() < 0.3
            place = Place(
                name=f"town-{incident}", country="Iraq", country_code="IQ", admin1=name,
                latitude=lat, longitude=lon, feature_class="A" if coarse else "P",
            )  # fmt: skip
            ev = Evidence(
                field="event_type", document_id=doc.id, start=0, end=6, text=text[:6], sentence=text
            )
            when = day + timedelta(days=1 if k and rng.random() < 0.3 else 0)
            yield doc, Event(
                id=event_id(doc.id, sub, 0, 6), document_id=doc.id, event_date=when,
                event_type=kind, sub_event_type=sub, actor1=actor, place=place, location=place.name,
                geo_precision=3 if coarse else 1, fatalities=toll, evidence=(ev,),
            ), incident  # fmt: skip
            made += 1


def build(url: str, n: int, per_day: int) -> dict[str, int]:
    store = SqlStore(url)
    store.migrate()
    truth: dict[str, int] = {}
    batch = 2000
    items = list(tellings(n, per_day))
    for i in range(0, len(items), batch):
        with store._session(writing=True) as session:  # noqa: SLF001 - bulk load for the benchmark
            for doc, event, incident in items[i : i + batch]:
                write.add_document(session, doc, [event], ())
                truth[event.id] = incident
            session.commit()
    store.close()
    return truth


def pairwise(clusters: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    groups: dict[str, list[int]] = {}
    for event, cluster in clusters.items():
        groups.setdefault(cluster, []).append(truth[event])
    tp = fp = 0
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                tp += a == b
                fp += a != b
    by_incident: dict[int, int] = {}
    for incident in truth.values():
        by_incident[incident] = by_incident.get(incident, 0) + 1
    gold = sum(k * (k - 1) // 2 for k in by_incident.values())
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / gold if gold else 0.0)


def measure(n: int, per_day: int, incremental: int, work: Path) -> dict[str, Any]:
    url = f"sqlite:///{work / f'dedup-{n}.sqlite'}"
    t0 = time.perf_counter()
    truth = build(url, n, per_day)
    built = time.perf_counter() - t0
    store = SqlStore(url)
    config = DedupConfig()
    t0 = time.perf_counter()
    summary = relink_all(store, config)
    relink = time.perf_counter() - t0
    precision, recall = pairwise(store.clusters(list(truth)), truth)
    extra = list(tellings(incremental, per_day, seed=99))
    shift = timedelta(days=n // per_day // 2)  # land in the middle of the archive
    t0 = time.perf_counter()
    for doc, event, _i in extra:
        doc2 = Document.from_text(
            "new " + doc.text, source=doc.source, published_at=doc.published_at
        )
        moved = event.model_copy(update={
            "id": event_id(doc2.id, event.sub_event_type, 0, 6), "document_id": doc2.id,
            "event_date": event.event_date + shift,  # type: ignore[operator]
            "evidence": tuple(e.model_copy(update={"document_id": doc2.id}) for e in event.evidence),
        })  # fmt: skip
        save_extraction(store, doc2, [moved])
    per_report = (time.perf_counter() - t0) / max(1, incremental) * 1000
    store.close()
    return {
        "events": n, "days": n // per_day, "build_s": round(built, 1), "relink_s": round(relink, 2),
        "comparisons": summary.comparisons, "links": summary.links, "canonical": summary.clusters,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "incremental_ms_per_report": round(per_report, 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-day", type=int, default=60)
    parser.add_argument("--incremental", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rasd-bench-dedup-") as tmp:
        rows = [measure(n, args.per_day, args.incremental, Path(tmp)) for n in args.sizes]
    print(
        f"{'events':>8} {'days':>5} {'relink s':>9} {'compar.':>9} {'P':>6} {'R':>6} {'ms/report':>10}"
    )
    for r in rows:
        print(f"{r['events']:>8} {r['days']:>5} {r['relink_s']:>9} {r['comparisons']:>9} "
              f"{r['precision']:>6} {r['recall']:>6} {r['incremental_ms_per_report']:>10}")  # fmt: skip
    report: dict[str, Any] = {"rows": rows, "per_day": args.per_day}
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        report["size_ratio"] = b["events"] / a["events"]
        report["relink_time_ratio"] = round(b["relink_s"] / a["relink_s"], 2)
        report["incremental_time_ratio"] = round(
            b["incremental_ms_per_report"] / a["incremental_ms_per_report"], 2
        )
        print(f"size x{report['size_ratio']:.0f}: re-link time x{report['relink_time_ratio']}, "
              f"per-report linking x{report['incremental_time_ratio']} (linear ~ size ratio, constant ~ 1)")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
