"""`rasd serve`: options and settings reach uvicorn, a bad database fails before serving,
the app opens nothing until it starts, and the real process answers over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_seed import EVENTS, new_store, seed
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rasd.api import create_app
from rasd.cli import app as cli
from rasd.config import Settings
from rasd.exceptions import StoreError


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace uvicorn.run: record what it was asked to serve instead of blocking."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setenv("RASD_AUTH", "off")  # development mode: no sign-in (tested elsewhere)

    def fake_run(app: Any, host: str, port: int, **kwargs: Any) -> None:
        seen.update(app=app, host=host, port=port, **kwargs)
        with TestClient(app) as client:
            seen["events"] = client.get("/api/events").json()["total"]

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return seen


def test_api_serve_cli_options(tmp_path: Path, served: dict[str, Any]) -> None:
    store = new_store(tmp_path)
    seed(store)
    store.close()
    url = f"sqlite:///{tmp_path / 'rasd.sqlite'}"
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--db", url])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123" in result.stdout
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["events"] == len(EVENTS) + 1


def test_api_serve_cli_settings_from_environment(
    tmp_path: Path, served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("RASD_HOST", "0.0.0.0")
    monkeypatch.setenv("RASD_PORT", "8124")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"], served["events"]) == ("0.0.0.0", 8124, 0)
    assert "no login" in result.stdout  # warned: reachable from other machines


def test_api_serve_cli_bad_database_fails_early(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", "nosuchdb+driver://x/y"])
    assert result.exit_code != 0
    assert isinstance(result.exception, StoreError)
    assert "app" not in served  # uvicorn never started


def test_api_serve_app_opens_nothing_until_started() -> None:
    app = create_app(Settings(database_url="nosuchdb+driver://x/y"))  # no error: nothing opened
    with pytest.raises(StoreError), TestClient(app):
        pass  # the store is opened at startup


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_api_serve_real_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    port = _free_port()
    rasd = Path(sys.executable).with_name("rasd")
    proc = subprocess.Popen(
        [str(rasd), "serve", "--port", str(port), "--db", url],
        env={**os.environ, "RASD_AUTH": "off"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        response = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/events", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None and response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None, "total": 0}
        assert "nosniff" in response.headers["x-content-type-options"]
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0].decode()
    assert f"http://127.0.0.1:{port}" in output
