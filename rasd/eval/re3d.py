"""re3d (Dstl): entity P/R/F1 per type and the relations rasd can derive from its events.

Data: ``DATA_DIR/re3d/original/<source folder>/{documents,entities,relations}.json``
(mongoexport JSON lines, possibly with a UTF-8 BOM). Every source folder found is
read, so the maintainers' test portion (same layout) reads unchanged. Only gold
annotations with ``confidence >= 0.5`` count, as the dataset README advises.

Entities: rasd's mention labels are mapped to re3d types with :data:`RE3D_TYPE`
(one table, used for rasd and for the plain-spaCy baseline alike); mentions whose
label has no re3d type are ignored, not counted as false positives. re3d annotates
nominal and pronominal mentions too ("the Army", "rebels", "he", "strikes" as a
Weapon), which NER never proposes, so recall is bounded well below 1 for every
NER system; the baseline column shows how much of the gap is the model's.
rasd's side therefore scores :func:`rasd.pipeline.mentions.augmented_mentions`:
its mentions plus nominal phrases ("ISIL fighters", "the Foreign Secretary",
"the library"), subject/object pronouns, acting countries as organisations, and
without countries that only modify a noun ("U.S. companies"). The spaCy baseline
is plain NER, untouched by these additions.

Relations: rasd has no relation extractor; it derives relations from its events
(:func:`derive_relations`), with event evidence spans as arguments:

- ``FightingAgainst``: actor1 vs actor2 of a Battles, Explosions/Remote violence
  or Violence against civilians event;
- ``AlliesOf``: actor1 with each assoc_actor_1, actor2 with each assoc_actor_2;
- ``CoLocated``: actor1 and actor2 with the event's place.

A predicted relation matches a gold one of the same type when both argument
spans overlap (either order, as the three types are symmetric), one-to-one. Gold
relations of other types (BelongsTo, IsSynonymOf...) are not scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import (
    LabeledSpan,
    Relation,
    add_prfs,
    match_relations,
    match_spans,
    micro,
    prf_metrics,
    sentence_around,
    span_mapper,
)
from rasd.exceptions import EvalDataError
from rasd.pipeline.mentions import augmented_mentions
from rasd.records import Document, Event
from rasd.taxonomy import BATTLES, EXPLOSIONS, VIOLENCE_CIVILIANS

NAME = "re3d"
MIN_CONFIDENCE = 0.5

#: rasd / spaCy mention label -> re3d entity type. Labels not listed are ignored.
#: CARDINAL and PERCENT count as Quantity because re3d's Quantity includes bare
#: counts ("two", "29", "five million"); LANGUAGE counts as Nationality because
#: re3d files languages ("Arabic", "Kurmanji") there. PRODUCT is left out: it
#: mixes re3d's Weapon, MilitaryPlatform and Vehicle.
RE3D_TYPE: dict[str, str] = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "ACTOR": "Organisation",
    "NORP": "Nationality",
    "LANGUAGE": "Nationality",
    "GPE": "Location",
    "LOC": "Location",
    "FAC": "Location",  # includes derived place phrases ("the library")
    "DATE": "Temporal",
    "TIME": "Temporal",
    "MONEY": "Money",
    "QUANTITY": "Quantity",
    "CARDINAL": "Quantity",
    "PERCENT": "Quantity",
    "WEAPON": "Weapon",
    "MILITARY_PLATFORM": "MilitaryPlatform",
    "VEHICLE": "Vehicle",
}

FIGHTING_EVENT_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_CIVILIANS})
DERIVED_RELATIONS = ("FightingAgainst", "AlliesOf", "CoLocated")
SYMMETRIC = frozenset(DERIVED_RELATIONS)

ANCHORS = {
    "note": "re3d publishes no reference scores; compare with the spaCy baseline column",
}


@dataclass(frozen=True)
class Re3dDoc:
    id: str
    source: str  # the source folder, e.g. "CENTCOM"
    title: str
    text: str
    entities: tuple[LabeledSpan, ...]  # gold, confidence >= 0.5, label = re3d type
    relations: tuple[Relation, ...]  # gold, confidence >= 0.5


# --------------------------------------------------------------------------- loading


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalDataError(
                    f"{path}:{number}", f"is not valid JSON ({exc.msg})", "restore the file"
                ) from exc


def _by_document(path: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in _json_lines(path):
        if float(row.get("confidence", 0)) >= MIN_CONFIDENCE:
            out.setdefault(row["documentId"], []).append(row)
    return out


def _load_folder(folder: Path) -> list[Re3dDoc]:
    entities = _by_document(folder / "entities.json")
    relations = _by_document(folder / "relations.json")
    docs = []
    for row in _json_lines(folder / "documents.json"):
        doc_id = row["_id"]
        ents = tuple((e["begin"], e["end"], e["type"]) for e in entities.get(doc_id, []))
        rels = tuple(
            (r["type"], (r["sourceBegin"], r["sourceEnd"]), (r["targetBegin"], r["targetEnd"]))
            for r in relations.get(doc_id, [])
        )
        docs.append(Re3dDoc(doc_id, folder.name, row.get("title", ""), row["text"], ents, rels))
    return docs


def load(root: Path) -> list[Re3dDoc]:
    """Every document under ``root`` (any folder holding a documents.json), sorted by folder."""
    folders = sorted({p.parent for p in root.rglob("documents.json")})
    if not folders:
        raise EvalDataError(
            str(root), "holds no documents.json", "point --data-dir at the folder holding re3d/"
        )
    return [doc for folder in folders for doc in _load_folder(folder)]


# --------------------------------------------------------------------------- predictions


def mapped_mentions(mentions: Iterable[tuple[int, int, str]]) -> list[LabeledSpan]:
    """Mentions as re3d-typed spans; labels without a re3d type are dropped."""
    return [(s, e, RE3D_TYPE[label]) for s, e, label in mentions if label in RE3D_TYPE]


def _spans(event: Event, field: str, first_only: bool) -> list[tuple[int, int]]:
    spans = [(ev.start, ev.end) for ev in event.evidence_for(field)]
    return spans[:1] if first_only else spans


def derive_relations(events: Iterable[Event]) -> list[Relation]:
    """Relations implied by events, with evidence spans as arguments (see module doc)."""
    out: set[Relation] = set()
    for event in events:
        a1 = _spans(event, "actor1", True)
        a2 = _spans(event, "actor2", True)
        place = _spans(event, "place", True) or _spans(event, "location", True)
        if event.event_type in FIGHTING_EVENT_TYPES:
            out.update(("FightingAgainst", s, t) for s in a1 for t in a2)
        out.update(("AlliesOf", s, t) for s in a1 for t in _spans(event, "assoc_actor_1", False))
        out.update(("AlliesOf", s, t) for s in a2 for t in _spans(event, "assoc_actor_2", False))
        out.update(("CoLocated", s, t) for s in a1 + a2 for t in place)
    return sorted(out)


@dataclass
class _Prediction:
    entities: list[LabeledSpan]
    relations: list[Relation]
    error: str | None = None


def predict(pipeline: Any, doc: Re3dDoc) -> _Prediction:
    """rasd's entities and derived relations for one document, in the original offsets."""
    document = Document.from_text(doc.text, source=f"re3d:{doc.source}", title=doc.title or None)
    result, error = run_document(pipeline, document)
    if result is None:
        return _Prediction([], [], error)
    to_original = span_mapper(result.text, doc.text)
    mentions = augmented_mentions(result)
    entities = mapped_mentions((*to_original(m.start, m.end), m.label) for m in mentions)
    relations = [
        (kind, to_original(*src), to_original(*tgt))
        for kind, src, tgt in derive_relations(result.events)
    ]
    return _Prediction(entities, relations)


def baseline_entities(nlp: Any, doc: Re3dDoc) -> list[LabeledSpan]:
    """Plain spaCy NER mapped with the same table."""
    return mapped_mentions((e.start_char, e.end_char, e.label_) for e in nlp(doc.text).ents)


# --------------------------------------------------------------------------- scoring


@dataclass
class _Totals:
    exact: dict[str, PRF]
    overlap: dict[str, PRF]

    @classmethod
    def empty(cls) -> _Totals:
        return cls({}, {})

    def add(self, gold: list[LabeledSpan], pred: list[LabeledSpan]) -> None:
        add_prfs(self.exact, match_spans(gold, pred, "exact"))
        add_prfs(self.overlap, match_spans(gold, pred, "overlap"))

    def metrics(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for mode, table in (("exact", self.exact), ("overlap", self.overlap)):
            out.update(prf_metrics(micro(table.values()), f"p_{mode}", f"r_{mode}", f"f1_{mode}"))
            for label, prf in sorted(table.items()):
                out.update(
                    prf_metrics(prf, f"p_{mode}.{label}", f"r_{mode}.{label}", f"f1_{mode}.{label}")
                )
        return out


def relation_metrics(table: dict[str, PRF]) -> dict[str, float]:
    out = prf_metrics(
        micro(table.get(r, PRF(0, 0, 0)) for r in DERIVED_RELATIONS),
        "p.relations",
        "r.relations",
        "f1.relations",
    )
    for rel in DERIVED_RELATIONS:
        out.update(prf_metrics(table.get(rel, PRF(0, 0, 0)), f"p.{rel}", f"r.{rel}", f"f1.{rel}"))
    return out


def entity_errors(doc: Re3dDoc, pred: list[LabeledSpan]) -> list[ErrorRecord]:
    """One record per gold entity not predicted exactly and per spurious prediction."""
    gold, predicted = set(doc.entities), set(pred)
    errors = []
    for start, end, label in sorted(gold - predicted):
        near = [{"text": doc.text[s:e], "type": t} for s, e, t in pred if s < end and start < e]
        errors.append(
            ErrorRecord(
                doc.id,
                "entity_missed",
                {"text": doc.text[start:end], "type": label, "start": start},
                near or None,
                sentence_around(doc.text, start, end),
            )
        )
    for start, end, label in sorted(predicted - gold):
        errors.append(
            ErrorRecord(
                doc.id,
                "entity_spurious",
                None,
                {"text": doc.text[start:end], "type": label, "start": start},
                sentence_around(doc.text, start, end),
            )
        )
    return errors


def _show(doc: Re3dDoc, rel: Relation) -> dict[str, str]:
    src, tgt = rel[1], rel[2]
    return {
        "type": rel[0],
        "source": doc.text[src[0] : src[1]],
        "target": doc.text[tgt[0] : tgt[1]],
    }


def relation_errors(doc: Re3dDoc, gold: list[Relation], pred: list[Relation]) -> list[ErrorRecord]:
    """One record per gold relation no prediction matches, and per unmatched prediction."""
    errors = []
    for rel in gold:
        if not match_relations([rel], pred, SYMMETRIC)[rel[0]].tp:
            sentence = sentence_around(doc.text, *rel[1])
            errors.append(ErrorRecord(doc.id, "relation_missed", _show(doc, rel), None, sentence))
    for rel in pred:
        if not match_relations(gold, [rel], SYMMETRIC)[rel[0]].tp:
            sentence = sentence_around(doc.text, *rel[1])
            errors.append(ErrorRecord(doc.id, "relation_spurious", None, _show(doc, rel), sentence))
    return errors


def evaluate(ctx: EvalContext) -> EvalResult:
    docs = load(ctx.dataset_dir(NAME))
    if ctx.limit is not None:
        docs = docs[: ctx.limit]
    pipeline = ctx.pipeline()
    nlp = ctx.spacy_factory() if ctx.spacy_factory is not None else None
    rasd, base = _Totals.empty(), _Totals.empty()
    by_source: dict[str, _Totals] = {}
    relations: dict[str, PRF] = {}
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    counts = {"docs": len(docs), "gold_entities": 0, "pred_entities": 0, "rejected_docs": 0}
    counts.update({"gold_relations": 0, "pred_relations": 0})
    for doc in docs:
        pred = predict(pipeline, doc)
        counts["rejected_docs"] += pred.error is not None
        rasd.add(list(doc.entities), pred.entities)
        by_source.setdefault(doc.source, _Totals.empty()).add(list(doc.entities), pred.entities)
        if nlp is not None:
            base.add(list(doc.entities), baseline_entities(nlp, doc))
        gold_rels = [r for r in doc.relations if r[0] in SYMMETRIC]
        add_prfs(relations, match_relations(gold_rels, pred.relations, SYMMETRIC))
        counts["gold_entities"] += len(doc.entities)
        counts["pred_entities"] += len(pred.entities)
        counts["gold_relations"] += len(gold_rels)
        counts["pred_relations"] += len(pred.relations)
        result.errors.extend(entity_errors(doc, pred.entities))
        result.errors.extend(relation_errors(doc, gold_rels, pred.relations))
    result.metrics = {**rasd.metrics(), **relation_metrics(relations)}
    if nlp is not None:
        result.baselines["spacy"] = base.metrics()
    result.counts = counts
    result.by_corpus = {
        source: {k: v for k, v in t.metrics().items() if k in ("f1_exact", "f1_overlap")}
        for source, t in sorted(by_source.items())
    }
    result.extra["label_map"] = dict(RE3D_TYPE)
    return result
