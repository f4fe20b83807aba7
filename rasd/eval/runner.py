"""Run one evaluation (or all), print the table, write the JSON report and the errors.

``run()`` maps one-to-one onto ``rasd eval DATASET [--split dev|test] [--data-dir
DIR] [--limit N] [--report FILE.json] [--errors FILE.jsonl] [--report-dir DIR]``.

Each dataset folder holds one portion only (the development portion here; the
maintainers run the same code on a folder holding the test portion), so
``split`` does **not** select files: it is recorded in the report and in the
default file names (``eval-reports/<dataset>-<split>.json`` and
``.errors.jsonl``) so that dev and test reports do not overwrite each other.
Run the test portion with ``--data-dir TEST_FOLDER --split test``.
"""

from __future__ import annotations

import importlib
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from rasd.eval.base import EvalContext, EvalResult, write_errors, write_report
from rasd.exceptions import ConfigError, EvalDataError

DATASETS: dict[str, str] = {
    "geoparsing": "rasd.eval.geoparsing",
    "re3d": "rasd.eval.re3d",
    "case2021": "rasd.eval.case2021",
    "acled": "rasd.eval.acled",
    "muc4": "rasd.eval.muc4",
    "samples": "rasd.eval.samples",
    "dedup": "rasd.eval.dedup",
    "ucdp": "rasd.eval.ucdp",
}
ALL = "all"
DEFAULT_REPORT_DIR = Path("eval-reports")
#: The metric shown for each dataset in the summary of ``all``.
HEADLINE: dict[str, tuple[str, ...]] = {
    "geoparsing": ("acc_161km", "f1"),
    "re3d": ("f1_exact", "f1_overlap", "f1.relations"),
    "case2021": ("micro_f1", "macro_f1"),
    "acled": ("sub_event_type_acc", "actor1_acc", "acc_50km", "date_acc"),
    "muc4": ("f1_micro", "f1.incident_type"),
    "samples": ("f1", "no_event_samples_correct"),
    "dedup": ("p", "r", "f1"),
    "ucdp": ("p", "r", "f1"),
}


def _cached(build: Callable[[], Any]) -> Callable[[], Any]:
    cache: list[Any] = []

    def get() -> Any:
        if not cache:
            cache.append(build())
        return cache[0]

    return get


def default_pipeline_factory() -> Callable[[], Any]:
    """Builds (once) and loads the configured pipeline."""

    def build() -> Any:
        from rasd.config import PipelineConfig, Settings
        from rasd.engine import build_pipeline

        config = PipelineConfig.load(Settings().pipeline_config)
        return build_pipeline(config).load()

    return _cached(build)


def default_spacy_factory() -> Callable[[], Any]:
    """Loads (once) the configured spaCy model without rasd's rulers, for baselines."""

    def build() -> Any:
        from rasd.config import PipelineConfig, Settings
        from rasd.pipeline.nlp import load_spacy

        return load_spacy(PipelineConfig.load(Settings().pipeline_config).nlp.model)

    return _cached(build)


def default_data_dir() -> Path:
    from rasd.config import Settings

    return Settings().shared_data_dir


def _module(dataset: str) -> Any:
    if dataset not in DATASETS:
        raise ConfigError(
            f"dataset {dataset!r}", "is not known", f"use one of: {', '.join(DATASETS)}, {ALL}"
        )
    name = DATASETS[dataset]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise EvalDataError(
            f"dataset {dataset!r}", f"has no evaluator module ({name})", "update rasd"
        ) from exc


def command_line(
    dataset: str, data_dir: Path, split: str, limit: int | None, report: Path, errors: Path
) -> str:
    parts = ["rasd", "eval", dataset, "--split", split, "--data-dir", str(data_dir)]
    if limit is not None:
        parts += ["--limit", str(limit)]
    parts += ["--report", str(report), "--errors", str(errors)]
    return shlex.join(parts)


def run(
    dataset: str,
    data_dir: Path | None = None,
    split: str = "dev",
    limit: int | None = None,
    report_path: Path | None = None,
    errors_path: Path | None = None,
    *,
    report_dir: Path = DEFAULT_REPORT_DIR,
    pipeline_factory: Callable[[], Any] | None = None,
    spacy_factory: Callable[[], Any] | None = None,
    console: Console | None = None,
) -> EvalResult:
    """Evaluate ``dataset`` (or ``"all"``), print the table, write report and errors.

    Defaults: data from ``Settings().shared_data_dir``; report and errors at
    ``report_dir/<dataset>-<split>.json`` and ``.errors.jsonl``. For ``"all"`` each
    dataset writes its own default files (``report_path``/``errors_path`` are
    refused) and the returned result summarises the headline metrics.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    console = console or Console()
    pipeline_factory = pipeline_factory or default_pipeline_factory()
    spacy_factory = spacy_factory or default_spacy_factory()
    ctx = EvalContext(data_dir, split, limit, pipeline_factory, spacy_factory)
    if dataset == ALL:
        if report_path is not None or errors_path is not None:
            raise ConfigError(
                "--report/--errors",
                "name one file, but `all` writes one per dataset",
                "use --report-dir",
            )
        return _run_all(ctx, report_dir, console)
    report = Path(report_path) if report_path else report_dir / f"{dataset}-{split}.json"
    errors = Path(errors_path) if errors_path else report.with_name(report.stem + ".errors.jsonl")
    result = _evaluate(dataset, ctx)
    result.command = command_line(dataset, data_dir, split, limit, report, errors)
    write_report(result, split, report)
    write_errors(result, errors)
    print_result(result, split, console)
    console.print(f"report: {report}\nerrors: {errors} ({len(result.errors)} lines)")
    return result


def _evaluate(dataset: str, ctx: EvalContext) -> EvalResult:
    module = _module(dataset)
    started = time.perf_counter()
    result: EvalResult = module.evaluate(ctx)
    result.extra["seconds"] = round(time.perf_counter() - started, 1)
    if ctx.limit is not None:
        result.extra["limit"] = ctx.limit
    return result


def _run_all(ctx: EvalContext, report_dir: Path, console: Console) -> EvalResult:
    summary = EvalResult(ALL)
    for dataset in DATASETS:
        try:
            result = run(
                dataset,
                ctx.data_dir,
                ctx.split,
                ctx.limit,
                report_dir=report_dir,
                pipeline_factory=ctx.pipeline_factory,
                spacy_factory=ctx.spacy_factory,
                console=console,
            )
        except EvalDataError as exc:
            console.print(f"[yellow]skipped {dataset}[/]: {exc.subject}: {exc.problem}")
            summary.extra.setdefault("skipped", {})[dataset] = f"{exc.subject}: {exc.problem}"
            continue
        for name in HEADLINE.get(dataset, ()):
            if name in result.metrics:
                summary.metrics[f"{dataset}.{name}"] = result.metrics[name]
    print_result(summary, ctx.split, console)
    return summary


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def print_result(result: EvalResult, split: str, console: Console) -> None:
    """The metrics table: rasd, each baseline and the published anchor side by side."""
    table = Table(title=f"{result.dataset} ({split})", title_justify="left")
    table.add_column("metric")
    table.add_column("rasd", justify="right")
    for name in result.baselines:
        table.add_column(name, justify="right")
    table.add_column("anchor")
    for metric, value in result.metrics.items():
        row = [metric, _fmt(value)]
        row += [_fmt(b.get(metric)) for b in result.baselines.values()]
        table.add_row(*row, result.anchors.get(metric, ""))
    console.print(table)
    notes = {k: v for k, v in result.anchors.items() if k not in result.metrics}
    for key, text in notes.items():
        console.print(f"  {key}: {text}")
    if result.counts:
        console.print("  counts: " + ", ".join(f"{k}={v}" for k, v in result.counts.items()))
    for corpus, metrics in result.by_corpus.items():
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in metrics.items())
        console.print(f"  {corpus}: {shown}")
