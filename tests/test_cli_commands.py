"""The command line end to end: extract, ingest (idempotent), events filters, export, doctor."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasd.cli import app

pytestmark = pytest.mark.slow
ACLED_KEYS = {
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "notes",
}
REPORT = (
    "date 2024-03-13\n\nKIRKUK, Iraq — Security forces arrested three suspected Islamic State "
    "members in the city of Kirkuk on Monday, police said. (Invented for testing.)\n"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    (tmp_path / "r.txt").write_text(REPORT, "utf-8")
    return tmp_path


def _run(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_commands_extract_json_uses_acled_keys(env: Path) -> None:
    events = json.loads(_run("extract", str(env / "r.txt"), "--format", "json"))
    assert len(events) == 1
    assert ACLED_KEYS | {"evidence", "persons"} <= set(events[0])
    assert events[0]["sub_event_type"] == "Arrests" and events[0]["event_date"] == "2024-03-11"


def test_cli_commands_extract_stdin(env: Path) -> None:
    out = _run(
        "extract",
        "-",
        "--format",
        "jsonl",
        "--published",
        "2024-03-13",
        input=REPORT.split("\n", 1)[1],
    )
    assert json.loads(out.splitlines()[0])["admin1"] == "Kirkuk"


def test_cli_commands_ingest_is_idempotent_and_queryable(env: Path) -> None:
    first = _run("ingest", str(env / "r.txt"))
    assert "1 events added" in first
    again = _run("ingest", str(env / "r.txt"))
    assert "0 events added, 1 unchanged" in again
    assert json.loads(_run("events", "--admin1", "Kirkuk", "--format", "json"))
    assert json.loads(_run("events", "--admin1", "Anbar", "--format", "json")) == []
    assert json.loads(_run("events", "--near", "35.47,44.39,30", "--format", "json"))
    assert json.loads(_run("events", "--since", "2024-03-12", "--format", "json")) == []


@pytest.mark.parametrize("fmt", ["acled-csv", "geojson", "jsonl"])
def test_cli_commands_export_formats(env: Path, fmt: str) -> None:
    _run("ingest", str(env / "r.txt"))
    out = _run("export", "--format", fmt)
    if fmt == "acled-csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and set(rows[0]) >= ACLED_KEYS
    elif fmt == "geojson":
        assert json.loads(out)["features"][0]["geometry"]["type"] == "Point"
    else:
        assert json.loads(out.splitlines()[0])["sub_event_type"] == "Arrests"


def test_cli_commands_bad_option_names_input(env: Path) -> None:
    result = CliRunner().invoke(app, ["events", "--since", "yesterday"])
    assert result.exit_code != 0
    assert "--since" in str(result.exception) or "--since" in result.output


def test_cli_commands_doctor_reports_all_checks(env: Path) -> None:
    out = _run("doctor")
    for name in ("spaCy model", "gazetteer", "actor knowledge base", "learned coder", "database"):
        assert f"ok  {name}" in out
