"""Issue acceptance: the seed report gives exactly its three reported events, with evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rasd.engine import extract
from rasd.ingest import read_path
from rasd.records import Document, Event

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def events(pipeline, seed_path: Path) -> list[Event]:
    (doc,) = list(read_path(seed_path))
    assert isinstance(doc, Document)
    assert doc.published_at == date(2023, 9, 27)
    return extract(pipeline, doc)


def _by_place(events: list[Event], admin1: str) -> Event:
    found = [e for e in events if e.place is not None and e.place.admin1 == admin1]
    assert len(found) == 1, [(e.sub_event_type, e.place) for e in events]
    return found[0]


def test_engine_seed_exactly_three_events(events: list[Event]) -> None:
    assert sorted(e.sub_event_type for e in events) == ["Air/drone strike", "Arrests", "Arrests"]


def test_engine_seed_anbar_arrest(events: list[Event]) -> None:
    e = _by_place(events, "Anbar")
    assert (e.sub_event_type, e.event_date, e.time_precision) == ("Arrests", date(2023, 9, 26), 1)
    assert e.actor1 is not None and "Military Intelligence" in e.actor1.name
    assert e.actor2 is not None and e.actor2.id == "islamic-state"
    assert e.place is not None and "Rut" in e.location and e.geo_precision in (1, 2)
    assert abs(e.place.latitude - 33.04) < 0.1 and abs(e.place.longitude - 40.28) < 0.1  # type: ignore[operator]


def test_engine_seed_kirkuk_arrest_with_person(events: list[Event]) -> None:
    e = _by_place(events, "Kirkuk")
    assert (e.sub_event_type, e.event_date) == ("Arrests", date(2023, 9, 25))
    assert e.actor1 is not None and "Counter Terrorism Service" in e.actor1.name
    assert [a.name for a in e.assoc_actor_1] and "Asayish" in e.assoc_actor_1[0].name
    assert e.location == "Kirkuk" and e.geo_precision == 1
    (person,) = e.persons
    assert person.name == "Abu Bukhari" and person.nationality == "Uzbek"
    assert person.role is not None and "commander" in person.role and person.status == "arrested"


def test_engine_seed_air_strike_province_only(events: list[Event]) -> None:
    e = _by_place(events, "Salah al-Din")
    assert e.sub_event_type == "Air/drone strike" and e.event_type == "Explosions/Remote violence"
    assert e.actor1 is not None and "Aviation" in e.actor1.name
    assert e.actor2 is not None and e.actor2.id == "islamic-state"
    assert e.geo_precision == 3 and e.event_date == date(2023, 9, 25)


@pytest.mark.parametrize("field", ["event_type", "event_date", "actor1", "actor2", "location"])
def test_engine_seed_every_event_has_evidence(events: list[Event], field: str) -> None:
    for e in events:
        (ev, *_rest) = e.evidence_for(field)
        assert ev.sentence and ev.text
        assert ev.sentence[ev.start - ev.sentence_start : ev.end - ev.sentence_start] == ev.text


def test_engine_seed_no_event_from_commentary(events: list[Event]) -> None:
    sentences = " ".join(ev.sentence for e in events for ev in e.evidence if ev.field == "event_type")
    for phrase in ("Lone wolves", "Prime Minister", "budget", "expert"):
        assert phrase not in sentences
