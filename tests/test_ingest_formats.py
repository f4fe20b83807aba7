"""rasd.ingest: reading .txt (with header), .html, .jsonl, directories, gzip and stdin."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from rasd.config import InputConfig
from rasd.ingest import file_format, read_path, read_paths, read_stdin_text
from rasd.pipeline.normalise import normalise_text
from rasd.records import Document, IngestProblem, content_id

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def one(path: Path, config: InputConfig | None = None) -> Document | IngestProblem:
    records = list(read_path(path, config or InputConfig()))
    assert len(records) == 1, records
    return records[0]


def test_ingest_txt_header_lines() -> None:
    doc = one(FIXTURES / "headers.txt")
    assert isinstance(doc, Document)
    assert doc.published_at == date(2023, 9, 27)
    assert doc.title == "Arrests in Kirkuk and Anbar"
    assert doc.url == "https://example.org/news/arrests-kirkuk"
    assert doc.source == "Example News Agency"
    assert doc.text.startswith("On Monday, security forces")
    assert "title:" not in doc.text and "date" not in doc.text.split("\n")[0]


def test_ingest_txt_date_line_with_text_on_same_line() -> None:
    doc = one(FIXTURES / "same_line_date.txt")
    assert isinstance(doc, Document)
    assert doc.published_at == date(2023, 9, 27)
    assert doc.text.startswith("These operations come after weeks")
    assert doc.source.endswith("same_line_date.txt")


def test_ingest_seed_report(seed_path: Path) -> None:
    doc = one(seed_path)
    assert isinstance(doc, Document)
    assert doc.published_at == date(2023, 9, 27)
    assert doc.text.startswith("These operations come in light of")
    assert "“lone wolves.”" in doc.text  # curly quotes kept


def test_ingest_txt_without_date_is_allowed() -> None:
    doc = one(FIXTURES / "no_date.txt")
    assert isinstance(doc, Document)
    assert doc.published_at is None


def test_ingest_id_is_content_hash_of_normalised_text() -> None:
    doc = one(FIXTURES / "headers.txt")
    assert isinstance(doc, Document)
    assert doc.id == content_id(doc.text)
    assert normalise_text(doc.text) == doc.text


def test_ingest_same_text_different_line_endings_same_id(tmp_path: Path) -> None:
    body = "Gunmen attacked a checkpoint near Tikrit on Sunday.\nTwo soldiers died."
    (tmp_path / "unix.txt").write_bytes(body.encode())
    (tmp_path / "dos.txt").write_bytes(("\ufeff" + body.replace("\n", "\r\n")).encode())
    a, b = one(tmp_path / "unix.txt"), one(tmp_path / "dos.txt")
    assert isinstance(a, Document) and isinstance(b, Document)
    assert a.id == b.id


def test_ingest_html_text_title_date_url() -> None:
    doc = one(FIXTURES / "article.html")
    assert isinstance(doc, Document)
    assert "Gunmen attacked an army checkpoint near Tikrit" in doc.text
    assert "Copyright" not in doc.text and "Home" not in doc.text
    assert doc.title == "Checkpoint attacked near Tikrit"
    assert doc.published_at == date(2023, 9, 24)
    assert doc.url == "https://example.org/news/checkpoint-tikrit"


def test_ingest_jsonl_good_and_bad_lines() -> None:
    path = FIXTURES / "reports.jsonl"
    records = list(read_path(path, InputConfig()))
    docs = [r for r in records if isinstance(r, Document)]
    problems = [r for r in records if isinstance(r, IngestProblem)]
    assert len(docs) == 3
    assert {p.line for p in problems} == {3, 4, 5}
    assert all(p.source == str(path) for p in problems)
    first = docs[0]
    assert (first.source, first.url, first.title) == (
        "Example Wire",
        "https://example.org/a",
        "Bomb near Baqubah",
    )
    assert first.published_at == date(2023, 9, 27)
    assert docs[1].published_at == date(2023, 9, 28)  # ISO date-time
    assert docs[1].source == f"{path}:2"
    assert docs[2].published_at is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"text": "x"}', "fewer than the minimum"),
        ('{"text": ""}', 'no "text" field'),
        ('{"text": 5}', 'no "text" field'),
        ('["text"]', "not an object"),
        ('{"text": "A long enough report text here.", "url": 3}', 'non-string "url"'),
        ('{"text": "A long enough report text here.", "date": "yesterday"}', 'unreadable "date"'),
        ('{"text": "A long enough report text', "not valid JSON"),
    ],
)
def test_ingest_jsonl_line_problem(tmp_path: Path, line: str, expected: str) -> None:
    good = json.dumps({"text": "Police arrested two suspects in Basra on Friday."})
    path = tmp_path / "r.jsonl"
    path.write_text(f"{good}\n\n{line}\n{good}\n", "utf-8")
    records = list(read_path(path, InputConfig()))
    assert [type(r).__name__ for r in records] == ["Document", "IngestProblem", "Document"]
    problem = records[1]
    assert isinstance(problem, IngestProblem)
    assert problem.line == 3 and expected in problem.message and problem.fix


def test_ingest_directory_recursive_sorted_skips_hidden(tmp_path: Path) -> None:
    body = "Security forces arrested a suspect in Kirkuk on Monday."
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("date 2023-09-27\n" + body + " Two.", "utf-8")
    (tmp_path / "a.txt").write_text(body + " One.", "utf-8")
    (tmp_path / ".hidden.txt").write_text(body, "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(body, "utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "README.md").write_text("not a report", "utf-8")
    records = list(read_path(tmp_path, InputConfig()))
    # unsupported files inside a directory are not reports: skipped without a problem
    assert [Path(r.source).name for r in records] == ["a.txt", "2.txt"]
    assert all(isinstance(r, Document) for r in records)


def test_ingest_directory_without_reports_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    (problem,) = list(read_path(tmp_path, InputConfig()))
    assert isinstance(problem, IngestProblem) and "no .txt" in problem.message


def test_ingest_unsupported_file_named_explicitly_is_a_problem(tmp_path: Path) -> None:
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    (problem,) = list(read_path(pdf, InputConfig()))
    assert isinstance(problem, IngestProblem) and ".pdf" in problem.message + problem.fix


def test_ingest_read_paths_mixes_files_and_missing(tmp_path: Path) -> None:
    records = list(read_paths([FIXTURES / "no_date.txt", str(tmp_path / "nope.txt")]))
    assert isinstance(records[0], Document)
    assert isinstance(records[1], IngestProblem) and "does not exist" in records[1].message


@pytest.mark.parametrize("name", ["r.txt.gz", "r.jsonl.gz"])
def test_ingest_gzip(tmp_path: Path, name: str) -> None:
    body = "Militants shelled a village in Diyala province, killing a farmer."
    payload = json.dumps({"text": body}) if "jsonl" in name else body
    path = tmp_path / name
    path.write_bytes(gzip.compress(payload.encode()))
    doc = one(path)
    assert isinstance(doc, Document) and doc.text == body


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.TXT", ("txt", False)),
        ("a.htm", ("html", False)),
        ("a.jsonl.gz", ("jsonl", True)),
        ("a.tar.gz", (None, True)),
        ("a.docx", (None, False)),
        ("README", (None, False)),
    ],
)
def test_ingest_file_format(name: str, expected: tuple[str | None, bool]) -> None:
    assert file_format(Path(name)) == expected


def test_ingest_stdin_text_and_jsonl() -> None:
    [doc] = read_stdin_text("date 2023-09-27\nOn Monday, police arrested two men in Mosul.")
    assert isinstance(doc, Document) and doc.published_at == date(2023, 9, 27)
    assert doc.source == "<stdin>"
    lines = '{"text": "Police arrested two men in Mosul on Monday."}\n{"nope": 1}\n'
    records = list(read_stdin_text(lines, fmt="jsonl"))
    assert isinstance(records[0], Document) and isinstance(records[1], IngestProblem)
    assert records[1].line == 2


def test_ingest_stdin_published_at_option_wins() -> None:
    text = "date 2023-09-27\nOn Monday, police arrested two men in Mosul."
    [doc] = read_stdin_text(text, published_at=date(2023, 9, 30))
    [plain] = read_stdin_text(text)
    assert isinstance(doc, Document) and isinstance(plain, Document)
    assert doc.published_at == date(2023, 9, 30) and doc.id == plain.id
