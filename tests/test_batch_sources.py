"""Streaming batch inputs: JSONL (plain and gzipped), Parquet, directories."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rasd.batch.sources import count_records, iter_records, read_jsonl, read_parquet
from rasd.ingest import read_path
from rasd.records import Document, IngestProblem

TEXT = "Gunmen attacked a checkpoint in Tikrit on Monday, killing two soldiers. "


def _lines() -> list[str]:
    return [
        json.dumps({"text": TEXT + "One.", "published_at": "2023-09-27", "title": "a"}),
        "",
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": TEXT + "Two.", "date": "2023-09-28"}),
    ]


def _write_jsonl(path: Path, gz: bool) -> Path:
    data = ("\n".join(_lines()) + "\n").encode("utf-8")
    if gz:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_batch_sources_jsonl_streams_and_reports_bad_lines(tmp_path: Path, gz: bool) -> None:
    path = _write_jsonl(tmp_path / ("feed.jsonl.gz" if gz else "feed.jsonl"), gz)
    records = list(read_jsonl(path))
    kinds = [type(r).__name__ for r in records]
    assert kinds == ["Document", "IngestProblem", "IngestProblem", "Document"]
    problems = [r for r in records if isinstance(r, IngestProblem)]
    assert [p.line for p in problems] == [3, 4]
    docs = [r for r in records if isinstance(r, Document)]
    assert docs[0].published_at == date(2023, 9, 27)
    assert docs[1].source == f"{path}:5"


def test_batch_sources_jsonl_same_records_as_ingest(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", gz=False)
    assert list(read_jsonl(path)) == list(read_path(path))


def test_batch_sources_truncated_gzip_keeps_lines_before(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"{TEXT} Report {i} {hash((i, 'x'))}."}) for i in range(5000)]
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = list(read_jsonl(path))
    assert any(isinstance(r, Document) for r in records)
    assert isinstance(records[-1], IngestProblem)
    assert "cannot be read past this point" in records[-1].message


def _write_parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize(
    "published",
    [
        pa.array([date(2023, 9, 27), None, date(2023, 9, 29)], pa.date32()),
        pa.array(["2023-09-27", None, "2023-09-29"]),
    ],
)
def test_batch_sources_parquet_rows(tmp_path: Path, published: pa.Array) -> None:
    table = pa.table(
        {
            "text": [TEXT + "A.", "short", TEXT + "C."],
            "published_at": published,
            "url": ["https://example.org/a", None, None],
            "ignored": [1, 2, 3],
        }
    )
    path = _write_parquet(tmp_path / "in.parquet", table)
    records = list(read_parquet(path))
    assert [type(r).__name__ for r in records] == ["Document", "IngestProblem", "Document"]
    first = records[0]
    assert isinstance(first, Document)
    assert first.published_at == date(2023, 9, 27)
    assert first.url == "https://example.org/a"
    assert records[1].line == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not parquet at all", "not a readable Parquet"), (None, 'no "text" column')],
)
def test_batch_sources_parquet_problems(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.parquet"
    if content is None:
        _write_parquet(path, pa.table({"body": ["x" * 40]}))
    else:
        path.write_bytes(content)
    (record,) = list(read_parquet(path))
    assert isinstance(record, IngestProblem)
    assert message in record.message


def test_batch_sources_directory_order_and_count(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text("date 2023-09-27\n" + TEXT, "utf-8")
    _write_jsonl(root / "b" / "feed.jsonl.gz", gz=True)
    _write_parquet(root / "b" / "rows.parquet", pa.table({"text": [TEXT + "P1.", TEXT + "P2."]}))
    (root / ".hidden.txt").write_text(TEXT, "utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF")
    records = list(iter_records([root, tmp_path / "missing.jsonl"]))
    sources = [r.source.split("/")[-1] for r in records]
    assert sources[:2] == ["a.txt", "notes.pdf"]  # files of a folder before its sub-folders
    assert isinstance(records[1], IngestProblem)
    assert sources[-3:-1] == ["rows.parquet:1", "rows.parquet:2"]
    assert isinstance(records[-1], IngestProblem)  # missing path
    assert count_records([root, tmp_path / "missing.jsonl"]) == len(records)
    assert sum(isinstance(r, Document) for r in records) == 5
