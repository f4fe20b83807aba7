"""A fake coding step shared by the batch and fault tests: every report names Tikrit, and
it becomes one Armed clash there (no model, no gazetteer)."""

from __future__ import annotations

from rasd.pipeline.doc import Doc
from rasd.records import Event, Mention, event_id


def tikrit_clash(doc: Doc) -> Doc:
    start = doc.text.index("Tikrit")
    doc.mentions = [Mention(start=start, end=start + 6, text="Tikrit", label="GPE")]
    doc.events = [
        Event(
            id=event_id(doc.document.id, "Armed clash", start, start + 6),
            document_id=doc.document.id,
            event_date=None,
            event_type="Battles",
            sub_event_type="Armed clash",
            location="Tikrit",
        )
    ]
    return doc
