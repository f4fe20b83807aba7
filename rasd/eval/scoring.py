"""Shared scorers: span matching (exact / overlap), per-label PRF, classification
F1 and confusion matrices, relation matching, entity-cluster matching (CEAF-REE),
name normalisation and great-circle distance.

Every matcher is one-to-one: a gold item is matched at most once and so is a
predicted one. Overlap and relation matching use a maximum bipartite matching, so
ties and chains of overlapping spans never inflate or deflate the counts.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

from rasd.eval.base import PRF

#: (start, end, label): a labelled character span.
LabeledSpan = tuple[int, int, str]
#: (type, (source start, source end), (target start, target end)).
Relation = tuple[str, tuple[int, int], tuple[int, int]]
MatchMode = Literal["exact", "overlap"]

EARTH_RADIUS_KM = 6371.0088


# --------------------------------------------------------------------------- matching


def max_matching(
    n_left: int, n_right: int, ok: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching between left items and right items.

    ``ok(i, j)`` says whether left ``i`` may match right ``j``. Kuhn's augmenting
    path algorithm; deterministic (left items in order, candidates in order).
    Returns the matched ``(left, right)`` pairs sorted by left index.
    """
    adjacency = [[j for j in range(n_right) if ok(i, j)] for i in range(n_left)]
    right_to_left: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in right_to_left or augment(right_to_left[j], seen):
                right_to_left[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return sorted((i, j) for j, i in right_to_left.items())


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two character spans share at least one character (equal empty spans count)."""
    if a == b:
        return True
    return a[0] < b[1] and b[0] < a[1]


def _count_matches(gold: list[LabeledSpan], pred: list[LabeledSpan], mode: MatchMode) -> int:
    if mode == "exact":
        return sum((Counter(gold) & Counter(pred)).values())
    return len(max_matching(len(gold), len(pred), lambda i, j: overlaps(gold[i][:2], pred[j][:2])))


def match_spans(
    gold: Iterable[LabeledSpan], pred: Iterable[LabeledSpan], mode: MatchMode = "exact"
) -> dict[str, PRF]:
    """Per-label PRF of predicted spans against gold spans of one document.

    ``exact``: same start, end and label. ``overlap``: same label and at least one
    shared character, one-to-one. Labels are those of gold and prediction.
    """
    gold, pred = list(gold), list(pred)
    out: dict[str, PRF] = {}
    for label in sorted({g[2] for g in gold} | {p[2] for p in pred}):
        g = [s for s in gold if s[2] == label]
        p = [s for s in pred if s[2] == label]
        tp = _count_matches(g, p, mode)
        out[label] = PRF(tp, len(p) - tp, len(g) - tp)
    return out


def add_prfs(total: dict[str, PRF], more: Mapping[str, PRF]) -> dict[str, PRF]:
    """Add per-label counts into ``total`` (in place) and return it."""
    for label, prf in more.items():
        total[label] = total.get(label, PRF(0, 0, 0)) + prf
    return total


def micro(prfs: Iterable[PRF]) -> PRF:
    """Pooled counts: micro precision, recall and F1."""
    total = PRF(0, 0, 0)
    for prf in prfs:
        total = total + prf
    return total


def macro_f1(prfs: Mapping[str, PRF], labels: Iterable[str] | None = None) -> float:
    """Unweighted mean of per-label F1 over ``labels`` (default: every key); 0.0 if none.

    A label in ``labels`` with no entry in ``prfs`` has F1 0.
    """
    keys = list(prfs) if labels is None else list(labels)
    if not keys:
        return 0.0
    return sum(prfs.get(k, PRF(0, 0, 0)).f1 for k in keys) / len(keys)


def prf_metrics(prf: PRF, p: str, r: str, f: str) -> dict[str, float]:
    """``{p: precision, r: recall, f: f1}`` for writing into a metrics dict."""
    return {p: prf.precision, r: prf.recall, f: prf.f1}


# --------------------------------------------------------------------------- classification


def classification_prf(gold: Sequence[str], pred: Sequence[str]) -> dict[str, PRF]:
    """Per-class PRF for single-label classification (one prediction per item).

    A wrong prediction is a false positive of the predicted class and a false
    negative of the gold class. Classes are those of gold and prediction.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    out: dict[str, PRF] = {}
    for label in sorted(set(gold) | set(pred)):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        out[label] = PRF(tp, fp, fn)
    return out


def confusion_matrix(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, int]]:
    """``matrix[gold][predicted] = count``, rows and columns sorted, zero cells left out."""
    counts = Counter(zip(gold, pred, strict=True))
    matrix: dict[str, dict[str, int]] = {}
    for (g, p), n in sorted(counts.items()):
        matrix.setdefault(g, {})[p] = n
    return matrix


def accuracy(correct: Iterable[bool]) -> float:
    """Share of True values; 0.0 for no items."""
    flags = list(correct)
    return sum(flags) / len(flags) if flags else 0.0


# --------------------------------------------------------------------------- relations, clusters


def match_relations(
    gold: Iterable[Relation], pred: Iterable[Relation], symmetric: frozenset[str] = frozenset()
) -> dict[str, PRF]:
    """Per-type PRF of relations: same type and both argument spans overlap, one-to-one.

    For a type in ``symmetric`` the arguments may also match the other way round.
    """
    gold, pred = list(gold), list(pred)

    def same(g: Relation, p: Relation) -> bool:
        direct = overlaps(g[1], p[1]) and overlaps(g[2], p[2])
        swapped = g[0] in symmetric and overlaps(g[1], p[2]) and overlaps(g[2], p[1])
        return direct or swapped

    out: dict[str, PRF] = {}
    for rtype in sorted({r[0] for r in gold} | {r[0] for r in pred}):
        g = [r for r in gold if r[0] == rtype]
        p = [r for r in pred if r[0] == rtype]
        tp = len(max_matching(len(g), len(p), _pairwise(same, g, p)))
        out[rtype] = PRF(tp, len(p) - tp, len(g) - tp)
    return out


def _pairwise(
    test: Callable[[Relation, Relation], bool], left: list[Relation], right: list[Relation]
) -> Callable[[int, int], bool]:
    return lambda i, j: test(left[i], right[j])


def ceaf_ree(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> PRF:
    """CEAF-REE with GRIT's strict similarity (Du, Rush & Cardie, EACL 2021).

    Each gold entity is a set of coreferent mention strings; each predicted entity
    is a set of mention strings. A predicted entity matches a gold entity when all
    of its mentions are among the gold entity's mentions; the alignment is
    one-to-one and maximal, so each gold entity is counted once. Strings must be
    normalised by the caller. tp = aligned pairs, fp = unaligned predictions,
    fn = unaligned gold entities.
    """
    gold_sets = [set(g) for g in gold if g]
    pred_sets = [set(p) for p in pred if p]
    pairs = max_matching(len(gold_sets), len(pred_sets), lambda i, j: pred_sets[j] <= gold_sets[i])
    tp = len(pairs)
    return PRF(tp, len(pred_sets) - tp, len(gold_sets) - tp)


# --------------------------------------------------------------------------- names, places

_YEARS = re.compile(r"\(\s*\d{4}\s*[-–]\s*(\d{4})?\s*\)")
_ARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "an", "at", "az", "adh", "ath"})
_ADMIN_WORDS = frozenset({"governorate", "province", "district", "subdistrict", "muhafazat"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(name: str | None) -> str:
    """Casefold, drop parenthesised years like "(2022-)", punctuation and accents.

    "Military Forces of Iraq (2022-)" -> "military forces of iraq".
    """
    if not name:
        return ""
    text = _YEARS.sub(" ", strip_accents(name)).casefold()
    text = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text)
    return " ".join(text.split())


def normalise_place(name: str | None) -> str:
    """:func:`normalise_name`, then drop Arabic article tokens, admin words and spaces.

    "Salah al-Din" and "Salah ad Din" both give "salahdin"; "Al Anbar" and
    "Anbar Governorate" both give "anbar".
    """
    tokens = normalise_name(name).split()
    kept = [t for t in tokens if t not in _ARTICLES and t not in _ADMIN_WORDS]
    return "".join(kept or tokens)


def names_agree(
    expected: str | Sequence[str] | None, predicted: str | None, *, place: bool
) -> bool:
    """Whether ``predicted`` equals ``expected`` (or any of a list) after normalisation.

    An empty expectation agrees only with an empty prediction.
    """
    norm = normalise_place if place else normalise_name
    options = [expected] if expected is None or isinstance(expected, str) else list(expected)
    got = norm(predicted)
    return any(norm(o) == got for o in options)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------- offsets


def span_mapper(processed: str, original: str) -> Callable[[int, int], tuple[int, int]]:
    """Map ``(start, end)`` spans of ``processed`` text back to ``original`` text.

    Identity when the texts are equal (the usual case); otherwise an alignment of
    the two strings, for pipelines whose normalise stage rewrote whitespace or quotes.
    """
    if processed == original:
        return lambda start, end: (start, end)
    table: list[int] = []
    matcher = difflib.SequenceMatcher(None, processed, original, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            if tag == "equal":
                table.append(j1 + k)
            else:  # rewritten or inserted text: spread it over the original range
                table.append(min(j1 + (k * max(j2 - j1, 1)) // (i2 - i1), len(original)))
    table.append(len(original))

    def at(i: int) -> int:
        return table[min(max(i, 0), len(table) - 1)]

    def mapped(start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return at(start), at(start)
        return at(start), min(at(end - 1) + 1, len(original))

    return mapped


_BOUNDARY = re.compile(r"[.!?][\"'”’)]*\s+|\n")


def sentence_around(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence holding ``text[start:end]`` (a light heuristic, for error reports only)."""
    left = 0
    for m in _BOUNDARY.finditer(text, 0, start):
        left = m.end()
    after = _BOUNDARY.search(text, end)
    right = after.start() + 1 if after else len(text)
    left = max(left, start - limit)
    right = min(right, end + limit)
    return " ".join(text[left:right].split())
