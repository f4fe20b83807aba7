"""`make bench` (API part): figures for `rasd serve` and the HTTP API, not timed tests.

Reports (printed as a table, and written with ``--json``):

(a) cold start: the real ``rasd serve`` process on a SQLite store of 10k events,
    from spawning it to the first 200 from ``GET /api/events`` (goal <= 3 s);
(b) latency: p50/p95 of filtered ``GET /api/events`` (admin1, date range,
    event type, bbox, actor, full text, combined) on 100k events in SQLite, over
    HTTP to uvicorn running in this process (goal p95 <= 100 ms);
(c) export memory: peak RSS growth of a ``rasd serve`` process while it streams
    the full ACLED CSV and GeoJSON exports of 10k and of 100k events (goal:
    flat, not proportional to the number of events).

Synthetic events (invented, seeded) are written through ``SqlStore.add`` in
documents of ``--per-doc`` events, so the rows are exactly what rasd writes.
Generated stores are kept in ``--cache-dir`` (by size and generator version) so
a second run skips the generation.

Example: python benchmarks/bench_api.py --json benchmarks/results/api.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasd.records import Actor, Document, Event, Evidence, Person, Place, event_id  # noqa: E402
from rasd.store import SqlStore  # noqa: E402
from rasd.taxonomy import SUB_EVENT_TYPES, ActorType  # noqa: E402

GENERATOR_VERSION = 1
RASD = Path(sys.executable).with_name("rasd")

# -- synthetic data ------------------------------------------------------------------------

PLACES = [
    # name, admin1, admin2, lat, lon, country, code
    ("Kirkuk", "Kirkuk", "Kirkuk", 35.468, 44.392, "Iraq", "IQ"),
    ("Hawija", "Kirkuk", "Al-Hawiga", 35.324, 43.765, "Iraq", "IQ"),
    ("Ramadi", "Anbar", "Ramadi", 33.421, 43.308, "Iraq", "IQ"),
    ("Fallujah", "Anbar", "Falluja", 33.349, 43.784, "Iraq", "IQ"),
    ("Ar Rutbah", "Anbar", "Al-Rutba", 33.038, 40.284, "Iraq", "IQ"),
    ("Mosul", "Nineveh", "Mosul", 36.335, 43.119, "Iraq", "IQ"),
    ("Sinjar", "Nineveh", "Sinjar", 36.321, 41.876, "Iraq", "IQ"),
    ("Tikrit", "Salah al-Din", "Tikrit", 34.616, 43.679, "Iraq", "IQ"),
    ("Samarra", "Salah al-Din", "Samarra", 34.198, 43.874, "Iraq", "IQ"),
    ("Baqubah", "Diyala", "Baquba", 33.746, 44.643, "Iraq", "IQ"),
    ("Baghdad", "Baghdad", "Karkh", 33.341, 44.401, "Iraq", "IQ"),
    ("Basrah", "Basra", "Basrah", 30.508, 47.783, "Iraq", "IQ"),
    ("Erbil", "Erbil", "Erbil", 36.191, 44.009, "Iraq", "IQ"),
    ("Sulaymaniyah", "Sulaymaniyah", "Sulaymaniyah", 35.561, 45.437, "Iraq", "IQ"),
    ("Raqqa", "Ar-Raqqah", "Ar-Raqqah", 35.953, 39.008, "Syria", "SY"),
    ("Deir ez-Zor", "Deir ez-Zor", "Deir ez-Zor", 35.336, 40.141, "Syria", "SY"),
    ("Al Hasakah", "Al-Hasakeh", "Al-Hasakeh", 36.502, 40.747, "Syria", "SY"),
    ("Aleppo", "Aleppo", "Jebel Saman", 36.202, 37.159, "Syria", "SY"),
]
ACTORS = [
    ("iq-army", "Military Forces of Iraq (2022-)", ActorType.STATE_FORCES, "Iraq"),
    ("iq-cts", "Military Forces of Iraq (2022-) Counter Terrorism Service", 1, "Iraq"),
    ("iq-police", "Police Forces of Iraq (2022-)", ActorType.STATE_FORCES, "Iraq"),
    ("iq-pmf", "Popular Mobilization Forces", ActorType.STATE_FORCES, "Iraq"),
    ("krg-peshmerga", "Peshmerga (Kurdistan Regional Government)", 1, "Iraq"),
    ("isis", "Islamic State (Iraq)", ActorType.REBEL_GROUP, "Iraq"),
    ("isis-sy", "Islamic State (Syria)", ActorType.REBEL_GROUP, "Syria"),
    ("sdf", "SDF: Syrian Democratic Forces", ActorType.REBEL_GROUP, "Syria"),
    ("us-forces", "Military Forces of the United States (2021-)", 8, ""),
    ("tr-forces", "Military Forces of Turkey (2016-)", 8, ""),
    ("iq-civilians", "Civilians (Iraq)", ActorType.CIVILIANS, "Iraq"),
    ("sy-civilians", "Civilians (Syria)", ActorType.CIVILIANS, "Syria"),
    ("iq-protesters", "Protesters (Iraq)", ActorType.PROTESTERS, "Iraq"),
    ("unidentified", "Unidentified Armed Group (Iraq)", ActorType.POLITICAL_MILITIA, "Iraq"),
]
_TEXT = (
    "security forces arrested suspects near the village after an attack on a checkpoint "
    "convoy roadside bomb killed wounded clashes erupted militants drone strike targeted "
    "hideout operation launched intelligence tip tribal dispute protest demanded services"
)
WORDS = _TEXT.split()
NAMES = ["Abu Bakr", "Ahmed Hassan", "Omar Khalid", "Ali Jassim", "Haider Salman", "Abu Huda"]
SUBS = sorted(SUB_EVENT_TYPES)
START = date(2015, 1, 1)
DAYS = 3650


def _actors() -> list[Actor]:
    return [Actor(id=i, name=n, actor_type=ActorType(int(t)), country=c) for i, n, t, c in ACTORS]


def _places() -> list[Place]:
    return [
        Place(name=n, admin1=a1, admin2=a2, latitude=la, longitude=lo, country=c, country_code=cc)
        for n, a1, a2, la, lo, c, cc in PLACES
    ]


def synthetic_documents(
    n_events: int, per_doc: int, seed: int = 7
) -> Iterator[tuple[Document, list[Event]]]:
    """Invented documents with ``per_doc`` events each, ``n_events`` in all (seeded)."""
    rng = random.Random(seed)
    actors, places = _actors(), _places()
    made = 0
    while made < n_events:
        count = min(per_doc, n_events - made)
        text = f"Invented benchmark report {made}. " + " ".join(rng.choices(WORDS, k=60))
        doc = Document.from_text(text, source="bench", published_at=START + timedelta(DAYS))
        yield doc, [_event(rng, doc, i, actors, places) for i in range(count)]
        made += count


def _event(
    rng: random.Random, doc: Document, i: int, actors: list[Actor], places: list[Place]
) -> Event:
    sub = rng.choice(SUBS)
    a1, a2 = rng.sample(actors, 2)
    sentence = " ".join(rng.choices(WORDS, k=14)) + "."
    evidence = tuple(
        Evidence(
            field=f, document_id=doc.id, start=i, end=i + 5, text=sentence[:5], sentence=sentence
        )
        for f in ("event_type", "actor1")
    )
    persons = (
        (Person(name=rng.choice(NAMES), role="commander", status="arrested"),)
        if rng.random() < 0.1
        else ()
    )
    return Event(
        id=event_id(doc.id, sub, i, i + 5),
        document_id=doc.id,
        event_date=None if rng.random() < 0.02 else START + timedelta(rng.randrange(DAYS)),
        event_type=SUB_EVENT_TYPES[sub],
        sub_event_type=sub,
        actor1=a1,
        actor2=a2 if rng.random() < 0.7 else None,
        place=rng.choice(places) if rng.random() < 0.95 else None,
        location="",
        fatalities=rng.choice([0, 0, 0, 1, 2, 5]),
        notes=" ".join(rng.choices(WORDS, k=25)),
        confidence=0.8,
        persons=persons,
        evidence=evidence,
    )


def build_store(n_events: int, cache_dir: Path, per_doc: int) -> tuple[str, float | None]:
    """A migrated SQLite store of ``n_events`` synthetic events (cached); (URL, build seconds)."""
    path = cache_dir / f"bench-api-{n_events}-{per_doc}-v{GENERATOR_VERSION}.sqlite"
    url = f"sqlite:///{path}"
    if path.exists():
        with SqlStore(url, auto_migrate=True):  # a cached store gets the current schema
            pass
        return url, None
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building.sqlite")
    tmp.unlink(missing_ok=True)
    store = SqlStore(f"sqlite:///{tmp}")
    store.migrate()
    start = time.perf_counter()
    for doc, events in synthetic_documents(n_events, per_doc):
        store.add(doc, events)
    seconds = time.perf_counter() - start
    store.close()
    tmp.replace(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return url, seconds


# -- (a) cold start ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "RASD_LOG_LEVEL": "WARNING"}
    cmd = [str(RASD), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", url]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"rasd serve exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/api/events", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"rasd serve did not answer within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def bench_cold_start(url: str, repeat: int) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc, base = spawn_server(url)
        try:
            wait_ready(base, proc)
            times.append(time.perf_counter() - start)
        finally:
            stop(proc)
    return {"runs_s": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3)}


# -- (b) latency ---------------------------------------------------------------------------

COMBOS: dict[str, dict[str, Any]] = {
    "no filter": {},
    "admin1": {"admin1": "Anbar"},
    "date range": {"since": "2019-01-01", "until": "2019-03-31"},
    "event_type": {"event_type": "Battles"},
    "bbox": {"bbox": "33.0,43.0,34.0,44.0"},
    "actor": {"actor": "counter terrorism"},
    "q (full text)": {"q": "checkpoint convoy"},
    "combined": {
        "admin1": "Kirkuk",
        "since": "2018-01-01",
        "event_type": "Strategic developments",
        "actor": "isis",
    },
    "newest first, page 2": {"order": "-event_date", "_page": 2},
}


class InProcessServer:
    """uvicorn serving the app in a thread of this process (real HTTP on loopback)."""

    def __init__(self, url: str) -> None:
        import uvicorn

        from rasd.api import create_app
        from rasd.config import Settings

        self.store = SqlStore(url)
        app = create_app(Settings(auth="off"), self.store)
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.store.close()


def _get_page(client: httpx.Client, params: dict[str, Any]) -> float:
    params = dict(params)
    pages = params.pop("_page", 1)
    cursor = None
    if pages > 1:  # walk to the page before (not timed)
        for _ in range(pages - 1):
            cursor = client.get("/api/events", params={**params, "cursor": cursor}).json()[
                "next_cursor"
            ]
    start = time.perf_counter()
    response = client.get(
        "/api/events", params={**params, **({"cursor": cursor} if cursor else {})}
    )
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def bench_latency(url: str, requests: int) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    everything: list[float] = []
    without_text: list[float] = []  # every combo but the full-text one (q)
    with InProcessServer(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        for name, params in COMBOS.items():
            for _ in range(3):
                _get_page(client, params)  # warm-up
            times = [_get_page(client, params) for _ in range(requests)]
            total = client.get(
                "/api/events", params={k: v for k, v in params.items() if k != "_page"}
            ).json()["total"]
            everything += times
            without_text += [] if "q" in params else times
            rows[name] = {
                "params": params,
                "matching": total,
                "p50_ms": round(1000 * statistics.median(times), 1),
                "p95_ms": round(1000 * _percentile(times, 95), 1),
            }
    for name, times in (("all requests", everything), ("all but q", without_text)):
        rows[name] = {
            "p50_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(1000 * _percentile(times, 95), 1),
            "requests": len(times),
        }
    return rows


# -- (c) export memory ---------------------------------------------------------------------


def _rss_peak_during(proc: psutil.Process, work: threading.Thread) -> int:
    peak = proc.memory_info().rss
    work.start()
    while work.is_alive():
        peak = max(peak, proc.memory_info().rss)
        time.sleep(0.02)
    return max(peak, proc.memory_info().rss)


def bench_export_memory(url: str, fmt: str) -> dict[str, Any]:
    server, base = spawn_server(url)
    try:
        wait_ready(base, server)
        httpx.get(f"{base}/api/exports/{fmt}", params={"since": "2100-01-01"}).raise_for_status()
        process = psutil.Process(server.pid)
        before = process.memory_info().rss
        result: dict[str, Any] = {}

        def download() -> None:
            size = 0
            start = time.perf_counter()
            with httpx.stream("GET", f"{base}/api/exports/{fmt}", timeout=600) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    size += len(chunk)
            result.update(bytes=size, seconds=round(time.perf_counter() - start, 1))

        peak = _rss_peak_during(process, threading.Thread(target=download))
    finally:
        stop(server)
    mb = 1024 * 1024
    return {
        "rss_before_mb": round(before / mb, 1),
        "rss_peak_mb": round(peak / mb, 1),
        "growth_mb": round((peak - before) / mb, 1),
        "export_mb": round(result.get("bytes", 0) / mb, 1),
        "seconds": result.get("seconds"),
    }


# -- main ----------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    machine = report["machine"]
    print(
        f"load average (1, 5, 15 min): {machine['load_average_at_start']} at start, "
        f"{machine['load_average_at_end']} at end, {machine['cpus']} CPUs"
    )
    cold = report["cold_start"]
    print(
        f"\n(a) rasd serve cold start, {cold['events']:,} events: median {cold['median_s']} s "
        f"(runs {cold['runs_s']}; goal <= 3 s)"
    )
    lat = report["latency"]
    print(
        f"\n(b) GET /api/events latency, {lat['events']:,} events, {lat['requests_per_combo']} requests each (goal p95 <= 100 ms)"
    )
    print(f"  {'filters':<24}{'matching':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in lat["combos"].items():
        print(f"  {name:<24}{row.get('matching', ''):>10}{row['p50_ms']:>9}{row['p95_ms']:>9}")
    print("\n(c) peak RSS growth of `rasd serve` during a full export (goal: flat)")
    print(
        f"  {'format':<12}{'events':>9}{'export MB':>11}{'seconds':>9}{'RSS before':>12}{'growth MB':>11}"
    )
    for row in report["export_memory"]:
        print(
            f"  {row['format']:<12}{row['events']:>9,}{row['export_mb']:>11}{row['seconds']:>9}"
            f"{row['rss_before_mb']:>12}{row['growth_mb']:>11}"
        )


def main() -> None:
    # On SIGTERM, unwind normally so that the `rasd serve` processes started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--small", type=int, default=10_000, help="events for (a) and (c)")
    parser.add_argument("--large", type=int, default=100_000, help="events for (b) and (c)")
    parser.add_argument("--per-doc", type=int, default=20, help="events per synthetic document")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per filter combo")
    parser.add_argument("--repeat", type=int, default=3, help="cold starts")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "rasd-bench"
    )
    args = parser.parse_args()

    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }
    }
    small, built_small = build_store(args.small, args.cache_dir, args.per_doc)
    large, built_large = build_store(args.large, args.cache_dir, args.per_doc)
    report["generation_s"] = {str(args.small): built_small, str(args.large): built_large}
    report["cold_start"] = {"events": args.small, **bench_cold_start(small, args.repeat)}
    report["latency"] = {
        "events": args.large,
        "requests_per_combo": args.requests,
        "combos": bench_latency(large, args.requests),
    }
    report["export_memory"] = [
        {"format": fmt, "events": n, **bench_export_memory(url, fmt)}
        for fmt in ("acled-csv", "geojson")
        for n, url in ((args.small, small), (args.large, large))
    ]
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
