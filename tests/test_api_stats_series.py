"""GET /api/stats: counts per day/week/month by event type, admin1 or actor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_seed import seeded_client
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with seeded_client(tmp_path_factory.mktemp("stats")) as c:
        yield c


def _series(body: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {s["key"]: {p["period"]: p["count"] for p in s["points"]} for s in body["series"]}


def test_api_stats_series_month_by_event_type(client: TestClient) -> None:
    body = client.get("/api/stats", params={"interval": "month"}).json()
    assert (body["interval"], body["by"], body["total"]) == ("month", "event_type", 6)
    assert [s["key"] for s in body["series"]] == [
        "Explosions/Remote violence",
        "Strategic developments",
        "Battles",
    ]
    assert _series(body) == {
        "Explosions/Remote violence": {"2023-09-01": 1, "2023-10-01": 1},
        "Strategic developments": {"2022-01-01": 1, "2023-09-01": 1},
        "Battles": {"2023-08-01": 1},
    }


def test_api_stats_series_week_starts_monday(client: TestClient) -> None:
    body = client.get("/api/stats", params={"interval": "week"}).json()
    periods = {p for s in _series(body).values() for p in s}
    # 2023-09-20 is a Wednesday, 2023-08-01 a Tuesday, 2022-01-01 a Saturday.
    assert periods == {"2023-09-18", "2023-09-25", "2023-10-02", "2023-07-31", "2021-12-27"}


def test_api_stats_series_day_by_admin1(client: TestClient) -> None:
    body = client.get("/api/stats", params={"by": "admin1"}).json()
    assert _series(body) == {
        "Kirkuk": {"2022-01-01": 1, "2023-09-25": 1},
        "Anbar": {"2023-08-01": 1, "2023-09-20": 1},
        "Ar-Raqqah": {"2023-10-02": 1},
    }


def test_api_stats_series_by_actor_any_role(client: TestClient) -> None:
    body = client.get("/api/stats", params={"by": "actor", "interval": "month"}).json()
    totals = {k: sum(v.values()) for k, v in _series(body).items()}
    assert totals == {
        "Islamic State (Iraq)": 4,
        "Military Forces of Iraq": 4,
        "Civilians (Iraq)": 1,
        "Peshmerga (Kurdistan Region)": 1,
    }
    assert body["series"][0]["key"] == "Islamic State (Iraq)"  # ties by name


@pytest.mark.parametrize(
    ("params", "total", "keys"),
    [
        ({"admin1": "Anbar"}, 3, {"Battles", "Explosions/Remote violence"}),
        ({"near": "33.43,43.30,50"}, 1, {"Explosions/Remote violence"}),
        ({"since": "2023-09-01", "event_type": "Explosions/Remote violence"}, 2, None),
        ({"admin1": "Nowhere"}, 0, set()),
    ],
)
def test_api_stats_series_filtered(
    client: TestClient, params: dict[str, Any], total: int, keys: set[str] | None
) -> None:
    body = client.get("/api/stats", params=params).json()
    assert body["total"] == total
    if keys is not None:
        assert set(_series(body)) == keys
