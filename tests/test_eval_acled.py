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
        ("2023-09-26", date(2023, 9, 26)),
        ("26 September 2023", date(2023, 9, 26)),
        ("26-September-2023", date(2023, 9, 26)),
        ("not a date", None),
    ],
)
def test_eval_acled_parse_date(text, value):
    assert acled.parse_date(text) == value


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
