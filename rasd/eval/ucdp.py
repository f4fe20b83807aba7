"""De-duplication against real event distributions: UCDP GED Iraq (``rasd eval ucdp``).

UCDP analysts coded each event once, from news, with its date range, place,
dyad and deaths; the article texts are not in the data. What the data do
provide is *real* crowding: many distinct events on the same day in the same
city (Baghdad 2006-2007), which is what makes de-duplication hard.

So each UCDP event is told twice, as two reports' coded events would be:
telling A has UCDP's own coding; telling B varies it the way outlets differ
(seeded, reproducible): dated a day later when UCDP gives a two-day range or
with probability 0.3; only the province named (probability 0.3); the
perpetrator not named (0.3); a death toll from UCDP's low or high estimate.
No text is used (the wording score is neutral), so this measures the coded-field
rules alone. All tellings go into one store, are linked with the bulk re-link
(``rasd dedup``), and scored pairwise: precision is the share of linked pairs
that are one UCDP event; recall is the share of the events whose two tellings
were linked. Baseline: "same type, day and province".
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rasd.config import DedupConfig, PipelineConfig, Settings
from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult
from rasd.exceptions import EvalDataError
from rasd.knowledge.dedup import relink_all
from rasd.records import Actor, Document, Event, Place, event_id
from rasd.store.memory import MemoryStore
from rasd.taxonomy import ActorType

NAME = "ucdp"
FILE = "ucdp_ged_iraq/conflict_data_irq.csv"
SUB = {"1": "Armed clash", "2": "Armed clash", "3": "Attack"}  # UCDP type_of_violence
ANCHORS = {"note": "tellings are derived from UCDP codings; no published reference"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _actor(name: str) -> Actor | None:
    if not name:
        return None
    if name.startswith("Government of"):
        kind = ActorType.STATE_FORCES
    elif name == "Civilians":
        kind = ActorType.CIVILIANS
    else:
        kind = ActorType.REBEL_GROUP
    return Actor(id=f"ucdp-{_slug(name)}", name=name, actor_type=kind, country="Iraq")


def _admin1(value: str) -> str:
    return re.sub(r"\s+(province|governorate)$", "", value.strip())


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise EvalDataError(
            str(path), "is missing", "put the UCDP GED Iraq folder under --data-dir"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh)
        for row in rows:
            if row.get("id", "").strip() and row["id"][0].isdigit():  # skips the HXL row
                yield row


def telling(row: dict[str, str], which: str, rng: random.Random) -> tuple[Document, Event]:
    """One report's coding of a UCDP event: ``a`` as UCDP coded it, ``b`` varied."""
    start, end = date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"])
    varied = which == "b"
    when = start
    if varied and (end > start or rng.random() < 0.3):
        when = start + timedelta(days=1)
    span = (end - start).days
    precision = 1 if span <= 1 else (2 if span <= 7 else 3)
    coarse = int(row["where_prec"] or 1) >= 4 or (varied and rng.random() < 0.3)
    place = Place(
        name=row["where_coordinates"] or row["adm_1"],
        country="Iraq",
        country_code="IQ",
        admin1=_admin1(row["adm_1"]),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        feature_class="A" if coarse else "P",
    )
    actor1 = None if varied and rng.random() < 0.3 else _actor(row["side_a"])
    deaths = int(row["best"] or 0)
    if varied:
        deaths = int(row["low"] or 0) if rng.random() < 0.5 else int(row["high"] or 0)
    text = f"ucdp:{row['id']}:{which}"
    doc = Document.from_text(text, source=f"ucdp telling {which}", published_at=end)
    sub = SUB.get(row["type_of_violence"], "Armed clash")
    from rasd.taxonomy import SUB_EVENT_TYPES

    event = Event(
        id=event_id(doc.id, sub, 0, 1),
        document_id=doc.id,
        event_date=when,
        time_precision=precision,
        event_type=SUB_EVENT_TYPES[sub],
        sub_event_type=sub,
        actor1=actor1,
        actor2=_actor(row["side_b"]),
        place=place,
        location=place.name,
        geo_precision=3 if coarse else 1,
        fatalities=max(0, deaths),
        notes=text,
    )
    return doc, event


def evaluate(ctx: EvalContext) -> EvalResult:
    rows = list(read_rows(ctx.data_dir / FILE))
    if ctx.limit is not None:
        rows = rows[: ctx.limit]
    rng = random.Random(20261123)
    store = MemoryStore()
    owner: dict[str, str] = {}
    for row in rows:
        for which in ("a", "b"):
            doc, event = telling(row, which, rng)
            store.add(doc, [event])
            owner[event.id] = row["id"]
    config = PipelineConfig.load(Settings().pipeline_config).dedup
    summary = relink_all(store, config)
    events = list(store.events())
    clusters = store.clusters([e.id for e in events])
    return _score(events, clusters, owner, summary.comparisons, config)


def _pairs(groups: dict[Any, list[str]]) -> Iterator[tuple[str, str]]:
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                yield a, b


def _prf(groups: dict[Any, list[str]], owner: dict[str, str], events: int) -> PRF:
    tp = fp = 0
    for a, b in _pairs(groups):
        if owner[a] == owner[b]:
            tp += 1
        else:
            fp += 1
    positives = events // 2
    return PRF(tp, fp, positives - tp)


def _score(
    events: list[Event],
    clusters: dict[str, str],
    owner: dict[str, str],
    comparisons: int,
    config: DedupConfig,
) -> EvalResult:
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    by_cluster: dict[str, list[str]] = {}
    naive: dict[tuple[str, Any, str], list[str]] = {}
    for e in events:
        by_cluster.setdefault(clusters.get(e.id, e.id), []).append(e.id)
        naive.setdefault(
            (e.event_type, e.event_date, e.place.admin1 if e.place else ""), []
        ).append(e.id)
    prf = _prf(by_cluster, owner, len(events))
    base = _prf(naive, owner, len(events))
    result.metrics = {"p": prf.precision, "r": prf.recall, "f1": prf.f1}
    result.baselines = {
        "same type, day and province": {"p": base.precision, "r": base.recall, "f1": base.f1}
    }
    result.counts = {
        "ucdp_events": len(events) // 2,
        "tellings": len(events),
        "comparisons": comparisons,
        "linked_pairs": prf.tp + prf.fp,
        "true_pairs": prf.tp,
        "canonical_events": len(by_cluster),
    }
    for members in by_cluster.values():
        owners = sorted({owner[m] for m in members})
        if len(owners) > 1:
            result.errors.append(ErrorRecord(",".join(owners), "wrong_merge", owners, members, ""))
    result.extra = {"threshold": config.threshold, "max_km": config.max_km}
    return result
