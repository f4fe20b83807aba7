"""The knowledge commands end to end: correct (and its log), dedup, profile, persons, reprocess."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from kfixtures import CTS, IS, KIRKUK, MOSUL_EAST, report
from typer.testing import CliRunner

from rasd.cli import app
from rasd.exceptions import RasdError, describe
from rasd.knowledge.write import save_extraction
from rasd.records import Person
from rasd.store import SqlStore

BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("RASD_DATABASE_URL", url)
    store = SqlStore(url)
    store.migrate()
    person = Person(name="Abu Bukhari", role="commander", actor_id=IS.id, status="arrested")
    a = report(BOMB, fatalities=3, source="A")
    b = report(BOMB2, place=MOSUL_EAST, fatalities=3, source="B")
    c = report(
        "CTS arrested Abu Bukhari in Kirkuk.",
        sub="Arrests",
        place=KIRKUK,
        actor1=CTS,
        actor2=IS,
        persons=(person,),
        when=date(2023, 9, 25),
    )
    for doc, event in (a, b, c):
        save_extraction(store, doc, [event])
    store.close()
    return {"a": a[1].id, "b": b[1].id, "arrest": c[1].id}


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _fail(*args: str) -> str:
    """The message `rasd` prints (exit status 2) for a command that fails."""
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, RasdError), result.output
    return describe(result.exception)


WHO = ("--by", "rana", "--why", "hospital toll")


def test_cli_knowledge_correct_set_log_and_revert(stored: dict[str, str]) -> None:
    assert "correction #1 recorded" in _run("correct", "set", stored["a"], "fatalities", "4", *WHO)
    shown = json.loads(_run("events", "--format", "json"))
    assert [e["fatalities"] for e in shown if e["event_id"] == stored["a"]] == [4]
    _run("correct", "revert", "1", *WHO)
    lines = [json.loads(x) for x in _run("correct", "log", "--json").splitlines()]
    assert [(c["id"], c["action"], c["analyst"]) for c in lines] == [
        (1, "set_field", "rana"),
        (2, "revert", "rana"),
    ]
    assert "no" in _run("correct", "log")  # #1 is no longer in force


def test_cli_knowledge_bad_correction_names_input_and_fix(stored: dict[str, str]) -> None:
    out = _fail("correct", "set", stored["a"], "colour", "red", *WHO)
    assert "field 'colour'" in out and "fix:" in out
    out = _fail("correct", "set", stored["a"], "actor1", "no-such-actor", *WHO)
    assert "no-such-actor" in out and "fix:" in out


def test_cli_knowledge_split_then_dedup_respects_it(stored: dict[str, str]) -> None:
    _run("correct", "split-events", stored["a"], stored["b"], *WHO)
    out = _run("dedup")
    assert "3 events" in out and "3 canonical events" in out


def test_cli_knowledge_profile_and_persons(stored: dict[str, str]) -> None:
    profile = json.loads(_run("profile", "actor", IS.id))
    assert profile["event_count"] == 1 and profile["persons"][0]["name"] == "Abu Bukhari"
    listed = _run("persons", "bukhari")
    person_id = next(w for w in listed.split() if w.startswith("p-"))
    person = json.loads(_run("profile", "person", person_id))
    assert person["roles"][0]["role"] == "commander"
    assert "is not actor or person" in _fail("profile", "group", "x")
    assert "not in the store" in _fail("profile", "person", "p-missing")


@pytest.mark.slow
def test_cli_knowledge_reprocess_keeps_corrections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite'}")
    path = tmp_path / "r.txt"
    path.write_text(
        "date 2024-03-13\n\nKIRKUK, Iraq — Security forces arrested three suspected Islamic State "
        "members in the city of Kirkuk on Monday, police said. (Invented for testing.)\n",
        "utf-8",
    )
    _run("ingest", str(path))
    event = json.loads(_run("events", "--format", "json"))[0]
    _run("correct", "set", event["event_id"], "fatalities", "2", *WHO)
    out = _run("reprocess", "--json")
    report_json = json.loads(out)
    assert (
        report_json["documents"] == 1
        and report_json["changed"] == []
        and report_json["added"] == []
    )
    assert json.loads(_run("events", "--format", "json"))[0]["fatalities"] == 2
    assert "0 events added" in _run("reprocess", "--since", "2024-03-01")
