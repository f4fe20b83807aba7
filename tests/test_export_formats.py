"""ACLED CSV, JSON, JSON Lines and GeoJSON exports: columns, codes, safety, streaming."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from strategies import ARMY, CIVILIANS, HOSTILE, ISIS, sample_document, sample_event

from rasd.exceptions import InputError
from rasd.export import (
    ACLED_COLUMNS,
    event_from_json,
    event_to_json,
    event_to_row,
    interaction,
    safe_cell,
    write_acled_csv,
    write_geojson,
    write_json,
    write_jsonl,
)
from rasd.records import Actor, Event, Place
from rasd.store import MemoryStore, SqlStore
from rasd.taxonomy import ActorType

DOC = sample_document()
REQUIRED = [
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]


def _csv(events: list[Event], **kwargs: object) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_acled_csv(events, out, **kwargs)  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_export_formats_acled_columns() -> None:
    assert set(REQUIRED) <= set(ACLED_COLUMNS)
    out = io.StringIO()
    write_acled_csv([], out)
    assert out.getvalue().strip().split(",") == list(ACLED_COLUMNS)


def test_export_formats_acled_row_values() -> None:
    event = sample_event(DOC, assoc_actor_1=(CIVILIANS, ISIS))
    row = event_to_row(event, DOC)
    assert row["event_date"] == "2023-09-25" and row["year"] == "2023"
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"]) == (
        "Military Forces of Iraq",
        "1",
        "Islamic State (Iraq)",
        "2",
    )
    assert row["assoc_actor_1"] == "Civilians (Iraq); Islamic State (Iraq)"
    assert row["interaction"] == "12" and row["iso"] == "368"
    assert (row["latitude"], row["longitude"]) == ("35.4681", "44.3922")
    assert (row["country"], row["admin1"], row["location"]) == ("Iraq", "Kirkuk", "Kirkuk")
    assert row["source"] == "INA" and row["disorder_type"] == "Strategic developments"
    assert row["time_precision"] == "1" and row["geo_precision"] == "1"
    assert row["fatalities"] == "0" and row["timestamp"] == ""


@pytest.mark.parametrize(
    ("a1", "a2", "expected"),
    [(1, 7, 17), (7, 1, 17), (2, 2, 22), (1, None, 10), (None, 6, 60), (None, None, None)],
)
def test_export_formats_interaction(a1: int | None, a2: int | None, expected: int | None) -> None:
    def actor(code: int | None) -> Actor | None:
        return (
            None
            if code is None
            else Actor(id=f"a{code}", name=f"A{code}", actor_type=ActorType(code))
        )

    assert interaction(sample_event(DOC, actor1=actor(a1), actor2=actor(a2))) == expected


@pytest.mark.parametrize(
    ("sub", "disorder"),
    [
        ("Armed clash", "Political violence"),
        ("Peaceful protest", "Demonstrations"),
        ("Violent demonstration", "Demonstrations"),
        ("Mob violence", "Political violence"),
        ("Excessive force against protesters", "Political violence; Demonstrations"),
        ("Arrests", "Strategic developments"),
    ],
)
def test_export_formats_disorder_type(sub: str, disorder: str) -> None:
    from rasd.taxonomy import SUB_EVENT_TYPES

    event = sample_event(DOC, sub_event_type=sub, event_type=SUB_EVENT_TYPES[sub])
    assert event_to_row(event)["disorder_type"] == disorder


def test_export_formats_civilian_targeting() -> None:
    assert (
        event_to_row(sample_event(DOC, actor2=CIVILIANS))["civilian_targeting"]
        == "Civilian targeting"
    )
    assert event_to_row(sample_event(DOC))["civilian_targeting"] == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =cmd", "'  =cmd"),
        ("\tTAB", "'\tTAB"),
        ("\r=x", "'\r=x"),
        ("a=b", "a=b"),
        ("Normal note.", "Normal note."),
        ("نص عربي", "نص عربي"),
        ("", ""),
    ],
)
def test_export_formats_formula_injection_neutralised(text: str, expected: str) -> None:
    assert safe_cell(text) == expected
    row = _csv(
        [sample_event(DOC, notes=text, actor1=ARMY.model_copy(update={"name": text or "x"}))]
    )[0]
    assert row["notes"] == expected


def test_export_formats_numbers_not_altered() -> None:
    place = Place(
        name="South", country="Chile", country_code="CL", latitude=-33.5, longitude=-70.25
    )
    row = _csv([sample_event(DOC, place=place)])[0]
    assert (row["latitude"], row["longitude"]) == ("-33.5000", "-70.2500")


@pytest.mark.parametrize(
    "text", [*HOSTILE, 'He said "stop", then left.\r\nNext line', "a,b;c|d", "x\x00y"]
)
def test_export_formats_hostile_text_one_cell(text: str) -> None:
    rows = _csv([sample_event(DOC, notes=text), sample_event(DOC, 1)])
    assert len(rows) == 2  # no text breaks out of its cell or row
    cell = rows[0]["notes"]
    assert cell.removeprefix("'") == text.replace("\x00", "")


def test_export_formats_csv_source_from_store(db_url: str) -> None:
    store = SqlStore(db_url)
    store.migrate()
    store.add(DOC, [sample_event(DOC, 0), sample_event(DOC, 1)])
    rows = _csv(list(store.events()), documents=store.get_document)
    assert [r["source"] for r in rows] == ["INA", "INA"]
    rows = _csv(list(store.events()), documents={})  # unknown documents: empty source
    assert [r["source"] for r in rows] == ["", ""]


def test_export_formats_geojson_points_and_skips() -> None:
    events = [
        sample_event(DOC, 0),
        sample_event(DOC, 1, place=None),
        sample_event(DOC, 2, place=Place(name="Unlocated")),
    ]
    out = io.StringIO()
    result = write_geojson(events, out, documents={DOC.id: DOC})
    assert (result.written, result.skipped) == (1, 2)
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [44.39222, 35.46806]}
    assert feature["properties"]["event_id"] == events[0].id
    assert feature["properties"]["source"] == "INA"


@pytest.mark.parametrize("writer", [write_json, write_geojson])
def test_export_formats_empty_documents_are_valid(writer) -> None:
    out = io.StringIO()
    writer([], out)
    json.loads(out.getvalue())


def test_export_formats_json_array_and_jsonl() -> None:
    events = [sample_event(DOC, n, notes=f"line\u2028sep\x85 {n}") for n in range(3)]
    array, lines = io.StringIO(), io.StringIO()
    assert write_json(events, array).written == 3
    assert write_jsonl(events, lines).written == 3
    assert [event_from_json(d) for d in json.loads(array.getvalue())] == events
    parsed = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [event_from_json(d) for d in parsed] == events


def test_export_formats_json_keys() -> None:
    data = event_to_json(sample_event(DOC), DOC)
    assert set(ACLED_COLUMNS) <= set(data)
    assert {"event_id", "document_id", "confidence", "evidence", "persons"} <= set(data)
    assert set(data["evidence"][0]) >= {"field", "start", "end", "text", "sentence"}
    assert data["persons"][0] == {
        "name": "Abu Bukhari",
        "role": "commander",
        "nationality": None,
        "actor": "isis",
        "status": "arrested",
    }
    assert data["inter1"] == 1 and data["latitude"] == 35.46806 and data["year"] == 2023


def test_export_formats_from_plain_acled_dict() -> None:
    row = event_to_row(sample_event(DOC, assoc_actor_1=(CIVILIANS,)), DOC)
    event = event_from_json(row)
    assert event.sub_event_type == "Arrests" and event.event_date is not None
    assert event.actor1 is not None and event.actor1.name == "Military Forces of Iraq"
    assert event.actor1.actor_type == ActorType.STATE_FORCES
    assert [a.name for a in event.assoc_actor_1] == ["Civilians (Iraq)"]
    assert event.place is not None and event.place.latitude == pytest.approx(35.4681)


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"event_id": "x", "event_type": "Battles", "sub_event_type": "Arrests"},
        {"event_id": "x", "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "A"},
    ],
)
def test_export_formats_bad_json_raises_input_error(broken: dict[str, str]) -> None:
    with pytest.raises(InputError) as info:
        event_from_json(broken)
    assert info.value.fix


def test_export_formats_writers_stream() -> None:
    """Each event is written before the next is read: no list of all events is built."""
    out = io.StringIO()
    events = [sample_event(DOC, n) for n in range(5)]

    def feed() -> Iterator[Event]:
        for i, event in enumerate(events):
            if i:
                assert events[i - 1].id in out.getvalue()
            yield event

    for writer in (write_acled_csv, write_jsonl, write_json, write_geojson):
        out.seek(0)
        out.truncate()
        assert writer(feed(), out).written == 5


def test_export_formats_memory_store_feeds_writers() -> None:
    store = MemoryStore()
    store.add(DOC, [sample_event(DOC, n) for n in range(3)])
    out = io.StringIO()
    assert write_jsonl(store.events(), out, documents=store.get_document).written == 3
