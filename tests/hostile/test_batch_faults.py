"""Batch faults (issue 12, defects 12 and 14): corrupt shards, and SIGKILL of the parent.

The fast cases use the fake in-process pipeline of tests/test_batch_runner.py; the
kill cases run the real `rasd batch` (slow: each worker loads spaCy).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from fake_stages import tikrit_clash
from typer.testing import CliRunner

from rasd.batch import BatchOptions, load_dir, read_dataset, run_batch
from rasd.batch.engines import InlineEngine
from rasd.batch.shards import TABLES, Layout
from rasd.config import PipelineConfig
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.store.memory import MemoryStore

CONFIG = PipelineConfig()
TEXT = "Gunmen attacked a checkpoint in Tikrit, killing two soldiers. Report number {}."


class FakeStage:
    name = "fake"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("mentions", "events")

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return tikrit_clash(doc)


def _run(feed: Path, out: Path) -> int:
    engine = InlineEngine(CONFIG, batch_size=4, pipeline=Pipeline([FakeStage()]))
    return run_batch([feed], BatchOptions(out, shard_size=4), engine, CONFIG).shards


def _feed(path: Path, n: int = 12) -> Path:
    lines = [json.dumps({"text": TEXT.format(i)}) for i in range(n)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = b"\xde\xad\xbe\xef" * 4
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])


def _delete(path: Path) -> None:
    path.unlink()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "flipped bytes": _flip_bytes,
    "truncated": _truncate,
    "deleted": _delete,
}


def test_batch_checkpoint_holds_a_sha256_per_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(_feed(tmp_path / "feed.jsonl"), out)
    layout = Layout(out)
    for shard, checkpoint in layout.done().items():
        assert set(checkpoint["sha256"]) == set(TABLES)
        for table in TABLES:
            assert len(checkpoint["sha256"][table]) == 64, (shard, table)


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
@pytest.mark.parametrize("table", ["documents", "events"])
def test_batch_load_reports_a_bad_shard_and_goes_on(
    tmp_path: Path, corruption: str, table: str
) -> None:
    out = tmp_path / "out"
    _run(_feed(tmp_path / "feed.jsonl"), out)
    bad = Layout(out).part(table, "000001")
    CORRUPTIONS[corruption](bad)
    store = MemoryStore()
    summary = load_dir(out, store)
    assert summary.shards == 2 and summary.documents == 8  # shards 0 and 2 went in
    [problem] = summary.problems
    assert "000001" in problem.source and "rasd batch" in problem.fix
    assert "checksum" in problem.message or "missing" in problem.message
    assert store.stats().events == 8  # nothing of the bad shard was half-written


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_batch_resume_redoes_a_shard_whose_file_does_not_match(
    tmp_path: Path, corruption: str
) -> None:
    feed, out = _feed(tmp_path / "feed.jsonl"), tmp_path / "out"
    _run(feed, out)
    clean = {t: read_dataset(out, t) for t in ("documents", "events")}
    CORRUPTIONS[corruption](Layout(out).part("events", "000002"))
    assert _run(feed, out) == 1  # only the bad shard was redone
    for name, table in clean.items():
        assert read_dataset(out, name).equals(table), name
    assert load_dir(out, MemoryStore()).problems == []


def test_batch_load_command_prints_the_bad_shard_and_exits_1(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasd.cli import app

    out = tmp_path / "out"
    _run(_feed(tmp_path / "feed.jsonl"), out)
    _flip_bytes(Layout(out).part("documents", "000000"))
    monkeypatch.setenv("RASD_DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["load", str(out)])
    assert result.exit_code == 1, result.output
    assert "shard=000000" in result.output and "rasd batch" in result.output
    assert "8 documents" in result.output


# --------------------------------------------------------------------------- SIGKILL

SAMPLES = Path(__file__).resolve().parents[2] / "rasd" / "samples"
LIGHT_TOML = "[nlp]\nrulers = false\n"


def _rasd() -> str:
    return str(Path(sys.executable).with_name("rasd"))


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; killed with their whole session afterwards, even on failure."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _session_processes(session: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getsid(proc.pid) == session and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (ProcessLookupError, psutil.Error, PermissionError):
            continue
    return found


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.mark.slow
def test_batch_sigkill_of_the_parent_leaves_no_orphans_and_resumes(
    tmp_path: Path, reaper: list[subprocess.Popen[bytes]]
) -> None:
    config = tmp_path / "light.toml"
    config.write_text(LIGHT_TOML, "utf-8")
    inputs = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    out = tmp_path / "out"
    command = [_rasd(), "batch", *inputs, "--out", str(out), "--workers", "2"]
    command += ["--shard-size", "2", "--config", str(config)]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    reaper.append(proc)
    parent = psutil.Process(proc.pid)
    _wait_for(lambda: len(parent.children()) >= 3, 60, "the workers did not start")
    checkpoints = Layout(out).checkpoints
    _wait_for(
        lambda: checkpoints.is_dir() and any(checkpoints.glob("*.json")),
        180,
        "no shard finished",
    )
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, as the OOM killer or kill -9 would
    proc.wait()
    _wait_for(
        lambda: not _session_processes(proc.pid),
        20,
        f"orphans left: {[p.cmdline()[:3] for p in _session_processes(proc.pid)]}",
    )
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed_shards"] >= 1
    ids = read_dataset(out, "documents").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == len(inputs)  # nothing lost, nothing twice
