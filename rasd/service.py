"""Plain functions behind the CLI commands (and, later, the API): no printing here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rasd import export
from rasd.config import PipelineConfig, Settings
from rasd.engine import process
from rasd.exceptions import RasdError
from rasd.export import ExportResult
from rasd.ingest import read_paths
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.pipeline.base import Pipeline
from rasd.records import Document, Event, IngestProblem
from rasd.store import markings
from rasd.store.abase import AccessStore
from rasd.store.base import EventQuery, Store
from rasd.store.markings import MarkingRule
from rasd.store.sql import SqlStore
from rasd.taxonomy import tlp_rank

log = logging.getLogger(__name__)

FORMATS = ("table", "json", "jsonl", "acled-csv", "geojson")


@dataclass
class Extraction:
    document: Document
    events: list[Event]
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    documents: int = 0
    new_documents: int = 0
    events_added: int = 0
    events_unchanged: int = 0
    events_removed: int = 0
    problems: list[IngestProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extract_records(
    pipeline: Pipeline, records: Iterable[Document | IngestProblem]
) -> Iterator[Extraction | IngestProblem]:
    """Run the pipeline on each readable document; pass problems through unchanged."""
    for record in records:
        if isinstance(record, IngestProblem):
            yield record
            continue
        try:
            doc = process(pipeline, record)
        except RasdError as exc:
            yield IngestProblem(source=record.source, message=exc.problem, fix=exc.fix)
            continue
        except Exception as exc:  # one bad document never stops the batch; it is reported
            log.exception("pipeline failed on %s", record.source)
            yield IngestProblem(
                source=record.source,
                message=f"could not be processed ({type(exc).__name__}: {exc})",
                fix="this is a bug in rasd: report it with the file; the rest of the batch went on",
            )
            continue
        yield Extraction(doc.document, doc.events, doc.warnings)


def extract_paths(
    pipeline: Pipeline, paths: Sequence[Path | str], config: PipelineConfig
) -> Iterator[Extraction | IngestProblem]:
    return extract_records(pipeline, read_paths(paths, config.input))


def ingest(
    pipeline: Pipeline,
    store: KStore,
    records: Iterable[Document | IngestProblem],
    on_progress: Callable[[str], None] | None = None,
    marking: MarkingRule | None = None,
) -> IngestSummary:
    """Extract and store each document atomically (with corrections, links and persons);
    bad input is reported, never fatal. A report already stored keeps its text and, unless
    ``marking`` says otherwise, its marking (:mod:`rasd.store.markings`)."""
    summary = IngestSummary()
    knowledge = Knowledge.from_config(pipeline.config)
    rule = marking or MarkingRule()
    lowered: dict[str, markings.Settled] = {}
    for item in extract_records(pipeline, _settled(store, records, rule, summary, lowered)):
        if isinstance(item, IngestProblem):
            summary.problems.append(item)
        else:
            with markings.permitted(lowered.pop(item.document.id, markings.Settled(item.document))):
                _save(store, item, knowledge, summary)
            summary.warnings.extend(item.warnings)
        if on_progress is not None:
            on_progress(item.source if isinstance(item, IngestProblem) else item.document.source)
    return summary


def _settled(
    store: KStore,
    records: Iterable[Document | IngestProblem],
    rule: MarkingRule,
    summary: IngestSummary,
    lowered: dict[str, markings.Settled],
) -> Iterator[Document | IngestProblem]:
    """Each document with the marking it is stored with; a refused downgrade as a problem.
    ``lowered``: each allowed downgrade by document id."""
    for record in records:
        if isinstance(record, IngestProblem):
            yield record
            continue
        try:
            settled = markings.settle(markings.stored_copy(store, record.id), record, rule)
        except RasdError as exc:
            yield IngestProblem(source=record.source, message=_said(exc), fix=exc.fix)
            continue
        if settled.lowered_from is not None:
            lowered[record.id] = settled
        if settled.note is not None:
            summary.warnings.append(settled.note)
        yield settled.document


def _save(store: KStore, item: Extraction, knowledge: Knowledge, summary: IngestSummary) -> None:
    """Store one extraction; a store error is reported as a problem of that document and
    the batch goes on."""
    try:
        result = save_extraction(store, item.document, item.events, (), knowledge).result
    except Exception as exc:  # one document that cannot be stored never stops the batch
        summary.problems.append(store_problem(item.document, exc))
        return
    summary.documents += 1
    summary.new_documents += int(result.new_document)
    summary.events_added += result.events_added
    summary.events_unchanged += result.events_unchanged
    summary.events_removed += result.events_removed


def store_problem(document: Document, exc: Exception) -> IngestProblem:
    """The problem line of a document that could not be stored (nothing of it was)."""
    if isinstance(exc, RasdError):
        return IngestProblem(source=document.source, message=_said(exc), fix=exc.fix)
    log.exception("storing %s failed", document.id)
    return IngestProblem(
        source=document.source,
        message=f"document {document.id} could not be stored ({type(exc).__name__}: {exc})",
        fix="this is a bug in rasd: report it with the file; the rest of the batch went on",
    )


def _said(exc: RasdError) -> str:
    return f"{exc.subject}: {exc.problem}"


def owned(
    store: AccessStore, records: Iterable[Document | IngestProblem], org: str, tlp: str | None
) -> list[Document | IngestProblem]:
    """The records as ``org`` stores them, marked ``tlp`` (default: the organisation's).
    NotFound for an unknown organisation; RasdError for an unknown marking."""
    owner = store.get_org(org)
    marking = tlp or owner.default_tlp
    try:
        tlp_rank(marking)
    except ValueError as exc:
        raise RasdError("--tlp", str(exc), "use CLEAR, GREEN, AMBER, AMBER+STRICT or RED") from None
    return [r.owned_by(org, marking) if isinstance(r, Document) else r for r in records]


def parse_near(value: str) -> tuple[float, float, float]:
    """'LAT,LON,KM' -> (lat, lon, km), with a clear error."""
    parts = value.split(",")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise RasdError(
            f"--near {value!r}", "is not LAT,LON,KM", "write e.g. --near 35.47,44.39,25"
        ) from None
    return lat, lon, km


def writer_for(fmt: str) -> Callable[[Iterable[Event], IO[str]], ExportResult]:
    """The streaming writer of a machine format, or a clear error naming the format."""
    writers: dict[str, Callable[[Iterable[Event], IO[str]], ExportResult]] = {
        "json": export.write_json,
        "jsonl": export.write_jsonl,
        "acled-csv": export.write_acled_csv,
        "geojson": export.write_geojson,
    }
    if fmt not in writers:
        raise RasdError(
            f"--format {fmt}", "is not a machine format", f"use one of {', '.join(FORMATS[1:])}"
        )
    return writers[fmt]


def write_events(events: Iterable[Event], fmt: str, out: IO[str]) -> ExportResult:
    """Write events in a machine format; returns how many were written (and skipped)."""
    return writer_for(fmt)(events, out)


def open_store(settings: Settings) -> SqlStore:

    store = SqlStore(settings.resolved_database_url())
    store.migrate()
    return store


def query_events(store: Store, query: EventQuery) -> Iterator[Event]:
    return store.events(query)
