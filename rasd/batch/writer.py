"""Writing finished shards: Parquet files renamed into place, then the checkpoint.

Order matters for resumability: every table of a shard is written to the
staging directory, flushed to disk and renamed over its final path; only then is
the checkpoint written (atomically). A run killed at any point leaves either a
complete shard with its checkpoint, or a shard without a checkpoint whose files
the next run replaces.

The checkpoint keeps the SHA-256 of every file it vouches for (``sha256``, by
table). :func:`shard_problem` checks them: ``rasd load`` skips a shard whose files
do not match (with a problem line), and a resumed ``rasd batch`` redoes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from rasd.batch.shards import TABLES, Layout, write_json_atomic
from rasd.batch.tables import SCHEMAS
from rasd.batch.worker import ShardResult

COMPRESSION = "zstd"


def write_shard(layout: Layout, result: ShardResult) -> dict[str, Any]:
    """Write one shard's tables and its checkpoint; returns the checkpoint."""
    staging = layout.tmp / f"{result.name}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    sums: dict[str, str] = {}
    for name in TABLES:
        tmp = staging / f"{name}.parquet"
        pq.write_table(result.tables[name], tmp, compression=COMPRESSION)
        _fsync(tmp)
        sums[name] = file_sha256(tmp)
        final = layout.part(name, result.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    staging.rmdir()
    checkpoint = {
        "shard": result.name,
        "digest": result.digest,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sha256": sums,
        **result.stats.as_dict(),
    }
    write_json_atomic(layout.checkpoint(result.name), checkpoint, layout.tmp)
    return checkpoint


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def shard_problem(
    layout: Layout, shard: str, checkpoint: dict[str, Any]
) -> tuple[Path, str] | None:
    """(the bad file, what is wrong) when a finished shard's files do not match the
    SHA-256 sums of its checkpoint; None when they match (or the checkpoint, from an
    older rasd, has no sums)."""
    for table, expected in sorted(checkpoint.get("sha256", {}).items()):
        path = layout.part(table, shard)
        if not path.is_file():
            return path, "is missing (its shard's checkpoint lists it)"
        if file_sha256(path) != expected:
            return path, "does not match the checksum in its shard's checkpoint (corrupt)"
    return None


def read_part(layout: Layout, table: str, shard: str) -> pa.Table:
    """One table of one finished shard (an empty table when the file is missing)."""
    path = layout.part(table, shard)
    if not path.exists():
        return SCHEMAS[table].empty_table()
    return pq.read_table(path, schema=SCHEMAS[table])


def iter_errors(layout: Layout) -> Iterator[dict[str, Any]]:
    """Every error row of the finished shards, in shard order."""
    for shard in layout.done():
        for row in read_part(layout, "errors", shard).to_pylist():
            yield {"shard": shard, **row}


def write_errors_file(layout: Layout) -> int:
    """Rewrite ``errors.jsonl`` from the finished shards; returns the number of errors."""
    tmp = layout.tmp / f"errors.jsonl.{os.getpid()}.tmp"
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in iter_errors(layout):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, layout.root / "errors.jsonl")
    return n


def read_dataset(root: Path, table: str) -> pa.Table:
    """A whole table of a batch output, with its ``shard`` partition column.

    Only finished shards (those with a checkpoint) are read.
    """
    layout = Layout(root)
    parts = []
    for shard in layout.done():
        part = read_part(layout, table, shard)
        parts.append(part.append_column("shard", pa.array([shard] * part.num_rows, pa.string())))
    if not parts:
        schema = SCHEMAS[table].append(pa.field("shard", pa.string()))
        return schema.empty_table()
    return pa.concat_tables(parts)
