"""Invalid filters give 422 with an entry naming the parameter, on every filtered endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_seed import seeded_client
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # Read-only requests: one store for the module is enough.
    with seeded_client(tmp_path_factory.mktemp("invalid")) as c:
        yield c


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("since_not_a_date", {"since": "yesterday"}, "since"),
    ("since_impossible_date", {"since": "2023-02-30"}, "since"),
    ("until_wrong_format", {"until": "27/09/2023"}, "until"),
    ("until_iso_week", {"until": "2023-W01-1"}, "until"),
    ("since_after_until", {"since": "2023-10-01", "until": "2023-09-01"}, "since"),
    ("event_type_unknown", {"event_type": "Fights"}, "event_type"),
    ("event_type_is_a_sub_type", {"event_type": "Arrests"}, "event_type"),
    ("sub_event_type_unknown", {"sub_event_type": "Skirmish"}, "sub_event_type"),
    ("bbox_three_numbers", {"bbox": "1,2,3"}, "bbox"),
    ("bbox_not_numbers", {"bbox": "a,b,c,d"}, "bbox"),
    ("bbox_south_above_north", {"bbox": "34,40,33,44"}, "bbox"),
    ("bbox_out_of_range", {"bbox": "-95,0,10,10"}, "bbox"),
    ("bbox_nan", {"bbox": "nan,0,10,10"}, "bbox"),
    ("near_two_numbers", {"near": "33.4,43.3"}, "near"),
    ("near_negative_km", {"near": "33.4,43.3,-5"}, "near"),
    ("near_latitude_out_of_range", {"near": "91,43.3,5"}, "near"),
    ("near_infinite", {"near": "inf,0,5"}, "near"),
]


@pytest.mark.parametrize("path", ["/api/events", "/api/stats", "/api/places", "/api/exports/jsonl"])
@pytest.mark.parametrize(("name", "params", "param"), BAD, ids=[b[0] for b in BAD])
def test_api_filters_invalid_named(
    client: TestClient, path: str, name: str, params: dict[str, Any], param: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [e["loc"] for e in detail] == [["query", param]]
    assert detail[0]["msg"]


def test_api_filters_invalid_all_reported_at_once(client: TestClient) -> None:
    params = {"since": "x", "bbox": "1", "near": "y", "event_type": "Nope"}
    detail = client.get("/api/events", params=params).json()["detail"]
    assert {e["loc"][1] for e in detail} == {"since", "bbox", "near", "event_type"}


def test_api_filters_invalid_message_gives_fix(client: TestClient) -> None:
    (error,) = client.get("/api/events", params={"since": "yesterday"}).json()["detail"]
    assert "YYYY-MM-DD" in error["msg"]
    (error,) = client.get("/api/events", params={"event_type": "Fights"}).json()["detail"]
    assert "Battles" in error["msg"]  # lists the valid values


PAGING: list[tuple[str, dict[str, Any], str]] = [
    ("limit_zero", {"limit": 0}, "limit"),
    ("limit_too_big", {"limit": 501}, "limit"),
    ("limit_not_a_number", {"limit": "ten"}, "limit"),
    ("order_unknown", {"order": "fatalities"}, "order"),
    ("cursor_garbage", {"cursor": "not-a-cursor!"}, "cursor"),
    ("cursor_base64_but_wrong", {"cursor": "aGVsbG8"}, "cursor"),
]


@pytest.mark.parametrize(("name", "params", "param"), PAGING, ids=[p[0] for p in PAGING])
def test_api_filters_invalid_paging(
    client: TestClient, name: str, params: dict[str, Any], param: str
) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", param]]


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/api/stats", {"interval": "year"}, "interval"),
        ("/api/stats", {"by": "country"}, "by"),
        ("/api/actors", {"limit": 0}, "limit"),
        ("/api/places", {"limit": 100_000}, "limit"),
    ],
)
def test_api_filters_invalid_other_params(
    client: TestClient, path: str, params: dict[str, Any], param: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", param]]


def test_api_filters_invalid_export_format(client: TestClient) -> None:
    response = client.get("/api/exports/xlsx")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "fmt"]
