"""``rasd load DIR``: put a batch output into the store, shard by shard.

Only finished shards (with a checkpoint) are read, one at a time, so memory
stays bounded. Each document goes in with ``save_extraction(store, document, events,
mentions)``, which is atomic per document and idempotent: loading the same
directory twice changes nothing the second time, and loading a directory whose
documents are already stored replaces their events with the batch's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasd.batch.shards import Layout
from rasd.batch.writer import read_part
from rasd.exceptions import InputError
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document, Event, Mention

_DOCUMENT_FIELDS = tuple(Document.model_fields)
_MENTION_FIELDS = tuple(Mention.model_fields)


@dataclass
class LoadSummary:
    shards: int = 0
    documents: int = 0
    new_documents: int = 0
    events_added: int = 0
    events_unchanged: int = 0
    events_removed: int = 0

    def line(self) -> str:
        return (
            f"{self.shards} shard(s), {self.documents} documents ({self.new_documents} new), "
            f"{self.events_added} events added, {self.events_unchanged} unchanged, "
            f"{self.events_removed} removed"
        )


def shard_names(root: Path) -> list[str]:
    """The finished shards of a batch output; a clear error when it is not one."""
    layout = Layout(Path(root))
    if not layout.manifest.exists():
        raise InputError(
            str(root),
            "is not a batch output directory (it has no _batch/manifest.json)",
            "give the --out directory of a `rasd batch` run",
        )
    return list(layout.done())


def load_dir(
    root: Path,
    store: KStore,
    on_shard: Callable[[LoadSummary], None] | None = None,
    knowledge: Knowledge | None = None,
) -> LoadSummary:
    """Add every document of every finished shard, with its events and mentions
    (through the knowledge write path: corrections, cross-report links, persons)."""
    layout = Layout(Path(root))
    summary = LoadSummary()
    for shard in shard_names(root):
        for document, events, mentions in read_shard(layout, shard):
            result = save_extraction(store, document, events, mentions, knowledge).result
            summary.documents += 1
            summary.new_documents += int(result.new_document)
            summary.events_added += result.events_added
            summary.events_unchanged += result.events_unchanged
            summary.events_removed += result.events_removed
        summary.shards += 1
        if on_shard is not None:
            on_shard(summary)
    return summary


def read_shard(layout: Layout, shard: str) -> list[tuple[Document, list[Event], list[Mention]]]:
    """The records of one finished shard, grouped by document."""
    events: dict[str, list[Event]] = defaultdict(list)
    for record in read_part(layout, "events", shard).column("record").to_pylist():
        event = Event.model_validate_json(record)
        events[event.document_id].append(event)
    mentions: dict[str, list[tuple[int, Mention]]] = defaultdict(list)
    for row in read_part(layout, "mentions", shard).to_pylist():
        mention = Mention(**_pick(row, _MENTION_FIELDS))
        mentions[row["document_id"]].append((row["position"], mention))
    out = []
    for row in read_part(layout, "documents", shard).to_pylist():
        document = Document(**_pick(row, _DOCUMENT_FIELDS))
        ordered = [m for _, m in sorted(mentions.get(document.id, []), key=lambda pm: pm[0])]
        out.append((document, events.get(document.id, []), ordered))
    return out


def _pick(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in fields if k in row}
