"""Person entities across reports, analysts' merges and splits, and profiles."""

from __future__ import annotations

from datetime import date

import pytest
from kfixtures import CTS, IS, KIRKUK, MOSUL, PKK, report

from rasd.exceptions import NotFound
from rasd.knowledge.profiles import actor_profile, person_profile
from rasd.knowledge.write import correct, save_extraction
from rasd.records import Correction, Person


@pytest.fixture
def store(kstore):  # type: ignore[no-untyped-def]
    return kstore


def arrest(text: str, name: str, when: date, role: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
    person = Person(
        name=name,
        role=role,
        nationality=kw.pop("nationality", None),
        actor_id=kw.pop("actor_id", IS.id),
        status="arrested",
    )  # type: ignore[arg-type]
    return report(
        text,
        sub="Arrests",
        when=when,
        actor1=CTS,
        actor2=IS,
        persons=(person,),
        place=kw.pop("place", KIRKUK),
        **kw,
    )  # type: ignore[arg-type]


def _person_of(store, event_id: str) -> str:  # type: ignore[no-untyped-def]
    return store.person_refs(event_ids=[event_id])[0].person_id


def test_knowledge_persons_transliterations_are_one_person(store) -> None:  # type: ignore[no-untyped-def]
    reports = [
        arrest(
            "CTS arrested Abu Bukhari, a commander.",
            "Abu Bukhari",
            date(2023, 9, 25),
            "commander",
            nationality="Uzbek",
        ),
        arrest("Police detained Abou Boukhari in Hawija.", "Abou Boukhari", date(2023, 11, 2)),
        arrest(
            "Abu al-Bukhari was seized near Mosul.",
            "Abu al-Bukhari",
            date(2024, 1, 9),
            "wali",
            place=MOSUL,
        ),
    ]
    ids = []
    for doc, event in reports:
        save_extraction(store, doc, [event])
        ids.append(event.id)
    people = {_person_of(store, i) for i in ids}
    assert len(people) == 1
    profile = person_profile(store, people.pop())
    assert profile.nationality == "Uzbek" and profile.actor_ids == (IS.id,)
    assert [r.role for r in profile.roles] == ["commander", "wali"]
    assert [e.event_date for e in profile.events] == [
        date(2023, 9, 25),
        date(2023, 11, 2),
        date(2024, 1, 9),
    ]
    assert set(profile.variants) == {"Abu Bukhari", "Abou Boukhari", "Abu al-Bukhari"}


def test_knowledge_persons_conflicting_group_is_another_person(store) -> None:  # type: ignore[no-untyped-def]
    (d1, e1), (d2, e2) = (
        arrest("CTS arrested Abu Bukhari of IS.", "Abu Bukhari", date(2023, 9, 25)),
        arrest(
            "Abu Bukhari of the PKK was arrested.",
            "Abu Bukhari",
            date(2023, 9, 26),
            actor_id=PKK.id,
        ),
    )
    save_extraction(store, d1, [e1])
    save_extraction(store, d2, [e2])
    assert _person_of(store, e1.id) != _person_of(store, e2.id)


def test_knowledge_persons_single_names_stay_in_their_report(store) -> None:  # type: ignore[no-untyped-def]
    (d1, e1), (d2, e2) = (
        arrest("Police arrested Ahmed in Kirkuk.", "Ahmed", date(2023, 9, 25)),
        arrest("Police arrested Ahmed in Kirkuk again.", "Ahmed", date(2023, 9, 29)),
    )
    save_extraction(store, d1, [e1])
    save_extraction(store, d2, [e2])
    assert _person_of(store, e1.id) != _person_of(store, e2.id)


def test_knowledge_persons_merge_split_and_undo(store) -> None:  # type: ignore[no-untyped-def]
    (d1, e1), (d2, e2) = (
        arrest("CTS arrested Mukhled al-Jubouri.", "Mukhled al-Jubouri", date(2023, 9, 25)),
        arrest("Abu Hafs was arrested in Kirkuk.", "Abu Hafs", date(2023, 9, 26)),
    )
    save_extraction(store, d1, [e1])
    save_extraction(store, d2, [e2])
    p1, p2 = _person_of(store, e1.id), _person_of(store, e2.id)
    why = {"analyst": "rana", "reason": "Abu Hafs is his kunya"}
    merged = correct(store, Correction(action="merge_persons", target=p2, other=p1, **why))
    assert _person_of(store, e2.id) == p1
    save_extraction(store, d2, [e2])  # survives re-extraction
    assert _person_of(store, e2.id) == p1
    correct(store, Correction(action="revert", target="", reverts=merged.id, **why))
    assert _person_of(store, e2.id) == p2
    split = correct(store, Correction(action="split_person", target=p1, other=e1.id, **why))
    assert _person_of(store, e1.id) not in (p1, p2)
    correct(store, Correction(action="revert", target="", reverts=split.id, **why))
    assert _person_of(store, e1.id) == p1


def test_knowledge_persons_actor_profile(store) -> None:  # type: ignore[no-untyped-def]
    for doc, event in (
        arrest(
            "CTS arrested Abu Bukhari, a commander.", "Abu Bukhari", date(2023, 9, 25), "commander"
        ),
        arrest(
            "Counter-terrorism forces arrested Abu Bukhari.",
            "Abu Bukhari",
            date(2023, 9, 25),
            source="B",
        ),
        arrest(
            "CTS detained Mukhled al-Jubouri.",
            "Mukhled al-Jubouri",
            date(2023, 10, 30),
            "financier",
            place=MOSUL,
        ),
    ):
        save_extraction(store, doc, [event])
    profile = actor_profile(store, IS.id)
    assert profile.report_count == 3 and profile.event_count == 2  # two reports, one arrest
    assert profile.by_admin1 == {"Kirkuk": 1, "Nineveh": 1}
    assert [(c.key, c.count) for c in profile.timeline] == [("2023-09-01", 1), ("2023-10-01", 1)]
    assert {p.name: p.roles for p in profile.persons} == {
        "Abu Bukhari": ("commander",),
        "Mukhled al-Jubouri": ("financier",),
    }
    assert [(a.actor.id, a.count) for a in profile.opposing] == [(CTS.id, 2)]
    with pytest.raises(NotFound):
        actor_profile(store, "no-such-actor")


def test_knowledge_persons_merge_and_split_single_word_and_merged_mentions(store) -> None:  # type: ignore[no-untyped-def]
    (d1, e1), (d2, e2) = (
        arrest("Police arrested Ahmed in Kirkuk.", "Ahmed", date(2023, 9, 25)),
        arrest("Police arrested Ahmed in Kirkuk again.", "Ahmed", date(2023, 9, 29)),
    )
    save_extraction(store, d1, [e1])
    save_extraction(store, d2, [e2])
    p1, p2 = _person_of(store, e1.id), _person_of(store, e2.id)
    why = {"analyst": "rana", "reason": "same man, same street"}
    correct(store, Correction(action="merge_persons", target=p2, other=p1, **why))
    assert _person_of(store, e2.id) == p1  # single-word names merge when an analyst says so
    assert person_profile(store, p2).merged_into == p1
    assert person_profile(store, p2).events == ()
    correct(store, Correction(action="split_person", target=p1, other=e2.id, **why))
    assert _person_of(store, e2.id) not in (p1, p2)  # a merged-in mention can be split off
