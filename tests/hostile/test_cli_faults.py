"""`rasd ingest` streams (defect 15), and SIGKILL of `rasd ingest` and `rasd load`
mid-write loses and duplicates nothing (issue 12, "How to keep it fixed")."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_stages import tikrit_clash
from typer.testing import CliRunner

from rasd.batch import BatchOptions, run_batch
from rasd.batch.engines import InlineEngine
from rasd.config import PipelineConfig
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.records import Document, IngestProblem

TEXT = "Gunmen attacked a checkpoint in Tikrit, killing two soldiers. Report number {}."


class FakeStage:
    name = "fake"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("mentions", "events")

    def __init__(self, on_call: Callable[[], None] | None = None) -> None:
        self.on_call = on_call

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        if self.on_call is not None:
            self.on_call()
        return tikrit_clash(doc)


def test_ingest_streams_documents_instead_of_reading_all_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most a small chunk is read ahead of the document being extracted."""
    import rasd.engine
    import rasd.ingest
    from rasd.cli import app

    read = extracted = 0
    ahead: list[int] = []

    def records(*_: object) -> Iterator[Document | IngestProblem]:
        nonlocal read
        for i in range(500):
            read += 1
            yield Document.from_text(TEXT.format(i))

    def stage_called() -> None:
        nonlocal extracted
        extracted += 1
        ahead.append(read - extracted)

    pipeline = Pipeline([FakeStage(stage_called)], config=PipelineConfig())
    monkeypatch.setattr(rasd.engine, "shared_pipeline", lambda _cfg: pipeline)
    monkeypatch.setattr(rasd.ingest, "read_paths", records)
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert extracted == 500 and max(ahead) <= 64, max(ahead)


# --------------------------------------------------------------------------- SIGKILL


def _rasd() -> str:
    return str(Path(sys.executable).with_name("rasd"))


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=1)) as con:
            return int(con.execute(f"select count(*) from {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def _rows(db: Path) -> tuple[list[str], list[str]]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        docs = sorted(r[0] for r in con.execute("select id from documents"))
        events = sorted(r[0] for r in con.execute("select id from events"))
    return docs, events


def _kill_when(
    command: list[str], env: dict[str, str], ready: Callable[[], bool], reaper: list
) -> None:
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    reaper.append(proc)
    deadline = time.monotonic() + 300
    while not ready():
        assert proc.poll() is None, "it finished before it could be killed"
        assert time.monotonic() < deadline, "it never started writing"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "RASD_DATABASE_URL": f"sqlite:///{db}"}


def test_load_sigkill_mid_write_then_rerun_equals_a_clean_load(
    tmp_path: Path, reaper: list[subprocess.Popen[bytes]]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"text": TEXT.format(i)}) + "\n" for i in range(300)))
    out = tmp_path / "out"
    engine = InlineEngine(PipelineConfig(), 4, Pipeline([FakeStage()]))
    run_batch([feed], BatchOptions(out, shard_size=10), engine, PipelineConfig())
    clean, killed = tmp_path / "clean.sqlite", tmp_path / "killed.sqlite"
    subprocess.run([_rasd(), "load", str(out)], env=_env(clean), check=True, capture_output=True)
    command = [_rasd(), "load", str(out)]
    _kill_when(command, _env(killed), lambda: _count(killed, "events") >= 20, reaper)
    assert _count(killed, "documents") < 300
    subprocess.run(command, env=_env(killed), check=True, capture_output=True)
    assert _rows(killed) == _rows(clean)


@pytest.mark.slow
def test_ingest_sigkill_mid_write_then_rerun_equals_a_clean_ingest(
    tmp_path: Path, reaper: list[subprocess.Popen[bytes]]
) -> None:
    samples = Path(__file__).resolve().parents[2] / "rasd" / "samples"
    bodies = [p.read_text("utf-8") for p in sorted(samples.glob("*.txt"))]
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for i in range(20):
            fh.write(json.dumps({"text": f"{bodies[i % len(bodies)]}\n\nCopy {i}."}) + "\n")
    config = tmp_path / "light.toml"
    config.write_text("[nlp]\nrulers = false\n", "utf-8")
    command = [_rasd(), "ingest", str(feed), "--config", str(config)]
    clean, killed = tmp_path / "clean.sqlite", tmp_path / "killed.sqlite"
    subprocess.run(command, env=_env(clean), check=True, capture_output=True, timeout=900)
    _kill_when(command, _env(killed), lambda: _count(killed, "documents") >= 3, reaper)
    assert _count(killed, "documents") < 20
    subprocess.run(command, env=_env(killed), check=True, capture_output=True, timeout=900)
    assert _rows(killed) == _rows(clean)
