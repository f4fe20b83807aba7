"""Shards, the output layout and the per-shard checkpoints that make a batch resumable.

A shard is ``shard_size`` consecutive input records (documents or unreadable
inputs), numbered from 0 in input order. Duplicate documents (same content id
as an earlier one in the run) are dropped while shards are cut, so each document
is extracted and written once.

Output directory layout (Hive-style partitions, readable by pyarrow, DuckDB,
Polars, Spark)::

    OUT/documents/shard=000000/part.parquet
    OUT/events/shard=000000/part.parquet
    OUT/mentions/shard=000000/part.parquet
    OUT/persons/shard=000000/part.parquet
    OUT/errors/shard=000000/part.parquet
    OUT/errors.jsonl             every error of every finished shard, one JSON a line
    OUT/summary.json             the last run's summary
    OUT/_batch/manifest.json     shard size, inputs and pipeline config of the run
    OUT/_batch/checkpoints/000000.json
    OUT/_batch/tmp/              staging for files not yet renamed into place

A shard's checkpoint is written (atomically, last) only after all its Parquet
files are in place, so a checkpoint means "this shard is complete". A shard
without a checkpoint is redone on restart and its files are replaced, never
appended to: no duplicates and no losses.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasd.exceptions import InputError
from rasd.records import Document, IngestProblem

TABLES = ("documents", "events", "mentions", "persons", "errors")
MANIFEST_VERSION = 1


@dataclass
class Shard:
    """One unit of work: consecutive input records, sent whole to one worker."""

    index: int
    items: list[Document | IngestProblem]
    duplicates: int = 0

    @property
    def name(self) -> str:
        return f"{self.index:06d}"

    def digest(self) -> str:
        """Fingerprint of which records the shard holds; checked when a run resumes."""
        h = hashlib.sha256()
        for item in self.items:
            key = item.id if isinstance(item, Document) else f"!{item.source}:{item.line}"
            h.update(key.encode("utf-8") + b"\n")
        return h.hexdigest()[:32]


def make_shards(records: Iterable[Document | IngestProblem], size: int) -> Iterator[Shard]:
    """Cut records into shards of ``size`` items, dropping repeated documents."""
    if size < 1:
        raise ValueError(f"shard size must be >= 1, got {size}")
    seen: set[bytes] = set()
    shard = Shard(0, [])
    for record in records:
        if isinstance(record, Document):
            key = record.id.encode("ascii", "replace")
            if key in seen:
                shard.duplicates += 1
                continue
            seen.add(key)
        shard.items.append(record)
        if len(shard.items) >= size:
            yield shard
            shard = Shard(shard.index + 1, [])
    if shard.items or shard.duplicates:
        yield shard


@dataclass
class Layout:
    """Paths of one batch output directory."""

    root: Path
    meta: Path = field(init=False)

    def __post_init__(self) -> None:
        self.meta = self.root / "_batch"

    @property
    def checkpoints(self) -> Path:
        return self.meta / "checkpoints"

    @property
    def tmp(self) -> Path:
        return self.meta / "tmp"

    @property
    def manifest(self) -> Path:
        return self.meta / "manifest.json"

    def part(self, table: str, shard: str) -> Path:
        return self.root / table / f"shard={shard}" / "part.parquet"

    def checkpoint(self, shard: str) -> Path:
        return self.checkpoints / f"{shard}.json"

    def prepare(self, manifest: dict[str, Any], fresh: bool) -> None:
        """Create the directories; start afresh or check the run can resume here."""
        if fresh:
            self.clear()
        self.checkpoints.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.tmp, ignore_errors=True)  # leftovers of a killed run
        self.tmp.mkdir(parents=True)
        if self.manifest.exists():
            self._check_manifest(manifest)
        else:
            write_json_atomic(self.manifest, manifest, self.tmp)

    def clear(self) -> None:
        """Remove a previous run's outputs (only what a batch run writes)."""
        for name in (*TABLES, "_batch"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        for name in ("errors.jsonl", "summary.json"):
            (self.root / name).unlink(missing_ok=True)

    def _check_manifest(self, manifest: dict[str, Any]) -> None:
        old = json.loads(self.manifest.read_text("utf-8"))
        for key in ("version", "shard_size", "config_digest"):
            if old.get(key) != manifest.get(key):
                raise InputError(
                    str(self.root),
                    f"holds a batch run with a different {key.replace('_', ' ')} "
                    f"({old.get(key)!r}, now {manifest.get(key)!r}), so it cannot be resumed",
                    "use another --out directory, or pass --fresh to discard that run",
                )

    def done(self) -> dict[str, dict[str, Any]]:
        """Checkpoints of the finished shards, by shard name."""
        if not self.checkpoints.is_dir():
            return {}
        return {
            p.stem: json.loads(p.read_text("utf-8"))
            for p in sorted(self.checkpoints.glob("*.json"))
        }


def write_json_atomic(path: Path, data: Any, tmp_dir: Path) -> None:
    """Write JSON via a temporary file, fsync and rename: readers never see half a file."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{path.name}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, path)
