"""Golden comparison: the full pipeline on each invented sample against its expected file.

Only the fields an expected event lists are compared (see rasd/samples/README.md).
Samples with a known, documented gap are listed in fixtures/golden_known_gaps.json
and reported as XFAIL with every difference; the list is strict both ways (a listed
sample that starts matching fails, an unlisted sample that stops matching fails),
so the test guards every sample that works today. To see the differences::

    pytest tests/test_samples_golden.py -m slow -rxX -q -p no:xdist
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rasd.engine import extract
from rasd.eval.scoring import names_agree, normalise_name
from rasd.ingest import read_path
from rasd.records import Actor, Document, Event, Person, Place
from rasd.taxonomy import ActorType

SAMPLES = Path(__file__).resolve().parent.parent / "rasd" / "samples"
EXACT = ("event_type", "sub_event_type", "time_precision", "geo_precision", "fatalities")


def _cases() -> list[tuple[Path, int]]:
    out: list[tuple[Path, int]] = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix not in {".txt", ".html", ".jsonl"} or ".expected" in path.name:
            continue
        lines = len(path.read_text("utf-8").splitlines()) if path.suffix == ".jsonl" else 1
        out.extend((path, i) for i in range(lines))
    return out


def _expected(path: Path, index: int) -> list[dict[str, Any]]:
    data = json.loads(path.with_name(f"{path.stem}.expected.json").read_text("utf-8"))
    block = data["by_line"][index] if path.suffix == ".jsonl" else data
    events: list[dict[str, Any]] = block["events"]
    return events


def _document(path: Path, index: int) -> Document:
    docs = [r for r in read_path(path) if isinstance(r, Document)]
    return docs[index]


def _actual(event: Event, key: str) -> Any:
    place = event.place
    values: dict[str, Any] = {
        "event_date": event.event_date.isoformat() if event.event_date else None,
        "actor1": event.actor1.name if event.actor1 else None,
        "actor2": event.actor2.name if event.actor2 else None,
        "assoc_actor_1": [a.name for a in event.assoc_actor_1],
        "assoc_actor_2": [a.name for a in event.assoc_actor_2],
        "country": place.country if place else None,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "location": event.location or (place.name if place else None),
    }
    return values[key] if key in values else getattr(event, key)


def _person_differs(want: dict[str, str], got: tuple[Person, ...]) -> str | None:
    match = next((p for p in got if normalise_name(p.name) == normalise_name(want["name"])), None)
    if match is None:
        return f"person {want['name']!r} missing (got {[p.name for p in got]})"
    for key in ("role", "nationality", "status"):
        expected, actual = want.get(key), getattr(match, key)
        if expected and (not actual or expected.casefold() not in actual.casefold()):
            return f"person {want['name']!r} {key}: expected {expected!r}, got {actual!r}"
    return None


def _field_differs(key: str, expected: Any, event: Event) -> str | None:
    if key == "persons":
        diffs = [d for p in expected if (d := _person_differs(p, event.persons))]
        return "; ".join(diffs) or None
    actual = _actual(event, key)
    if key in {"assoc_actor_1", "assoc_actor_2"}:
        ok = all(any(names_agree(e, a, place=False) for a in actual) for e in expected)
    elif key in {"actor1", "actor2"}:
        ok = names_agree(expected, actual, place=False)
    elif key in {"country", "admin1", "admin2", "location"}:
        ok = names_agree(expected, actual, place=True)
    else:
        ok = expected == actual
    return None if ok else f"{key}: expected {expected!r}, got {actual!r}"


def _differences(want: dict[str, Any], event: Event) -> list[str]:
    """Differing fields. ACLED's actor1/actor2 carry no direction, so a swapped pair agrees."""
    diffs = {key: d for key, value in want.items() if (d := _field_differs(key, value, event))}
    if {"actor1", "actor2"} <= diffs.keys() and event.actor1 and event.actor2:
        a1 = names_agree(want["actor1"], event.actor2.name, place=False)
        a2 = names_agree(want["actor2"], event.actor1.name, place=False)
        if a1 and a2:
            del diffs["actor1"], diffs["actor2"]
    return list(diffs.values())


def _pick(want: dict[str, Any], pool: list[Event]) -> Event | None:
    """The predicted event that best matches an expected one: same type first, fewest diffs."""
    same = [e for e in pool if e.event_type == want["event_type"]]
    if not same:
        return None
    return min(same, key=lambda e: (e.sub_event_type != want["sub_event_type"],
                                    len(_differences(want, e))))  # fmt: skip


def _describe(event: Event) -> str:
    return (
        f"{event.sub_event_type} on {event.event_date} at {event.location!r} "
        f"({event.actor1.name if event.actor1 else None} vs "
        f"{event.actor2.name if event.actor2 else None}, {event.fatalities} dead)"
    )


def compare(expected: list[dict[str, Any]], events: list[Event]) -> list[str]:
    """Every difference between the expected events and the pipeline's, as readable lines."""
    pool = list(events)
    problems = []
    for n, want in enumerate(expected, 1):
        label = f"expected event {n} ({want['sub_event_type']}, {want['event_date']})"
        got = _pick(want, pool)
        if got is None:
            problems.append(f"{label}: not found")
            continue
        pool.remove(got)
        problems.extend(f"{label}: {d}" for d in _differences(want, got))
    problems.extend(f"unexpected event: {_describe(e)}" for e in pool)
    return problems


CASES = _cases()


def _event(**kw: Any) -> Event:
    base: dict[str, Any] = {
        "id": "e1", "document_id": "d1", "event_date": date(2024, 3, 11),
        "event_type": "Battles", "sub_event_type": "Armed clash", "geo_precision": 2,
        "actor1": Actor(id="iq-mil", name="Military Forces of Iraq (2022-)",
                        actor_type=ActorType.STATE_FORCES),
        "actor2": Actor(id="is", name="Islamic State (Iraq)", actor_type=ActorType.REBEL_GROUP),
        "place": Place(name="Ar Rutbah", country="Iraq", admin1="Anbar"),
        "location": "Ar Rutbah", "fatalities": 5,
        "persons": (Person(name="Haidar Karim", role="a platoon commander"),),
    }  # fmt: skip
    base.update(kw)
    return Event(**base)


WANT = {
    "event_type": "Battles", "sub_event_type": "Armed clash", "event_date": "2024-03-11",
    "actor1": "Military Forces of Iraq (2022-)", "actor2": ["Islamic State (Iraq)", "ISIS"],
    "country": "Iraq", "admin1": "Al Anbar",
    "location": ["Rutba", "Ar Rutbah"], "geo_precision": 2, "fatalities": 5,
    "persons": [{"name": "Haidar Karim", "role": "platoon commander"}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("events", "needles"),
    [
        ([_event()], []),
        ([], ["not found"]),
        ([_event(fatalities=3)], ["fatalities: expected 5, got 3"]),
        ([_event(event_date=date(2024, 3, 12))], ["event_date: expected '2024-03-11'"]),
        ([_event(location="Ramadi")], ["location: expected"]),
        ([_event(persons=())], ["person 'Haidar Karim' missing"]),
        (
            [
                _event(
                    actor2=_event().actor1,
                    actor1=Actor(
                        id="is", name="Islamic State (Iraq)", actor_type=ActorType.REBEL_GROUP
                    ),
                )
            ],
            [],
        ),
        (
            [
                _event(
                    actor2=_event().actor1,
                    actor1=Actor(id="x", name="Rioters (Iraq)", actor_type=ActorType.RIOTERS),
                )
            ],
            ["actor1: expected", "actor2: expected"],
        ),
        (
            [
                _event(),
                _event(id="e2", sub_event_type="Arrests", event_type="Strategic developments"),
            ],
            ["unexpected event: Arrests"],
        ),
    ],
)
def test_samples_golden_compare_reports_differences(
    events: list[Event], needles: list[str]
) -> None:
    problems = compare([WANT], events)
    assert len(problems) == len(needles), problems
    for needle, problem in zip(needles, problems, strict=True):
        assert needle in problem


KNOWN_GAPS_FILE = Path(__file__).parent / "fixtures" / "golden_known_gaps.json"
#: Samples where the pipeline is known to differ from the hand-coded expectation, with
#: the reason. Strict: a listed sample that starts matching fails until it is removed,
#: and an unlisted sample that stops matching fails. Regenerate the list only after
#: reading the differences (pytest tests/test_samples_golden.py -m slow -rxX).
KNOWN_GAPS: dict[str, str] = json.loads(KNOWN_GAPS_FILE.read_text("utf-8"))


def _case_id(path: Path, index: int) -> str:
    return f"{path.name}#{index + 1}" if path.suffix == ".jsonl" else path.name


@pytest.mark.slow
@pytest.mark.parametrize(("path", "index"), CASES, ids=[_case_id(p, i) for p, i in CASES])
def test_samples_golden_pipeline_matches_expected(pipeline: Any, path: Path, index: int) -> None:
    events = extract(pipeline, _document(path, index))
    problems = compare(_expected(path, index), events)
    case = _case_id(path, index)
    if case in KNOWN_GAPS:
        if not problems:
            pytest.fail(
                f"{case} now matches its expected file: remove it from {KNOWN_GAPS_FILE.name}"
            )
        pytest.xfail(f"known gap ({KNOWN_GAPS[case]}): " + " | ".join(problems))
    assert not problems, f"{case}: " + "\n".join(problems)


CORE_FIELDS = ("event_type", "sub_event_type", "event_date", "admin1")
CORE_GAPS_FILE = Path(__file__).parent / "fixtures" / "golden_core_gaps.json"
#: Same contract as KNOWN_GAPS, for the core comparison: the right events (type,
#: sub-event type, date, admin1) and no spurious ones.
CORE_GAPS: dict[str, str] = json.loads(CORE_GAPS_FILE.read_text("utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize(("path", "index"), CASES, ids=[_case_id(p, i) for p, i in CASES])
def test_samples_golden_core_events(pipeline: Any, path: Path, index: int) -> None:
    events = extract(pipeline, _document(path, index))
    core = [{k: v for k, v in e.items() if k in CORE_FIELDS} for e in _expected(path, index)]
    problems = compare(core, events)
    case = _case_id(path, index)
    if case in CORE_GAPS:
        if not problems:
            pytest.fail(f"{case} now matches on core fields: remove it from {CORE_GAPS_FILE.name}")
        pytest.xfail(f"known core gap ({CORE_GAPS[case]}): " + " | ".join(problems))
    assert not problems, f"{case}: " + "\n".join(problems)


@pytest.mark.parametrize("gaps", [KNOWN_GAPS, CORE_GAPS])
def test_samples_golden_known_gaps_name_real_cases(gaps: dict[str, str]) -> None:
    ids = {_case_id(p, i) for p, i in CASES}
    assert set(gaps) <= ids, set(gaps) - ids
