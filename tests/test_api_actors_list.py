"""GET /api/actors: actors by the number of events they take part in (any role)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_seed import seeded_client
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with seeded_client(tmp_path_factory.mktemp("actors")) as c:
        yield c


def test_api_actors_list_by_count(client: TestClient) -> None:
    body = client.get("/api/actors").json()
    assert [(a["id"], a["event_count"]) for a in body] == [
        ("isis", 5),
        ("iq-army", 5),
        ("iq-civilians", 1),
        ("iq-peshmerga", 1),
    ]
    assert body[1] == {
        "id": "iq-army",
        "name": "Military Forces of Iraq",
        "actor_type": 1,
        "country": "Iraq",
        "event_count": 5,
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kurdistan", ["iq-peshmerga"]),
        ("isis", ["isis"]),
        ("IRAQ", ["isis", "iq-army", "iq-civilians"]),
        ("zzz", []),
    ],
)
def test_api_actors_list_search(client: TestClient, q: str, expected: list[str]) -> None:
    assert [a["id"] for a in client.get("/api/actors", params={"q": q}).json()] == expected


def test_api_actors_list_limit(client: TestClient) -> None:
    assert [a["id"] for a in client.get("/api/actors", params={"limit": 1}).json()] == ["isis"]
