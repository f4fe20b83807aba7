"""Streaming input for batch runs: JSONL (optionally gzipped), Parquet, directories,
and the single-report formats of :mod:`rasd.ingest`.

Nothing here holds a whole input in memory: JSONL is read line by line, at most
``max_file_mb`` + 1 byte of a line at a time (a longer line is a problem and is
skipped unread; a ``.jsonl.gz`` is decompressed as it is read), and Parquet row
group by row group.
Each JSONL line or Parquet row is validated exactly as ``rasd ingest`` validates
a JSONL line, so the two commands accept and reject the same records.

Parquet input needs a ``text`` column (string). Optional columns, as in JSONL:
``published_at`` (or ``date``; a date, timestamp or ISO string), ``url``,
``title``, ``source``, ``language``. Other columns are ignored.

The order of records is deterministic (paths in the order given, directories
sorted, hidden files skipped), which is what lets a killed batch resume: the
records are read again and cut into the same shards.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rasd.config import InputConfig
from rasd.ingest import (  # the JSONL line parser is shared with `rasd ingest`
    _Bad,
    _jsonl_line,
    decode,
    file_format,
    limit_bytes,
    read_path,
)
from rasd.records import Document, IngestProblem

Record = Document | IngestProblem

PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_COLUMNS = ("text", "published_at", "date", "url", "title", "source", "language")
_ROWS_PER_READ = 256


def iter_records(
    paths: Sequence[Path | str], config: InputConfig | None = None
) -> Iterator[Record]:
    """Every document (or problem) of the inputs, streamed, in a deterministic order."""
    config = config or InputConfig()
    for path in paths:
        for file in _files(Path(path)):
            yield from _read_any(file, config)


def count_records(paths: Sequence[Path | str]) -> int:
    """How many records :func:`iter_records` will yield (cheap: no parsing, no NLP).

    JSONL lines are counted (non-blank ones), Parquet rows come from the file
    metadata, every other file counts one. Used for the progress bar's ETA.
    """
    total = 0
    for path in paths:
        for file in _files(Path(path)):
            total += _count_file(file)
    return total


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def is_jsonl(path: Path) -> bool:
    fmt, _gz = file_format(path)
    return fmt == "jsonl"


# --------------------------------------------------------------------------- files


def _files(path: Path) -> Iterator[Path]:
    """The path itself, or every non-hidden file under a directory, sorted."""
    if not path.is_dir():
        yield path
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _read_any(path: Path, config: InputConfig) -> Iterator[Record]:
    if is_parquet(path) and path.is_file():
        yield from read_parquet(path, config)
    elif is_jsonl(path) and path.is_file():
        yield from read_jsonl(path, config)
    else:
        yield from read_path(path, config)


def _count_file(path: Path) -> int:
    try:
        if is_parquet(path) and path.is_file():
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        if is_jsonl(path) and path.is_file():
            with _open_binary(path) as fh:
                return sum(1 for line in fh if line.strip())
    except (OSError, EOFError, ValueError):
        return 1  # unreadable: it will be one problem record
    return 1


def _open_binary(path: Path) -> Any:
    fmt, gzipped = file_format(path)
    return gzip.open(path, "rb") if gzipped else path.open("rb")


# --------------------------------------------------------------------------- JSONL


def read_jsonl(path: Path, config: InputConfig | None = None) -> Iterator[Record]:
    """Stream a ``.jsonl`` / ``.jsonl.gz`` file; a bad line is a problem, the rest goes on."""
    config = config or InputConfig()
    source = str(path)
    number = 0
    try:
        with _open_binary(path) as fh:
            for number, raw in enumerate(_capped_lines(fh, limit_bytes(config)), start=1):  # noqa: B007
                if raw.strip():
                    yield _line_record(raw, number, source, config)
    except (OSError, EOFError) as exc:  # includes gzip.BadGzipFile and a truncated .gz
        yield _stream_problem(source, number, exc)


def _capped_lines(fh: Any, limit: int) -> Iterator[bytes]:
    """Each line, or its first ``limit`` + 1 bytes when it is longer (the rest is skipped)."""
    while line := fh.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def _line_record(raw: bytes, number: int, source: str, config: InputConfig) -> Record:
    limit = limit_bytes(config)
    try:
        if len(raw) > limit:
            raise _Bad(
                f"is larger than the {config.max_file_mb:g} MB limit",
                "shorten the report, or raise max_file_mb in the [input] table of the "
                "pipeline config",
                line=number,
            )
        try:
            text = decode(raw)
        except _Bad as bad:
            bad.line = number
            raise
        return _jsonl_line(text, number, source, config)
    except _Bad as bad:
        return bad.problem(source)


def _stream_problem(source: str, number: int, exc: BaseException) -> IngestProblem:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return IngestProblem(
        source=source,
        line=number + 1 if number else None,
        message=f"cannot be read past this point ({reason}); the lines before it were used",
        fix="check the file is complete (re-compress it with `gzip` if it is a .gz)",
    )


# --------------------------------------------------------------------------- Parquet


def read_parquet(path: Path, config: InputConfig | None = None) -> Iterator[Record]:
    """Stream a Parquet file row group by row group; rows are validated like JSONL lines."""
    import pyarrow.parquet as pq

    config = config or InputConfig()
    source = str(path)
    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        yield IngestProblem(
            source=source,
            message=f"is not a readable Parquet file ({exc})",
            fix="check it was written completely, e.g. with pyarrow or pandas `to_parquet`",
        )
        return
    columns = [c for c in PARQUET_COLUMNS if c in pfile.schema_arrow.names]
    if "text" not in columns:
        yield IngestProblem(
            source=source,
            message='has no "text" column',
            fix='add a string column "text" holding the report text',
        )
        return
    yield from _parquet_rows(pfile.iter_batches(_ROWS_PER_READ, columns=columns), source, config)


def _parquet_rows(batches: Iterable[Any], source: str, config: InputConfig) -> Iterator[Record]:
    number = 0
    for batch in batches:
        for row in batch.to_pylist():
            number += 1
            line = json.dumps(_jsonable(row), ensure_ascii=False)
            try:
                yield _jsonl_line(line, number, source, config)
            except _Bad as bad:
                yield bad.problem(source)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None:
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        out[key] = value
    return out
