"""ACLED: extract from each event's ``notes`` and compare with the coded event.

Data: every ``*.csv`` under ``DATA_DIR/acled/`` in ACLED's export format
(``event_id_cnty, event_date, ..., notes, fatalities, ...``). ACLED's terms forbid
redistribution, so users export their own; nothing is shipped. ``admin3`` and
``iso3`` are optional (older exports lack admin3, most lack iso3): read when
present, empty when not. Every other column named in :data:`GOLD_COLUMNS` must be
there.

``event_date`` may be written in any of ACLED's three ways: ``2020-05-09`` (API
and current exports), ``09 May 2020`` (older exports; full or short English month
name) or ``9-May-20`` (an export re-saved by a spreadsheet). Month names are read
in English whatever the locale. Two-digit years follow strptime's ``%y`` rule:
69-99 are 1969-1999 and 00-68 are 2000-2068 (ACLED's coverage starts in 1997).
Anything else, slashed dates such as ``05/09/2020`` (day and month order unknown)
or days that do not exist included, stops the load with an error naming the file,
the line the row starts on and the value.

Extraction sees **only** ``notes`` as the text and ``event_date`` as the
publication date: :func:`extraction_input` reads those two columns and nothing
else, and :func:`extract` builds the Document from that input alone (a test
proves no other column reaches the pipeline).

Matching: rasd's best event for a row is the highest-confidence event with the
gold sub_event_type, else with the gold event_type, else the highest-confidence
event. Every accuracy is over **all** rows: a row where rasd found no event counts
as wrong for every field.

Fields: ``event_type_acc``, ``sub_event_type_acc``; ``actor1_acc``, ``actor2_acc``
(names compared after casefolding and dropping parenthesised years such as
"(2022-)", punctuation and accents; an empty gold actor2 needs an empty rasd
actor2); ``admin1_acc``, ``admin2_acc``, ``location_acc`` (place names compared
after also dropping Arabic articles "al-", "ad-"... and words like "Governorate");
``acc_10km``, ``acc_50km`` (great-circle distance between rasd's place and the
gold coordinates); ``date_acc`` (same day); ``fatalities_acc`` (exact) and
``fatalities_pm1`` (within one); ``no_event_rate``.

admin3 is loaded (``GoldEvent.admin3``) but not scored: rasd's places stop at
admin2 (:class:`rasd.records.Place` has no admin3), so "both sides have admin3"
never holds, and an ``admin3_acc`` would be 0 by construction. ``location_acc``
still compares ACLED's ``location`` with rasd's. iso3 is loaded for reference;
rows are grouped by ``country`` as before.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rasd.eval.base import ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import haversine_km, names_agree
from rasd.exceptions import EvalDataError
from rasd.records import Document, Event

NAME = "acled"

#: The columns scoring reads. ``notes`` and ``event_date`` are the only ones extraction sees.
GOLD_COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "country",
    "notes",
)
#: ACLED's three ways of writing ``event_date``, as named in errors.
DATE_EXAMPLES = "2020-05-09, 09 May 2020 or 9-May-20"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
#: "09 May 2020" and "9-May-20": one separator, used twice; a 2- or 4-digit year.
_NAMED_DATE = re.compile(r"(\d{1,2})([ -])([A-Za-z]+)\2(\d{4}|\d{2})")
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
#: English month names, full or three letters (and "sept"), whatever the locale.
MONTHS = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
#: Two-digit years below this are 20xx, the others 19xx (strptime's %y rule; ACLED starts in 1997).
CENTURY_PIVOT = 69

ANCHORS = {"note": "no published reference: ACLED coding is the gold itself"}


@dataclass(frozen=True)
class ExtractionInput:
    """Everything extraction may see of a row: the notes and the date as publication date."""

    notes: str
    published_at: date
    source: str  # "<file name>:<line the row starts on>", no gold content


@dataclass(frozen=True)
class GoldEvent:
    row_id: str
    event_date: date
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    admin1: str
    admin2: str
    location: str
    latitude: float | None
    longitude: float | None
    fatalities: int
    country: str
    notes: str
    admin3: str = ""  # "" when the export has no admin3 column
    iso3: str = ""  # "" when the export has no iso3 column


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    short = int(text)
    return short + (1900 if short >= CENTURY_PIVOT else 2000)


def parse_date(value: str) -> date | None:
    """An ACLED ``event_date``: "2020-05-09", "09 May 2020" or "9-May-20"; else None.

    Month names are English, full or short, any case, whatever the locale. The
    spreadsheet form "9-May-20" may also carry a four-digit year ("9-May-2020").
    Two-digit years: 69-99 are 1969-1999, 00-68 are 2000-2068. Slashed dates
    ("05/09/2020") are refused: day and month order cannot be told apart.
    """
    text = value.strip()
    try:
        if iso := _ISO_DATE.fullmatch(text):
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        named = _NAMED_DATE.fullmatch(text)
        if named and named[3].casefold() in MONTHS:
            return date(_year(named[4]), MONTHS[named[3].casefold()], int(named[1]))
    except ValueError:  # a day that does not exist: "30 February 2020"
        return None
    return None


def read_date(value: str, where: str) -> date:
    """``parse_date``, or an EvalDataError naming ``where`` (file:line) and the value."""
    text = value.strip()
    parsed = parse_date(text) if text else None
    if parsed is not None:
        return parsed
    problem = f"event_date {value!r} is not a date in any of ACLED's formats"
    if not text:
        problem = "event_date is empty"
    raise EvalDataError(
        where,
        problem,
        f"write it as {DATE_EXAMPLES} (English month names), or re-export the file from ACLED",
    )


def extraction_input(
    row: Mapping[str, str], source: str, where: str | None = None
) -> ExtractionInput:
    """The extraction input of a CSV row. Reads ``notes`` and ``event_date`` only.

    ``where`` names the row in errors (default ``source``)."""
    return ExtractionInput(row["notes"], read_date(row["event_date"], where or source), source)


def extract(pipeline: Any, inp: ExtractionInput) -> tuple[Any, str | None]:
    """Run the pipeline on the notes alone, dated by the event date."""
    document = Document.from_text(inp.notes, source=inp.source, published_at=inp.published_at)
    return run_document(pipeline, document)


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _int(value: str) -> int:
    try:
        return int(float(value))
    except ValueError:
        return 0


def gold_event(row: Mapping[str, str], row_id: str, event_date: date) -> GoldEvent:
    """The gold event of a row whose ``event_date`` was read already (see :func:`read_date`)."""
    return GoldEvent(
        row_id=row_id,
        event_date=event_date,
        event_type=row["event_type"].strip(),
        sub_event_type=row["sub_event_type"].strip(),
        actor1=row["actor1"].strip(),
        actor2=row["actor2"].strip(),
        admin1=row["admin1"].strip(),
        admin2=row["admin2"].strip(),
        location=row["location"].strip(),
        latitude=_float(row["latitude"]),
        longitude=_float(row["longitude"]),
        fatalities=_int(row["fatalities"]),
        country=row["country"].strip(),
        notes=row["notes"],
        admin3=(row.get("admin3") or "").strip(),
        iso3=(row.get("iso3") or "").strip(),
    )


def _field_count(row: dict[Any, Any], width: int) -> int:
    """Fields on a row DictReader padded with None (short) or spilled under None (long)."""
    return width - sum(v is None for v in row.values()) + len(row.get(None) or [])


def _numbered(
    reader: csv.DictReader[str], path: Path, width: int
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row with the line it starts on (notes may span lines); a short or long row raises."""
    start = reader.line_num + 1
    for row in reader:
        if None in row or None in row.values():
            raise EvalDataError(
                f"{path}:{start}",
                f"has {_field_count(row, width)} field(s) where the header has {width}",
                "quote fields that contain commas or line breaks, or re-export the file",
            )
        yield start, row
        start = reader.line_num + 1


def _read_csv(path: Path) -> list[tuple[ExtractionInput, GoldEvent]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in GOLD_COLUMNS if c not in header]
        if missing:
            raise EvalDataError(
                str(path),
                f"lacks the ACLED column(s) {', '.join(missing)}",
                "export the full ACLED column set (event_id_cnty ... timestamp)",
            )
        out = []
        for line, row in _numbered(reader, path, len(header)):
            source = f"{path.name}:{line}"
            inp = extraction_input(row, source, where=f"{path}:{line}")
            row_id = row.get("event_id_cnty") or source
            out.append((inp, gold_event(row, row_id, inp.published_at)))
    return out


def load(root: Path) -> list[tuple[ExtractionInput, GoldEvent]]:
    """Every row of every ``*.csv`` under ``root`` (files in path order)."""
    files = sorted(root.rglob("*.csv"))
    if not files:
        raise EvalDataError(
            str(root), "holds no .csv file", "put ACLED CSV exports in DATA_DIR/acled/"
        )
    return [item for path in files for item in _read_csv(path)]


# --------------------------------------------------------------------------- matching, scoring


def best_event(events: list[Event], gold: GoldEvent) -> Event | None:
    """Same sub_event_type first, then same event_type, then any; highest confidence wins."""
    for keep in (
        lambda e: e.sub_event_type == gold.sub_event_type,
        lambda e: e.event_type == gold.event_type,
        lambda e: True,
    ):
        pool = [e for e in events if keep(e)]
        if pool:
            return max(pool, key=lambda e: e.confidence)
    return None


def _distance(event: Event, gold: GoldEvent) -> float | None:
    place = event.place
    if place is None or place.latitude is None or place.longitude is None:
        return None
    if gold.latitude is None or gold.longitude is None:
        return None
    return haversine_km(place.latitude, place.longitude, gold.latitude, gold.longitude)


def _within(km: float) -> Callable[[Event, GoldEvent], bool]:
    def check(e: Event, g: GoldEvent) -> bool:
        d = _distance(e, g)
        return d is not None and d <= km

    return check


def _actor(actor: Any) -> str:
    return actor.name if actor is not None else ""


#: metric -> (check, expected, predicted) on (rasd event, gold row).
FIELDS: dict[str, tuple[Callable[[Event, GoldEvent], bool], Callable[..., Any], Callable[..., Any]]]
FIELDS = {
    "event_type_acc": (
        lambda e, g: e.event_type == g.event_type,
        lambda g: g.event_type,
        lambda e: e.event_type,
    ),
    "sub_event_type_acc": (
        lambda e, g: e.sub_event_type == g.sub_event_type,
        lambda g: g.sub_event_type,
        lambda e: e.sub_event_type,
    ),
    "actor1_acc": (
        lambda e, g: names_agree(g.actor1, _actor(e.actor1), place=False),
        lambda g: g.actor1,
        lambda e: _actor(e.actor1),
    ),
    "actor2_acc": (
        lambda e, g: names_agree(g.actor2, _actor(e.actor2), place=False),
        lambda g: g.actor2,
        lambda e: _actor(e.actor2),
    ),
    "admin1_acc": (
        lambda e, g: names_agree(g.admin1, e.place.admin1 if e.place else "", place=True),
        lambda g: g.admin1,
        lambda e: e.place.admin1 if e.place else None,
    ),
    "admin2_acc": (
        lambda e, g: names_agree(g.admin2, e.place.admin2 if e.place else "", place=True),
        lambda g: g.admin2,
        lambda e: e.place.admin2 if e.place else None,
    ),
    "location_acc": (
        lambda e, g: names_agree(g.location, e.location, place=True),
        lambda g: g.location,
        lambda e: e.location,
    ),
    "acc_10km": (_within(10), lambda g: [g.latitude, g.longitude], lambda e: _coords(e)),
    "acc_50km": (_within(50), lambda g: [g.latitude, g.longitude], lambda e: _coords(e)),
    "date_acc": (
        lambda e, g: e.event_date is not None and e.event_date == g.event_date,
        lambda g: g.event_date,
        lambda e: e.event_date,
    ),
    "fatalities_acc": (
        lambda e, g: e.fatalities == g.fatalities,
        lambda g: g.fatalities,
        lambda e: e.fatalities,
    ),
    "fatalities_pm1": (
        lambda e, g: abs(e.fatalities - g.fatalities) <= 1,
        lambda g: g.fatalities,
        lambda e: e.fatalities,
    ),
}


def _coords(event: Event) -> list[float | None] | None:
    if event.place is None:
        return None
    return [event.place.latitude, event.place.longitude]


def score_row(event: Event | None, gold: GoldEvent) -> dict[str, bool]:
    """Which fields rasd got right for one row (all wrong without an event)."""
    if event is None:
        return dict.fromkeys(FIELDS, False)
    return {name: bool(check(event, gold)) for name, (check, _, _) in FIELDS.items()}


def row_errors(event: Event | None, gold: GoldEvent, right: dict[str, bool]) -> list[ErrorRecord]:
    if event is None:
        return [ErrorRecord(gold.row_id, "no_event", gold.sub_event_type, None, gold.notes)]
    out = []
    for name, ok in right.items():
        if not ok:
            _, expected, predicted = FIELDS[name]
            kind = "wrong_" + name.removesuffix("_acc")
            out.append(ErrorRecord(gold.row_id, kind, expected(gold), predicted(event), gold.notes))
    return out


def _rates(rows: list[dict[str, bool]], no_event: int) -> dict[str, float]:
    n = len(rows)
    metrics = {name: (sum(r[name] for r in rows) / n if n else 0.0) for name in FIELDS}
    metrics["no_event_rate"] = no_event / n if n else 0.0
    return metrics


def evaluate(ctx: EvalContext) -> EvalResult:
    items = load(ctx.dataset_dir(NAME))
    if ctx.limit is not None:
        items = items[: ctx.limit]
    pipeline = ctx.pipeline()
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    rows: list[dict[str, bool]] = []
    by_country: dict[str, list[dict[str, bool]]] = {}
    no_event = rejected = 0
    for inp, gold in items:
        doc, error = extract(pipeline, inp)
        rejected += error is not None
        event = best_event(list(doc.events) if doc is not None else [], gold)
        no_event += event is None
        right = score_row(event, gold)
        rows.append(right)
        by_country.setdefault(gold.country or "unknown", []).append(right)
        result.errors.extend(row_errors(event, gold, right))
    result.metrics = _rates(rows, no_event)
    keep = ("sub_event_type_acc", "actor1_acc", "admin1_acc", "acc_50km", "date_acc")
    for country, country_rows in sorted(by_country.items()):
        rates = _rates(country_rows, 0)
        result.by_corpus[country] = {k: rates[k] for k in keep}
    result.counts = {"rows": len(items), "no_event": no_event, "rejected_docs": rejected}
    return result
