"""Name keys for matching people across reports and transliterations.

>>> name_key("Mukhled al-Jubouri") == name_key("Mukhlid Al Jubouri")
True
>>> name_key("Abu Bukhari") == name_key("Abou Boukhari")
True
>>> name_key("Abu Bakr") == name_key("Abu Omar")
False
>>> same_person("Al-Issawi", "Khaled Farhan al-Esawi")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from unidecode import unidecode

#: Arabic articles written as separate words or with a hyphen ("al-", "el-", "ad-").
ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ul"})
#: Titles that come before a name and are not part of it.
TITLES = frozenset(
    {
        "sheikh", "shaikh", "sheik", "dr", "mr", "mrs", "ms", "mullah", "mulla", "imam",
        "general", "gen", "brigadier", "colonel", "col", "major", "maj", "lieutenant", "lt",
        "captain", "capt", "hajji", "haji", "sayyid", "sayed", "said", "emir", "amir",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]")
_REPEAT = re.compile(r"(.)\1+")
_SOUNDS = (("ph", "f"), ("q", "k"), ("ck", "k"), ("kh", "x"), ("gh", "g"), ("dh", "d"), ("th", "t"))


def words(name: str) -> list[str]:
    """Lower-case ASCII words of a name, without articles and leading titles."""
    tokens = _WORD.findall(unidecode(name).lower().replace("'", "").replace("’", ""))
    while tokens and tokens[0] in TITLES and len(tokens) > 1:
        tokens = tokens[1:]
    return [t for t in tokens if t not in ARTICLES]


def _skeleton(word: str) -> str:
    """Consonants only (Omar/Umar, Issawi/Esawi), doubled letters once; a word of
    vowels only keeps its first letter."""
    for old, new in _SOUNDS:
        word = word.replace(old, new)
    return _REPEAT.sub(r"\1", _VOWELS.sub("", word)) or word[:1]


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A spelling-tolerant key: words' consonant skeletons, joined by spaces."""
    return " ".join(_skeleton(w) for w in words(name) if w)


def same_person(a: str, b: str) -> bool:
    """Looser than equal keys, for comparing two reports: every word of the shorter
    name appears in the longer ("Ahmed Khalaf" / "Ahmad Khalaf al-Shammari")."""
    wa, wb = set(name_key(a).split()), set(name_key(b).split())
    if not wa or not wb:
        return False
    return wa <= wb or wb <= wa


def is_specific(name: str) -> bool:
    """True for names specific enough to link across reports (two words or more)."""
    return len(words(name)) >= 2
