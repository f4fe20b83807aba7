"""re3d loader, label mapping, derived relations and scores on the invented fixture."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fixtures.eval.fakes import FakePipeline, actor, event, evidence, factory, mention

from rasd.eval import re3d
from rasd.eval.base import EvalContext
from rasd.taxonomy import ActorType

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def docs_by_id():
    return {d.id: d for d in re3d.load(FIXTURES / "re3d")}


def test_eval_re3d_load_keeps_confident_annotations_only():
    docs = docs_by_id()
    assert set(docs) == {"AAAA0001", "AAAA0002", "BBBB0001"}  # BOM file and no-relations folder
    a = docs["AAAA0001"]
    assert a.source == "Invented Agency"
    labels = sorted(label for _, _, label in a.entities)
    assert "Nationality" not in labels  # confidence 0 dropped
    assert len(a.entities) == 9
    for start, end, _ in a.entities:
        assert a.text[start:end]
    assert {r[0] for r in a.relations} == {"FightingAgainst", "CoLocated"}  # 0.3 dropped
    assert docs["BBBB0001"].relations == ()


def test_eval_re3d_load_empty_folder(tmp_path):
    with pytest.raises(Exception, match="documents.json"):
        re3d.load(tmp_path)


@pytest.mark.parametrize(
    ("label", "re3d_type"),
    [
        ("PERSON", "Person"),
        ("ORG", "Organisation"),
        ("ACTOR", "Organisation"),
        ("GPE", "Location"),
        ("FAC", "Location"),
        ("NORP", "Nationality"),
        ("DATE", "Temporal"),
        ("CARDINAL", "Quantity"),
        ("MONEY", "Money"),
        ("PRODUCT", None),
        ("ORDINAL", None),
    ],
)
def test_eval_re3d_label_map(label, re3d_type):
    assert re3d.RE3D_TYPE.get(label) == re3d_type
    mapped = re3d.mapped_mentions([(0, 3, label)])
    assert mapped == ([(0, 3, re3d_type)] if re3d_type else [])


def test_eval_re3d_derive_relations_from_events():
    text = "Iraqi forces and Peshmerga fought ISIL in Mosul."
    ev = event(
        "Armed clash",
        actor1=actor("Military Forces of Iraq"),
        assoc_actor_1=(actor("Peshmerga"),),
        actor2=actor("Islamic State", ActorType.REBEL_GROUP),
        evidence=(
            evidence("actor1", text, "Iraqi forces"),
            evidence("assoc_actor_1", text, "Peshmerga"),
            evidence("actor2", text, "ISIL"),
            evidence("place", text, "Mosul"),
        ),
    )
    arrest = event(
        "Arrests",
        evidence=(evidence("actor1", text, "Iraqi forces"), evidence("actor2", text, "ISIL")),
    )
    rels = re3d.derive_relations([ev, arrest])
    assert ("FightingAgainst", (0, 12), (34, 38)) in rels
    assert ("AlliesOf", (0, 12), (17, 26)) in rels
    assert ("CoLocated", (0, 12), (42, 47)) in rels
    assert ("CoLocated", (34, 38), (42, 47)) in rels
    assert sum(r[0] == "FightingAgainst" for r in rels) == 1  # arrests are not fighting


def _respond(doc):
    """Tags every 'ISIL' as ACTOR, 'Mosul'/'Erbil' as GPE, 'Monday' as DATE; one clash in A."""
    text = doc.text
    for span, label in (("ISIL", "ACTOR"), ("Mosul", "GPE"), ("Erbil", "GPE"), ("Monday", "DATE")):
        for nth in range(text.count(span)):
            doc.mentions.append(mention(text, span, label, nth))
    if "Iraqi Security Forces" in text:
        doc.events.append(
            event(
                "Armed clash",
                evidence=(
                    evidence("actor1", text, "Iraqi Security Forces"),
                    evidence("actor2", text, "ISIL fighters"),
                ),
            )
        )


class FakeNlp:
    """spaCy stand-in for the baseline: finds 'Mosul' as GPE only."""

    def __call__(self, text):
        ents = []
        if "Mosul" in text:
            s = text.index("Mosul")
            ents.append(SimpleNamespace(start_char=s, end_char=s + 5, label_="GPE"))
        return SimpleNamespace(ents=ents)


def test_eval_re3d_evaluate_on_fixture():
    ctx = EvalContext(
        FIXTURES, pipeline_factory=factory(FakePipeline(_respond)), spacy_factory=FakeNlp
    )
    result = re3d.evaluate(ctx)
    m = result.metrics
    # gold: Location Mosul, Erbil, Idlib; rasd finds Mosul and Erbil
    assert m["p_exact.Location"] == 1.0
    assert m["r_exact.Location"] == pytest.approx(2 / 3)
    # ISIL (ACTOR -> Organisation) twice: once exactly a gold span, once inside "ISIL
    # fighters"; gold has 7 Organisations in all
    assert m["p_exact.Organisation"] == pytest.approx(1 / 2)
    assert m["r_exact.Organisation"] == pytest.approx(1 / 7)
    assert m["p_overlap.Organisation"] == 1.0
    assert m["r_overlap.Organisation"] == pytest.approx(2 / 7)
    # Temporal: gold Monday, 3 March, Tuesday; rasd finds Monday: P 1, R 1/3, F1 0.5
    assert m["f1_exact.Temporal"] == pytest.approx(0.5)
    assert m["f1.FightingAgainst"] == 1.0
    assert m["r.CoLocated"] == 0.0
    assert result.baselines["spacy"]["r_exact.Location"] == pytest.approx(1 / 3)
    assert result.counts["docs"] == 3
    assert result.counts["gold_relations"] == 3
    kinds = {e.kind for e in result.errors}
    assert {"entity_missed", "relation_missed"} <= kinds
    assert set(result.by_corpus) == {"Invented Agency", "Invented Wire"}


def test_eval_re3d_no_baseline_without_spacy_factory():
    ctx = EvalContext(FIXTURES, limit=1, pipeline_factory=factory(FakePipeline()))
    result = re3d.evaluate(ctx)
    assert result.baselines == {}
    assert result.counts["docs"] == 1
    assert result.metrics["f1_exact"] == 0.0
