"""Golden sample reports and the seed report: event-level P/R/F1 and per-field accuracy.

Samples: every report file in ``DATA_DIR/samples/`` when that folder exists, else
the packaged ``rasd/samples/`` (``.txt``, ``.html``, ``.jsonl``, read with
:mod:`rasd.ingest`). Each ``NAME.EXT`` is scored against its sibling
``NAME.expected.json`` (schema in ``rasd/samples/README.md``): ``{"events": [...]}``
(or a bare list) for the whole file, or ``{"by_line": [{"line": 1, "events":
[...]}, ...]}`` for a JSONL file, scored line by line. A report without an
expectation file is counted (``unscored_files``) and not scored.

Seed: the report named in ``rasd/eval/seed_expected.json`` (same event schema),
looked up in ``DATA_DIR/../seed/`` and ``DATA_DIR/seed/``; counted as
``seed_missing`` when absent.

Matching: an expected event matches a rasd event when the sub_event_type is the
same, admin1 agrees (when expected) and the dates agree: equal, or within the
expected ``date_window_days`` (default 0); an expected ``event_date`` of null
agrees with any date. Matching is one-to-one, rasd's events tried in order of
confidence. ``p``/``r``/``f1`` count matched events; ``<field>_acc`` is the share
of matched events whose field agrees, over the matched events that state the
field (0 when none does). Names compare after normalisation
(:func:`rasd.eval.scoring.names_agree`); a list of strings lists acceptable
spellings. ``assoc_actor_1`` lists expected actors (each a name or a list of
spellings), all of which must be among rasd's; ``persons`` agree when every
expected name is among rasd's persons with the expected role and nationality
contained in the reported ones; ``fatalities`` may be a list of acceptable counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import max_matching, names_agree, normalise_name
from rasd.exceptions import EvalDataError
from rasd.ingest import file_format, read_path
from rasd.records import Document, Event

NAME = "samples"
SEED_EXPECTED = "seed_expected.json"
EXPECTED_SUFFIX = ".expected.json"

#: Fields scored on matched events, when the expected event states them.
SCORED_FIELDS = (
    "event_type",
    "event_date",
    "time_precision",
    "country",
    "admin1",
    "admin2",
    "location",
    "geo_precision",
    "actor1",
    "actor2",
    "assoc_actor_1",
    "fatalities",
    "persons",
)
PLACE_FIELDS = frozenset({"country", "admin1", "admin2", "location"})
EXACT_FIELDS = frozenset({"event_type", "time_precision", "geo_precision"})

ANCHORS = {"note": "hand-written expectations; no published reference"}


@dataclass
class Case:
    name: str  # file name
    corpus: str  # "samples" or "seed"
    documents: list[Document]
    expected: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- loading


def _events(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise EvalDataError(
            where, "is not a list of event objects", 'write [{"sub_event_type": ...}]'
        )
    for number, event in enumerate(value):
        if "sub_event_type" not in event:
            raise EvalDataError(f"{where} event {number}", "has no sub_event_type", "add it")
    return value


def read_expected(path: Path) -> list[dict[str, Any]] | dict[int, list[dict[str, Any]]]:
    """Expected events of one expectation file.

    A list, or ``{"events": [...]}``: the events of the whole file. ``{"by_line":
    [{"line": 1, "events": [...]}, ...]}`` (JSONL reports): events per 1-based line.
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalDataError(str(path), f"cannot be read as JSON ({exc})", "fix the file") from exc
    if isinstance(data, dict) and "by_line" in data:
        return {
            int(entry["line"]): _events(entry.get("events"), f"{path} line {entry['line']}")
            for entry in data["by_line"]
        }
    return _events(data.get("events") if isinstance(data, dict) else data, str(path))


def _read_documents(path: Path) -> tuple[list[Document], list[str]]:
    documents, problems = [], []
    for record in read_path(path):
        if isinstance(record, Document):
            documents.append(record)
        else:
            problems.append(f"{record.source}: {record.message}")
    return documents, problems


def samples_dir(ctx: EvalContext) -> Path:
    own = ctx.data_dir / "samples"
    if own.is_dir():
        return own
    return Path(str(resources.files("rasd").joinpath("samples")))


def _cases_of(path: Path, expected: Path) -> list[Case]:
    documents, problems = _read_documents(path)
    want = read_expected(expected)
    if isinstance(want, list):
        return [Case(path.name, "samples", documents, want, problems)]
    cases = [
        Case(f"{path.name}:{line}", "samples", [doc], want.get(line, []), [])
        for line, doc in enumerate(documents, 1)
    ]
    if cases:
        cases[0].problems = problems
    return cases


def load_samples(folder: Path) -> tuple[list[Case], list[str]]:
    """Scored cases, and the names of report files that have no expectation file."""
    cases, unscored = [], []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(EXPECTED_SUFFIX) or file_format(path)[0] is None:
            continue
        expected = path.with_name(path.name.split(".")[0] + EXPECTED_SUFFIX)
        if expected.is_file():
            cases.extend(_cases_of(path, expected))
        else:
            unscored.append(path.name)
    return cases, unscored


def load_seed(data_dir: Path) -> Case | None:
    spec = json.loads(resources.files("rasd.eval").joinpath(SEED_EXPECTED).read_text("utf-8"))
    for folder in (data_dir.parent / "seed", data_dir / "seed"):
        path = folder / spec["document"]
        if path.is_file():
            documents, problems = _read_documents(path)
            return Case(path.name, "seed", documents, list(spec["events"]), problems)
    return None


# --------------------------------------------------------------------------- matching


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def dates_agree(expected: dict[str, Any], predicted: date | None) -> bool:
    want = _date(expected.get("event_date"))
    if want is None:
        return True
    if predicted is None:
        return False
    return abs((predicted - want).days) <= int(expected.get("date_window_days", 0))


def _admin1(event: Event) -> str:
    return event.place.admin1 if event.place is not None else ""


def events_match(expected: dict[str, Any], event: Event) -> bool:
    if event.sub_event_type != expected["sub_event_type"]:
        return False
    if "admin1" in expected and not names_agree(expected["admin1"], _admin1(event), place=True):
        return False
    return dates_agree(expected, event.event_date)


def predicted_value(event: Event, name: str) -> Any:
    getters: dict[str, Callable[[Event], Any]] = {
        "event_type": lambda e: e.event_type,
        "event_date": lambda e: e.event_date,
        "admin1": _admin1,
        "admin2": lambda e: e.place.admin2 if e.place is not None else "",
        "location": lambda e: e.location,
        "actor1": lambda e: e.actor1.name if e.actor1 is not None else "",
        "actor2": lambda e: e.actor2.name if e.actor2 is not None else "",
        "assoc_actor_1": lambda e: [a.name for a in e.assoc_actor_1],
        "fatalities": lambda e: e.fatalities,
        "country": lambda e: e.place.country if e.place is not None else "",
        "time_precision": lambda e: e.time_precision,
        "geo_precision": lambda e: e.geo_precision,
        "persons": lambda e: [p.model_dump(exclude_none=True) for p in e.persons],
    }
    return getters[name](event)


def _contains(reported: Any, wanted: Any) -> bool:
    return wanted is None or normalise_name(wanted) in normalise_name(reported or "")


def persons_agree(expected: list[dict[str, Any]], persons: list[dict[str, Any]]) -> bool:
    """Every expected person is among rasd's, with the expected role and nationality
    contained in the reported ones."""
    return all(
        any(
            names_agree(want["name"], got.get("name"), place=False)
            and _contains(got.get("role"), want.get("role"))
            and _contains(got.get("nationality"), want.get("nationality"))
            for got in persons
        )
        for want in expected
    )


def field_agrees(expected: dict[str, Any], event: Event, name: str) -> bool:
    """Whether rasd's value of one field agrees with the expected event."""
    want, got = expected[name], predicted_value(event, name)
    if name == "event_date":
        return dates_agree(expected, got)
    if name == "fatalities":
        return got in want if isinstance(want, list) else got == want
    if name in EXACT_FIELDS:
        return bool(got == want)
    if name == "assoc_actor_1":  # every expected one (a name or a list of spellings) is there
        wanted = [want] if isinstance(want, str) else want
        return all(any(names_agree(w, actor, place=False) for actor in got) for w in wanted)
    if name == "persons":
        return persons_agree(want, got)
    return names_agree(want, got, place=name in PLACE_FIELDS)


def summary(event: Event) -> dict[str, Any]:
    out = {name: predicted_value(event, name) for name in SCORED_FIELDS if name != "persons"}
    return {"sub_event_type": event.sub_event_type, **out, "confidence": event.confidence}


def _sentence(event: Event) -> str:
    return event.evidence[0].sentence if event.evidence else event.notes


# --------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    events: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    fields: dict[str, list[bool]] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        out = {"p": self.events.precision, "r": self.events.recall, "f1": self.events.f1}
        for name in SCORED_FIELDS:
            flags = self.fields.get(name, [])
            out[f"{name}_acc"] = sum(flags) / len(flags) if flags else 0.0
        return out


def score_case(case: Case, events: list[Event], tallies: list[Tally]) -> list[ErrorRecord]:
    """Match one case's events, add its counts to every tally, return its errors."""
    events = sorted(events, key=lambda e: -e.confidence)
    exp = case.expected
    pairs = max_matching(len(exp), len(events), lambda i, j: events_match(exp[i], events[j]))
    prf = PRF(len(pairs), len(events) - len(pairs), len(exp) - len(pairs))
    errors = []
    for i, j in pairs:
        for name in SCORED_FIELDS:
            if name not in exp[i]:
                continue
            ok = field_agrees(exp[i], events[j], name)
            for t in tallies:
                t.fields.setdefault(name, []).append(ok)
            if not ok:
                got = predicted_value(events[j], name)
                kind = f"wrong_{name}"
                errors.append(ErrorRecord(case.name, kind, exp[i][name], got, _sentence(events[j])))
    for t in tallies:
        t.events = t.events + prf
    matched_exp, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, want in enumerate(exp):
        if i not in matched_exp:
            near = [summary(e) for e in events if e.sub_event_type == want["sub_event_type"]]
            errors.append(ErrorRecord(case.name, "missed_event", want, near or None, ""))
    for j, event in enumerate(events):
        if j not in matched_pred:
            sentence = _sentence(event)
            errors.append(ErrorRecord(case.name, "spurious_event", None, summary(event), sentence))
    return errors


def _cases(ctx: EvalContext) -> tuple[list[Case], dict[str, int]]:
    cases, unscored = load_samples(samples_dir(ctx))
    seed = load_seed(ctx.data_dir)
    if seed is not None:
        cases.append(seed)
    if ctx.limit is not None:
        cases = cases[: ctx.limit]
    counts = {"unscored_files": len(unscored), "seed_missing": int(seed is None)}
    return cases, counts


def evaluate(ctx: EvalContext) -> EvalResult:
    cases, counts = _cases(ctx)
    pipeline = ctx.pipeline()
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    total, by_corpus = Tally(), {"samples": Tally(), "seed": Tally()}
    quiet = quiet_total = rejected = 0
    for case in cases:
        events: list[Event] = []
        for document in case.documents:
            doc, error = run_document(pipeline, document)
            rejected += error is not None
            events.extend(doc.events if doc is not None else [])
        for problem in case.problems:
            result.errors.append(ErrorRecord(case.name, "unreadable", None, None, problem))
        result.errors.extend(score_case(case, events, [total, by_corpus[case.corpus]]))
        if not case.expected:
            quiet_total += 1
            quiet += not events
    result.metrics = total.metrics()
    result.metrics["no_event_samples_correct"] = quiet / quiet_total if quiet_total else 0.0
    result.by_corpus = {
        name: {k: t.metrics()[k] for k in ("p", "r", "f1")}
        for name, t in by_corpus.items()
        if t.events.tp + t.events.fp + t.events.fn
    }
    result.counts = {
        "cases": len(cases),
        "documents": sum(len(c.documents) for c in cases),
        "expected_events": total.events.tp + total.events.fn,
        "predicted_events": total.events.tp + total.events.fp,
        "matched_events": total.events.tp,
        "no_event_files": quiet_total,
        "rejected_docs": rejected,
        **counts,
    }
    return result
