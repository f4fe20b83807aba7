"""Service-level ingest: bad documents are reported, the batch goes on, nothing half-written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rasd.config import InputConfig
from rasd.exceptions import RasdError
from rasd.ingest import read_stdin_text
from rasd.pipeline.base import Pipeline
from rasd.pipeline.doc import Doc
from rasd.records import Document, IngestProblem
from rasd.service import ingest, parse_near
from rasd.store.memory import MemoryStore


@dataclass
class _Exploding:
    name: str = "explode"
    requires: tuple[str, ...] = ("document",)
    assigns: tuple[str, ...] = ("events",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        if "boom" in doc.text:
            raise RuntimeError("stage failed")
        return doc


def _docs(*texts: str) -> list[Document | IngestProblem]:
    out: list[Document | IngestProblem] = []
    for t in texts:
        out.extend(read_stdin_text(t, InputConfig()))
    return out


def test_service_ingest_bad_document_reported_batch_continues() -> None:
    store = MemoryStore()
    records = _docs("a perfectly fine report text one", "this one goes boom in the stage", "")
    summary = ingest(Pipeline([_Exploding()]), store, records)
    assert summary.documents == 1
    assert len(summary.problems) == 2  # the exploding one and the empty one
    assert any("RuntimeError" in p.message for p in summary.problems)
    assert store.stats().documents == 1  # nothing of the failed document was written


@pytest.mark.parametrize(("value", "ok"), [("35.4,44.3,25", True), ("35.4,44.3", False), ("a,b,c", False)])
def test_service_ingest_parse_near(value: str, ok: bool) -> None:
    if ok:
        assert parse_near(value) == (35.4, 44.3, 25.0)
    else:
        with pytest.raises(RasdError, match="LAT,LON,KM"):
            parse_near(value)
