"""SIGKILL of ``rasd serve`` mid-write, then a restart (issue 12, fault tests): every
write the server acknowledged is there, nothing is there twice, and nothing is there
that was never sent. On SQLite and (``-m pg``) PostgreSQL; bounded in time."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from live_server import live_server, seed_users
from pg import SQL_KINDS, sql_database

WRITERS = 8
RUN_SECONDS = 2.0


def _writer(
    url: str, token: str, n: int, sent: set[str], acked: set[str], stop: threading.Event
) -> None:
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=h, timeout=5) as client:
        k = 0
        while not stop.is_set():
            name = f"w{n}-{k}"
            k += 1
            sent.add(name)
            try:
                r = client.post(
                    "/api/shares", json={"partner": "reg", "kind": "feed", "name": name}
                )
            except httpx.HTTPError:
                return  # the server is gone
            if r.status_code == 201:
                acked.add(name)


@pytest.mark.slow
@pytest.mark.parametrize("kind", SQL_KINDS)
def test_api_server_faults_sigkill_mid_write_loses_and_doubles_nothing(
    kind: str, tmp_path: Path
) -> None:
    with sql_database(kind, tmp_path) as url:
        tokens = seed_users(url, analysts=WRITERS)
        sent: list[set[str]] = [set() for _ in range(WRITERS)]
        acked: list[set[str]] = [set() for _ in range(WRITERS)]
        stop = threading.Event()
        with live_server(url, tmp_path / "serve.log") as server:
            threads = [
                threading.Thread(
                    target=_writer, args=(server.url, tokens[f"a{n}"], n, sent[n], acked[n], stop)
                )
                for n in range(WRITERS)
            ]
            for t in threads:
                t.start()
            time.sleep(RUN_SECONDS)
            server.kill()  # mid-write: eight writers are in flight
            stop.set()
            for t in threads:
                t.join(timeout=10)
        all_sent = set().union(*sent)
        all_acked = set().union(*acked)
        assert all_acked, "no write was acknowledged before the kill"
        with live_server(url, tmp_path / "serve2.log") as server:
            h = {"Authorization": f"Bearer {tokens['a0']}"}
            shares = httpx.get(f"{server.url}/api/shares", headers=h, timeout=10).json()
        stored = Counter(s["name"] for s in shares if s["org"] == "fed")
        assert [n for n, c in stored.items() if c > 1] == [], "a write is stored twice"
        assert all_acked <= set(stored), f"lost: {sorted(all_acked - set(stored))[:5]}"
        assert set(stored) <= all_sent
