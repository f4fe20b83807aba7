"""Cross-report de-duplication through the write path, on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from kfixtures import GUNMEN, KIRKUK, MOSUL_EAST, POLICE, report

from rasd.config import DedupConfig
from rasd.knowledge.dedup import relink_all
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.store.base import EventQuery

BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."
BOMB3 = (
    "Police said a bomb planted by the road hit a patrol in Zuhur on Tuesday; three policemen died."
)
MARKET = "A car bomb exploded in a crowded vegetable market in the Bab al-Tob area, killing nine shoppers."
MARKET2 = "Nine shoppers died when a parked car bomb tore through the Bab al-Tob vegetable market."


@pytest.fixture
def store(kstore):  # type: ignore[no-untyped-def]
    return kstore


def _save(store, *reports):  # type: ignore[no-untyped-def]
    out = []
    for doc, event in reports:
        out.append(save_extraction(store, doc, [event]))
    return out


def test_knowledge_dedup_three_outlets_one_canonical_event(store) -> None:  # type: ignore[no-untyped-def]
    saved = _save(
        store,
        report(BOMB, actor1=GUNMEN, actor2=POLICE, fatalities=3, source="A"),
        report(
            BOMB2, when=date(2024, 3, 6), place=MOSUL_EAST, actor2=POLICE, fatalities=3, source="B"
        ),
        report(BOMB3, fatalities=3, source="C"),
    )
    ids = [s.events[0].id for s in saved]
    clusters = store.clusters(ids)
    assert len(set(clusters.values())) == 1
    members = store.cluster_members(clusters[ids[0]])
    assert sorted(members) == sorted(ids)
    links = store.links(ids)
    assert len(links) >= 2 and all("score" in link.reason for link in links)


def test_knowledge_dedup_lookalikes_stay_apart(store) -> None:  # type: ignore[no-untyped-def]
    saved = _save(
        store,
        report(BOMB, actor1=GUNMEN, actor2=POLICE, fatalities=3, source="A"),
        report(MARKET, actor1=GUNMEN, fatalities=9, source="B"),
        report(BOMB2, place=MOSUL_EAST, fatalities=3, source="C"),
        report(MARKET2, fatalities=9, source="D"),
        report(
            BOMB + " Kirkuk police said.", place=KIRKUK, fatalities=3, source="E"
        ),  # another province
    )
    ids = [s.events[0].id for s in saved]
    c = store.clusters(ids)
    assert c[ids[0]] == c[ids[2]] and c[ids[1]] == c[ids[3]]
    assert len({c[ids[0]], c[ids[1]], c[ids[4]]}) == 3


def test_knowledge_dedup_distinct_query_returns_one_row_per_incident(store) -> None:  # type: ignore[no-untyped-def]
    _save(store, report(BOMB, fatalities=3, source="A"), report(BOMB2, fatalities=3, source="B"))
    assert store.count_events() == 2
    clusters = store.clusters([e.id for e in store.events()])
    assert len(set(clusters.values())) == 1


def test_knowledge_dedup_reextracting_a_document_keeps_links(store) -> None:  # type: ignore[no-untyped-def]
    a, b = report(BOMB, fatalities=3, source="A"), report(BOMB2, fatalities=3, source="B")
    _save(store, a, b)
    _save(store, a)  # the same document again
    c = store.clusters([a[1].id, b[1].id])
    assert c[a[1].id] == c[b[1].id]


def test_knowledge_dedup_removed_event_leaves_its_cluster(store) -> None:  # type: ignore[no-untyped-def]
    a, b = report(BOMB, fatalities=3, source="A"), report(BOMB2, fatalities=3, source="B")
    _save(store, a, b)
    save_extraction(store, a[0], [])  # re-extracted: no event any more
    assert store.clusters([b[1].id]) == {b[1].id: b[1].id}
    assert store.links([b[1].id]) == []


def test_knowledge_dedup_disabled_links_nothing(store) -> None:  # type: ignore[no-untyped-def]
    off = Knowledge(DedupConfig(enabled=False))
    for doc, event in (
        report(BOMB, fatalities=3, source="A"),
        report(BOMB2, fatalities=3, source="B"),
    ):
        save_extraction(store, doc, [event], knowledge=off)
    assert store.links([e.id for e in store.events()]) == []


def test_knowledge_dedup_relink_all_matches_incremental(store) -> None:  # type: ignore[no-untyped-def]
    saved = _save(
        store,
        report(BOMB, fatalities=3, source="A"),
        report(MARKET, fatalities=9, source="B"),
        report(BOMB2, place=MOSUL_EAST, fatalities=3, source="C"),
        report(MARKET2, fatalities=9, source="D"),
    )
    ids = [s.events[0].id for s in saved]
    before = store.clusters(ids)
    summary = relink_all(store, DedupConfig())
    assert store.clusters(ids) == before
    assert summary.events == 4 and summary.clusters == 2 and summary.links == 2


def test_knowledge_dedup_representative_is_most_precise(store) -> None:  # type: ignore[no-untyped-def]
    _, coarse = report(BOMB2, fatalities=3, geo=3, source="B")
    saved = _save(
        store,
        report(BOMB2, fatalities=3, geo=3, source="B"),
        report(BOMB, fatalities=3, source="A"),
    )
    precise = saved[1].events[0]
    assert store.clusters([coarse.id]) == {coarse.id: precise.id}
    assert EventQuery  # the distinct filter itself is tested with the API
