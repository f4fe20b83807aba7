"""Random request bodies never make a real server's memory grow past its body caps
(issue 12, defect 4; a property test). A 100 MB body to /api/auth/login used to add
about 420 MB of RSS.

``rasd serve`` runs in a subprocess on 127.0.0.1 with a 1 MB report cap (so the
largest body it may read is 6 MB of JSON); Hypothesis sends bodies of up to 24 MB,
streamed (chunked) or with a Content-Length, signed in or not, to every kind of write
route, and the server's RSS (psutil) is read after each. Bounded: 40 examples."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_server import Server, live_server, seed_users

MB = 1024 * 1024
REPORT_CAP_MB = 1
LARGEST_READ = 6 * REPORT_CAP_MB * MB + 64 * 1024  # a JSON report upload at its cap
#: What a request may leave behind on top of the body it may read: allocator slack,
#: a thread's buffers. A body read in full would add its size several times over.
SLACK = 24 * MB
PATHS = [
    "/api/auth/login",
    "/api/shares",
    "/api/users",
    "/api/tokens",
    "/api/corrections",
    "/api/documents",
    "/api/nowhere",
]
TYPES = [
    "application/json",
    "multipart/form-data; boundary=rasd",
    "application/x-www-form-urlencoded",
    "text/plain",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    tmp = tmp_path_factory.mktemp("rss")
    url = f"sqlite:///{tmp / 'rasd.sqlite'}"
    token = seed_users(url)["a0"]
    config = tmp / "pipeline.toml"
    config.write_text(f"[input]\nmax_file_mb = {REPORT_CAP_MB}\n", "utf-8")
    with live_server(url, tmp / "serve.log", RASD_PIPELINE_CONFIG=str(config)) as live:
        yield live, token


def _rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


def _chunks(size: int, piece: bytes) -> Iterator[bytes]:
    block = (piece * (64 * 1024 // max(len(piece), 1) + 1))[: 64 * 1024]
    sent = 0
    while sent < size:
        part = block[: size - sent]
        sent += len(part)
        yield part


def _send(server: Server, token: str, path: str, kind: str, size: int, piece: bytes,
          signed: bool, streamed: bool) -> int:  # fmt: skip
    headers = {"content-type": kind}
    if signed:
        headers["authorization"] = f"Bearer {token}"
    body = _chunks(size, piece) if streamed else b"".join(_chunks(size, piece))
    try:
        r = httpx.post(f"{server.url}{path}", content=body, headers=headers, timeout=30)
    except httpx.HTTPError:  # the server may close the connection on a 413 mid-upload
        return 0
    return r.status_code


@pytest.fixture(scope="module")
def baseline(server: tuple[Server, str]) -> int:
    live, token = server
    for path in PATHS:  # warm up each route once (imports, first allocations)
        for kind in TYPES:
            _send(live, token, path, kind, 2048, b"{", signed=True, streamed=False)
    httpx.post(f"{live.url}/api/auth/login", json={"username": "a0", "password": "wrong-1"})
    return _rss(live.pid)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(PATHS),
    kind=st.sampled_from(TYPES),
    size=st.one_of(st.integers(0, 256 * 1024), st.integers(MB, 24 * MB)),
    piece=st.binary(min_size=1, max_size=64),
    signed=st.booleans(),
    streamed=st.booleans(),
)
def test_api_server_rss_random_bodies_stay_within_cap(
    server: tuple[Server, str],
    baseline: int,
    path: str,
    kind: str,
    size: int,
    piece: bytes,
    signed: bool,
    streamed: bool,
) -> None:
    live, token = server
    status = _send(live, token, path, kind, size, piece, signed, streamed)
    assert status != 500, f"{path} answered 500 (server log: {live.log})"
    grown = _rss(live.pid) - baseline
    assert grown <= LARGEST_READ + SLACK, (
        f"RSS grew {grown / MB:.1f} MB after {size} bytes to {path} ({kind}); "
        f"cap {LARGEST_READ / MB:.1f} MB + {SLACK / MB:.0f} MB slack"
    )
    assert os.path.exists(live.log)


@pytest.mark.slow
def test_api_server_rss_four_100mb_sign_ins_at_once(
    server: tuple[Server, str], baseline: int
) -> None:
    """The probe's case: four 100 MB bodies to /api/auth/login at once (no sign-in)
    took the server to 1.65 GB. Streamed, so no Content-Length warns the server."""
    from concurrent.futures import ThreadPoolExecutor

    live, token = server
    sizes = [100 * MB] * 4
    with ThreadPoolExecutor(4) as pool:
        statuses = list(
            pool.map(
                lambda size: _send(
                    live,
                    token,
                    "/api/auth/login",
                    TYPES[0],
                    size,
                    b"a",
                    signed=False,
                    streamed=True,
                ),  # fmt: skip
                sizes,
            )
        )
    assert all(s in (0, 413) for s in statuses), statuses
    grown = _rss(live.pid) - baseline
    assert grown <= LARGEST_READ + SLACK, f"RSS grew {grown / MB:.1f} MB"
