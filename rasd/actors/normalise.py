"""Text normalisation shared by the actor knowledge base, its matcher and person parsing.

Matching works on *tokens* so that punctuation and transliteration noise does not
matter::

    >>> [t.key for t in tokenize("the Kata’ib Hezbollah's")]
    ['the', 'kataib', 'hezbollah']
    >>> [t.key for t in tokenize("U.S.-led Counter-Terrorism Service")]
    ['us', 'led', 'counter', 'terrorism', 'service']
    >>> [t.case for t in tokenize("ISIS's Da'esh")]
    ['ISIS', 'Daesh']

Each token keeps its character offsets in the original text, a case-preserving
form (``case``, used for the all-caps acronym rule) and a case-folded ``key``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Characters treated as apostrophes / transliterated ayn and hamza. They are dropped
#: inside words, so "Kata'ib", "Kata’ib" and "Kataib" are one word.
APOSTROPHES = "'’‘ʼʻʿʾ`´"
_APOS_RE = re.compile(f"[{APOSTROPHES}]")
# A dotted acronym ("U.S.", "I.S.") or a word with optional inner apostrophes.
_TOKEN_RE = re.compile(
    rf"(?:[^\W\d_]\.){{2,}}|[^\W_]+(?:[{APOSTROPHES}][^\W_]+)*",
)
_POSSESSIVE_RE = re.compile(rf"[{APOSTROPHES}]s$", re.IGNORECASE)

#: Words that open a noun phrase and never belong to an alias.
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "these", "those"})


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str  # as written
    case: str  # diacritics, dots and apostrophes removed; case kept
    key: str  # ``case`` case-folded

    @property
    def is_upper(self) -> bool:
        """True for an all-caps word of two or more characters ("ISIS", "PMF", "US")."""
        return is_acronym(self.case)


def strip_diacritics(text: str) -> str:
    """ "Asayîş" -> "Asayis"; keeps base letters, drops combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_acronym(word: str) -> bool:
    """All-caps words of 2+ characters with at least one letter: "IS", "PMF", "CJTF", "B52"."""
    return len(word) >= 2 and word.isupper() and word.isalnum()


def _clean(word: str) -> str:
    word = _POSSESSIVE_RE.sub("", word)
    word = word.replace(".", "")
    word = _APOS_RE.sub("", word)
    return strip_diacritics(word)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into matching tokens with their offsets (see the module docstring)."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        case = _clean(m.group())
        if case:
            out.append(Token(m.start(), m.end(), m.group(), case, case.casefold()))
    return out


def norm(text: str) -> str:
    """A canonical string for comparing names: keys joined by single spaces.

    >>> norm("The  Counter-Terrorism   Service")
    'the counter terrorism service'
    """
    return " ".join(t.key for t in tokenize(text))


def strip_determiners(tokens: list[Token]) -> list[Token]:
    """Drop leading determiners ("the", "a", "its"...)."""
    i = 0
    while i < len(tokens) and tokens[i].key in DETERMINERS:
        i += 1
    return tokens[i:]


_IRREGULAR = {"men": "man", "women": "woman", "children": "child", "people": "person"}


def singular(key: str) -> str:
    """A light English singulariser for generic phrases ("gunmen" -> "gunman").

    >>> [singular(w) for w in ["gunmen", "protesters", "militias", "civilians", "police"]]
    ['gunman', 'protester', 'militia', 'civilian', 'police']
    """
    for plural, sing in _IRREGULAR.items():
        if key.endswith(plural):
            return key[: -len(plural)] + sing
    if len(key) > 4 and key.endswith("ies"):
        return key[:-3] + "y"
    if len(key) > 4 and key.endswith(("ches", "shes", "sses", "xes")):
        return key[:-2]
    if len(key) > 3 and key.endswith("s") and not key.endswith(("ss", "us", "is")):
        return key[:-1]
    return key


def slug(text: str) -> str:
    """An id-safe slug: "Iraq" -> "iraq", "United States" -> "united-states"."""
    return "-".join(t.key for t in tokenize(text)) or "unknown"
