"""What the visibility rule costs: the same event queries as the local system (no rule)
and as a partner organisation (own items, open markings, event shares and a standing
feed), on one store in one run, so the ratio is meaningful on a noisy machine.

The store is the 100k-event synthetic store of bench_api.py (copied), its documents
given owners and markings at random: 40% org "fed" AMBER, 20% "fed" RED, 20% "reg"
AMBER, 20% GREEN. Organisation "reg" is the viewer; "fed" shares 200 events with it
and a feed (Kirkuk arrests).

    python benchmarks/bench_access.py --json benchmarks/results/access.json
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_api import build_store
from sqlalchemy import text

from rasd.records import Org, Share, Viewer
from rasd.store import SqlStore
from rasd.store.base import EventQuery
from rasd.store.visibility import feed_json

VERSION = 1  # of the markings below: bump to rebuild the cached store

QUERIES = {
    "first page": EventQuery(limit=50),
    "admin1 Kirkuk": EventQuery(admin1="Kirkuk", limit=50),
    "type + dates": EventQuery(
        event_types=("Battles",), since=datetime(2023, 3, 1).date(), limit=50
    ),
    "actor": EventQuery(actor="isis", limit=50),
    "distinct": EventQuery(distinct=True, limit=50),
    "q text": EventQuery(text="checkpoint", limit=50),
}


def mark(url: str, seed: int = 3) -> None:
    rng = random.Random(seed)
    with SqlStore(url) as store:
        for org in ("fed", "reg"):
            store.create_org(Org(id=org, name=org.upper()))
        docs = [d.id for d in store.documents()]
        engine = store._connect()  # noqa: SLF001 - a benchmark may reach in to bulk-update
        with engine.begin() as conn:
            for doc in docs:
                org, tlp = rng.choices(
                    [("fed", "AMBER"), ("fed", "RED"), ("reg", "AMBER"), ("local", "GREEN")],
                    weights=[40, 20, 20, 20],
                )[0]
                for table, key in (("documents", "id"), ("events", "document_id")):
                    conn.execute(
                        text(f"UPDATE {table} SET org = :o, tlp = :t WHERE {key} = :d"),
                        {"o": org, "t": tlp, "d": doc},
                    )
        fed = [e.id for e in store.events(EventQuery(limit=5000)) if e.org == "fed"]
        for event_id in rng.sample(fed, min(200, len(fed))):
            store.add_share(Share(org="fed", partner="reg", kind="event", target=event_id,
                                  created_by="bench"))  # fmt: skip
        feed = feed_json(EventQuery(admin1="Kirkuk", sub_event_types=("Arrests",)))
        store.add_share(Share(org="fed", partner="reg", kind="feed", query=feed, created_by="b"))


def timed(store: SqlStore, query: EventQuery, repeat: int) -> list[float]:
    store.page(query)  # warm-up
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        store.page(query)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "rasd-bench"
    )
    args = parser.parse_args()
    path = args.cache_dir / f"bench-access-{args.events}-v{VERSION}.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():  # built once, then reused (the markings are seeded)
        source, _ = build_store(args.events, args.cache_dir, 20)
        building = path.with_suffix(".building")
        shutil.copyfile(source.removeprefix("sqlite:///"), building)
        mark(f"sqlite:///{building}")
        building.replace(path)
    with SqlStore(url, auto_migrate=True):
        pass
    rows: dict[str, Any] = {}
    with SqlStore(url) as store:
        feeds = tuple(s for s in store.shares_for("reg") if s.kind == "feed")
        partner = store.scoped(Viewer(org="reg", user="bench", feeds=feeds))
        for name, query in QUERIES.items():
            system = timed(store, query, args.repeat)
            scoped = timed(partner, query, args.repeat)
            rows[name] = {
                "system_p50_ms": round(1000 * statistics.median(system), 1),
                "partner_p50_ms": round(1000 * statistics.median(scoped), 1),
                "ratio": round(statistics.median(scoped) / statistics.median(system), 2),
                "system_total": store.count_events(query),
                "partner_total": partner.count_events(query),
            }
    print(f"{'query':<16}{'system ms':>10}{'partner ms':>11}{'ratio':>7}{'seen':>16}")
    for name, r in rows.items():
        seen = f"{r['partner_total']}/{r['system_total']}"
        print(
            f"{name:<16}{r['system_p50_ms']:>10}{r['partner_p50_ms']:>11}{r['ratio']:>7}{seen:>16}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"events": args.events, "at": datetime.now(UTC).isoformat(), "queries": rows}
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
