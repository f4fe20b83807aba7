"""Knowledge through the API: canonical events and their sources, the distinct filter,
corrections (and their refusals), actor and person profiles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from kfixtures import CTS, IS, KIRKUK, MOSUL_EAST, report

from rasd.api import create_app
from rasd.config import Settings
from rasd.knowledge.write import save_extraction
from rasd.records import Person
from rasd.store import SqlStore

BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."
ARREST = "CTS arrested Abu Bukhari, a so-called commander, in Kirkuk."
WHO = {"analyst": "rana", "reason": "hospital toll in the AFP wire"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = SqlStore(f"sqlite:///{tmp_path / 'api.sqlite'}")
    store.migrate()
    person = Person(name="Abu Bukhari", role="commander", actor_id=IS.id, status="arrested")
    reports = {
        "a": report(BOMB, fatalities=3, source="A"),
        "b": report(BOMB2, place=MOSUL_EAST, fatalities=3, source="B"),
        "arrest": report(ARREST, sub="Arrests", place=KIRKUK, actor1=CTS, actor2=IS, persons=(person,), when=date(2023, 9, 25)),
    }  # fmt: skip
    for doc, event in reports.values():
        save_extraction(store, doc, [event])
    with TestClient(create_app(Settings(auth="off"), store)) as c:
        yield c, {k: e.id for k, (_d, e) in reports.items()}
    store.close()


def test_api_knowledge_sources_and_distinct(client) -> None:  # type: ignore[no-untyped-def]
    c, ids = client
    items = c.get("/api/events").json()["items"]
    by_id = {i["id"]: i for i in items}
    assert by_id[ids["a"]]["cluster_id"] == by_id[ids["b"]]["cluster_id"]
    assert by_id[ids["a"]]["source_count"] == 2 and by_id[ids["arrest"]]["source_count"] == 1
    distinct = c.get("/api/events", params={"distinct": "true"}).json()
    assert distinct["total"] == 2 and len(distinct["items"]) == 2
    detail = c.get(f"/api/events/{ids['a']}").json()
    assert [s["event_id"] for s in detail["sources"]] == [ids["b"]]
    assert detail["sources"][0]["document"]["source"] == "B"


def test_api_knowledge_corrections_roundtrip(client) -> None:  # type: ignore[no-untyped-def]
    c, ids = client
    made = c.post(
        "/api/corrections",
        json={"action": "set_field", "target": ids["a"], "field": "fatalities", "value": 4, **WHO},
    )
    assert made.status_code == 201, made.text
    assert made.json()["in_force"] is True and made.json()["value"] == 4
    assert c.get(f"/api/events/{ids['a']}").json()["fatalities"] == 4
    assert c.get(f"/api/events/{ids['a']}").json()["corrections"][0]["analyst"] == "rana"
    undo = c.post(
        "/api/corrections", json={"action": "revert", "reverts": made.json()["id"], **WHO}
    )
    assert undo.status_code == 201
    assert c.get(f"/api/events/{ids['a']}").json()["fatalities"] == 3
    log = c.get("/api/corrections", params={"subject": ids["a"]}).json()
    assert [(x["action"], x["in_force"]) for x in log] == [("set_field", False), ("revert", True)]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"action": "set_field", "field": "colour", "value": "red"}, 400, "cannot be corrected"),
        ({"action": "merge_events", "other": "nope"}, 404, "event nope not found"),
        ({"action": "set_field", "field": "fatalities", "value": 4, "analyst": ""}, 422, "analyst"),
        ({"action": "launch"}, 422, "action"),
    ],
)
def test_api_knowledge_bad_corrections(client, body, status, words) -> None:  # type: ignore[no-untyped-def]
    c, ids = client
    sent = {"target": ids["a"], **WHO, **body}
    answer = c.post("/api/corrections", json=sent)
    assert answer.status_code == status, answer.text
    assert words in answer.text
    assert c.get("/api/corrections").json() == []


def test_api_knowledge_profiles(client) -> None:  # type: ignore[no-untyped-def]
    c, _ids = client
    actor = c.get(f"/api/actors/{IS.id}").json()
    assert actor["event_count"] == 1 and actor["persons"][0]["roles"] == ["commander"]
    assert c.get("/api/actors/no-such-actor").status_code == 404
    people = c.get("/api/persons", params={"q": "bukh"}).json()
    assert [p["name"] for p in people] == ["Abu Bukhari"]
    person = c.get(f"/api/persons/{people[0]['id']}").json()
    assert person["events"][0]["status"] == "arrested"
    assert c.get("/api/persons/p-missing").status_code == 404
    listed = c.get("/api/events", params={"person": "Bukhari"}).json()["items"]
    assert listed[0]["persons"][0]["person_id"] == people[0]["id"]
