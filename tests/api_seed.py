"""Hand-built events for the API tests, and a TestClient on a fresh SQLite store.

    from api_seed import EVENTS, seeded_client

Each test module makes its own fixture from :func:`seeded_client` (a fresh
SQLite file under ``tmp_path``), so tests never share a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from strategies import ARMY, CIVILIANS, ISIS, KIRKUK, sample_event

from rasd.api import create_app
from rasd.config import Settings
from rasd.records import Actor, Document, Event, Evidence, Person, Place
from rasd.store import SqlStore
from rasd.taxonomy import ActorType

TEXT = (
    "Invented report for the API tests. On Monday the army arrested an ISIS commander "
    "in Kirkuk. A roadside bomb exploded near Ramadi. Clashes broke out in the desert "
    "near Rutba. A drone strike hit a hideout in Raqqa."
)
DOC = Document.from_text(
    TEXT, source="INA", url="https://example.org/a", published_at=date(2023, 9, 27)
)
OTHER = Document.from_text("Invented: a different report from 2022.", source="other")

RAMADI = Place(
    name="Ramadi", country="Iraq", country_code="IQ", admin1="Anbar", admin2="Ramadi",
    latitude=33.42056, longitude=43.30778,
)  # fmt: skip
RUTBA = Place(
    name="Rutba", country="Iraq", country_code="IQ", admin1="Anbar", admin2="Al-Rutba",
    latitude=33.03806, longitude=40.28444,
)  # fmt: skip
RAQQA = Place(
    name="Raqqa", country="Syria", country_code="SY", admin1="Ar-Raqqah",
    latitude=35.95283, longitude=39.00788,
)  # fmt: skip
NO_COORDS = Place(name="Somewhere", country="Iraq", country_code="IQ", admin1="Anbar")
PESH = Actor(
    id="iq-peshmerga", name="Peshmerga (Kurdistan Region)", actor_type=ActorType.STATE_FORCES
)


def span(text: str, field: str = "event_type", document: Document = DOC) -> Evidence:
    """Evidence for the first occurrence of ``text`` in the document, with its sentence."""
    start = document.text.index(text)
    s_start = document.text.rfind(". ", 0, start)
    s_start = 0 if s_start < 0 else s_start + 2
    s_end = document.text.find(".", start) + 1
    return Evidence(
        field=field,
        document_id=document.id,
        start=start,
        end=start + len(text),
        text=text,
        sentence=document.text[s_start:s_end],
        sentence_start=s_start,
    )


def _event(n: int, **changes: Any) -> Event:
    return sample_event(DOC, n, **changes)


EVENTS: dict[str, Event] = {
    "kirkuk_arrest": _event(
        1,
        event_date=date(2023, 9, 25),
        place=KIRKUK,
        evidence=(span("arrested"), span("Kirkuk", "place")),
        persons=(Person(name="Abu Bukhari", role="commander", actor_id="isis", status="arrested"),),
    ),
    "ramadi_ied": _event(
        2,
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        event_date=date(2023, 9, 20),
        place=RAMADI,
        location="Ramadi",
        actor2=CIVILIANS,
        persons=(),
        notes="An IED hit a car near Ramadi.",
        evidence=(span("roadside bomb"),),
    ),
    "rutba_clash": _event(
        3,
        event_type="Battles",
        sub_event_type="Armed clash",
        event_date=date(2023, 8, 1),
        place=RUTBA,
        location="Rutba",
        assoc_actor_1=(PESH,),
        persons=(),
        notes="Clashes in the desert.",
        evidence=(span("Clashes"),),
    ),
    "raqqa_strike": _event(
        4,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date=date(2023, 10, 2),
        place=RAQQA,
        location="Raqqa",
        actor1=None,
        actor2=ISIS,
        persons=(),
        notes="",
        evidence=(span("drone strike"),),
    ),
    "undated": _event(
        5,
        event_date=None,
        place=NO_COORDS,
        location="Somewhere",
        notes="Date unknown.",
        persons=(),
        evidence=(span("Invented report"),),
    ),
}
OTHER_EVENT = sample_event(OTHER, 1, event_date=date(2022, 1, 1), evidence=(), persons=())
NAMES = {e.id: name for name, e in EVENTS.items()} | {OTHER_EVENT.id: "other"}


def seed(store: SqlStore) -> None:
    store.add(DOC, list(EVENTS.values()))
    store.add(OTHER, [OTHER_EVENT])


def new_store(tmp_path: Path, url: str | None = None) -> SqlStore:
    """A migrated store at ``url`` (default: a new SQLite file under ``tmp_path``)."""
    store = SqlStore(url or f"sqlite:///{tmp_path / 'rasd.sqlite'}")
    store.migrate()
    return store


@contextmanager
def seeded_client(
    tmp_path: Path, settings: Settings | None = None, url: str | None = None
) -> Iterator[TestClient]:
    """A client of an app on a fresh store (SQLite, or ``url``) holding :data:`EVENTS` and
    the other event."""
    store = new_store(tmp_path, url)
    seed(store)
    with TestClient(create_app(settings or Settings(auth="off"), store)) as client:
        yield client
    store.close()


def names(items: list[dict[str, Any]]) -> list[str]:
    return [NAMES.get(item["id"], item["id"]) for item in items]


__all__ = ["ARMY", "CIVILIANS", "DOC", "EVENTS", "ISIS", "OTHER", "OTHER_EVENT", "PESH"]
