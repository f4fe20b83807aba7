"""Commands to exchange with OpenCTI and MISP as STIX 2.1: ``rasd import`` and the
``stix`` format of ``rasd export``. Registered on :data:`rasd.cli.app`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from rasd.cli import ConfigOpt, _config, _report_problem, _settings, app, err, out
from rasd.exceptions import RasdError
from rasd.export import ExportResult
from rasd.store.base import Store
from rasd.taxonomy import TLP_LEVELS

if TYPE_CHECKING:
    from rasd.config import PipelineConfig
    from rasd.exchange import ImportResult
    from rasd.exchange.stix_store import ImportSummary
    from rasd.knowledge.dedup import KStore

EXPORT_FORMATS = ("acled-csv", "geojson", "jsonl", "json", "stix")


def export_writer(fmt: str) -> Callable[[Store, IO[str]], ExportResult]:
    """``write(store, fh)`` for ``rasd export --format``: every stored event (the STIX
    bundle also needs their documents); a bad format fails before anything is opened."""
    if fmt == "stix":
        from rasd.exchange import write_stix_bundle

        return lambda store, fh: write_stix_bundle(store.events(), fh, store.get_document)
    if fmt not in EXPORT_FORMATS:
        raise RasdError(
            f"--format {fmt}", "is not an export format", f"use one of {', '.join(EXPORT_FORMATS)}"
        )
    from rasd.service import writer_for

    write = writer_for(fmt)
    return lambda store, fh: write(store.events(), fh)


def _check_org(org: str) -> None:
    if not org.strip() or org != org.strip():
        raise RasdError(f"--org {org!r}", "is not an organisation id", "give its id, e.g. local")


def _check_tlp(tlp: str) -> None:
    if tlp not in TLP_LEVELS:
        raise RasdError(
            f"--tlp {tlp}", "is not a TLP 2.0 marking", f"use one of {', '.join(TLP_LEVELS)}"
        )


@app.command("import")
def import_cmd(
    path: Annotated[
        Path, typer.Argument(help="A STIX 2.x bundle (.json) from rasd, OpenCTI or MISP.")
    ],
    org: Annotated[
        str | None,
        typer.Option(help="Organisation that owns what is imported (default: RASD_ORG, 'local')."),
    ] = None,
    tlp: Annotated[
        str | None,
        typer.Option(
            help="TLP of reports the bundle leaves unmarked: CLEAR, GREEN, AMBER, AMBER+STRICT "
            "or RED (default: the organisation's default_tlp)."
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Import a STIX 2.1 bundle into the store (idempotent: importing it again adds nothing).

    Reports exported by rasd come back with their events exactly; other reports
    (OpenCTI, MISP) become documents that the pipeline extracts events from. TLP
    markings are kept; --tlp marks the reports that have none. A bundle never changes a
    report already stored (its text, its events) and never lowers its marking; a report
    that cannot be stored is skipped with a problem line (exit code 1).

    Example: rasd import opencti-bundle.json --org local --tlp AMBER
    """
    from rasd.exchange import import_bundle
    from rasd.service import open_store

    settings = _settings()
    owner = org or settings.org
    _check_org(owner)
    if tlp is not None:
        _check_tlp(tlp)
    cfg = _config(config)
    with open_store(settings) as store:
        marking = tlp or store.get_org(owner).default_tlp  # NotFound for an unknown org
        result = import_bundle(path, org=owner, tlp_default=marking)
        summary = _store(store, result, cfg)
    for problem in summary.problems:
        _report_problem(problem)
    for warning in summary.warnings:
        err.print(f"[yellow]warning[/] {escape(warning)}", highlight=False)
    out.print(
        f"{summary.documents} documents ({summary.new_documents} new; "
        f"{summary.through_pipeline} run through the pipeline), "
        f"{summary.events_added} events added, {summary.events_unchanged} unchanged, "
        f"{summary.events_removed} removed, {len(summary.problems)} skipped",
        highlight=False,
    )
    if summary.problems:
        raise typer.Exit(1)


def _store(store: KStore, result: ImportResult, cfg: PipelineConfig) -> ImportSummary:
    """Every report through :func:`rasd.exchange.stix_store.store_import`; the pipeline is
    loaded only when a new report of another system needs it."""
    from rasd.engine import shared_pipeline
    from rasd.exchange.stix_store import store_import
    from rasd.knowledge.write import Knowledge

    return store_import(store, result, Knowledge.from_config(cfg), lambda: shared_pipeline(cfg))
