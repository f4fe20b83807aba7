"""GET /api/events: every filter, order, limit and total, on hand-built events in SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_seed import EVENTS, names, seeded_client
from fastapi.testclient import TestClient

ALL = set(EVENTS) | {"other"}


@pytest.fixture
def client(tmp_path: Path, sql_url: str) -> Iterator[TestClient]:
    with seeded_client(tmp_path, url=sql_url) as c:
        yield c


CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    ("none", {}, ALL),
    ("since", {"since": "2023-09-25"}, {"kirkuk_arrest", "raqqa_strike"}),
    ("until", {"until": "2023-08-01"}, {"rutba_clash", "other"}),
    ("range", {"since": "2023-09-01", "until": "2023-09-30"}, {"kirkuk_arrest", "ramadi_ied"}),
    ("event_type", {"event_type": "Battles"}, {"rutba_clash"}),
    (
        "event_type_repeated",
        {"event_type": ["Battles", "Explosions/Remote violence"]},
        {"rutba_clash", "ramadi_ied", "raqqa_strike"},
    ),
    ("sub_event_type", {"sub_event_type": "Air/drone strike"}, {"raqqa_strike"}),
    ("actor_name_substring", {"actor": "peshmerga"}, {"rutba_clash"}),
    ("actor_id_exact", {"actor": "iq-civilians"}, {"ramadi_ied"}),
    ("person", {"person": "bukhari"}, {"kirkuk_arrest"}),
    ("country_name", {"country": "Syria"}, {"raqqa_strike"}),
    ("country_iso2", {"country": "sy"}, {"raqqa_strike"}),
    ("admin1", {"admin1": "anbar"}, {"ramadi_ied", "rutba_clash", "undated"}),
    ("admin2", {"admin2": "Al-Rutba"}, {"rutba_clash"}),
    ("bbox", {"bbox": "32.0,39.5,34.0,44.0"}, {"ramadi_ied", "rutba_clash"}),
    ("near", {"near": "33.43,43.30,50"}, {"ramadi_ied"}),
    ("q_notes", {"q": "DESERT"}, {"rutba_clash"}),
    ("q_location", {"q": "raqqa"}, {"raqqa_strike"}),
    ("q_actor_name", {"q": "Kurdistan"}, {"rutba_clash"}),
    ("q_evidence_sentence", {"q": "roadside bomb exploded"}, {"ramadi_ied"}),
    ("combined", {"country": "IQ", "since": "2023-09-01", "actor": "civilians"}, {"ramadi_ied"}),
    ("empty_values_ignored", {"admin1": "", "q": " ", "event_type": ""}, ALL),
    ("nothing_matches", {"admin1": "Nowhere"}, set()),
]


@pytest.mark.parametrize(("name", "params", "expected"), CASES, ids=[c[0] for c in CASES])
def test_api_events_list_filter(
    client: TestClient, name: str, params: dict[str, Any], expected: set[str]
) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(names(body["items"])) == expected
    assert body["total"] == len(expected)
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    ("order", "first", "last"),
    [("event_date", "other", "undated"), ("-event_date", "raqqa_strike", "undated")],
)
def test_api_events_list_order_undated_last(
    client: TestClient, order: str, first: str, last: str
) -> None:
    found = names(client.get("/api/events", params={"order": order}).json()["items"])
    assert (found[0], found[-1]) == (first, last)
    assert len(found) == len(ALL)


def test_api_events_list_limit_and_total(client: TestClient) -> None:
    body = client.get("/api/events", params={"limit": 2}).json()
    assert len(body["items"]) == 2
    assert body["total"] == len(ALL)
    assert body["next_cursor"]


def test_api_events_list_item_shape(client: TestClient) -> None:
    body = client.get("/api/events", params={"person": "Bukhari"}).json()
    (item,) = body["items"]
    event = EVENTS["kirkuk_arrest"]
    assert item["id"] == event.id
    assert item["event_date"] == "2023-09-25"
    assert item["actor1"] == {
        "id": "iq-army",
        "name": "Military Forces of Iraq",
        "actor_type": 1,
        "country": "Iraq",
    }
    assert item["place"]["admin1"] == "Kirkuk" and item["place"]["latitude"] == 35.46806
    assert item["persons"][0]["name"] == "Abu Bukhari"
    assert item["persons"][0]["person_id"] is None
    assert item["cluster_id"] == event.id and item["source_count"] == 1
    assert "evidence" not in item  # lists are light; the detail has the evidence
