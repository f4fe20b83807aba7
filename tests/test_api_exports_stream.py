"""GET /api/exports/{fmt}: valid ACLED CSV, GeoJSON and JSONL, filtered, streamed."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from typing import IO

import pytest
from api_seed import EVENTS, NAMES, OTHER_EVENT, seeded_client
from fastapi.testclient import TestClient

from rasd.api.streaming import stream_writer
from rasd.export import ACLED_COLUMNS, event_from_json

ALL = set(EVENTS) | {"other"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with seeded_client(tmp_path_factory.mktemp("exports")) as c:
        yield c


def test_api_exports_stream_acled_csv(client: TestClient) -> None:
    response = client.get("/api/exports/acled-csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="rasd-events.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert {NAMES[r["event_id"]] for r in rows} == ALL
    assert [r["event_date"] for r in rows][:2] == ["2022-01-01", "2023-08-01"]  # oldest first
    kirkuk = next(r for r in rows if r["event_id"] == EVENTS["kirkuk_arrest"].id)
    assert (kirkuk["admin1"], kirkuk["latitude"], kirkuk["actor1"]) == (
        "Kirkuk",
        "35.4681",
        "Military Forces of Iraq",
    )


def test_api_exports_stream_geojson(client: TestClient) -> None:
    response = client.get("/api/exports/geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    # Events without coordinates (undated's place has none) are left out.
    assert {NAMES[f["id"]] for f in body["features"]} == ALL - {"undated"}
    ramadi = next(f for f in body["features"] if f["id"] == EVENTS["ramadi_ied"].id)
    assert ramadi["geometry"] == {"type": "Point", "coordinates": [43.30778, 33.42056]}


def test_api_exports_stream_jsonl_round_trips(client: TestClient) -> None:
    response = client.get("/api/exports/jsonl")
    assert response.headers["content-disposition"].endswith('filename="rasd-events.jsonl"')
    lines = response.text.splitlines()
    restored = {e.id: e for e in (event_from_json(json.loads(line)) for line in lines)}
    assert set(restored) == {e.id for e in EVENTS.values()} | {OTHER_EVENT.id}
    original = EVENTS["kirkuk_arrest"]
    assert restored[original.id].model_copy(update={"created_at": None}) == original


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"admin1": "Anbar"}, {"ramadi_ied", "rutba_clash", "undated"}),
        ({"event_type": "Battles"}, {"rutba_clash"}),
        ({"since": "2030-01-01"}, set()),
    ],
)
def test_api_exports_stream_filtered(
    client: TestClient, params: dict[str, str], expected: set[str]
) -> None:
    text = client.get("/api/exports/acled-csv", params=params).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {NAMES[r["event_id"]] for r in rows} == expected
    assert text.startswith("event_id,")  # the header even when nothing matches


def test_api_exports_stream_writer_chunks_and_errors() -> None:
    def write(fh: IO[str]) -> None:
        for i in range(1000):
            fh.write(f"line {i}\n")

    chunks = list(stream_writer(write, chunk_size=100, depth=2))
    assert len(chunks) > 10
    assert b"".join(chunks).decode() == "".join(f"line {i}\n" for i in range(1000))

    def broken(fh: IO[str]) -> None:
        fh.write("start")
        raise ValueError("the store went away")

    with pytest.raises(ValueError, match="store went away"):
        list(stream_writer(broken))


def test_api_exports_stream_writer_stops_when_client_leaves() -> None:
    written = []
    finished = threading.Event()

    def endless(fh: IO[str]) -> None:
        try:
            while True:
                fh.write("x" * 50)
                written.append(1)
        finally:
            finished.set()

    chunks = stream_writer(endless, chunk_size=100, depth=2)
    next(chunks)
    chunks.close()  # what the server does when the client disconnects
    assert finished.wait(5), "the writer thread did not stop"
    count = len(written)
    time.sleep(0.2)
    assert len(written) == count
    assert count < 100  # bounded: the writer waited for the consumer
