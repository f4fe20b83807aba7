"""Storing what a STIX bundle holds (``rasd import``): a bundle never changes a stored report.

:func:`store_import` takes an :class:`rasd.exchange.ImportResult` and, report by report:

* a report already stored keeps its text and its events; the bundle may only raise its
  marking (never lower it: a lower one is kept and said as a warning);
* a new rasd-coded report is stored with its events through the one write path;
* the new reports of other systems (and forged rasd ones) run through the pipeline;
* a report the store refuses is a problem line, and the import goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from rasd.exceptions import RasdError
from rasd.exchange.stix_import import Imported, ImportResult, printable
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.pipeline.base import Pipeline
from rasd.records import Document, IngestProblem
from rasd.service import IngestSummary, ingest
from rasd.store import markings
from rasd.store.base import AddResult, EventQuery
from rasd.store.markings import MarkingRule

log = logging.getLogger(__name__)


@dataclass
class ImportSummary(IngestSummary):
    through_pipeline: int = 0  # new reports of other systems, extracted by the pipeline


def store_import(
    store: KStore,
    result: ImportResult,
    knowledge: Knowledge,
    pipeline: Callable[[], Pipeline],
) -> ImportSummary:
    """Store the reports of ``result`` (see the module); ``pipeline`` is loaded only when
    a new report needs it."""
    summary = ImportSummary(problems=list(result.problems), warnings=list(result.warnings))
    foreign: list[Imported] = []
    for item in result.items:
        try:
            stored = markings.stored_copy(store, item.document.id)
            if stored is not None:
                _restore(store, stored, item, knowledge, summary)
            elif item.coded:
                _count(
                    summary,
                    save_extraction(store, item.document, item.events, (), knowledge).result,
                )
            else:
                foreign.append(item)
        except Exception as exc:  # one report the store refuses never stops the import
            summary.problems.append(_problem(result.source, item.document, exc))
    if foreign:
        _run_pipeline(store, foreign, pipeline(), summary)
    return summary


def _restore(
    store: KStore, stored: Document, item: Imported, knowledge: Knowledge, summary: ImportSummary
) -> None:
    """A report already stored: its text and events stay; its marking may only go up
    (then it is stored again with its kept extraction, as a correction re-derives it)."""
    rule = MarkingRule(explicit=item.marked, keep_higher=True)
    settled = markings.settle(stored, item.document, rule)
    if settled.note is not None:
        summary.warnings.append(settled.note)
    if settled.document.tlp == stored.tlp:
        summary.documents += 1
        summary.events_unchanged += store.count_events(EventQuery(document_id=stored.id))
        return
    raised = stored.model_copy(update={"tlp": settled.document.tlp})
    raw = store.get_extraction(stored.id)
    if raw is None:
        raw = list(store.events(EventQuery(document_id=stored.id)))
    mentions = store.get_mentions(stored.id)
    _count(summary, save_extraction(store, raised, raw, mentions, knowledge).result)


def _run_pipeline(
    store: KStore, items: list[Imported], pipeline: Pipeline, summary: ImportSummary
) -> None:
    """New reports of other systems through the pipeline; the bundle's markings are
    explicit (they may raise, never lower), the default is not."""
    for marked in (True, False):
        documents: list[Document | IngestProblem] = [
            i.document for i in items if i.marked == marked
        ]
        if documents:
            rule = MarkingRule(explicit=marked, keep_higher=True)
            _add(summary, ingest(pipeline, store, documents, marking=rule))
    summary.through_pipeline += len(items)


def _problem(source: str, document: Document, exc: Exception) -> IngestProblem:
    if isinstance(exc, RasdError):
        said, fix = f"{exc.subject}: {exc.problem}", exc.fix
    else:
        log.exception("importing %s failed", document.id)
        said = f"{type(exc).__name__}: {exc}"
        fix = "this is a bug in rasd: report it with the bundle"
    return IngestProblem(
        source=source,
        message=printable(f"report {document.id} was not stored ({said})"),
        fix=f"{fix}; the other reports of the bundle were imported",
    )


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
    total.warnings.extend(part.warnings)
