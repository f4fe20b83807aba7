"""``rasd load DIR``: put a batch output into the store, shard by shard.

Only finished shards (with a checkpoint) are read, one at a time, so memory
stays bounded. Each document goes in with ``save_extraction(store, document, events,
mentions)``, which is atomic per document and idempotent: loading the same
directory twice changes nothing the second time, and loading a directory whose
documents are already stored replaces their events with the batch's.

A shard whose files do not match the SHA-256 sums of its checkpoint (or cannot be
read) is skipped before any of it is written, with a problem naming the file and
the fix (rerun the same ``rasd batch``, which redoes it); the other shards go in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasd.batch.shards import Layout
from rasd.batch.writer import read_part, shard_problem
from rasd.exceptions import InputError
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document, Event, IngestProblem, Mention

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
    problems: list[IngestProblem] = field(default_factory=list)  # one per skipped shard

    def line(self) -> str:
        bad = f", {len(self.problems)} bad shard(s) skipped" if self.problems else ""
        return (
            f"{self.shards} shard(s), {self.documents} documents ({self.new_documents} new), "
            f"{self.events_added} events added, {self.events_unchanged} unchanged, "
            f"{self.events_removed} removed{bad}"
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
    shard_names(root)  # a clear error when root is not a batch output
    for shard, checkpoint in layout.done().items():
        records = _checked_shard(layout, shard, checkpoint)
        if isinstance(records, IngestProblem):
            summary.problems.append(records)
            if on_shard is not None:
                on_shard(summary)
            continue
        for document, events, mentions in records:
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


_REDO = (
    "rerun the same `rasd batch` command (it redoes shards whose files do not match), "
    "then `rasd load` again; the other shards went in"
)


def _checked_shard(
    layout: Layout, shard: str, checkpoint: dict[str, Any]
) -> list[tuple[Document, list[Event], list[Mention]]] | IngestProblem:
    """The shard's records, read whole before anything is written; or why it cannot be."""
    bad = shard_problem(layout, shard, checkpoint)
    if bad is not None:
        return IngestProblem(source=str(bad[0]), message=bad[1], fix=_REDO)
    try:
        return read_shard(layout, shard)
    except Exception as exc:  # pyarrow and pydantic raise many types for a damaged file
        return IngestProblem(
            source=str(layout.root / f"shard={shard}"),
            message=f"cannot be read ({type(exc).__name__}: {str(exc)[:200]})",
            fix=_REDO,
        )


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
