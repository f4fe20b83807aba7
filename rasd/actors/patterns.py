"""spaCy EntityRuler token patterns for actor aliases.

Each alias is split with spaCy's English tokenizer (no model needed) and becomes a
token pattern labelled ``ACTOR`` whose ``id`` is the actor id:

* all-caps words ("IS", "PMF", "U.S.") match only as written (``ORTH``), plus a
  plural "s" ("PMUs"), so the verb "is" never becomes the Islamic State;
* other words match case-insensitively (``LOWER``), with apostrophe variants
  ("Kata'ib", "Kata’ib", "Kataib") and without diacritics;
* hyphens are optional between words, so "Counter-Terrorism Service" and
  "Counter Terrorism Service" both match one pattern.

>>> build_patterns([("Kata'ib Hezbollah", "kh")])[0]["pattern"][0]
{'LOWER': {'IN': ["kata'ib", 'kataib', 'kata’ib']}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasd.actors.matcher import ARTICLES
from rasd.actors.normalise import APOSTROPHES, strip_diacritics

LABEL = "ACTOR"
_HYPHENS = ["-", "–", "—"]
_OPTIONAL_HYPHEN: dict[str, Any] = {"ORTH": {"IN": _HYPHENS}, "OP": "?"}


def _is_caps(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalnum()


def token_pattern(word: str) -> dict[str, Any]:
    """The pattern dict matching one alias token."""
    if _is_caps(word):
        return {"ORTH": {"IN": sorted({word, word + "s"})}}
    low = word.lower()
    if low == "al":
        return {"LOWER": {"IN": sorted(ARTICLES)}}
    variants = {low, strip_diacritics(low)}
    for apostrophe in "'’":
        variants |= {v.replace(a, apostrophe) for v in list(variants) for a in APOSTROPHES}
    variants |= {v.translate({ord(a): None for a in APOSTROPHES}) for v in list(variants)}
    variants.discard("")
    if len(variants) == 1:
        return {"LOWER": low}
    return {"LOWER": {"IN": sorted(variants)}}


def alias_pattern(words: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for word in words:
        if word in _HYPHENS:
            continue
        if out:
            out.append(dict(_OPTIONAL_HYPHEN))
        out.append(token_pattern(word))
    return out


def build_patterns(aliases: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """EntityRuler patterns for (alias text, actor id) pairs, deduplicated."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    seen: set[tuple[str, str]] = set()
    out = []
    for text, actor_id in aliases:
        words = [t.text for t in tokenizer(text) if not t.is_space]
        if words and words[0].lower() == "the" and len(words) > 1:
            words = words[1:]
        pattern = alias_pattern(words)
        key = (repr(pattern), actor_id)
        if pattern and key not in seen:
            seen.add(key)
            out.append({"label": LABEL, "pattern": pattern, "id": actor_id})
    return out
