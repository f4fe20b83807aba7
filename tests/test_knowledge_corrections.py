"""Analyst corrections: checked, logged append-only, applied, reversible, and kept
across re-extraction."""

from __future__ import annotations

import json
from datetime import date

import pytest
from kfixtures import CTS, GUNMEN, IS, MOSUL_EAST, report

from rasd.exceptions import CorrectionError
from rasd.knowledge.corrections import active
from rasd.knowledge.write import correct, save_extraction
from rasd.records import Correction

BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."
MARKET = "A car bomb exploded in a crowded vegetable market in the Bab al-Tob area, killing nine shoppers."


@pytest.fixture
def store(kstore):  # type: ignore[no-untyped-def]
    return kstore


def fix(action: str, target: str, **kw: object) -> Correction:
    return Correction(
        action=action, target=target, analyst="rana", reason="checked the source", **kw
    )  # type: ignore[arg-type]


def test_knowledge_corrections_set_field_survives_reextraction(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, fatalities=3)
    save_extraction(store, doc, [event])
    correct(store, fix("set_field", event.id, field="fatalities", value="4"))
    assert store.get_event(event.id).fatalities == 4
    assert not store.get_event(event.id).evidence_for("fatalities")
    save_extraction(store, doc, [event])  # the pipeline says 3 again
    assert store.get_event(event.id).fatalities == 4


def test_knowledge_corrections_anchor_finds_event_with_new_id(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, fatalities=3)
    save_extraction(store, doc, [event])
    correct(store, fix("set_field", event.id, field="sub_event_type", value='"Suicide bomb"'))
    renamed = event.model_copy(update={"id": "new-id-after-pipeline-change"})
    saved = save_extraction(store, doc, [renamed])
    assert saved.events[0].sub_event_type == "Suicide bomb" and not saved.orphans


def test_knowledge_corrections_orphan_is_reported(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, fatalities=3)
    save_extraction(store, doc, [event])
    recorded = correct(store, fix("set_field", event.id, field="fatalities", value="5"))
    saved = save_extraction(store, doc, [])  # the new pipeline finds nothing there
    assert [o.id for o in saved.orphans] == [recorded.id]


def test_knowledge_corrections_not_event_and_revert(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, fatalities=3)
    save_extraction(store, doc, [event])
    marked = correct(store, fix("not_event", event.id))
    assert store.count_events() == 0
    save_extraction(store, doc, [event])
    assert store.count_events() == 0
    correct(store, fix("revert", "", reverts=marked.id))
    assert store.get_event(event.id).fatalities == 3
    log = store.corrections()
    assert [c.action for c in log] == ["not_event", "revert"] and active(log) == []


def test_knowledge_corrections_revert_of_revert_restores(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, fatalities=3)
    save_extraction(store, doc, [event])
    first = correct(store, fix("set_field", event.id, field="fatalities", value="7"))
    undo = correct(store, fix("revert", "", reverts=first.id))
    assert store.get_event(event.id).fatalities == 3
    correct(store, fix("revert", "", reverts=undo.id))
    assert store.get_event(event.id).fatalities == 7
    with pytest.raises(CorrectionError, match="already undone"):
        correct(store, fix("revert", "", reverts=undo.id))


def test_knowledge_corrections_split_and_undo_split(store) -> None:  # type: ignore[no-untyped-def]
    (da, a), (db, b) = (
        report(BOMB, fatalities=3, source="A"),
        report(BOMB2, place=MOSUL_EAST, fatalities=3, source="B"),
    )
    save_extraction(store, da, [a])
    save_extraction(store, db, [b])
    assert store.clusters([a.id])[a.id] == store.clusters([b.id])[b.id]
    split = correct(store, fix("split_events", a.id, other=b.id))
    c = store.clusters([a.id, b.id])
    assert c[a.id] != c[b.id] and store.links([a.id]) == []
    save_extraction(store, db, [b])  # re-extraction does not undo the split
    assert store.clusters([b.id])[b.id] != store.clusters([a.id])[a.id]
    correct(store, fix("revert", "", reverts=split.id))
    assert store.clusters([a.id])[a.id] == store.clusters([b.id])[b.id]


def test_knowledge_corrections_merge_and_undo_merge(store) -> None:  # type: ignore[no-untyped-def]
    (da, a), (db, b) = (
        report(BOMB, fatalities=3, source="A"),
        report(MARKET, fatalities=9, source="B"),
    )
    save_extraction(store, da, [a])
    save_extraction(store, db, [b])
    assert store.clusters([a.id])[a.id] != store.clusters([b.id])[b.id]
    merged = correct(store, fix("merge_events", a.id, other=b.id))
    assert store.clusters([a.id])[a.id] == store.clusters([b.id])[b.id]
    link = store.links([a.id])[0]
    assert link.origin == "analyst" and f"correction #{merged.id}" in link.reason
    correct(store, fix("revert", "", reverts=merged.id))
    assert store.clusters([a.id])[a.id] != store.clusters([b.id])[b.id]


def test_knowledge_corrections_merge_actors_rewrites_and_reverts(store) -> None:  # type: ignore[no-untyped-def]
    (da, a), (db, b) = (
        report(BOMB, actor1=GUNMEN, source="A"),
        report(MARKET, actor1=IS, source="B"),
    )
    save_extraction(store, da, [a])
    save_extraction(store, db, [b])
    merged = correct(store, fix("merge_actors", GUNMEN.id, other=IS.id))
    assert store.get_event(a.id).actor1 == IS
    assert json.loads(merged.value or "")["id"] == IS.id
    correct(store, fix("revert", "", reverts=merged.id))
    assert store.get_event(a.id).actor1 == GUNMEN


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (dict(action="set_field", field="colour", value='"red"'), "cannot be corrected"),
        (dict(action="set_field", field="fatalities", value="-1"), "greater than or equal to 0"),
        (
            dict(action="set_field", field="sub_event_type", value='"Picnic"'),
            "not an ACLED sub-event type",
        ),
        (dict(action="set_field", field="event_date", value="tomorrow"), "is not JSON"),
        (dict(action="merge_events", other="no-such-event"), "is not in the store"),
        (dict(action="merge_actors", other=CTS.id), "is not coded on any stored event"),
        (dict(action="revert", reverts=99), "names no correction"),
    ],
)
def test_knowledge_corrections_bad_input_is_refused_and_not_logged(
    store, correction, message
) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, actor1=GUNMEN, fatalities=3)
    save_extraction(store, doc, [event])
    target = GUNMEN.id if correction["action"] == "merge_actors" else event.id
    with pytest.raises(CorrectionError, match=message):
        correct(store, fix(target=target, **correction))
    assert store.corrections() == []
    assert store.get_event(event.id).fatalities == 3


@pytest.mark.parametrize("missing", ["analyst", "reason"])
def test_knowledge_corrections_must_say_who_and_why(missing: str) -> None:
    values = {"action": "not_event", "target": "e1", "analyst": "rana", "reason": "dup"} | {
        missing: " "
    }
    with pytest.raises(ValueError, match="say who made the correction and why"):
        Correction(**values)


def test_knowledge_corrections_set_date_and_actor(store) -> None:  # type: ignore[no-untyped-def]
    doc, event = report(BOMB, when=date(2024, 3, 5))
    save_extraction(store, doc, [event])
    correct(store, fix("set_field", event.id, field="event_date", value='"2024-03-04"'))
    correct(store, fix("set_field", event.id, field="actor1", value=IS.model_dump_json()))
    stored = store.get_event(event.id)
    assert stored.event_date == date(2024, 3, 4) and stored.actor1 == IS
