"""CASE 2021 Shared Task 2: ACLED sub-event type classification of short snippets.

Data: ``DATA_DIR/case2021_task2/*.tsv`` with header ``id <TAB> EventSnippet <TAB>
SubType`` (upstream name ``test_set_final_release_with_labels.tsv``; every .tsv in
the folder is read). Labels are the task's codes: 25 "seen" ACLED sub-event types
and 5 "unseen" types (ORG_CRIME, NATURAL_DISASTER, MAN_MADE_DISASTER from the
"Note on UNSEEN events", DIPLO and ATTRIB announced with the test data).

Prediction: the sub_event_type of rasd's highest-confidence event
(``doc.events``), else of its highest-confidence candidate (``doc.candidates``,
for snippets whose event assembly dropped), else ``"none"``.

With the learned coder in the pipeline (stage ``classify``), the report's baselines also
hold "rules only" (the same stages without it) and "model alone" (the head on each whole
snippet): the ablation of docs/accuracy.md.

Metrics, as the shared task reported them (micro and macro F1):

- ``micro_f1`` / ``macro_f1``: subtask 1, the snippets whose gold is one of the 25
  ACLED types. Every snippet gets one prediction, so micro F1 equals accuracy and a
  "none" prediction counts as wrong. Macro F1 averages per-class F1 over the gold
  classes present. ``f1.<sub_event_type>`` is each class's F1.
- ``micro_f1_all`` / ``macro_f1_all``: every snippet; the 5 unseen gold types are
  folded into one class "none" (the dataset README: "not one of our types"), so
  predicting no event for them is right. Macro includes "none" as a class.
- ``event_type_acc``: subtask 1, the predicted sub-event type's ACLED event type
  equals the gold one.
- ``no_event_rate``: share of subtask-1 snippets with no prediction.

``by_corpus["iraq_syria"]``: subtask-1 snippets that mention Iraq or Syria,
rasd's home ground. The confusion matrix (gold row, predicted column, ACLED
strings) is in ``extra``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasd.eval.ablation import classify_stage, model_alone, rules_only
from rasd.eval.base import ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import classification_prf, confusion_matrix, macro_f1, micro
from rasd.exceptions import EvalDataError
from rasd.records import Document
from rasd.taxonomy import SUB_EVENT_TYPES

NAME = "case2021"
FOLDER = "case2021_task2"
NONE = "none"

#: Task label code -> rasd / ACLED sub_event_type (from the dataset README).
SEEN: dict[str, str] = {
    "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SUIC_BOMB": "Suicide bomb",
    "GRENADE": "Grenade",
    "CHEM_WEAP": "Chemical weapon",
    "ATTACK": "Attack",
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "SEX_VIOL": "Sexual violence",
    "ARREST": "Arrests",
    "DISR_WEAP": "Disrupted weapons use",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "AGREEMENT": "Agreement",
    "OTHER": "Other",
    "PEACE_PROTEST": "Peaceful protest",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "VIOL_DEMONSTR": "Violent demonstration",
    "MOB_VIOL": "Mob violence",
}
#: The task's non-ACLED types: rasd cannot output them, so they are scored as "none".
UNSEEN = ("ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB")

IRAQ_SYRIA = re.compile(r"\b(iraq|iraqi|iraqis|syria|syrian|syrians)\b", re.IGNORECASE)

ANCHORS = {
    "micro_f1": "BERT 0.943-0.949 (Piskorski et al., COLING 2020; ACLED-derived data)",
    "macro_f1": "BERT 0.86-0.89 (Piskorski et al., COLING 2020; ACLED-derived data)",
}


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    code: str  # the task's label code

    @property
    def gold(self) -> str:
        """The ACLED sub_event_type, or "none" for an unseen type."""
        return SEEN.get(self.code, NONE)

    @property
    def seen(self) -> bool:
        return self.code in SEEN


def _read_tsv(path: Path) -> list[Snippet]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or [c.strip() for c in rows[0][:3]] != ["id", "EventSnippet", "SubType"]:
        raise EvalDataError(
            str(path), "does not start with the header id/EventSnippet/SubType", "restore it"
        )
    out = []
    for number, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 3:
            raise EvalDataError(f"{path}:{number}", "has fewer than 3 columns", "restore it")
        code = row[2].strip()
        if code not in SEEN and code not in UNSEEN:
            raise EvalDataError(
                f"{path}:{number}",
                f"has unknown label {code!r}",
                f"add it to SEEN or UNSEEN in {__name__}",
            )
        out.append(Snippet(row[0].strip(), row[1].strip(), code))
    return out


def load(root: Path) -> list[Snippet]:
    """Every snippet of every .tsv file in ``root``, files in name order."""
    files = sorted(root.glob("*.tsv"))
    if not files:
        raise EvalDataError(str(root), "holds no .tsv file", "point --data-dir at the data folder")
    return [s for path in files for s in _read_tsv(path)]


def classify(doc: Any) -> str:
    """The sub_event_type of the top event, else the top candidate, else "none"."""
    if doc is None:
        return NONE
    for items in (doc.events, doc.candidates):
        if items:
            best = max(items, key=lambda x: x.confidence)  # max keeps the first of ties
            return str(best.sub_event_type)
    return NONE


def scores(gold: list[str], pred: list[str], classes: list[str]) -> dict[str, float]:
    table = classification_prf(gold, pred)
    return {"micro_f1": micro(table.values()).f1, "macro_f1": macro_f1(table, classes)}


def _metrics(snippets: list[Snippet], pred: list[str]) -> dict[str, float]:
    seen = [(s.gold, p) for s, p in zip(snippets, pred, strict=True) if s.seen]
    gold1, pred1 = [g for g, _ in seen], [p for _, p in seen]
    classes1 = sorted(set(gold1))
    metrics = scores(gold1, pred1, classes1)
    all_gold = [s.gold for s in snippets]
    for key, value in scores(all_gold, pred, sorted(set(all_gold))).items():
        metrics[f"{key}_all"] = value
    same_type = [SUB_EVENT_TYPES.get(p) == SUB_EVENT_TYPES[g] for g, p in seen]
    metrics["event_type_acc"] = sum(same_type) / len(seen) if seen else 0.0
    metrics["no_event_rate"] = pred1.count(NONE) / len(seen) if seen else 0.0
    table = classification_prf(gold1, pred1)
    metrics.update({f"f1.{c}": table[c].f1 for c in classes1})
    return metrics


def _majority(snippets: list[Snippet]) -> dict[str, float]:
    gold = [s.gold for s in snippets if s.seen]
    if not gold:
        return {}
    top = Counter(gold).most_common(1)[0][0]
    return scores(gold, [top] * len(gold), sorted(set(gold)))


def _run(pipeline: Any, snippets: list[Snippet]) -> tuple[list[Any], int]:
    docs, rejected = [], 0
    for s in snippets:
        doc, error = run_document(pipeline, Document.from_text(s.text, source=f"case2021:{s.id}"))
        rejected += error is not None
        docs.append(doc)
    return docs, rejected


def _ablation(pipeline: Any, snippets: list[Snippet], result: EvalResult) -> None:
    """With a learned ``classify`` stage: "rules only" and "model alone" baselines."""
    stage = classify_stage(pipeline)
    if stage is None:
        return
    docs, _ = _run(rules_only(pipeline), snippets)
    result.baselines["rules only"] = _metrics(snippets, [classify(doc) for doc in docs])
    result.baselines["model alone"] = _metrics(snippets, model_alone(stage, docs))


def evaluate(ctx: EvalContext) -> EvalResult:
    snippets = load(ctx.dataset_dir(FOLDER))
    if ctx.limit is not None:
        snippets = snippets[: ctx.limit]
    pipeline = ctx.pipeline()
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    docs, rejected = _run(pipeline, snippets)
    pred = [classify(doc) for doc in docs]
    for s, label in zip(snippets, pred, strict=True):
        if label != s.gold:
            result.errors.append(ErrorRecord(s.id, "wrong_type", s.code, label, s.text))
    _ablation(pipeline, snippets, result)
    result.metrics = _metrics(snippets, pred)
    result.baselines["majority"] = _majority(snippets)
    local = [(s, p) for s, p in zip(snippets, pred, strict=True) if IRAQ_SYRIA.search(s.text)]
    if local:
        sub = _metrics([s for s, _ in local], [p for _, p in local])
        result.by_corpus["iraq_syria"] = {k: sub[k] for k in ("micro_f1", "macro_f1")}
    seen = sum(s.seen for s in snippets)
    result.counts = {
        "snippets": len(snippets),
        "seen": seen,
        "unseen": len(snippets) - seen,
        "iraq_syria": len(local),
        "no_prediction": pred.count(NONE),
        "rejected_docs": rejected,
    }
    result.extra["confusion"] = confusion_matrix([s.gold for s in snippets], pred)
    result.extra["label_map"] = {**SEEN, **dict.fromkeys(UNSEEN, NONE)}
    return result
