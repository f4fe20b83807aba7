"""rasd.ingest: every bad input gives an IngestProblem naming the file (and line) and the fix."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rasd.config import InputConfig
from rasd.ingest import read_path, read_paths, read_stdin_text
from rasd.records import Document, IngestProblem

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
REPORT = "Security forces arrested a suspected militant commander in Kirkuk on Monday."


def problem(path: Path, config: InputConfig | None = None) -> IngestProblem:
    records = list(read_path(path, config or InputConfig()))
    assert len(records) == 1, records
    [record] = records
    assert isinstance(record, IngestProblem), record
    assert record.source == str(path)
    assert record.fix
    return record


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_ingest_problem_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert problem(path).message == "is empty"


def test_ingest_problem_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in problem(path).message


def test_ingest_problem_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes(("Caf\u00e9 owners in Erbil said \u201cno\u201d. " + REPORT).encode("cp1252"))
    found = problem(path)
    assert "not UTF-8" in found.message and "Windows-1252" in found.message
    assert "iconv -f WINDOWS-1252 -t UTF-8" in found.fix


def test_ingest_problem_undecodable_not_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(REPORT.encode() + b" \x81\x8d\x8f\x90\x9d")  # undefined in cp1252
    found = problem(path)
    assert "not UTF-8" in found.message and "iconv" in found.fix


def test_ingest_problem_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(REPORT.encode("utf-16"))
    found = problem(path)
    assert "UTF-16" in found.message and "iconv -f UTF-16" in found.fix


def test_ingest_problem_html_without_text() -> None:
    found = problem(FIXTURES / "empty_article.html")
    assert "no extractable article text" in found.message


def test_ingest_problem_file_too_large_rejected_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # a sparse 50 MB file: no memory or disk used
        fh.truncate(50 * 1024 * 1024)

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    found = problem(path, InputConfig(max_file_mb=10))
    assert "50.0 MB" in found.message and "10 MB limit" in found.message
    assert "max_file_mb" in found.fix


def test_ingest_problem_gzip_bomb_limited(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * (3 * 1024 * 1024)))
    found = problem(path, InputConfig(max_file_mb=1))
    assert "expands past the 1 MB limit when decompressed" in found.message
    assert "KB compressed" in found.message


def test_ingest_problem_bad_gzip(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(b"not gzip at all")
    assert "not a valid gzip file" in problem(path).message


@pytest.mark.parametrize("line", ["date 27/09/2023", "date: 2023-13-45", " date 2023-9-27 Text"])
def test_ingest_problem_malformed_date_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "r.txt"
    path.write_text(f"{line}\n{REPORT}\n", "utf-8")
    found = problem(path)
    assert "unreadable date" in found.message
    assert found.line == 1
    assert "date YYYY-MM-DD" in found.fix


def test_ingest_problem_too_short(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("date 2023-09-27\nShort.", "utf-8")
    found = problem(path, InputConfig(min_chars=20))
    assert "only 6 characters" in found.message and "min_chars" in found.fix


def test_ingest_problem_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.txt"
    path.write_text("date 2023-09-27\ntitle: Nothing else\n", "utf-8")
    assert problem(path).message == "has no report text"


def test_ingest_problem_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    found = problem(path)
    assert found.message == "unsupported file type .pdf"
    assert found.fix == "convert it to .txt, .html or .jsonl (UTF-8)"


def test_ingest_problem_missing_path(tmp_path: Path) -> None:
    assert "does not exist" in problem(tmp_path / "missing.txt").message


def test_ingest_batch_goes_on_after_problems(tmp_path: Path) -> None:
    (tmp_path / "1_empty.txt").write_bytes(b"")
    (tmp_path / "2_binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "3_good.txt").write_text(REPORT, "utf-8")
    kinds = [type(r).__name__ for r in read_paths([tmp_path])]
    assert kinds == ["IngestProblem", "IngestProblem", "Document"]


def test_ingest_problem_stdin_empty_and_too_large() -> None:
    [empty] = read_stdin_text("  \n")
    assert isinstance(empty, IngestProblem) and empty.message == "is empty"
    [large] = read_stdin_text("x" * 2_000_000, InputConfig(max_file_mb=1))
    assert isinstance(large, IngestProblem) and "limit" in large.message
    [doc] = read_stdin_text(REPORT)
    assert isinstance(doc, Document)
