"""De-duplication on the invented multi-outlet fixture (``rasd eval dedup``).

The fixture (``rasd/eval/dedup_fixture/``, or ``DATA_DIR/dedup/`` when present)
holds reports in which the same incidents are told by several outlets, with
look-alike distinct incidents; ``gold.json`` says which incidents each report
tells. Every report goes through the full pipeline and the write path (so into
a fresh in-memory store, with de-duplication), exactly as ``rasd ingest``.

Scoring: each gold incident of a report is matched to one extracted event of that
report (same or near event type, date within 2 days, same province when both
have one). Over the matched events of *different* reports, a pair is positive
when both tell the same incident; rasd predicts positive when both are in one
canonical event. Pairwise precision, recall and F1 follow. Extraction misses and
spurious events are counted separately (they are the pipeline's, not
de-duplication's). Baseline: "same event type, same day, same province".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult, run_document
from rasd.exceptions import EvalDataError
from rasd.ingest import read_paths
from rasd.knowledge.similarity import _NEAR_TYPES
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document, Event
from rasd.store.memory import MemoryStore

NAME = "dedup"
ANCHORS = {
    "target": "pairwise precision and recall >= 0.95 (issue 5)",
    "note": "invented fixture; no published reference",
}


@dataclass(frozen=True)
class Matched:
    report: str
    incident: str
    event: Event


def fixture_dir(ctx: EvalContext) -> Path:
    own = ctx.data_dir / "dedup"
    if own.is_dir():
        return own
    return Path(str(resources.files("rasd").joinpath("eval/dedup_fixture")))


def load_gold(folder: Path) -> dict[str, Any]:
    path = folder / "gold.json"
    if not path.is_file():
        raise EvalDataError(
            str(folder), "has no gold.json", "give the de-duplication fixture folder"
        )
    try:
        gold: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise EvalDataError(str(path), f"is not valid JSON ({exc})", "fix the file") from exc
    for report, incidents in gold["reports"].items():
        unknown = [i for i in incidents if i not in gold["incidents"]]
        if unknown:
            raise EvalDataError(
                f"{path} reports.{report}",
                f"names unknown incidents {unknown}",
                "add them to incidents",
            )
    return gold


def compatible(want: dict[str, Any], event: Event) -> float:
    """How well an extracted event fits a gold incident (0: not at all)."""
    from datetime import date

    if (
        event.event_type != want["event_type"]
        and frozenset({event.event_type, want["event_type"]}) not in _NEAR_TYPES
    ):
        return 0.0
    if (
        event.event_date is None
        or abs((event.event_date - date.fromisoformat(want["date"])).days) > 2
    ):
        return 0.0
    admin1 = event.place.admin1 if event.place else ""
    same_province = bool(admin1) and _province_key(admin1) == _province_key(
        str(want.get("admin1", ""))
    )
    return (
        1.0
        + (event.sub_event_type == want.get("sub_event_type"))
        + (event.event_type == want["event_type"])
        + same_province
    )


def _province_key(name: str) -> str:
    """Province spellings differ by source (Ninawa / Nineveh, Thi-Qar / Dhi Qar): compare
    the consonant skeleton of the name's first word after any article."""
    from rasd.knowledge.names import name_key

    key = name_key(name.replace("Governorate", "").replace("Province", ""))
    return key.split(" ")[0][:3] if key else ""


def match_report(
    report: str, wanted: list[str], gold: dict[str, Any], events: list[Event]
) -> tuple[list[Matched], list[str], list[Event]]:
    """(matched, missed incident ids, spurious events) for one report, best fits first."""
    options = sorted(
        (
            (compatible(gold["incidents"][inc], ev), i, j)
            for i, inc in enumerate(wanted)
            for j, ev in enumerate(events)
        ),
        reverse=True,
    )
    used_i: set[int] = set()
    used_j: set[int] = set()
    matched: list[Matched] = []
    for score, i, j in options:
        if score > 0 and i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            matched.append(Matched(report, wanted[i], events[j]))
    missed = [inc for i, inc in enumerate(wanted) if i not in used_i]
    spurious = [ev for j, ev in enumerate(events) if j not in used_j]
    return matched, missed, spurious


def pairwise(matched: list[Matched], same: Any) -> PRF:
    tp = fp = fn = 0
    for x, y in combinations(matched, 2):
        if x.report == y.report:
            continue
        gold, predicted = x.incident == y.incident, same(x.event, y.event)
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    return PRF(tp, fp, fn)


def _read(folder: Path) -> list[tuple[str, Document]]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        for record in read_paths([path]):
            if isinstance(record, Document):
                out.append((path.name, record))
            else:
                raise EvalDataError(str(path), record.message, record.fix)
    return out


def evaluate(ctx: EvalContext) -> EvalResult:
    folder = fixture_dir(ctx)
    gold = load_gold(folder)
    reports = [(name, doc) for name, doc in _read(folder) if name in gold["reports"]]
    if ctx.limit is not None:
        reports = reports[: ctx.limit]
    pipeline = ctx.pipeline()
    store = MemoryStore()
    knowledge = Knowledge.from_config(getattr(pipeline, "config", None))
    extracted: dict[str, list[Event]] = {}
    for name, document in reports:
        doc, _error = run_document(pipeline, document)
        events = doc.events if doc is not None else []
        extracted[name] = save_extraction(store, document, events, knowledge=knowledge).events
    return _score(store, gold, extracted)


def _score(
    store: MemoryStore, gold: dict[str, Any], extracted: dict[str, list[Event]]
) -> EvalResult:
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    matched: list[Matched] = []
    missed = spurious = 0
    for name, events in extracted.items():
        m, miss, spur = match_report(name, gold["reports"][name], gold, events)
        matched.extend(m)
        missed += len(miss)
        spurious += len(spur)
        result.errors.extend(ErrorRecord(name, "missed_incident", inc, None, "") for inc in miss)
        result.errors.extend(
            ErrorRecord(name, "spurious_event", None, _brief(e), _sentence(e)) for e in spur
        )
    clusters = store.clusters([m.event.id for m in matched])
    prf = pairwise(matched, lambda a, b: clusters.get(a.id, a.id) == clusters.get(b.id, b.id))
    result.errors.extend(_pair_errors(matched, clusters))
    base = pairwise(matched, _naive_same)
    result.metrics = {"p": prf.precision, "r": prf.recall, "f1": prf.f1}
    result.baselines = {
        "same type, day and province": {"p": base.precision, "r": base.recall, "f1": base.f1}
    }
    incidents = {m.incident for m in matched}
    result.counts = {
        "reports": len(extracted),
        "gold_incident_tellings": sum(len(gold["reports"][n]) for n in extracted),
        "matched_tellings": len(matched),
        "missed_tellings": missed,
        "spurious_events": spurious,
        "incidents_seen": len(incidents),
        "gold_pairs": prf.tp + prf.fn,
        "predicted_pairs": prf.tp + prf.fp,
        "true_pairs": prf.tp,
    }
    return result


def _naive_same(a: Event, b: Event) -> bool:
    pa, pb = a.place.admin1 if a.place else "", b.place.admin1 if b.place else ""
    return a.event_type == b.event_type and a.event_date == b.event_date and pa == pb


def _pair_errors(matched: Iterable[Matched], clusters: dict[str, str]) -> list[ErrorRecord]:
    out = []
    for x, y in combinations(list(matched), 2):
        if x.report == y.report:
            continue
        same = clusters.get(x.event.id, x.event.id) == clusters.get(y.event.id, y.event.id)
        if same != (x.incident == y.incident):
            kind = "wrong_merge" if same else "missed_merge"
            out.append(
                ErrorRecord(
                    f"{x.report} | {y.report}",
                    kind,
                    [x.incident, y.incident],
                    [_brief(x.event), _brief(y.event)],
                    "",
                )
            )
    return out


def _brief(event: Event) -> dict[str, Any]:
    return {
        "sub_event_type": event.sub_event_type,
        "date": str(event.event_date),
        "place": event.location,
        "admin1": event.place.admin1 if event.place else "",
        "actor1": event.actor1.name if event.actor1 else None,
        "fatalities": event.fatalities,
    }


def _sentence(event: Event) -> str:
    trigger = event.evidence_for("event_type")
    return trigger[0].sentence if trigger else ""
