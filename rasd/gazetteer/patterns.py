"""spaCy EntityRuler patterns from the gazetteer's ruler entries.

The index stores ``(text, label, kind, population)`` entries (see
``build.ruler_entries``): countries, admin1 areas worldwide, Iraqi and Syrian admin2
areas and places of 1,000+ people, places of 15,000+ people elsewhere, continents.
Of the places outside Iraq and Syria only those of ``CITY_POPULATION``+ people
become patterns: spaCy's NER finds most of them already, and every extra name is
another person or company name ("Alice", "Ames") the ruler would call a place.

Single-token names of a label share one token pattern on ``ORTH`` with an ``IN``
set: it matches only as capitalised in the entry ("Nice" the city, not "nice"),
and one pattern keeps spaCy's Matcher fast however many names there are (a token
pattern per name costs ~1.5 s per 1,000-word document with 13k names). A trailing
"Governorate", "Province", "District", "County"... is matched as part of the name.
Multi-word names ("Salah al-Din", "New York") are phrase patterns, which the
ruler matches through its PhraseMatcher (hash lookups; case-insensitive with the
ruler's ``phrase_matcher_attr = "LOWER"``); a lower-case multi-word name is rare
in running text.

Names dropped: spaCy stop words, names under 3 letters, the curated ``stop_names``
(given names that are also villages), and, for towns and admin2 areas (not for
countries and admin1 areas), single words that are English words in the spaCy
model's lemmatizer tables ("Mobile", "Police", "Van", "Hit").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasd.gazetteer.normalize import ARTICLES

#: Bump when the pattern rules change (cached pattern files carry it in their name).
PATTERNS_VERSION = 3
DESIGNATORS = ["governorate", "province", "district", "subdistrict", "county", "parish"]
ALWAYS_KEPT_KINDS = frozenset({"country", "adm1", "continent"})
#: Smallest population of a place outside Iraq and Syria that becomes a pattern.
CITY_POPULATION = 100_000
_ARTICLE_FORMS = ("Al", "al", "Ar", "ar", "As", "as", "Ad", "ad", "An", "an", "At", "at",
                  "Az", "az", "Ash", "ash", "El", "el")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """spaCy's stop words plus the default model's lemmatizer word lists (lower case)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {w.lower() for w in STOP_WORDS}
    lookups_dir = _model_lookups_dir()
    if lookups_dir is not None:
        from spacy.lookups import Lookups

        lookups = Lookups().from_disk(lookups_dir)
        if lookups.has_table("lemma_index"):
            for values in lookups.get_table("lemma_index").values():
                words.update(str(v).lower() for v in values if "_" not in str(v))
    return frozenset(words)


def _model_lookups_dir() -> Path | None:
    from spacy.util import get_package_path

    from rasd.config import NlpConfig

    try:
        root = Path(get_package_path(NlpConfig().model))
    except (ImportError, OSError, ValueError):
        return None
    for found in root.glob("**/lemmatizer/lookups/lookups.bin"):
        return found.parent
    return None


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


_SIMPLE = re.compile(r"^[A-Za-z]+(?:[ -][A-Za-z]+)*$")
_SIMPLE_TOKEN = re.compile(r"[A-Za-z]+|-")


def tokenize(names: list[str]) -> list[list[str]]:
    """spaCy's token texts for each name; letters-only names skip the tokenizer.

    For words of letters joined by spaces or hyphens, spaCy's English tokenizer
    splits exactly at the spaces and around each hyphen, so those are split here
    (40k names in ~0.1 s instead of ~4 s).
    """
    out: list[list[str]] = [[] for _ in names]
    hard = []
    special = _tokenizer().rules or {}
    for i, name in enumerate(names):
        if _SIMPLE.match(name) and not any(w in special for w in _SIMPLE_TOKEN.findall(name)):
            out[i] = _SIMPLE_TOKEN.findall(name)
        else:
            hard.append(i)
    docs = _tokenizer().pipe([names[i] for i in hard])
    for i, doc in zip(hard, docs, strict=True):
        out[i] = [t.text for t in doc if not t.is_space]
    return out


def article_variants(name: str) -> set[str]:
    """``"Al-Rutba"`` -> the name with "Al"/"al" and a hyphen or a space after it."""
    head, sep, rest = name.replace("-", " ", 1).partition(" ")
    if not sep or head.lower() not in ARTICLES or not rest:
        return {name}
    forms = {head, head.lower(), head.capitalize()}
    return {f"{f}{s}{rest}" for f in forms for s in ("-", " ")} | {name}


def keep_entry(text: str, kind: str, stop_names: frozenset[str]) -> bool:
    """Whether a ruler entry becomes a pattern (see the module docstring)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lower = text.lower()
    if text in stop_names or lower in STOP_WORDS:
        return False
    if len(text) < 3 and text not in ("UK", "US"):
        return False
    if kind in ALWAYS_KEPT_KINDS:
        return True
    return " " in text or "-" in text or lower not in english_words()


def build_patterns(
    entries: Iterable[tuple[str, str, str, int]],
    stop_names: frozenset[str] | None = None,
    city_population: int = CITY_POPULATION,
) -> list[dict[str, Any]]:
    """EntityRuler patterns (dicts with ``label`` and a token ``pattern``)."""
    if stop_names is None:
        from rasd.gazetteer.sources import read_aliases

        stop_names = read_aliases().stop_names
    texts: dict[str, str] = {}
    for text, label, kind, population in entries:
        if kind == "city" and population < city_population:
            continue
        if not text or not text[:1].isupper() or not keep_entry(text, kind, stop_names):
            continue
        for variant in article_variants(text):
            texts.setdefault(variant, label)
    single: dict[str, set[str]] = {}
    multi: dict[str, dict[str, Any]] = {}
    optional = {"LOWER": {"IN": DESIGNATORS}, "OP": "?"}
    names = sorted(texts)
    for name, orths in zip(names, tokenize(names), strict=True):
        if len(orths) == 1:
            single.setdefault(texts[name], set()).add(orths[0])
        elif orths:
            multi.setdefault(name.lower(), {"label": texts[name], "pattern": name})
    merged = [
        {"label": label, "pattern": [{"ORTH": {"IN": sorted(words)}}, optional]}
        for label, words in sorted(single.items())
    ]
    return merged + list(multi.values())


def cache_tag() -> str:
    """What the cached pattern list depends on besides the index: rules, spaCy, model."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from rasd.config import NlpConfig

    model = NlpConfig().model
    try:
        model_version = version(model.replace("_", "-"))
    except PackageNotFoundError:
        model_version = "?"
    raw = f"{PATTERNS_VERSION}-{version('spacy')}-{model}-{model_version}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
