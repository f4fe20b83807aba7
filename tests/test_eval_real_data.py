"""Each evaluator on the real shared data with --limit 3 and the real pipeline (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from rasd.eval import case2021, muc4, re3d, runner


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize(
    ("loader", "folder", "minimum"),
    [(re3d.load, "re3d", 60), (case2021.load, "case2021_task2", 400), (muc4.load, "muc4", 1000)],
)
def test_eval_real_data_loaders_read_everything(shared_data, loader, folder, minimum):
    assert len(loader(shared_data / folder)) >= minimum


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("dataset", ["re3d", "case2021", "muc4", "acled", "samples"])
def test_eval_real_data_limit_3(shared_data, dataset, tmp_path, request):
    if dataset == "acled" and not (shared_data / "acled").is_dir():
        pytest.skip("no ACLED export in the shared data (ACLED forbids redistribution)")
    pipeline = request.getfixturevalue("pipeline")
    result = runner.run(
        dataset,
        shared_data,
        limit=3,
        report_dir=tmp_path,
        pipeline_factory=lambda: pipeline,
        console=Console(file=open("/dev/null", "w")),  # noqa: SIM115
    )
    report = json.loads((tmp_path / f"{dataset}-dev.json").read_text("utf-8"))
    assert report["metrics"] == pytest.approx(result.metrics)
    for value in result.metrics.values():
        assert 0.0 <= value <= 1.0
    assert Path(tmp_path / f"{dataset}-dev.errors.jsonl").is_file()
