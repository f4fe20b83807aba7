"""ACLED loader, the notes-only extraction input, event matching and field scores."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fixtures.eval.fakes import FakePipeline, actor, event, factory, place
from hypothesis import given
from hypothesis import strategies as st

from rasd.eval import acled
from rasd.eval.base import EvalContext
from rasd.exceptions import EvalDataError
from rasd.taxonomy import ActorType

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
CSV = FIXTURES / "acled" / "iraq_syria_invented.csv"


def rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class OnlyNotesAndDate(Mapping[str, str]):
    """A CSV row that fails the test if anything but notes and event_date is read."""

    def __init__(self, row: dict[str, str]) -> None:
        self.row = row
        self.read: list[str] = []

    def __getitem__(self, key: str) -> str:
        if key not in ("notes", "event_date"):
            raise AssertionError(f"extraction read the gold column {key!r}")
        self.read.append(key)
        return self.row[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("extraction iterated over the row")

    def __len__(self) -> int:
        raise AssertionError("extraction looked at the whole row")


def test_eval_acled_extraction_reads_only_notes_and_date():
    row = rows()[0]
    guarded = OnlyNotesAndDate(row)
    inp = acled.extraction_input(guarded, "x.csv:2")
    assert sorted(set(guarded.read)) == ["event_date", "notes"]
    assert {f.name for f in fields(inp)} == {"notes", "published_at", "source"}
    assert inp.notes == row["notes"]
    assert inp.published_at == date(2023, 9, 26)


def test_eval_acled_pipeline_sees_no_gold_column():
    pipeline = FakePipeline()
    ctx = EvalContext(FIXTURES, pipeline_factory=factory(pipeline))
    acled.evaluate(ctx)
    assert len(pipeline.seen) == 12
    gold_only = ("event_type", "sub_event_type", "actor1", "actor2", "admin1", "admin2", "location")
    for document, row in zip(pipeline.seen, rows(), strict=True):
        assert document.text == row["notes"]
        assert document.published_at == date.fromisoformat(row["event_date"])
        assert document.title is None and document.url is None
        assert row["event_id_cnty"] not in document.source
        for column in gold_only:
            # a gold value may legitimately occur in the notes; otherwise it must be absent
            if row[column] and row[column] not in row["notes"]:
                assert row[column] not in document.model_dump_json()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # ISO, as the ACLED API and current exports write it
        ("2020-05-09", date(2020, 5, 9)),
        ("2023-09-26", date(2023, 9, 26)),
        # "09 May 2020": day, English month name (full or short), four-digit year
        ("09 May 2020", date(2020, 5, 9)),
        ("9 May 2020", date(2020, 5, 9)),
        ("26 September 2023", date(2023, 9, 26)),
        ("26 Sep 2023", date(2023, 9, 26)),
        (" 26 sept 2023 ", date(2023, 9, 26)),
        # "9-May-20": as a spreadsheet re-saves it; two-digit years 69-99 are 19xx, 00-68 20xx
        ("9-May-20", date(2020, 5, 9)),
        ("09-May-20", date(2020, 5, 9)),
        ("31-Dec-97", date(1997, 12, 31)),
        ("1-Jan-00", date(2000, 1, 1)),
        ("31-Dec-68", date(2068, 12, 31)),
        ("1-Jan-69", date(1969, 1, 1)),
        ("26-September-2023", date(2023, 9, 26)),
    ],
)
def test_eval_acled_parse_date_accepts_the_three_acled_formats(text, value):
    assert acled.parse_date(text) == value


BAD_DATES = [
    "",
    "not a date",
    "05/09/2020",  # day/month or month/day: ambiguous, never guessed
    "2020/05/09",
    "30 February 2020",
    "2020-13-01",
    "9-Mai-20",
    "May 9, 2020",
    "9 May-20",
    "2020-05-09T00:00:00",
]


@pytest.mark.parametrize("text", BAD_DATES)
def test_eval_acled_parse_date_refuses_other_dates(text):
    assert acled.parse_date(text) is None


# --------------------------------------------------------------------------- ACLED export files

#: ACLED's export columns (2023 layout). Some exports add iso3; older ones lack admin3.
EXPORT_COLUMNS = [
    "event_id_cnty",
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
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

#: Invented rows (values made up, in ACLED's style); event_date is filled per test.
INVENTED = [
    {
        "event_id_cnty": "SYR77001",
        "year": "2020",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Syria (2000-)",
        "inter1": "1",
        "actor2": "",
        "inter2": "0",
        "interaction": "10",
        "iso": "760",
        "iso3": "SYR",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Idleb",
        "admin2": "Ariha",
        "admin3": "Ihsem",
        "location": "Kafr Nabl",
        "latitude": "35.6142",
        "longitude": "36.5614",
        "geo_precision": "1",
        "source": "Invented Observatory",
        "source_scale": "Other",
        "notes": "On 9 May 2020, regime forces shelled Kafr Nabl (Ariha, Idleb).\nNo casualties.",
        "fatalities": "0",
        "timestamp": "1590000000",
    },
    {
        "event_id_cnty": "IRQ77002",
        "year": "2020",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Iraq)",
        "inter1": "3",
        "actor2": "Civilians (Iraq)",
        "inter2": "7",
        "interaction": "37",
        "civilian_targeting": "Civilian targeting",
        "iso": "368",
        "iso3": "IRQ",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Diyala",
        "admin2": "Baquba",
        "admin3": "Buhriz",
        "location": "Buhriz",
        "latitude": "33.7000",
        "longitude": "44.6500",
        "geo_precision": "2",
        "source": "Invented Wire",
        "source_scale": "National",
        "notes": "On 10 May 2020, gunmen killed two farmers near Buhriz (Baquba, Diyala).",
        "fatalities": "2",
        "timestamp": "1590000000",
    },
]

#: The same two days in each of ACLED's three date formats.
DATES = {
    "iso": ("2020-05-09", "2020-05-10"),
    "day month year": ("09 May 2020", "10 May 2020"),
    "spreadsheet": ("9-May-20", "10-May-20"),
}
DAYS = (date(2020, 5, 9), date(2020, 5, 10))
LAYOUTS = {
    "admin3 and iso3": [*EXPORT_COLUMNS[:16], "iso3", *EXPORT_COLUMNS[16:]],
    "admin3, no iso3": EXPORT_COLUMNS,
    "neither": [c for c in EXPORT_COLUMNS if c != "admin3"],
}


def write_export(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    """An ACLED-style CSV: the given columns, in order; absent values are empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def dated(*days: str) -> list[dict[str, str]]:
    return [{**row, "event_date": day} for row, day in zip(INVENTED, days, strict=True)]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("style", DATES)
def test_eval_acled_load_export_layouts_and_date_formats(tmp_path, layout, style):
    columns = LAYOUTS[layout]
    write_export(tmp_path / "acled" / "export.csv", columns, dated(*DATES[style]))
    items = acled.load(tmp_path / "acled")
    assert [inp.published_at for inp, _ in items] == list(DAYS)
    assert [gold.event_date for _, gold in items] == list(DAYS)
    # the first row's notes span lines 2 and 3
    assert [inp.source for inp, _ in items] == ["export.csv:2", "export.csv:4"]
    golds = [gold for _, gold in items]
    assert [g.row_id for g in golds] == ["SYR77001", "IRQ77002"]
    assert [g.admin3 for g in golds] == (["Ihsem", "Buhriz"] if "admin3" in columns else ["", ""])
    assert [g.iso3 for g in golds] == (["SYR", "IRQ"] if "iso3" in columns else ["", ""])
    assert [g.admin2 for g in golds] == ["Ariha", "Baquba"]


@pytest.mark.parametrize("style", DATES)
def test_eval_acled_dates_score_right_in_every_format(tmp_path, style):
    """The reported bug: rasd dating each event by its report scored 0 on real exports."""
    write_export(tmp_path / "acled" / "export.csv", LAYOUTS["neither"], dated(*DATES[style]))

    def respond(doc):
        doc.events.append(event("Attack", event_date=doc.document.published_at))

    ctx = EvalContext(tmp_path, pipeline_factory=factory(FakePipeline(respond)))
    result = acled.evaluate(ctx)
    assert result.metrics["date_acc"] == 1.0
    assert not [e for e in result.errors if e.kind == "wrong_date"]


@pytest.mark.parametrize("bad", [b for b in BAD_DATES if b.strip()])
def test_eval_acled_load_names_file_line_and_value_of_a_bad_date(tmp_path, bad):
    path = write_export(tmp_path / "acled" / "export.csv", EXPORT_COLUMNS, dated("9-May-20", bad))
    with pytest.raises(EvalDataError) as caught:
        acled.load(tmp_path / "acled")
    err = caught.value
    assert err.subject == f"{path}:4"  # the first row's notes take lines 2 and 3
    assert repr(bad) in err.problem and "event_date" in err.problem
    assert "2020-05-09" in err.fix and "09 May 2020" in err.fix and "9-May-20" in err.fix


def test_eval_acled_load_refuses_an_empty_date(tmp_path):
    path = write_export(tmp_path / "acled" / "e.csv", EXPORT_COLUMNS, dated("", "9-May-20"))
    with pytest.raises(EvalDataError, match="event_date is empty") as caught:
        acled.load(tmp_path / "acled")
    assert caught.value.subject == f"{path}:2"


def test_eval_acled_load_refuses_a_short_row(tmp_path):
    path = tmp_path / "acled" / "short.csv"
    write_export(path, EXPORT_COLUMNS, dated("9-May-20", "10-May-20"))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("SYR77003,2020-05-11,2020\n")
    with pytest.raises(EvalDataError, match="3 field") as caught:
        acled.load(tmp_path / "acled")
    assert caught.value.subject == f"{path}:5"
    assert "31" in caught.value.problem


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _acled_text(day: date, style: str, short_month: bool) -> str:
    month = MONTHS[day.month - 1]
    month = month[:3] if short_month else month
    if style == "iso":
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    if style == "day month year":
        return f"{day.day:02d} {month} {day.year:04d}"
    return f"{day.day}-{month}-{day.year % 100:02d}"


@given(
    day=st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    style=st.sampled_from(sorted(DATES)),
    short_month=st.booleans(),
)
def test_eval_acled_parse_date_round_trip(day, style, short_month):
    """Any date written in an ACLED format reads back as itself. Two-digit years follow
    strptime's rule (69-99 -> 1900s, 00-68 -> 2000s), so that format round-trips 1969-2068."""
    text = _acled_text(day, style, short_month)
    if style == "spreadsheet":
        expected = day.replace(year=(1900 if day.year % 100 >= 69 else 2000) + day.year % 100)
        assert acled.parse_date(text) == expected
        if 1969 <= day.year <= 2068:
            assert expected == day
    else:
        assert acled.parse_date(text) == day


def test_eval_acled_load_fixture_and_missing_columns(tmp_path):
    items = acled.load(FIXTURES / "acled")
    assert len(items) == 12
    gold = items[3][1]
    assert (gold.sub_event_type, gold.fatalities, gold.latitude) == (
        "Remote explosive/landmine/IED",
        2,
        33.9784,
    )
    (tmp_path / "bad.csv").write_text("event_date,notes\n2023-01-01,x\n", "utf-8")
    with pytest.raises(EvalDataError, match="event_type"):
        acled.load(tmp_path)


def _gold(**kw: Any) -> acled.GoldEvent:
    base: dict[str, Any] = dict(
        row_id="r",
        event_date=date(2023, 9, 26),
        event_type="Strategic developments",
        sub_event_type="Arrests",
        actor1="Military Forces of Iraq (2022-)",
        actor2="Islamic State (Iraq)",
        admin1="Al Anbar",
        admin2="Ar-Rutba",
        location="Ar Rutbah",
        latitude=33.0381,
        longitude=40.2848,
        fatalities=0,
        country="Iraq",
        notes="n",
    )
    base.update(kw)
    return acled.GoldEvent(**base)


def test_eval_acled_best_event_prefers_sub_type_then_type_then_confidence():
    gold = _gold()
    arrest_low = event("Arrests", confidence=0.3)
    other_high = event("Other", confidence=0.9)  # same event type
    clash = event("Armed clash", confidence=0.99)
    assert acled.best_event([clash, other_high, arrest_low], gold) is arrest_low
    assert acled.best_event([clash, other_high], gold) is other_high
    assert acled.best_event([clash], gold) is clash
    assert acled.best_event([], gold) is None


def test_eval_acled_score_row_fields():
    gold = _gold()
    ev = event(
        "Arrests",
        event_date=date(2023, 9, 26),
        actor1=actor("Military Forces of Iraq"),
        actor2=actor("Islamic State", ActorType.REBEL_GROUP),
        place=place("Anbar", "Heet", 33.10, 40.30),
        location="Ar-Rutbah",
        fatalities=1,
    )
    right = acled.score_row(ev, gold)
    assert right["event_type_acc"] and right["sub_event_type_acc"] and right["date_acc"]
    assert right["actor1_acc"]  # "(2022-)" dropped
    assert not right["actor2_acc"]  # "Islamic State" vs "Islamic State (Iraq)"
    assert right["admin1_acc"]  # "Al Anbar" vs "Anbar"
    assert not right["admin2_acc"]  # "Ar-Rutba" vs "Heet"
    assert right["location_acc"]  # "Ar Rutbah" vs "Ar-Rutbah"
    assert right["acc_10km"] and right["acc_50km"]  # about 7 km apart
    assert not right["fatalities_acc"] and right["fatalities_pm1"]
    assert acled.score_row(None, gold) == dict.fromkeys(acled.FIELDS, False)


def test_eval_acled_score_row_empty_actor2_and_no_coordinates():
    gold = _gold(actor2="", latitude=None, longitude=None)
    ev = event("Arrests", place=place("Anbar", lat=33.0, lon=40.0))
    right = acled.score_row(ev, gold)
    assert right["actor2_acc"]  # empty agrees with empty
    assert not right["acc_50km"]  # no gold coordinates: cannot be right


def _respond(doc):
    """Gets row 1 (Rutba arrest) fully right and finds a wrong event for row 4 (IED)."""
    text = doc.text
    if "Ar Rutbah" in text:
        doc.events.append(
            event(
                "Arrests",
                event_date=date(2023, 9, 26),
                actor1=actor("Military Forces of Iraq (2022-)"),
                actor2=actor("Islamic State (Iraq)", ActorType.REBEL_GROUP),
                place=place("Al Anbar", "Ar-Rutba", 33.0381, 40.2848),
                location="Ar Rutbah",
            )
        )
    elif "roadside bomb" in text:
        doc.events.append(event("Attack", event_date=date(2023, 10, 2), fatalities=2))


def test_eval_acled_evaluate_on_fixture():
    ctx = EvalContext(FIXTURES, pipeline_factory=factory(FakePipeline(_respond)))
    result = acled.evaluate(ctx)
    m = result.metrics
    assert m["no_event_rate"] == pytest.approx(10 / 12)
    assert m["sub_event_type_acc"] == pytest.approx(1 / 12)
    assert m["event_type_acc"] == pytest.approx(1 / 12)  # IED row: VAC vs Explosions
    assert m["date_acc"] == pytest.approx(2 / 12)
    assert m["fatalities_acc"] == pytest.approx(2 / 12)
    assert m["acc_10km"] == pytest.approx(1 / 12)
    assert m["actor2_acc"] == pytest.approx(1 / 12)
    assert result.counts == {"rows": 12, "no_event": 10, "rejected_docs": 0}
    assert set(result.by_corpus) == {"Iraq", "Syria"}
    assert sum(e.kind == "no_event" for e in result.errors) == 10
    wrong = [e for e in result.errors if e.doc_id == "IRQ90004"]
    assert {"wrong_sub_event_type", "wrong_actor1"} <= {e.kind for e in wrong}


def test_eval_acled_limit():
    ctx = EvalContext(FIXTURES, limit=3, pipeline_factory=factory(FakePipeline()))
    assert acled.evaluate(ctx).counts["rows"] == 3
