"""MUC-4: GRIT loader, keys and datelines, event-to-template mapping, CEAF-REE scores."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from fixtures.eval.fakes import FakePipeline, actor, event, evidence, factory, mention

from rasd.eval import muc4
from rasd.eval.base import PRF, EvalContext
from rasd.records import Person
from rasd.taxonomy import ActorType

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def docs():
    return {d.id: d for d in muc4.load(FIXTURES / "muc4")}


def test_eval_muc4_load_joins_keys_and_datelines():
    loaded = docs()
    assert list(loaded) == ["TST9-MUC4-0001", "TST9-MUC4-0002", "TST9-MUC4-0003"]
    first = loaded["TST9-MUC4-0001"]
    assert first.file == "test.json"
    assert first.published_at == date(1990, 3, 14)
    assert first.required == {"BOMBING"} and first.allowed == {"ATTACK"}
    assert len(first.roles["Target"]) == 2
    assert loaded["TST9-MUC4-0002"].required == {"KIDNAPPING"}
    third = loaded["TST9-MUC4-0003"]
    assert third.required == frozenset() and third.published_at is None  # "*" and NO DATE


def test_eval_muc4_load_without_keys(tmp_path):
    grit = tmp_path / "grit_processed"
    grit.mkdir()
    line = '{"docid": "X-1", "doctext": "text", "extracts": {"PerpInd": []}}\n'
    (grit / "test.json").write_text(line, "utf-8")
    (doc,) = muc4.load(tmp_path)
    assert doc.required is None and doc.roles["Victim"] == []


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The FMLN", "fmln"),
        ('"Santo Tomas" presidential farm', "santo tomas presidential farm"),
        ("a  car bomb", "car bomb"),
        ("an", ""),
    ],
)
def test_eval_muc4_grit_normalise(text, normal):
    assert muc4.grit_normalise(text) == normal


@pytest.mark.parametrize(
    ("sub", "context", "muc"),
    [
        ("Suicide bomb", "", "BOMBING"),
        ("Armed clash", "", "ATTACK"),
        ("Abduction/forced disappearance", "", "KIDNAPPING"),
        ("Looting/property destruction", "they burned the facilities", "ARSON"),
        ("Looting/property destruction", "they stole food", "ROBBERY"),
        ("Arrests", "", None),
        ("Peaceful protest", "", None),
    ],
)
def test_eval_muc4_incident_type(sub, context, muc):
    assert muc4.incident_type(event(sub, notes=context)) == muc


def test_eval_muc4_event_to_template():
    text = "urban guerrillas of the zarate willka liberation front bombed a power substation."
    ev = event(
        "Remote explosive/landmine/IED",
        actor1=actor("Zarate Willka Liberation Front", ActorType.REBEL_GROUP),
        assoc_actor_1=(actor("Unidentified Armed Group (Bolivia)", ActorType.POLITICAL_MILITIA),),
        actor2=actor("Civilians (Bolivia)", ActorType.CIVILIANS),
        persons=(Person(name="juan perez", status="killed"),),
        evidence=(
            evidence("actor1", text, "zarate willka liberation front"),
            evidence("assoc_actor_1", text, "urban guerrillas"),
        ),
    )
    doc = SimpleNamespace(
        events=[ev, event("Arrests")],
        mentions=[mention(text, "zarate willka liberation front", "ORG")],
    )
    roles, types = muc4.predict(doc)
    assert types == {"BOMBING"}
    assert roles["PerpOrg"] == [["zarate willka liberation front"]]
    assert roles["PerpInd"] == [["urban guerrillas"]]
    # no evidence for actor2: its name stands in
    assert roles["Victim"] == [["civilians bolivia"], ["juan perez"]]
    assert roles["Target"] == [] and roles["Weapon"] == []


@pytest.mark.parametrize(
    ("required", "allowed", "predicted", "prf"),
    [
        ({"BOMBING"}, {"ATTACK"}, {"BOMBING", "ATTACK"}, PRF(1, 0, 0)),  # optional: no fp
        ({"BOMBING"}, set(), {"ATTACK"}, PRF(0, 1, 1)),
        (set(), set(), set(), PRF(0, 0, 0)),
        (set(), set(), {"ATTACK"}, PRF(0, 1, 0)),
    ],
)
def test_eval_muc4_incident_prf(required, allowed, predicted, prf):
    doc = muc4.MucDoc("d", "f", "", {}, None, frozenset(required), frozenset(allowed))
    assert muc4.incident_prf(doc, predicted) == prf


def _respond(doc):
    text = doc.text
    if "zarate" in text:
        doc.mentions.append(mention(text, "zarate willka liberation front", "ORG"))
        doc.events.append(
            event(
                "Remote explosive/landmine/IED",
                actor1=actor("Zarate Willka Liberation Front", ActorType.REBEL_GROUP),
                actor2=actor("Civilians (Bolivia)", ActorType.CIVILIANS),
                evidence=(
                    evidence("actor1", text, "zarate willka liberation front"),
                    evidence("actor2", text, "watchman"),
                ),
            )
        )
    elif "kidnapped" in text:
        doc.events.append(
            event(
                "Abduction/forced disappearance",
                actor1=actor("Unidentified Armed Group (Colombia)", ActorType.POLITICAL_MILITIA),
                actor2=actor("Civilians (Colombia)", ActorType.CIVILIANS),
                evidence=(
                    evidence("actor1", text, "unidentified gunmen"),
                    evidence("actor2", text, "businessman"),
                ),
            )
        )


def test_eval_muc4_evaluate_on_fixture():
    pipeline = FakePipeline(_respond)
    result = muc4.evaluate(EvalContext(FIXTURES, pipeline_factory=factory(pipeline)))
    m = result.metrics
    # gold entities: PerpInd 2, PerpOrg 1, Target 2, Victim 2, Weapon 1 = 8
    # predicted: PerpOrg "zarate..." (right), Victim "watchman" (right),
    # PerpInd "unidentified gunmen" (right), Victim "businessman" (wrong: not a mention)
    assert m["p.PerpOrg"] == 1.0 and m["r.PerpOrg"] == 1.0
    assert m["p.Victim"] == pytest.approx(0.5) and m["r.Victim"] == pytest.approx(0.5)
    assert m["r.PerpInd"] == pytest.approx(0.5)
    assert m["f1.Target"] == 0.0 and m["f1.Weapon"] == 0.0
    assert m["p_micro"] == pytest.approx(3 / 4) and m["r_micro"] == pytest.approx(3 / 8)
    assert m["f1.incident_type"] == 1.0
    assert result.counts["gold_entities"] == 8
    assert pipeline.seen[0].published_at == date(1990, 3, 14)
    assert pipeline.seen[0].text.startswith("urban guerrillas")
    assert {"missed_Target", "spurious_Victim"} <= {e.kind for e in result.errors}
    assert set(result.by_corpus) == {"test.json"}


@pytest.mark.parametrize(
    ("text", "name", "mentions", "role"),
    [
        ("urban guerrillas", "Rebels", [], "PerpInd"),
        ("unidentified gunmen", "Unidentified Armed Group", [], "PerpInd"),
        ("policemen", "Police Forces", [], "PerpInd"),
        ("the army", "Military Forces", [], "PerpOrg"),
        ("fmln", "FMLN", [], "PerpOrg"),
        ("jose rivera", "Rebels", [("jose rivera", "PERSON")], "PerpInd"),
        (None, "Unidentified Armed Group (Peru)", [], "PerpInd"),
        (None, "Shining Path", [], "PerpOrg"),
    ],
)
def test_eval_muc4_perp_role(text, name, mentions, role):
    doc = SimpleNamespace(mentions=[mention(text or "", m, label) for m, label in mentions])
    filler = (text, 0, len(text)) if text else (name, -1, -1)
    assert muc4._perp_role(doc, actor(name), filler) == role
