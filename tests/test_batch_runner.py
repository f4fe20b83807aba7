"""Batch runner with a fake in-process pipeline: outputs, errors, duplicates, resume, load."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from fake_stages import tikrit_clash
from typer.testing import CliRunner

from rasd.batch import BatchOptions, load_dir, read_dataset, run_batch
from rasd.batch.engines import InlineEngine, make_engine
from rasd.batch.shards import Layout
from rasd.config import PipelineConfig
from rasd.exceptions import ConfigError, InputError
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.store.memory import MemoryStore

CONFIG = PipelineConfig()
TEXT = "Gunmen attacked a checkpoint in Tikrit, killing two soldiers. Report number {}."


class FakeStage:
    """Finds 'Tikrit' as a mention and codes one armed clash; fails on POISON."""

    name = "fake"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("mentions", "events")

    def __init__(self) -> None:
        self.seen: list[str] = []

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        self.seen.append(doc.document.id)
        if "POISON" in doc.text:
            raise RuntimeError("poisoned document")
        return tikrit_clash(doc)


def _engine(stage: FakeStage | None = None) -> InlineEngine:
    return InlineEngine(CONFIG, batch_size=4, pipeline=Pipeline([stage or FakeStage()]))


def _feed(path: Path, n: int = 10, extra: list[str] | None = None) -> Path:
    lines = [json.dumps({"text": TEXT.format(i)}) for i in range(n)]
    path.write_text("\n".join(lines + (extra or [])) + "\n", "utf-8")
    return path


def _run(feed: Path, out: Path, stage: FakeStage | None = None, **options: object):
    opts = BatchOptions(out, shard_size=options.pop("shard_size", 4), **options)  # type: ignore[arg-type]
    return run_batch([feed], opts, _engine(stage), CONFIG)


def test_batch_runner_writes_partitioned_parquet(tmp_path: Path) -> None:
    summary = _run(_feed(tmp_path / "feed.jsonl"), tmp_path / "out")
    assert (summary.documents, summary.events, summary.mentions) == (10, 10, 10)
    assert summary.shards == 3 and summary.total_items == 10 and summary.items == 10
    part = tmp_path / "out" / "events" / "shard=000002" / "part.parquet"
    assert pq.read_table(part).num_rows == 2
    docs = read_dataset(tmp_path / "out", "documents")
    assert docs.column("shard").to_pylist() == ["000000"] * 4 + ["000001"] * 4 + ["000002"] * 2
    assert set(docs.column("words").to_pylist()) == {12}
    hive = ds.dataset(tmp_path / "out" / "events", partitioning="hive").to_table()
    assert hive.num_rows == 10 and "shard" in hive.column_names
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["documents"] == 10


def test_batch_runner_bad_documents_go_to_errors(tmp_path: Path) -> None:
    extra = ["{broken", json.dumps({"text": TEXT.format("POISON")})]
    summary = _run(_feed(tmp_path / "feed.jsonl", 6, extra), tmp_path / "out")
    assert summary.documents == 6 and summary.errors == 2
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").open()]
    assert {e["stage"] for e in errors} == {"read", "extract"}
    failed = next(e for e in errors if e["stage"] == "extract")
    assert "poisoned document" in failed["message"] and failed["document_id"]
    assert failed["shard"] == "000001"


def test_batch_runner_skips_duplicate_documents(tmp_path: Path) -> None:
    feed = _feed(tmp_path / "feed.jsonl", 5, [json.dumps({"text": TEXT.format(1)})] * 3)
    summary = _run(feed, tmp_path / "out")
    assert summary.documents == 5 and summary.duplicates == 3 and summary.items == 8
    ids = read_dataset(tmp_path / "out", "documents").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 5


def test_batch_runner_resumes_unfinished_shards_only(tmp_path: Path) -> None:
    feed, out = _feed(tmp_path / "feed.jsonl", 10), tmp_path / "out"
    _run(feed, out)
    clean = {t: read_dataset(out, t) for t in ("documents", "events", "mentions")}
    # simulate a kill after shard 1's files were renamed but before its checkpoint
    Layout(out).checkpoint("000001").unlink()
    Layout(out).checkpoint("000002").unlink()
    stage = FakeStage()
    summary = _run(feed, out, stage)
    assert len(stage.seen) == 6  # shards 1 and 2 only
    assert (summary.resumed_shards, summary.shards, summary.resumed_documents) == (1, 2, 4)
    for table, before in clean.items():
        assert read_dataset(out, table).equals(before), table


@pytest.mark.parametrize(
    ("change", "message"),
    [("shard_size", "different shard size"), ("input", "different input")],
)
def test_batch_runner_refuses_to_resume_other_run(
    tmp_path: Path, change: str, message: str
) -> None:
    feed, out = _feed(tmp_path / "feed.jsonl", 6), tmp_path / "out"
    _run(feed, out)
    if change == "input":
        _feed(feed, 7)  # rewrite with different contents
    size = 3 if change == "shard_size" else 4
    with pytest.raises(InputError, match=message):
        _run(feed, out, shard_size=size)
    assert _run(feed, out, shard_size=size, fresh=True).documents == (7 if change == "input" else 6)


def test_batch_runner_load_is_idempotent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(_feed(tmp_path / "feed.jsonl", 9), out)
    store = MemoryStore()
    first = load_dir(out, store)
    again = load_dir(out, store)
    assert (first.documents, first.new_documents, first.events_added) == (9, 9, 9)
    assert (again.new_documents, again.events_added, again.events_unchanged) == (0, 0, 9)
    assert store.stats().events == 9
    doc_id = read_dataset(out, "documents").column("id")[0].as_py()
    assert store.get_mentions(doc_id)[0].text == "Tikrit"


def test_batch_runner_load_rejects_other_directories(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a batch output"):
        load_dir(tmp_path, MemoryStore())


def test_batch_runner_load_command(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasd.cli import app

    out = tmp_path / "out"
    _run(_feed(tmp_path / "feed.jsonl", 5), out)
    monkeypatch.setenv("RASD_DATABASE_URL", db_url)
    for expected in ("5 documents (5 new), 5 events added", "5 documents (0 new), 0 events added"):
        result = CliRunner().invoke(app, ["load", str(out)])
        assert result.exit_code == 0, result.output
        assert expected in result.output


@pytest.mark.parametrize(("name", "workers"), [("spark", 2), ("local", -1)])
def test_batch_runner_engine_choice_errors(name: str, workers: int) -> None:
    with pytest.raises(ConfigError):
        make_engine(name, CONFIG, workers)
