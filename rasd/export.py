"""Export events as ACLED-style CSV, JSON Lines, a JSON array or GeoJSON.

Every writer streams: it takes any iterable of events (such as
``store.events(query)``), writes one event at a time and never holds the list.
Each returns an :class:`ExportResult` (events written, events skipped).

ACLED columns
-------------
:data:`ACLED_COLUMNS` is the subset of the ACLED export format (codebook 2023,
classic numeric ``inter`` codes) that rasd can fill, in ACLED's order:

``event_id`` (ACLED's ``event_id_cnty``; here the rasd event id), ``event_date``
(YYYY-MM-DD), ``year``, ``time_precision`` (1 day, 2 week, 3 month),
``disorder_type`` (derived from the sub-event type as in the codebook),
``event_type``, ``sub_event_type``, ``actor1``, ``assoc_actor_1`` (several joined
with ``"; "``), ``inter1``, ``actor2``, ``assoc_actor_2``, ``inter2``,
``interaction`` (two digits, the smaller inter code first, e.g. 17; a sole
actor gives ``<inter>0``, e.g. 10), ``civilian_targeting`` ("Civilian targeting"
when actor2 or an assoc_actor_2 is civilians), ``iso`` (ISO 3166-1 numeric),
``country``, ``admin1``, ``admin2``, ``location``, ``latitude``, ``longitude``
(4 decimals in CSV), ``geo_precision``, ``source`` (the document's source, else
its URL), ``notes``, ``fatalities``, ``timestamp`` (Unix time the store first
saw the event). Not produced: region, admin3, source_scale, tags.

CSV safety
----------
``write_acled_csv`` quotes as RFC 4180 requires (commas, quotes and newlines in
notes stay inside one cell; open the file with ``newline=""``), drops NUL
characters, and neutralises spreadsheet formula injection: a text cell whose
first non-blank character is ``=``, ``+``, ``-`` or ``@``, or which starts with a
tab or carriage return, gets a leading apostrophe (``'=1+1``), so Excel and
LibreOffice show it as text. Numeric columns are written by rasd and never
altered (``-33.5`` stays a number). JSON outputs are not altered.

JSON
----
:func:`event_to_json` gives the ACLED keys (typed: numbers as numbers, missing
numbers as null) plus ``document_id``, ``confidence``, ``evidence`` (list of
{field, start, end, text, sentence, sentence_start, document_id}), ``persons``
(list of {name, role, nationality, actor, status}; ``actor`` is the actor id),
and, so that :func:`event_from_json` restores the exact record, ``actors``
(structured actor1/assoc_actor_1/actor2/assoc_actor_2), ``place`` and
``created_at``. ``event_from_json`` also reads plain ACLED-style dicts (no
``actors``/``place``): actor ids are then slugs of the names, assoc actors take
the inter code of their primary actor, and the place is rebuilt from the
location, admin and coordinate columns.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any

from pydantic import ValidationError

from rasd.exceptions import InputError, NotFound
from rasd.records import Actor, Document, Event, Evidence, Person, Place
from rasd.taxonomy import ActorType

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
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
    "timestamp",
)
NUMERIC_COLUMNS = frozenset(
    {
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "iso",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
    }
)
ASSOC_SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@")

#: Codebook disorder types; sub-event types not listed take their event type's.
_DISORDER_BY_SUB = {
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence",
}
_DISORDER_BY_TYPE = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

DocumentLookup = Callable[[str], Document | None] | Mapping[str, Document]


@dataclass(frozen=True)
class ExportResult:
    written: int
    skipped: int = 0  # GeoJSON: events without coordinates


# -- single events -----------------------------------------------------------------------


def disorder_type(event: Event) -> str:
    return _DISORDER_BY_SUB.get(event.sub_event_type) or _DISORDER_BY_TYPE.get(event.event_type, "")


def interaction(event: Event) -> int | None:
    """ACLED interaction code: both inter codes, smaller first (17); a sole actor: 10."""
    codes = [a.inter for a in (event.actor1, event.actor2) if a is not None]
    if not codes:
        return None
    if len(codes) == 1:
        return codes[0] * 10
    return int(f"{min(codes)}{max(codes)}")


def civilian_targeting(event: Event) -> str:
    targets = [event.actor2, *event.assoc_actor_2]
    hit = any(a is not None and a.actor_type == ActorType.CIVILIANS for a in targets)
    return "Civilian targeting" if hit else ""


@lru_cache(maxsize=512)
def iso_numeric(country_code: str) -> int | None:
    """ISO 3166-1 numeric code (ACLED's ``iso``) of an alpha-2 code, or None."""
    if len(country_code) != 2:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=country_code.upper())
    return int(country.numeric) if country is not None else None


def _acled_values(event: Event, document: Document | None) -> dict[str, Any]:
    """The ACLED columns with typed values (None where unknown)."""
    place, a1, a2 = event.place, event.actor1, event.actor2
    return {
        "event_id": event.id,
        "event_date": event.event_date.isoformat() if event.event_date else None,
        "year": event.event_date.year if event.event_date else None,
        "time_precision": event.time_precision,
        "disorder_type": disorder_type(event),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": a1.name if a1 else "",
        "assoc_actor_1": ASSOC_SEPARATOR.join(a.name for a in event.assoc_actor_1),
        "inter1": a1.inter if a1 else None,
        "actor2": a2.name if a2 else "",
        "assoc_actor_2": ASSOC_SEPARATOR.join(a.name for a in event.assoc_actor_2),
        "inter2": a2.inter if a2 else None,
        "interaction": interaction(event),
        "civilian_targeting": civilian_targeting(event),
        "iso": iso_numeric(place.country_code) if place else None,
        "country": place.country if place else "",
        "admin1": place.admin1 if place else "",
        "admin2": place.admin2 if place else "",
        "location": event.location,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": event.geo_precision,
        "source": (document.source or document.url or "") if document else "",
        "notes": event.notes,
        "fatalities": event.fatalities,
        "timestamp": int(event.created_at.timestamp()) if event.created_at else None,
    }


def safe_cell(text: str) -> str:
    """A CSV text cell a spreadsheet will not run as a formula (see module docstring)."""
    text = text.replace("\x00", "")
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_START:
        return "'" + text
    return text


def _csv_value(column: str, value: Any, safe: bool) -> str:
    if value is None:
        return ""
    if column in ("latitude", "longitude"):
        return f"{value:.4f}"
    if column in NUMERIC_COLUMNS:
        return str(value)
    return safe_cell(str(value)) if safe else str(value)


def event_to_row(
    event: Event, document: Document | None = None, *, safe: bool = True
) -> dict[str, str]:
    """One ACLED-style CSV row (keys :data:`ACLED_COLUMNS`); text cells made formula-safe."""
    values = _acled_values(event, document)
    return {column: _csv_value(column, values[column], safe) for column in ACLED_COLUMNS}


def _actor_json(actor: Actor | None) -> dict[str, Any] | None:
    return None if actor is None else actor.model_dump(mode="json")


def event_to_json(event: Event, document: Document | None = None) -> dict[str, Any]:
    """The ACLED keys (typed) plus ids, confidence, evidence, persons and structured fields."""
    out = _acled_values(event, document)
    out["document_id"] = event.document_id
    out["confidence"] = event.confidence
    out["evidence"] = [
        {
            "field": e.field,
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "sentence": e.sentence,
            "sentence_start": e.sentence_start,
            "document_id": e.document_id,
        }
        for e in event.evidence
    ]
    out["persons"] = [
        {
            "name": p.name,
            "role": p.role,
            "nationality": p.nationality,
            "actor": p.actor_id,
            "status": p.status,
        }
        for p in event.persons
    ]
    out["actors"] = {
        "actor1": _actor_json(event.actor1),
        "assoc_actor_1": [_actor_json(a) for a in event.assoc_actor_1],
        "actor2": _actor_json(event.actor2),
        "assoc_actor_2": [_actor_json(a) for a in event.assoc_actor_2],
    }
    out["place"] = event.place.model_dump(mode="json") if event.place else None
    out["created_at"] = event.created_at.isoformat() if event.created_at else None
    return out


# -- reading JSON back -------------------------------------------------------------------


def event_from_json(data: Mapping[str, Any]) -> Event:
    """The Event an :func:`event_to_json` dict (or a plain ACLED-style dict) describes."""
    subject = f"event {data.get('event_id') or data.get('event_id_cnty') or '?'}"
    try:
        return Event(**_event_fields(data))
    except (ValidationError, KeyError, ValueError, TypeError) as exc:
        raise InputError(
            subject,
            f"is not a valid rasd/ACLED event ({_first_error(exc)})",
            "export it again with rasd.export (event_to_json) or check the ACLED columns",
        ) from exc


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    if isinstance(exc, KeyError):
        return f"missing key {exc}"
    return str(exc)


def _event_fields(d: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": d.get("event_id") or d["event_id_cnty"],
        "document_id": d.get("document_id") or "",
        "event_date": _date(d.get("event_date")),
        "time_precision": _int(d.get("time_precision"), 1),
        "event_type": d["event_type"],
        "sub_event_type": d["sub_event_type"],
        "location": d.get("location") or "",
        "geo_precision": _int(d.get("geo_precision"), 1),
        "fatalities": _int(d.get("fatalities"), 0),
        "notes": d.get("notes") or "",
        "persons": tuple(_person(p) for p in d.get("persons") or ()),
        "evidence": tuple(_evidence(e, d) for e in d.get("evidence") or ()),
        "created_at": _created_at(d),
    }
    if d.get("confidence") not in (None, ""):
        fields["confidence"] = float(d["confidence"])
    fields.update(_actors_from(d) if "actors" in d else _actors_from_acled(d))
    fields["place"] = _place_from(d)
    return fields


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value not in (None, "") else None


def _int(value: Any, default: int) -> int:
    return default if value in (None, "") else int(value)


def _created_at(d: Mapping[str, Any]) -> datetime | None:
    if d.get("created_at"):
        return datetime.fromisoformat(d["created_at"])
    return None


def _person(p: Mapping[str, Any]) -> Person:
    return Person(
        name=p["name"],
        role=p.get("role"),
        nationality=p.get("nationality"),
        actor_id=p.get("actor", p.get("actor_id")),
        status=p.get("status"),
    )


def _evidence(e: Mapping[str, Any], event: Mapping[str, Any]) -> Evidence:
    return Evidence(
        field=e["field"],
        document_id=e.get("document_id") or event.get("document_id") or "",
        start=e["start"],
        end=e["end"],
        text=e["text"],
        sentence=e["sentence"],
        sentence_start=e.get("sentence_start", 0),
    )


def _actors_from(d: Mapping[str, Any]) -> dict[str, Any]:
    actors = d["actors"]

    def one(value: Mapping[str, Any] | None) -> Actor | None:
        return None if value is None else Actor.model_validate(value)

    return {
        "actor1": one(actors.get("actor1")),
        "assoc_actor_1": tuple(Actor.model_validate(a) for a in actors.get("assoc_actor_1", ())),
        "actor2": one(actors.get("actor2")),
        "assoc_actor_2": tuple(Actor.model_validate(a) for a in actors.get("assoc_actor_2", ())),
    }


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "actor"


def _actors_from_acled(d: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in ("1", "2"):
        name, inter = d.get(f"actor{n}") or "", d.get(f"inter{n}")
        kind = ActorType(int(inter)) if inter not in (None, "") else None
        if name and kind is None:
            raise ValueError(f"actor{n} {name!r} has no inter{n} code")
        out[f"actor{n}"] = Actor(id=_slug(name), name=name, actor_type=kind) if kind else None
        assoc = [a for a in str(d.get(f"assoc_actor_{n}") or "").split(";") if a.strip()]
        out[f"assoc_actor_{n}"] = tuple(
            Actor(id=_slug(a.strip()), name=a.strip(), actor_type=kind or ActorType.CIVILIANS)
            for a in assoc
        )
    return out


def _place_from(d: Mapping[str, Any]) -> Place | None:
    if "place" in d:
        return Place.model_validate(d["place"]) if d["place"] is not None else None
    lat, lon = d.get("latitude"), d.get("longitude")
    if not (d.get("location") or d.get("country") or lat not in (None, "")):
        return None
    return Place(
        name=d.get("location") or d.get("admin2") or d.get("admin1") or d.get("country") or "",
        country=d.get("country") or "",
        admin1=d.get("admin1") or "",
        admin2=d.get("admin2") or "",
        latitude=float(lat) if lat not in (None, "") else None,
        longitude=float(lon) if lon not in (None, "") else None,
    )


# -- streaming writers -------------------------------------------------------------------


def lookup_documents(documents: DocumentLookup | None) -> Callable[[str], Document | None]:
    """A cached document lookup (bounded: constant memory) that yields None when missing."""
    if documents is None:
        return lambda _id: None
    get = documents.get if isinstance(documents, Mapping) else documents

    @lru_cache(maxsize=64)
    def find(document_id: str) -> Document | None:
        try:
            return get(document_id)
        except (NotFound, KeyError):
            return None

    return find


def write_acled_csv(
    events: Iterable[Event], fh: IO[str], documents: DocumentLookup | None = None
) -> ExportResult:
    """ACLED-style CSV with a header row. ``fh`` should be opened with ``newline=""``.

    ``documents`` (e.g. ``store.get_document`` or a dict) fills the ``source`` column.
    """
    find = lookup_documents(documents)
    writer = csv.DictWriter(fh, fieldnames=ACLED_COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    written = 0
    for event in events:
        writer.writerow(event_to_row(event, find(event.document_id)))
        written += 1
    return ExportResult(written)


#: Characters str.splitlines() (and some JSON Lines readers) treat as line breaks, and
#: which json.dumps(ensure_ascii=False) leaves raw; they only occur inside strings.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK_RE = re.compile("[\x85\u2028\u2029]")


def _dumps(value: Any) -> str:
    """Compact UTF-8 JSON on one physical line, whatever the text contains."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _LINE_BREAK_RE.sub(lambda m: _LINE_BREAKS[m.group()], text)


def write_jsonl(
    events: Iterable[Event], fh: IO[str], documents: DocumentLookup | None = None
) -> ExportResult:
    """One :func:`event_to_json` object per line."""
    find = lookup_documents(documents)
    written = 0
    for event in events:
        fh.write(_dumps(event_to_json(event, find(event.document_id))) + "\n")
        written += 1
    return ExportResult(written)


def write_json(
    events: Iterable[Event], fh: IO[str], documents: DocumentLookup | None = None
) -> ExportResult:
    """A JSON array of :func:`event_to_json` objects, written one element at a time."""
    find = lookup_documents(documents)
    written = 0
    fh.write("[")
    for event in events:
        fh.write(",\n" if written else "\n")
        fh.write(_dumps(event_to_json(event, find(event.document_id))))
        written += 1
    fh.write("\n]\n" if written else "]\n")
    return ExportResult(written)


def event_to_feature(event: Event, document: Document | None = None) -> dict[str, Any] | None:
    """A GeoJSON Point Feature ([lon, lat]), or None if the event has no coordinates."""
    place = event.place
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
        "properties": event_to_json(event, document),
    }


def write_geojson(
    events: Iterable[Event], fh: IO[str], documents: DocumentLookup | None = None
) -> ExportResult:
    """A GeoJSON FeatureCollection; events without coordinates are skipped and counted."""
    find = lookup_documents(documents)
    written = skipped = 0
    fh.write('{"type": "FeatureCollection", "features": [')
    for event in events:
        feature = event_to_feature(event, find(event.document_id))
        if feature is None:
            skipped += 1
            continue
        fh.write(",\n" if written else "\n")
        fh.write(_dumps(feature))
        written += 1
    fh.write("\n]}\n" if written else "]}\n")
    return ExportResult(written, skipped)
