"""Commands to exchange with OpenCTI and MISP as STIX 2.1: ``rasd import`` and the
``stix`` format of ``rasd export``. Registered on :data:`rasd.cli.app`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from rasd.cli import ConfigOpt, _config, _report_problem, _settings, app, out
from rasd.exceptions import RasdError
from rasd.export import ExportResult
from rasd.store.base import AddResult, Store
from rasd.taxonomy import TLP_LEVELS

if TYPE_CHECKING:
    from rasd.config import PipelineConfig
    from rasd.exchange import ImportResult
    from rasd.knowledge.dedup import KStore
    from rasd.service import IngestSummary

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
    markings are kept; --tlp marks the reports that have none.

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
    out.print(
        f"{summary.documents} documents ({summary.new_documents} new; "
        f"{len(result.uncoded)} run through the pipeline), "
        f"{summary.events_added} events added, {summary.events_unchanged} unchanged, "
        f"{summary.events_removed} removed, {len(summary.problems)} skipped",
        highlight=False,
    )


def _store(store: KStore, result: ImportResult, cfg: PipelineConfig) -> IngestSummary:
    """Coded documents through the write path; the others through the pipeline first."""
    from rasd.exchange import save_coded
    from rasd.knowledge.write import Knowledge
    from rasd.service import IngestSummary, ingest

    summary = IngestSummary(problems=list(result.problems))
    for added in save_coded(store, result.coded, Knowledge.from_config(cfg)):
        _count(summary, added)
    if result.uncoded:
        from rasd.engine import shared_pipeline

        _add(summary, ingest(shared_pipeline(cfg), store, result.uncoded))
    return summary


def _count(summary: IngestSummary, added: AddResult) -> None:
    summary.documents += 1
    summary.new_documents += int(added.new_document)
    summary.events_added += added.events_added
    summary.events_unchanged += added.events_unchanged
    summary.events_removed += added.events_removed


def _add(total: IngestSummary, part: IngestSummary) -> None:
    total.documents += part.documents
    total.new_documents += part.new_documents
    total.events_added += part.events_added
    total.events_unchanged += part.events_unchanged
    total.events_removed += part.events_removed
    total.problems.extend(part.problems)
