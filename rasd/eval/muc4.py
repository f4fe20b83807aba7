"""MUC-4 role-filler entity extraction (GRIT's setting) and incident types.

Data: ``DATA_DIR/muc4/grit_processed/*.json`` (GRIT's JSON lines: ``docid``,
lower-cased ``doctext``, ``extracts`` with the roles PerpInd, PerpOrg, Target,
Victim, Weapon, each a list of entities, each a list of coreferent
``[mention, offset]``). Every .json there is read (here train = DEV and dev =
TST1+TST2; the maintainers' test portion is GRIT's test.json = TST3+TST4). The
incident types and the publication dates come from the original MUC-3/4 files
under ``DATA_DIR/muc4/original_muc34`` (answer keys ``key-*``, message datelines
"SAN SALVADOR, 3 JAN 90 --"), joined on the document id.

Role fillers are scored with GRIT's CEAF-REE, strict similarity (Du, Rush &
Cardie, "GRIT: Generative Role-filler Transformers for Document-level Event Entity
Extraction", EACL 2021, section 5 and the repository's eval.py): per document and
role, a predicted entity matches a gold entity when all its mentions are among
the gold entity's coreferent mentions, after GRIT's string normalisation
(lower case, no punctuation, no articles a/an/the, single spaces); the alignment
is one-to-one, so each gold entity counts once. Fillers of all of a document's
incidents are pooled into one template, as in GRIT. rasd reads the same
lower-cased ``doctext`` GRIT's models read, which costs NER-based extraction
dearly (no capitalisation).

Mapping rasd events to a MUC template (only events with a MUC incident type):

- PerpInd: actor1 and assoc_actor_1 whose evidence phrase names people (its head
  noun is in :data:`PERSON_NOUNS`: "gunmen", "urban guerrillas", "soldiers"; or it
  is a PERSON mention), or an "Unidentified ..." actor without evidence; and
  persons linked to actor1;
- PerpOrg: the other actor1 / assoc_actor_1 ("fmln", "the army", "police");
- Victim: actor2 and assoc_actor_2, and persons killed, injured or abducted;
- Target (physical targets) and Weapon: rasd codes neither, unless an event has
  evidence for a "target" or "weapon" field; otherwise they score 0, reported.

Each filler is the text of the first evidence span of its field (the actor name
when there is no evidence). Incident types: :data:`MUC_TYPE` maps ACLED
sub-event types to ATTACK, BOMBING, KIDNAPPING, ARSON and ROBBERY (FORCED WORK
STOPPAGE has no ACLED counterpart). Scored per document as a set: a type of a
non-optional key template is required, a type of an optional template is allowed.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import add_prfs, ceaf_ree, micro, prf_metrics, sentence_around
from rasd.exceptions import EvalDataError
from rasd.records import Actor, Document, Event

NAME = "muc4"
ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")

#: ACLED sub_event_type -> MUC incident type. Looting/property destruction is ARSON
#: when its trigger sentence speaks of burning, else ROBBERY. Unlisted types
#: (protests, arrests, agreements...) are not MUC incidents.
MUC_TYPE: dict[str, str] = {
    "Armed clash": "ATTACK",
    "Government regains territory": "ATTACK",
    "Non-state actor overtakes territory": "ATTACK",
    "Chemical weapon": "ATTACK",
    "Air/drone strike": "ATTACK",
    "Shelling/artillery/missile attack": "ATTACK",
    "Attack": "ATTACK",
    "Sexual violence": "ATTACK",
    "Mob violence": "ATTACK",
    "Excessive force against protesters": "ATTACK",
    "Suicide bomb": "BOMBING",
    "Remote explosive/landmine/IED": "BOMBING",
    "Grenade": "BOMBING",
    "Abduction/forced disappearance": "KIDNAPPING",
    "Looting/property destruction": "ROBBERY",
}
_BURNING = re.compile(r"\b(burn\w*|fire|fires|set ablaze|arson\w*|torch\w*|blaze)\b", re.I)
#: Head nouns (singular; a plural "-s" and "men" forms are accepted too) that make a
#: perpetrator phrase a PerpInd (people) rather than a PerpOrg.
PERSON_NOUNS = frozenset(
    {
        "man", "gunman", "policeman", "hitman", "guerrilla", "terrorist", "soldier",
        "troop", "member", "rebel", "individual", "militant", "assailant", "attacker",
        "fighter", "kidnapper", "subversive", "commando", "youth", "person", "people",
        "insurgent", "criminal", "assassin", "bandit", "agent", "officer", "sicario",
        "perpetrator",
    }
)  # fmt: skip
VICTIM_STATUS = frozenset({"killed", "injured", "wounded", "abducted", "kidnapped", "attacked"})

ANCHORS = {
    "f1_micro": "GRIT 0.545 (P 0.642, R 0.474), Du et al. EACL 2021 Table 1, MUC-4 test, "
    "CEAF-REE strict (as recalled from the paper; check before citing)",
}


@dataclass(frozen=True)
class MucDoc:
    id: str
    file: str
    text: str
    roles: dict[str, list[list[tuple[str, int]]]]  # role -> entities -> (mention, offset)
    published_at: date | None = None
    required: frozenset[str] | None = None  # incident types; None: no answer key found
    allowed: frozenset[str] = field(default_factory=frozenset)


def grit_normalise(text: str) -> str:
    """GRIT's normalize_string: lower case, no punctuation, no articles, single spaces."""
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- loading


def _grit_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalDataError(
                        f"{path}:{number}", f"is not JSON ({exc.msg})", "restore it"
                    ) from exc


def parse_keys(text: str) -> dict[str, tuple[set[str], set[str]]]:
    """Answer-key text -> {doc id: (required incident types, optional incident types)}."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for block in re.split(r"\n(?=0\.\s+MESSAGE: ID)", text):
        m_id = re.search(r"^0\.\s+MESSAGE: ID\s+(\S+)", block, re.M)
        m_type = re.search(r"^4\.\s+INCIDENT: TYPE\s+(.+)$", block, re.M)
        if not m_id:
            continue
        required, optional = out.setdefault(m_id.group(1), (set(), set()))
        kind = m_type.group(1).split("/")[0].strip() if m_type else "*"
        if kind in ("*", "-", ""):
            continue
        is_optional = re.search(r"^1\.\s+MESSAGE: TEMPLATE\s+.*OPTIONAL", block, re.M)
        (optional if is_optional else required).add(kind)
    return out


_MESSAGE = re.compile(r"^((?:DEV|TST\d+)-MUC\d-\d{4})\b", re.M)
_DATELINE = re.compile(r",\s*(\d{1,2})\s+([A-Z]{3})\s+(\d{2})\b")


def parse_datelines(text: str) -> dict[str, date]:
    """Message file text -> {doc id: dateline date}."""
    out: dict[str, date] = {}
    starts = list(_MESSAGE.finditer(text))
    for m, nxt in zip(starts, starts[1:] + [None], strict=True):
        body = text[m.end() : nxt.start() if nxt else len(text)]
        head = body[: body.find("--")] if "--" in body else body[:200]
        found = _DATELINE.search(head)
        if found:
            try:
                out[m.group(1)] = datetime.strptime(" ".join(found.groups()), "%d %b %y").date()
            except ValueError:
                continue
    return out


def _original(root: Path) -> tuple[dict[str, tuple[set[str], set[str]]], dict[str, date]]:
    keys: dict[str, tuple[set[str], set[str]]] = {}
    dates: dict[str, date] = {}
    corpora = root / "original_muc34"
    for path in sorted(p for p in corpora.rglob("*") if p.is_file()):
        text = path.read_text("latin-1")
        if path.name.startswith("key-"):
            keys.update(parse_keys(text))
        elif _MESSAGE.match(text.lstrip()):  # message files start with a message id
            dates.update(parse_datelines(text))
    return keys, dates


def load(root: Path) -> list[MucDoc]:
    """GRIT documents of every ``grit_processed/*.json``, with key types and dateline dates."""
    files = sorted((root / "grit_processed").glob("*.json"))
    if not files:
        raise EvalDataError(
            str(root / "grit_processed"),
            "holds no .json file",
            "point --data-dir at the data folder",
        )
    keys, dates = _original(root)
    docs = []
    for path in files:
        for row in _grit_rows(path):
            doc_id = row["docid"]
            roles = {
                r: [[(m[0], m[1]) for m in ent] for ent in row["extracts"].get(r, [])]
                for r in ROLES
            }
            key = keys.get(doc_id)
            docs.append(
                MucDoc(
                    doc_id,
                    path.name,
                    row["doctext"],
                    roles,
                    dates.get(doc_id),
                    frozenset(key[0]) if key else None,
                    frozenset(key[1]) if key else frozenset(),
                )
            )
    return docs


# --------------------------------------------------------------------------- predictions


def incident_type(event: Event) -> str | None:
    kind = MUC_TYPE.get(event.sub_event_type)
    if event.sub_event_type == "Looting/property destruction":
        context = " ".join(e.sentence for e in event.evidence) + " " + event.notes
        kind = "ARSON" if _BURNING.search(context) else "ROBBERY"
    return kind


def _filler(event: Event, field_name: str, actor: Actor | None) -> tuple[str, int, int] | None:
    spans = event.evidence_for(field_name)
    if spans:
        return spans[0].text, spans[0].start, spans[0].end
    return (actor.name, -1, -1) if actor is not None else None


def _is_person_mention(doc: Any, start: int, end: int) -> bool:
    return any(m.label == "PERSON" and m.start < end and start < m.end for m in doc.mentions)


def _singular(word: str) -> str:
    if word.endswith("men"):
        return word[:-3] + "man"
    return word[:-1] if word.endswith("s") and word[:-1] in PERSON_NOUNS else word


def _perp_role(doc: Any, actor: Actor, filler: tuple[str, int, int]) -> str:
    """PerpInd for people ("gunmen", "urban guerrillas", a named person), else PerpOrg."""
    text, start, end = filler
    if start < 0:  # no evidence span: the actor name stands in
        return "PerpInd" if actor.name.casefold().startswith("unidentified") else "PerpOrg"
    words = grit_normalise(text).split()
    if words and _singular(words[-1]) in PERSON_NOUNS:
        return "PerpInd"
    return "PerpInd" if _is_person_mention(doc, start, end) else "PerpOrg"


def _event_fillers(doc: Any, event: Event) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in ROLES}
    perps = [("actor1", event.actor1)] + [("assoc_actor_1", a) for a in event.assoc_actor_1]
    for field_name, actor in perps:
        filler = _filler(event, field_name, actor)
        if actor is not None and filler is not None:
            out[_perp_role(doc, actor, filler)].append(filler[0])
    victims = [("actor2", event.actor2)] + [("assoc_actor_2", a) for a in event.assoc_actor_2]
    for field_name, actor in victims:
        filler = _filler(event, field_name, actor)
        if actor is not None and filler is not None:
            out["Victim"].append(filler[0])
    perp_id = event.actor1.id if event.actor1 is not None else None
    for person in event.persons:
        if person.status in VICTIM_STATUS:
            out["Victim"].append(person.name)
        elif perp_id is not None and person.actor_id == perp_id:
            out["PerpInd"].append(person.name)
    out["Target"].extend(e.text for e in event.evidence_for("target"))
    out["Weapon"].extend(e.text for e in event.evidence_for("weapon"))
    return out


def predict(doc: Any) -> tuple[dict[str, list[list[str]]], set[str]]:
    """Normalised predicted entities per role (one mention each) and incident types."""
    roles: dict[str, list[list[str]]] = {r: [] for r in ROLES}
    types: set[str] = set()
    for event in doc.events if doc is not None else []:
        kind = incident_type(event)
        if kind is None:
            continue
        types.add(kind)
        for role, fillers in _event_fillers(doc, event).items():
            for text in fillers:
                norm = grit_normalise(text)
                if norm and [norm] not in roles[role]:
                    roles[role].append([norm])
    return roles, types


# --------------------------------------------------------------------------- scoring


def gold_entities(doc: MucDoc, role: str) -> list[list[str]]:
    return [[grit_normalise(m) for m, _ in ent] for ent in doc.roles[role] if ent]


def incident_prf(doc: MucDoc, predicted: set[str]) -> PRF:
    required = doc.required or frozenset()
    tp = len(predicted & required)
    return PRF(tp, len(predicted - required - doc.allowed), len(required - predicted))


def _role_errors(doc: MucDoc, role: str, pred: list[list[str]]) -> list[ErrorRecord]:
    gold = gold_entities(doc, role)
    errors = []
    for ent, raw in zip(gold, [e for e in doc.roles[role] if e], strict=True):
        if not any(set(p) <= set(ent) for p in pred):
            sentence = sentence_around(doc.text, raw[0][1], raw[0][1] + len(raw[0][0]))
            errors.append(
                ErrorRecord(doc.id, f"missed_{role}", [m for m, _ in raw], None, sentence)
            )
    for p in pred:
        if not any(set(p) <= set(ent) for ent in gold):
            errors.append(ErrorRecord(doc.id, f"spurious_{role}", None, p[0], ""))
    return errors


@dataclass
class _Totals:
    roles: dict[str, PRF] = field(default_factory=dict)
    incident: PRF = field(default_factory=lambda: PRF(0, 0, 0))

    def metrics(self) -> dict[str, float]:
        out = prf_metrics(micro(self.roles.values()), "p_micro", "r_micro", "f1_micro")
        for role in ROLES:
            out.update(
                prf_metrics(
                    self.roles.get(role, PRF(0, 0, 0)), f"p.{role}", f"r.{role}", f"f1.{role}"
                )
            )
        out.update(
            prf_metrics(self.incident, "p.incident_type", "r.incident_type", "f1.incident_type")
        )
        return out


def score_doc(doc: MucDoc, parsed: Any, totals: list[_Totals], result: EvalResult) -> None:
    roles, types = predict(parsed)
    for role in ROLES:
        prf = ceaf_ree(gold_entities(doc, role), roles[role])
        for t in totals:
            add_prfs(t.roles, {role: prf})
        result.errors.extend(_role_errors(doc, role, roles[role]))
    if doc.required is not None:
        prf = incident_prf(doc, types)
        for t in totals:
            t.incident = t.incident + prf
        if prf.fp or prf.fn:
            expected = sorted(doc.required)
            result.errors.append(ErrorRecord(doc.id, "incident_type", expected, sorted(types), ""))


def evaluate(ctx: EvalContext) -> EvalResult:
    docs = load(ctx.dataset_dir(NAME))
    if ctx.limit is not None:
        docs = docs[: ctx.limit]
    pipeline = ctx.pipeline()
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    total = _Totals()
    by_file: dict[str, _Totals] = {}
    rejected = 0
    for doc in docs:
        document = Document.from_text(
            doc.text, source=f"muc4:{doc.id}", published_at=doc.published_at
        )
        parsed, error = run_document(pipeline, document)
        rejected += error is not None
        file_totals = by_file.setdefault(doc.file, _Totals())
        score_doc(doc, parsed, [total, file_totals], result)
    result.metrics = total.metrics()
    result.by_corpus = {
        name: {k: v for k, v in t.metrics().items() if k in ("f1_micro", "f1.incident_type")}
        for name, t in sorted(by_file.items())
    }
    result.counts = {
        "docs": len(docs),
        "docs_with_key": sum(d.required is not None for d in docs),
        "docs_with_date": sum(d.published_at is not None for d in docs),
        "gold_entities": sum(len(gold_entities(d, r)) for d in docs for r in ROLES),
        "rejected_docs": rejected,
    }
    result.extra["incident_type_map"] = dict(MUC_TYPE)
    return result
