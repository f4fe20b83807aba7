"""GET /api/places: places of the matching events with counts, most events first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_seed import seeded_client
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with seeded_client(tmp_path_factory.mktemp("places")) as c:
        yield c


def test_api_places_list_counts_and_order(client: TestClient) -> None:
    body = client.get("/api/places").json()
    assert [(p["name"], p["event_count"]) for p in body] == [
        ("Kirkuk", 2),
        ("Ramadi", 1),
        ("Raqqa", 1),
        ("Rutba", 1),
        ("Somewhere", 1),
    ]
    assert body[0] == {
        "name": "Kirkuk",
        "admin1": "Kirkuk",
        "country": "Iraq",
        "latitude": 35.46806,
        "longitude": 44.39222,
        "event_count": 2,
    }
    assert body[-1]["latitude"] is None  # a place without coordinates is still listed


def test_api_places_list_filtered(client: TestClient) -> None:
    names = [p["name"] for p in client.get("/api/places", params={"admin1": "Anbar"}).json()]
    assert names == ["Ramadi", "Rutba", "Somewhere"]
    near = client.get("/api/places", params={"near": "33.43,43.30,50"}).json()
    assert [p["name"] for p in near] == ["Ramadi"]
    since = client.get("/api/places", params={"since": "2023-01-01", "admin1": "Kirkuk"}).json()
    assert [(p["name"], p["event_count"]) for p in since] == [("Kirkuk", 1)]


def test_api_places_list_limit(client: TestClient) -> None:
    assert len(client.get("/api/places", params={"limit": 2}).json()) == 2
