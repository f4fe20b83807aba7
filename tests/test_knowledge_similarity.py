"""Pairwise verdicts: compatible fields are required, details tell look-alikes apart."""

from __future__ import annotations

from datetime import date

import pytest
from kfixtures import ARMY, CTS, GUNMEN, IS, KIRKUK, MOSUL_EAST, NINEVEH, PKK, POLICE, report

from rasd.config import DedupConfig
from rasd.knowledge.similarity import compare, word_overlap

CONFIG = DedupConfig()
BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."
MARKET = "A car bomb exploded in a crowded vegetable market in the Bab al-Tob area, killing nine shoppers."


def test_knowledge_similarity_same_incident_retold_is_linked() -> None:
    _, a = report(BOMB, actor1=GUNMEN, actor2=POLICE, fatalities=3)
    _, b = report(BOMB2, when=date(2024, 3, 6), place=MOSUL_EAST, actor2=POLICE, fatalities=3)
    verdict = compare(a, b, CONFIG)
    assert verdict.score >= CONFIG.threshold, verdict.reason
    assert "1 days apart" in verdict.reason and "tolls: 3 and 3 agree" in verdict.reason


def test_knowledge_similarity_lookalike_same_day_same_city_is_not_linked() -> None:
    _, a = report(BOMB, actor1=GUNMEN, actor2=POLICE, fatalities=3)
    _, b = report(MARKET, actor1=GUNMEN, actor2=None, fatalities=9)
    verdict = compare(a, b, CONFIG)
    assert 0 < verdict.score < CONFIG.threshold, verdict.reason


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"sub": "Arrests"}, "type:"),
        ({"when": date(2024, 3, 9)}, "date: 4 days apart"),
        ({"place": KIRKUK}, "place: Nineveh and Kirkuk"),
        ({"actor1": PKK}, "actors:"),
    ],
)
def test_knowledge_similarity_incompatible_field_rejects(change: dict, why: str) -> None:
    _, a = report(BOMB, actor1=IS, fatalities=3)
    _, b = report(BOMB2, **({"actor1": IS, "fatalities": 3} | change))
    verdict = compare(a, b, CONFIG)
    assert verdict.rejected and verdict.reason.startswith(why), verdict.reason


def test_knowledge_similarity_province_only_report_matches_town_in_province() -> None:
    _, a = report(BOMB, fatalities=3)
    _, b = report(BOMB2, place=NINEVEH, geo=3, fatalities=3)
    assert "same province (Nineveh)" in compare(a, b, CONFIG).reason


def test_knowledge_similarity_state_units_and_swapped_sides_are_compatible() -> None:
    _, a = report(BOMB, sub="Armed clash", actor1=CTS, actor2=IS)
    _, b = report(BOMB2, sub="Armed clash", actor1=IS, actor2=ARMY)
    verdict = compare(a, b, CONFIG)
    assert not verdict.rejected, verdict.reason


def test_knowledge_similarity_week_precision_widens_the_window() -> None:
    _, a = report(BOMB, when=date(2024, 3, 1), precision=2)
    _, b = report(BOMB2, when=date(2024, 3, 6))
    assert not compare(a, b, CONFIG).rejected


def test_knowledge_similarity_word_overlap_ignores_generic_words() -> None:
    _, a = report("Security forces said people were killed in the province on Monday.")
    _, b = report("Officials said people were killed in the district on Tuesday.")
    assert word_overlap(a, b) <= 0.5
