"""A real ``rasd serve`` in a subprocess on 127.0.0.1, for the tests (and the load
benchmark) that need a server process: its RSS, a SIGKILL mid-write.

``seed_users`` prepares the store first (organisations, users, API tokens) through
the library, so the server starts on a store with people in it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from rasd.access.auth import create_org, create_user, issue_token
from rasd.store import SqlStore

RASD = Path(sys.executable).with_name("rasd")
PASSWORD = "a-long-enough-passphrase"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; as a power cut or the OOM killer would."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def seed_users(url: str, analysts: int = 1) -> dict[str, str]:
    """Organisations fed and reg; analysts a0.. of fed; one API token each: name -> token."""
    store = SqlStore(url)
    store.migrate()
    known = {o.id for o in store.orgs()}
    for org in ("fed", "reg"):
        if org not in known:
            create_org(store, org, org.title(), "AMBER")
    tokens = {}
    for n in range(analysts):
        name = f"a{n}"
        found = store.user_by_name(name)
        user = found[0] if found else create_user(store, name, PASSWORD, "fed", "analyst")
        tokens[name] = issue_token(store, user, "live")[1]
    store.close()
    return tokens


@contextmanager
def live_server(db_url: str, log: Path, **env: str) -> Iterator[Server]:
    """``rasd serve`` on a free port of 127.0.0.1; stopped (or killed) on exit."""
    port = free_port()
    environ = {
        **os.environ,
        "RASD_ENVIRONMENT": "test",
        "RASD_LOG_LEVEL": "WARNING",
        "RASD_AUTH": "required",
        **env,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(RASD), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db_url],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server)
        yield server
    finally:
        server.stop()


def wait_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"rasd serve exited: {server.log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.url}/api/config", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"rasd serve did not answer within {timeout} s")
