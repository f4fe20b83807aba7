"""`make bench` (load part): 20 signed-in analysts at once against a real `rasd serve`.

Each client (an analyst of the ``local`` organisation with its own API token, not
the system view) loops for ``--seconds``, choosing at random:

* reads (70%): ``GET /api/events`` with a random filter, one event, ``/api/stats``;
* writes (20%): a standing feed share to partner ``reg``, an API token made;
* ingests (10%): ``POST /api/documents`` of a fresh invented report (the server runs
  the real pipeline; the model is loaded by one warm-up post before the clock starts).

On SQLite (a fresh file) and on PostgreSQL (a fresh database on ``--pg-url``, the
private server of ``make postgres``), after seeding ``--events`` synthetic events
(``bench_api.synthetic_documents``). Reports, per store: requests, errors (any
answer but 2xx, or no answer: the goal is 0), p50/p95/p99 latency overall and per
kind, and the server's peak RSS (psutil, sampled every 0.2 s). Exits 1 on any error.

Example: python benchmarks/bench_load.py --json benchmarks/results/load.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import _percentile, free_port, synthetic_documents  # noqa: E402

from rasd.access.auth import create_org, create_user, issue_token  # noqa: E402
from rasd.store import SqlStore  # noqa: E402

RASD = Path(sys.executable).with_name("rasd")
PG_URL = os.environ.get("RASD_TEST_PG_URL") or "postgresql+psycopg://rasd:rasd@127.0.0.1:54329/rasd"
PASSWORD = "load-test-passphrase"
PLACES = ["Kirkuk", "Mosul", "Tikrit", "Baiji", "Hawija", "Samarra", "Fallujah", "Ramadi"]
FILTERS = [
    {},
    {"admin1": "Kirkuk"},
    {"event_type": "Battles"},
    {"since": "2023-01-01", "until": "2023-06-30"},
    {"actor": "Islamic State"},
    {"order": "-event_date"},
]

# -- stores --------------------------------------------------------------------------------


@contextmanager
def fresh_store(kind: str, pg_url: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'load.sqlite'}"
        return
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    name = f"rasd_load_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(url: str, clients: int, events: int) -> list[str]:
    """Synthetic events of ``local``; partner ``reg``; one analyst (and token) per client."""
    store = SqlStore(url)
    store.migrate()
    create_org(store, "reg", "Regional", "AMBER")
    for document, found in synthetic_documents(events, per_doc=20):
        store.add(document, found)
    tokens = []
    for n in range(clients):
        user = create_user(store, f"analyst{n}", PASSWORD, "local", "analyst")
        tokens.append(issue_token(store, user, "load")[1])
    store.close()
    return tokens


# -- the server ----------------------------------------------------------------------------


@contextmanager
def server(url: str, log: Path) -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    env = {**os.environ, "RASD_LOG_LEVEL": "WARNING", "RASD_AUTH": "required"}
    env.setdefault("RASD_ENVIRONMENT", "test")
    cmd = [str(RASD), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", url]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, proc)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("rasd serve exited during start-up (see the log)")
        try:
            if httpx.get(f"{base}/api/config", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"rasd serve did not answer within {timeout} s")


def rss_peak(proc: psutil.Process, stop: threading.Event, out: list[int]) -> None:
    peak = 0
    while not stop.is_set():
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.Error:
            break
        stop.wait(0.2)
    out.append(peak)


# -- the clients ---------------------------------------------------------------------------


def report_text(rng: random.Random) -> dict[str, Any]:
    place, killed = rng.choice(PLACES), rng.randint(1, 9)
    text = (
        f"Gunmen attacked an army checkpoint near {place} on Monday, killing {killed} "
        f"soldiers, security sources said. Police later arrested two suspects in {place}. "
        f"(load test report {secrets.token_hex(6)})"
    )
    return {"text": text, "published_at": "2023-09-27", "title": f"Attack near {place}"}


def choose(rng: random.Random, event_ids: list[str]) -> tuple[str, str, str, dict[str, Any]]:
    """(kind, method, path, request kwargs) of the next request."""
    roll = rng.random()
    if roll < 0.45:
        params = {**rng.choice(FILTERS), "limit": 50}
        return "read", "GET", "/api/events", {"params": params}
    if roll < 0.6 and event_ids:
        return "read", "GET", f"/api/events/{rng.choice(event_ids)}", {}
    if roll < 0.7:
        return "read", "GET", "/api/stats", {}
    if roll < 0.8:
        body = {"partner": "reg", "kind": "feed", "name": f"feed {rng.random()}"}
        return "write", "POST", "/api/shares", {"json": body}
    if roll < 0.9:
        return "write", "POST", "/api/tokens", {"json": {"name": "load", "days": 1}}
    return "ingest", "POST", "/api/documents", {"json": report_text(rng)}


def client_loop(base: str, token: str, seed_n: int, until: float, event_ids: list[str],
                record: Callable[[str, float, str | None], None]) -> None:  # fmt: skip
    rng = random.Random(seed_n)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        while time.monotonic() < until:
            kind, method, path, kwargs = choose(rng, event_ids)
            start = time.perf_counter()
            try:
                r = client.request(method, path, **kwargs)
                error = None if r.is_success else f"{method} {path}: {r.status_code} {r.text[:200]}"
            except httpx.HTTPError as exc:
                error = f"{method} {path}: {type(exc).__name__}: {exc}"
            record(kind, time.perf_counter() - start, error)


def run_clients(base: str, tokens: list[str], seconds: float) -> dict[str, Any]:
    h = {"Authorization": f"Bearer {tokens[0]}"}
    first = httpx.post(f"{base}/api/documents", json=report_text(random.Random(0)), headers=h,
                       timeout=300)  # fmt: skip
    first.raise_for_status()  # loads the pipeline before the clock starts
    page = httpx.get(f"{base}/api/events", params={"limit": 200}, headers=h, timeout=30).json()
    event_ids = [e["id"] for e in page["items"]]
    lock = threading.Lock()
    times: dict[str, list[float]] = {"read": [], "write": [], "ingest": []}
    errors: list[str] = []

    def record(kind: str, took: float, error: str | None) -> None:
        with lock:
            times[kind].append(took)
            if error:
                errors.append(error)

    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(base, t, n, until, event_ids, record))
        for n, t in enumerate(tokens)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return summarise(times, errors, seconds)


def summarise(times: dict[str, list[float]], errors: list[str], seconds: float) -> dict[str, Any]:
    every = [t for kind in times.values() for t in kind]

    def stats(values: list[float]) -> dict[str, Any]:
        if not values:
            return {"requests": 0}
        ms = [v * 1000 for v in values]
        return {
            "requests": len(ms),
            "p50_ms": round(_percentile(ms, 50), 1),
            "p95_ms": round(_percentile(ms, 95), 1),
            "p99_ms": round(_percentile(ms, 99), 1),
        }

    return {
        **stats(every),
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_s": round(len(every) / seconds, 1),
        "by_kind": {kind: stats(values) for kind, values in times.items()},
    }


# -- main ----------------------------------------------------------------------------------


def bench(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, fresh_store(kind, args.pg_url, Path(tmp)) as url:
        started = time.perf_counter()
        tokens = seed(url, args.clients, args.events)
        seeded = time.perf_counter() - started
        log = Path(tmp) / "serve.log"
        with server(url, log) as (base, proc):
            stop, peak = threading.Event(), []
            sampler = threading.Thread(target=rss_peak, args=(proc, stop, peak))
            sampler.start()
            try:
                result = run_clients(base, tokens, args.seconds)
            finally:
                stop.set()
                sampler.join()
        if result["errors"]:
            result["server_log_tail"] = log.read_text(errors="replace")[-2000:]
    return {**result, "store": kind, "seed_s": round(seeded, 1),
            "peak_rss_mb": round(peak[0] / 2**20, 1) if peak else None}  # fmt: skip


def print_row(r: dict[str, Any]) -> None:
    kinds = ", ".join(
        f"{k} {v['requests']} (p95 {v.get('p95_ms', '-')} ms)" for k, v in r["by_kind"].items()
    )
    print(
        f"{r['store']:<11} requests {r['requests']:>6}  errors {r['errors']}  "
        f"p50 {r.get('p50_ms')} ms  p95 {r.get('p95_ms')} ms  p99 {r.get('p99_ms')} ms  "
        f"peak RSS {r['peak_rss_mb']} MB  [{kinds}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--events", type=int, default=2000, help="synthetic events to seed")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL server (make postgres)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 600:
        parser.error("--clients must be 1..200 and --seconds 1..600 (a bounded load)")
    results = [bench(kind, args) for kind in args.stores]
    for r in results:
        print_row(r)
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "events_seeded": args.events,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },  # fmt: skip
        "results": results,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    sys.exit(1 if any(r["errors"] for r in results) else 0)


if __name__ == "__main__":
    main()
