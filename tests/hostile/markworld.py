"""Helpers of the marking and import tests (tests/hostile/test_markings.py,
test_import.py, test_marking_properties.py, test_import_kill.py): a one-stage pipeline
that codes one arrest per report (no spaCy), and rasd STIX bundles of given reports."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from rasd.config import PipelineConfig
from rasd.exchange import write_stix_bundle
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.records import Document, Event, Evidence, event_id
from rasd.store import SqlStore

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def arrest(document: Document, n: int = 0) -> Event:
    """An arrest of ``document`` with evidence on its first word (``n`` varies the id)."""
    text = document.text
    end = max(text.find(" "), 1)
    evidence = Evidence(
        field="event_type",
        document_id=document.id,
        start=0,
        end=end,
        text=text[:end],
        sentence=text,
    )
    return Event(
        id=event_id(document.id, "Arrests", n, n + end),
        document_id=document.id,
        event_date=date(2024, 1, 2),
        event_type="Strategic developments",
        sub_event_type="Arrests",
        notes=text[:80],
        evidence=(evidence,),
        org=document.org,
        tlp=document.tlp,
    )


@dataclass
class OneArrest:
    """A pipeline stage that codes one arrest per report."""

    name: str = "one-arrest"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("events",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        doc.events = [arrest(doc.document)]
        return doc


def one_arrest_pipeline(config: PipelineConfig | None = None) -> Pipeline:
    return Pipeline([OneArrest()], config=config or PipelineConfig())


def report(text: str, org: str = "local", tlp: str = "AMBER") -> Document:
    return Document.from_text(
        text, org=org, tlp=tlp, source="test", title=text[:20], published_at=date(2024, 1, 2)
    )


def bundle(*reports: tuple[Document, list[Event]]) -> dict[str, Any]:
    """A rasd STIX bundle of these reports and their events, as a dict to tamper with."""
    out = io.StringIO()
    documents = {d.id: d for d, _ in reports}
    write_stix_bundle([e for _, es in reports for e in es], out, documents, now=NOW)
    parsed: dict[str, Any] = json.loads(out.getvalue())
    return parsed


def new_sql(url: str) -> SqlStore:
    store = SqlStore(url)
    store.migrate()
    return store
