"""Issue 12 (11): a NUL character in a report's fields is a problem for that record, named,
before it reaches a database that cannot hold it; the rest of the file goes in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasd.ingest import IngestProblem, read_paths
from rasd.records import Document


@pytest.mark.parametrize("field", ["title", "url", "source"])
def test_ingest_nul_in_a_field_is_a_problem_for_that_line(tmp_path: Path, field: str) -> None:
    lines = [
        {"text": "Gunmen killed two shepherds near Kirkuk on Monday, police said.", field: "a\u0000b"},
        {"text": "Protesters gathered in Basra on Tuesday to demand electricity and jobs."},
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    out = list(read_paths([path]))
    problems = [r for r in out if isinstance(r, IngestProblem)]
    documents = [r for r in out if isinstance(r, Document)]
    assert [(p.line, p.message) for p in problems] == [(1, f"has a NUL character in {field}")]
    assert "\\u0000" in problems[0].fix
    assert [d.text[:10] for d in documents] == ["Protesters"]
