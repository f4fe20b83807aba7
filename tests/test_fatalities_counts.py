"""Fatality counts from sentences (pure regex; no model)."""

from __future__ import annotations

import pytest

from rasd.pipeline.fatalities import count_fatalities


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Gunmen attacked a checkpoint, killing three soldiers.", 3),
        ("The blast killed at least 12 people in the market.", 12),
        ("Five people were killed and eight wounded in the attack.", 5),
        ("Two civilians died when the shell hit their house.", 2),
        ("The death toll rose to 17 on Tuesday.", 17),
        ("Militants killed three soldiers and two civilians near Tikrit.", 5),
        ("Unknown assailants shot a farmer, killing him instantly.", 1),
        ("No casualties were reported after the drone strike.", 0),
        ("Eight people were wounded in the explosion.", None),
        ("The army arrested a leader of the group.", None),
        ("A dozen fighters were killed in the clashes.", 12),
    ],
)
def test_fatalities_counts_sentences(sentence: str, expected: int | None) -> None:
    found = count_fatalities(sentence)
    assert (found[0] if found else None) == expected


def test_fatalities_counts_span_points_at_phrase() -> None:
    sentence = "Gunmen attacked a checkpoint, killing three soldiers."
    found = count_fatalities(sentence)
    assert found is not None
    n, start, end = found
    assert "three" in sentence[start:end]
