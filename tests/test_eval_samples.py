"""Golden samples and seed: expectation files, event matching and field accuracy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fixtures.eval.fakes import FakePipeline, actor, event, factory, place

from rasd.eval import samples
from rasd.eval.base import PRF, EvalContext
from rasd.exceptions import EvalDataError
from rasd.records import Person
from rasd.taxonomy import ActorType

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
PACKAGED = Path(samples.__file__).parent.parent / "samples"


def test_eval_samples_load_fixture_folder():
    cases, unscored = samples.load_samples(FIXTURES / "samples")
    assert [c.name for c in cases] == [
        "a_clash.txt",
        "b_briefs.jsonl:1",
        "b_briefs.jsonl:2",
        "c_no_event.txt",
    ]
    assert unscored == ["d_unscored.txt"]
    assert cases[0].documents[0].published_at == date(2024, 5, 8)
    assert cases[2].expected == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be read"),
        ('{"events": {"a": 1}}', "not a list"),
        ('[{"event_type": "Battles"}]', "sub_event_type"),
    ],
)
def test_eval_samples_bad_expectation(tmp_path, content, message):
    path = tmp_path / "x.expected.json"
    path.write_text(content, "utf-8")
    with pytest.raises(EvalDataError, match=message):
        samples.read_expected(path)


def test_eval_samples_packaged_expectations_are_readable():
    if not PACKAGED.is_dir():
        pytest.skip("no packaged samples")
    for path in sorted(PACKAGED.glob("*.expected.json")):
        samples.read_expected(path)
    seed = json.loads((Path(samples.__file__).parent / samples.SEED_EXPECTED).read_text("utf-8"))
    assert [e["sub_event_type"] for e in seed["events"]] == [
        "Arrests",
        "Arrests",
        "Air/drone strike",
    ]
    for e in seed["events"]:
        assert set(e) <= set(samples.SCORED_FIELDS) | {"sub_event_type", "date_window_days"}


EXPECTED = {
    "sub_event_type": "Armed clash",
    "event_date": "2024-05-07",
    "admin1": "Salah al-Din",
}


@pytest.mark.parametrize(
    ("expected", "ev", "matches"),
    [
        (
            EXPECTED,
            event("Armed clash", event_date=date(2024, 5, 7), place=place("Salah ad Din")),
            True,
        ),
        (
            EXPECTED,
            event("Attack", event_date=date(2024, 5, 7), place=place("Salah ad Din")),
            False,
        ),
        (
            EXPECTED,
            event("Armed clash", event_date=date(2024, 5, 8), place=place("Salah ad Din")),
            False,
        ),
        (
            {**EXPECTED, "date_window_days": 1},
            event("Armed clash", event_date=date(2024, 5, 8), place=place("Salah al-Din")),
            True,
        ),
        (EXPECTED, event("Armed clash", event_date=None, place=place("Salah al-Din")), False),
        (
            {**EXPECTED, "event_date": None},
            event("Armed clash", event_date=None, place=place("Salah al-Din")),
            True,
        ),
        (EXPECTED, event("Armed clash", event_date=date(2024, 5, 7), place=place("Kirkuk")), False),
        ({"sub_event_type": "Armed clash"}, event("Armed clash"), True),
    ],
)
def test_eval_samples_events_match(expected, ev, matches):
    assert samples.events_match(expected, ev) is matches


@pytest.mark.parametrize(
    ("name", "want", "ev", "agrees"),
    [
        (
            "actor1",
            "Military Forces of Iraq (2022-)",
            event("Attack", actor1=actor("Military Forces of Iraq")),
            True,
        ),
        ("location", ["Rutba", "Ar Rutbah"], event("Attack", location="Al-Rutba"), True),
        ("fatalities", 5, event("Attack", fatalities=4), False),
        ("fatalities", [4, 5], event("Attack", fatalities=4), True),
        ("geo_precision", 2, event("Attack", geo_precision=2), True),
        (
            "assoc_actor_1",
            ["Asayish"],
            event("Attack", assoc_actor_1=(actor("PMF"), actor("Asayish"))),
            True,
        ),
        (
            "assoc_actor_1",
            [["Asayish", "KRG Asayish"], "PMF"],
            event("Attack", assoc_actor_1=(actor("KRG Asayish"),)),
            False,
        ),
        (
            "persons",
            [{"name": "Haidar Karim", "role": "commander"}],
            event("Attack", persons=(Person(name="Haidar Karim", role="platoon commander"),)),
            True,
        ),
        (
            "persons",
            [{"name": "Haidar Karim", "nationality": "Uzbek"}],
            event("Attack", persons=(Person(name="Haidar Karim"),)),
            False,
        ),
        ("country", "Iraq", event("Attack", place=place(country="Iraq")), True),
    ],
)
def test_eval_samples_field_agrees(name, want, ev, agrees):
    assert samples.field_agrees({"sub_event_type": "Attack", name: want}, ev, name) is agrees


def test_eval_samples_score_case_counts_and_errors():
    case = samples.Case(
        "x.txt",
        "samples",
        [],
        [
            {
                "sub_event_type": "Arrests",
                "admin1": "Kirkuk",
                "fatalities": 0,
                "actor1": "Police Forces of Iraq",
            },
            {"sub_event_type": "Attack"},
        ],
    )
    right = event(
        "Arrests", place=place("Kirkuk"), actor1=actor("Military Forces of Iraq"), confidence=0.4
    )
    spurious = event("Grenade", confidence=0.9)
    tally = samples.Tally()
    errors = samples.score_case(case, [spurious, right], [tally])
    assert tally.events == PRF(1, 1, 1)
    assert tally.fields == {"admin1": [True], "actor1": [False], "fatalities": [True]}
    assert sorted(e.kind for e in errors) == ["missed_event", "spurious_event", "wrong_actor1"]


def test_eval_samples_score_case_no_event_no_prediction():
    tally = samples.Tally()
    assert samples.score_case(samples.Case("n.txt", "samples", [], []), [], [tally]) == []
    assert tally.events == PRF(0, 0, 0)


def _respond(doc):
    text = doc.text
    if "Tuz Khurmatu" in text:
        doc.events.append(
            event(
                "Armed clash",
                event_date=date(2024, 5, 7),
                actor1=actor("Islamic State (Iraq)", ActorType.REBEL_GROUP),
                actor2=actor("Military Forces of Iraq (2022-)"),
                place=place("Salah ad Din", name="Tuz Khurmatu"),
                location="Tuz Khurmatu",
                geo_precision=2,
                fatalities=3,
            )
        )
    elif "talks" in text:
        doc.events.append(event("Agreement", event_date=date(2024, 7, 7)))


def test_eval_samples_evaluate_fixture_and_seed(tmp_path):
    data = tmp_path / "data"
    (data / "samples").mkdir(parents=True)
    for path in (FIXTURES / "samples").iterdir():
        (data / "samples" / path.name).write_bytes(path.read_bytes())
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    invented = "date 2023-09-27\n\nOn Tuesday, an invented arrest took place somewhere in Anbar."
    (seed_dir / "000_8fef1168cdb6b6c4.txt").write_text(invented, "utf-8")
    result = samples.evaluate(EvalContext(data, pipeline_factory=factory(FakePipeline(_respond))))
    m = result.metrics
    # expected: clash (a), protest (b:1), 3 seed events = 5; predicted: clash, agreement = 2
    assert result.counts["expected_events"] == 5
    assert result.counts["predicted_events"] == 2
    assert m["p"] == pytest.approx(0.5) and m["r"] == pytest.approx(1 / 5)
    assert m["location_acc"] == 1.0 and m["fatalities_acc"] == 0.0
    assert m["no_event_samples_correct"] == pytest.approx(1 / 2)  # b:2 got a spurious event
    assert result.counts["unscored_files"] == 1 and result.counts["seed_missing"] == 0
    assert set(result.by_corpus) == {"samples", "seed"}


def test_eval_samples_missing_seed_is_counted():
    result = samples.evaluate(
        EvalContext(FIXTURES, limit=1, pipeline_factory=factory(FakePipeline()))
    )
    assert result.counts["seed_missing"] == 1
    assert result.counts["cases"] == 1
