"""The eval runner (report, errors, table, `all`) and the accuracy-doc generator, no spaCy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.eval.fakes import FakePipeline, event, factory
from rich.console import Console

from rasd.eval import accuracy_doc, runner
from rasd.exceptions import ConfigError, EvalDataError

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def canned(doc):
    """A canned answer: every snippet about warplanes is an air strike."""
    if "Warplanes" in doc.text:
        doc.events.append(event("Air/drone strike", confidence=0.8))


def quiet() -> Console:
    return Console(record=True, width=200, file=open("/dev/null", "w"))  # noqa: SIM115


def test_eval_runner_writes_report_and_errors(tmp_path):
    report, errors = tmp_path / "r.json", tmp_path / "e.jsonl"
    console = quiet()
    result = runner.run(
        "case2021",
        FIXTURES,
        "test",
        None,
        report,
        errors,
        pipeline_factory=factory(FakePipeline(canned)),
        console=console,
    )
    data = json.loads(report.read_text("utf-8"))
    assert data["dataset"] == "case2021" and data["split"] == "test"
    assert set(data) >= {"commit", "created", "metrics", "counts", "by_corpus", "command"}
    assert data["metrics"]["micro_f1"] == pytest.approx(0.25)
    assert data["command"].startswith("rasd eval case2021 --split test --data-dir")
    lines = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert len(lines) == len(result.errors) == 3  # the two unseen snippets are right
    assert set(lines[0]) == {"doc_id", "kind", "expected", "predicted", "sentence"}
    text = console.export_text()
    assert "micro_f1" in text and "majority" in text and "BERT" in text


def test_eval_runner_default_paths_and_limit(tmp_path):
    runner.run(
        "acled",
        FIXTURES,
        limit=2,
        report_dir=tmp_path,
        pipeline_factory=factory(FakePipeline()),
        console=quiet(),
    )
    data = json.loads((tmp_path / "acled-dev.json").read_text("utf-8"))
    assert data["counts"]["rows"] == 2 and data["extra"]["limit"] == 2
    assert "--limit 2" in data["command"]
    assert len((tmp_path / "acled-dev.errors.jsonl").read_text("utf-8").splitlines()) == 2


def test_eval_runner_all_skips_missing_datasets(tmp_path, monkeypatch):
    mine = {k: v for k, v in runner.DATASETS.items() if k != "geoparsing"}  # another team's
    monkeypatch.setattr(runner, "DATASETS", {**mine, "ghost": "rasd.eval.no_such_module"})
    summary = runner.run(
        "all",
        FIXTURES,
        report_dir=tmp_path,
        pipeline_factory=factory(FakePipeline(canned)),
        spacy_factory=lambda: None,
        console=quiet(),
    )
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    # dedup falls back to its packaged fixture; ucdp has no data in FIXTURES, so it is skipped
    expected = ("acled", "case2021", "dedup", "muc4", "re3d", "samples")
    assert written == [f"{d}-dev.json" for d in expected]
    assert sorted(summary.extra["skipped"]) == ["ghost", "ucdp"]
    assert summary.metrics["case2021.micro_f1"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("dataset", "kwargs", "error"),
    [
        ("nope", {}, ConfigError),
        ("all", {"report_path": Path("x.json")}, ConfigError),
        ("re3d", {"data_dir": Path("/nonexistent/data")}, EvalDataError),
    ],
)
def test_eval_runner_errors(dataset, kwargs, error):
    kwargs.setdefault("data_dir", FIXTURES)
    with pytest.raises(error):
        runner.run(dataset, pipeline_factory=factory(FakePipeline()), console=quiet(), **kwargs)


def test_eval_runner_registry_names_every_module():
    assert set(runner.DATASETS) == {
        "geoparsing", "re3d", "case2021", "acled", "muc4", "samples", "dedup", "ucdp"
    }  # fmt: skip
    assert all(path.startswith("rasd.eval.") for path in runner.DATASETS.values())


def test_eval_accuracy_doc_renders_reports(tmp_path):
    reports = tmp_path / "reports"
    runner.run(
        "case2021",
        FIXTURES,
        report_dir=reports,
        pipeline_factory=factory(FakePipeline(canned)),
        console=quiet(),
    )
    runner.run(
        "muc4",
        FIXTURES,
        report_dir=reports,
        pipeline_factory=factory(FakePipeline()),
        console=quiet(),
    )
    (reports / "junk.json").write_text("[1, 2]", "utf-8")
    out = tmp_path / "docs" / "accuracy.md"
    assert accuracy_doc.main(["--report-dir", str(reports), "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert text.index("## case2021 (dev)") < text.index("## muc4 (dev)")
    assert "| `micro_f1` | 0.250 | 0.250 | BERT" in text
    assert "command: `rasd eval case2021" in text
    assert "| Air/drone strike |" in text  # per-class breakdown
    assert "| PerpOrg |" in text
    assert "GRIT" in text


def test_eval_accuracy_doc_no_reports(tmp_path):
    out = tmp_path / "a.md"
    accuracy_doc.main(["--report-dir", str(tmp_path / "none"), "--out", str(out)])
    assert "No reports found" in out.read_text("utf-8")
