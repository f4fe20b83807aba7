"""The shared scorers, on hand-computed examples."""

from __future__ import annotations

import math

import pytest

from rasd.eval.base import PRF
from rasd.eval.scoring import (
    accuracy,
    ceaf_ree,
    classification_prf,
    confusion_matrix,
    haversine_km,
    macro_f1,
    match_relations,
    match_spans,
    max_matching,
    micro,
    names_agree,
    normalise_name,
    normalise_place,
    sentence_around,
    span_mapper,
)


@pytest.mark.parametrize(
    ("gold", "pred", "mode", "expected"),
    [
        # no gold, no prediction
        ([], [], "exact", {}),
        # no prediction: every gold span is a false negative
        ([(0, 5, "PER")], [], "exact", {"PER": PRF(0, 0, 1)}),
        # no gold: every prediction is a false positive
        ([], [(0, 5, "PER")], "overlap", {"PER": PRF(0, 1, 0)}),
        # exact hit and a wrong label
        (
            [(0, 5, "PER"), (10, 15, "LOC")],
            [(0, 5, "PER"), (10, 15, "ORG")],
            "exact",
            {"PER": PRF(1, 0, 0), "LOC": PRF(0, 0, 1), "ORG": PRF(0, 1, 0)},
        ),
        # off-by-one boundary: wrong under exact, right under overlap
        ([(0, 5, "PER")], [(0, 4, "PER")], "exact", {"PER": PRF(0, 1, 1)}),
        ([(0, 5, "PER")], [(0, 4, "PER")], "overlap", {"PER": PRF(1, 0, 0)}),
        # touching spans do not overlap
        ([(0, 5, "PER")], [(5, 9, "PER")], "overlap", {"PER": PRF(0, 1, 1)}),
        # one long prediction over two gold spans: one-to-one, so one match only
        ([(0, 5, "LOC"), (6, 10, "LOC")], [(0, 10, "LOC")], "overlap", {"LOC": PRF(1, 0, 1)}),
        # a tie: two predictions for one gold span
        ([(0, 5, "LOC")], [(0, 3, "LOC"), (2, 5, "LOC")], "overlap", {"LOC": PRF(1, 1, 0)}),
        # duplicate exact predictions: the second is a false positive
        ([(0, 5, "PER")], [(0, 5, "PER"), (0, 5, "PER")], "exact", {"PER": PRF(1, 1, 0)}),
        # a chain where greedy left-to-right matching would lose a pair
        (
            [(0, 4, "X"), (4, 8, "X")],
            [(2, 6, "X"), (0, 2, "X")],
            "overlap",
            {"X": PRF(2, 0, 0)},
        ),
    ],
)
def test_eval_scoring_match_spans(gold, pred, mode, expected):
    assert match_spans(gold, pred, mode) == expected


def test_eval_scoring_prf_zero_denominators():
    assert (PRF(0, 0, 0).precision, PRF(0, 0, 0).recall, PRF(0, 0, 0).f1) == (0.0, 0.0, 0.0)
    assert PRF(2, 2, 0).f1 == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_eval_scoring_micro_and_macro():
    table = {"A": PRF(1, 0, 0), "B": PRF(0, 1, 1)}
    assert micro(table.values()) == PRF(1, 1, 1)
    assert macro_f1(table) == pytest.approx(0.5)
    assert macro_f1(table, ["A", "C"]) == pytest.approx(0.5)  # unseen label scores 0
    assert macro_f1({}) == 0.0


def test_eval_scoring_classification_counts_wrong_as_fp_and_fn():
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "none"]
    table = classification_prf(gold, pred)
    assert table["a"] == PRF(1, 0, 1)
    assert table["b"] == PRF(1, 1, 0)
    assert table["c"] == PRF(0, 0, 1)
    assert table["none"] == PRF(0, 1, 0)
    assert micro(table.values()).f1 == pytest.approx(0.5)  # = accuracy
    assert macro_f1(table, ["a", "b", "c"]) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_eval_scoring_classification_length_mismatch():
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        classification_prf(["a", "b"], ["a"])


def test_eval_scoring_confusion_matrix():
    assert confusion_matrix(["a", "a", "b"], ["a", "b", "b"]) == {
        "a": {"a": 1, "b": 1},
        "b": {"b": 1},
    }
    assert confusion_matrix([], []) == {}


@pytest.mark.parametrize(("flags", "value"), [([], 0.0), ([True], 1.0), ([True, False], 0.5)])
def test_eval_scoring_accuracy(flags, value):
    assert accuracy(flags) == value


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([], [], {}),
        ([("F", (0, 3), (10, 13))], [("F", (0, 3), (10, 13))], {"F": PRF(1, 0, 0)}),
        # arguments swapped: a match only for a symmetric type
        ([("F", (0, 3), (10, 13))], [("F", (10, 13), (0, 3))], {"F": PRF(1, 0, 0)}),
        ([("B", (0, 3), (10, 13))], [("B", (10, 13), (0, 3))], {"B": PRF(0, 1, 1)}),
        # overlapping arguments suffice
        ([("F", (0, 5), (10, 15))], [("F", (2, 4), (12, 20))], {"F": PRF(1, 0, 0)}),
        (
            [("F", (0, 5), (10, 15))],
            [("A", (0, 5), (10, 15))],
            {"F": PRF(0, 0, 1), "A": PRF(0, 1, 0)},
        ),
    ],
)
def test_eval_scoring_match_relations(gold, pred, expected):
    assert match_relations(gold, pred, frozenset({"F", "A"})) == expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([], [], PRF(0, 0, 0)),
        ([["fmln", "farabundo marti front"]], [], PRF(0, 0, 1)),
        ([], [["fmln"]], PRF(0, 1, 0)),
        # a prediction matching any coreferent mention matches the entity
        ([["fmln", "farabundo marti front"]], [["farabundo marti front"]], PRF(1, 0, 0)),
        # each gold entity counts once: the second mention of it is a false positive
        ([["fmln", "farabundo marti front"]], [["fmln"], ["farabundo marti front"]], PRF(1, 1, 0)),
        # strict: every predicted mention must be in the gold entity
        ([["fmln"]], [["fmln", "army"]], PRF(0, 1, 1)),
        # optimal alignment, not greedy
        ([["a", "b"], ["a"]], [["a"], ["b"]], PRF(2, 0, 0)),
        # empty entities are ignored, as in GRIT's eval
        ([[]], [[]], PRF(0, 0, 0)),
    ],
)
def test_eval_scoring_ceaf_ree(gold, pred, expected):
    assert ceaf_ree(gold, pred) == expected


def test_eval_scoring_max_matching_is_maximal():
    edges = {(0, 0), (0, 1), (1, 0)}
    assert max_matching(2, 2, lambda i, j: (i, j) in edges) == [(0, 1), (1, 0)]
    assert max_matching(0, 3, lambda i, j: True) == []


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Military Forces of Iraq (2022-)", "military forces of iraq"),
        ("Military Forces of Iraq (2014-2022)", "military forces of iraq"),
        ("Civilians (Iraq)", "civilians iraq"),
        ("QSD: Syrian Democratic Forces", "qsd syrian democratic forces"),
        ("Ḥalab", "halab"),
        ("", ""),
        (None, ""),
    ],
)
def test_eval_scoring_normalise_name(name, normal):
    assert normalise_name(name) == normal


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Salah al-Din", "Salah ad Din"),
        ("Al Anbar", "Anbar"),
        ("Anbar Governorate", "Anbar"),
        ("Ar-Rutba", "Ar Rutbah".removesuffix("h")),
    ],
)
def test_eval_scoring_normalise_place_variants(a, b):
    assert normalise_place(a) == normalise_place(b)


@pytest.mark.parametrize(
    ("expected", "predicted", "place", "agrees"),
    [
        ("Military Forces of Iraq (2022-)", "Military Forces of Iraq", False, True),
        (["Rutba", "Ar Rutbah"], "Ar Rutbah", True, True),
        ("Kirkuk", "Erbil", True, False),
        ("", "", False, True),  # empty agrees with empty
        ("", "Islamic State", False, False),
        (None, None, False, True),
    ],
)
def test_eval_scoring_names_agree(expected, predicted, place, agrees):
    assert names_agree(expected, predicted, place=place) is agrees


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((33.3152, 44.3661), (33.3152, 44.3661), 0.0),
        ((0.0, 0.0), (0.0, 1.0), 111.195),  # one degree of longitude at the equator
        ((0.0, 0.0), (1.0, 0.0), 111.195),
        ((90.0, 0.0), (-90.0, 0.0), math.pi * 6371.0088),
    ],
)
def test_eval_scoring_haversine(a, b, km):
    assert haversine_km(*a, *b) == pytest.approx(km, abs=0.01)


def test_eval_scoring_span_mapper_identity_and_rewrites():
    assert span_mapper("abc", "abc")(0, 2) == (0, 2)
    original = "Hello   “world” today"
    processed = 'Hello "world" today'
    to_original = span_mapper(processed, original)
    start = processed.index("world")
    s, e = to_original(start, start + 5)
    assert original[s:e] == "world"
    t = processed.index("today")
    s, e = to_original(t, t + 5)
    assert original[s:e] == "today"


def test_eval_scoring_sentence_around():
    text = "First one. The second sentence here. Third."
    start = text.index("second")
    assert sentence_around(text, start, start + 6) == "The second sentence here."
