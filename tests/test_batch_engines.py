"""The real pipeline on the local and Ray engines, and a kill-and-restart of `rasd batch`.

Slow: each worker loads spaCy (a light config without the entity rulers keeps
that to a few seconds). Two workers at most, Ray started once per module.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from rasd.batch import BatchOptions, make_engine, read_dataset, run_batch
from rasd.batch.shards import TABLES, Layout
from rasd.config import PipelineConfig

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "rasd" / "samples"
LIGHT_TOML = "[nlp]\nrulers = false\n"
SHARD_SIZE = 3


@pytest.fixture(scope="module")
def light() -> PipelineConfig:
    return PipelineConfig.from_toml(LIGHT_TOML)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sample reports plus a JSONL feed with a bad line and a duplicate."""
    folder = tmp_path_factory.mktemp("inputs")
    feed = folder / "feed.jsonl"
    first = next(iter(sorted(SAMPLES.glob("*.txt")))).read_text("utf-8")
    lines = ["{broken", json.dumps({"text": first.split("\n", 1)[1]})]
    feed.write_text("\n".join(lines) + "\n", "utf-8")
    return [*sorted(SAMPLES.glob("*.txt")), feed]


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, light, inputs) -> Path:
    out = tmp_path_factory.mktemp("local")
    engine = make_engine("local", light, 2)
    run_batch(inputs, BatchOptions(out, shard_size=SHARD_SIZE), engine, light)
    return out


def _tables(out: Path) -> dict[str, pa.Table]:
    return {t: read_dataset(out, t) for t in TABLES}


def test_batch_engines_local_output(local_run: Path, inputs: list[Path]) -> None:
    summary = json.loads((local_run / "summary.json").read_text())
    txt = sum(1 for p in inputs if p.suffix == ".txt")
    assert summary["documents"] + summary["errors"] + summary["duplicates"] == txt + 2
    assert summary["errors"] >= 1 and summary["events"] > 0
    assert len(summary["peak_rss_mb"]) == 2  # both workers took shards


def test_batch_engines_local_and_ray_identical(
    ray_local: None, local_run: Path, light: PipelineConfig, inputs: list[Path], tmp_path: Path
) -> None:
    engine = make_engine("ray", light, 2)
    summary = run_batch(inputs, BatchOptions(tmp_path, shard_size=SHARD_SIZE), engine, light)
    assert summary.engine == "ray" and summary.documents > 0
    ray_tables, local_tables = _tables(tmp_path), _tables(local_run)
    for name in TABLES:
        assert ray_tables[name].equals(local_tables[name]), name


def _batch_command(inputs: list[Path], out: Path, config: Path) -> list[str]:
    rasd = str(Path(sys.executable).with_name("rasd"))
    args = ["batch", *map(str, inputs), "--out", str(out), "--workers", "1"]
    return [rasd, *args, "--shard-size", str(SHARD_SIZE), "--config", str(config)]


def test_batch_engines_kill_and_restart(
    local_run: Path, inputs: list[Path], tmp_path: Path
) -> None:
    config = tmp_path / "light.toml"
    config.write_text(LIGHT_TOML, "utf-8")
    out = tmp_path / "out"
    command = _batch_command(inputs, out, config)
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    checkpoints = Layout(out).checkpoints
    deadline = time.monotonic() + 120
    while not (checkpoints.is_dir() and any(checkpoints.glob("*.json"))):
        assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker process
    proc.wait()
    kept = len(list(checkpoints.glob("*.json")))
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed_shards"] == kept >= 1
    assert summary["shards"] >= 1  # the restart did the rest
    restarted, clean = _tables(out), _tables(local_run)
    for name in TABLES:
        assert restarted[name].equals(clean[name]), name
