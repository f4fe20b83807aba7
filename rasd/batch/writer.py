"""Writing finished shards: Parquet files renamed into place, then the checkpoint.

Order matters for resumability: every table of a shard is written to the
staging directory, flushed to disk and renamed over its final path; only then is
the checkpoint written (atomically). A run killed at any point leaves either a
complete shard with its checkpoint, or a shard without a checkpoint whose files
the next run replaces.
"""

from __future__ import annotations

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
    for name in TABLES:
        tmp = staging / f"{name}.parquet"
        pq.write_table(result.tables[name], tmp, compression=COMPRESSION)
        _fsync(tmp)
        final = layout.part(name, result.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    staging.rmdir()
    checkpoint = {
        "shard": result.name,
        "digest": result.digest,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
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
