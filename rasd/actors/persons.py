"""Parse what a report says about a person: their role and their nationality.

Pure functions of a string (or anything with a ``.text``, such as a spaCy Span). The
arguments stage calls them on the words around a person's name.

>>> parse_role('the so-called commander of the foreign terrorist battalion of ISIS in Kirkuk')
'so-called commander of the foreign terrorist battalion'
>>> parse_nationality('this foreigner is of Uzbek nationality')
'Uzbek'
>>> parse_called_name('the arrest of a leader, called “Abu Bukhari.”')
'Abu Bukhari'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from rasd.actors.normalise import singular, strip_diacritics

#: Nouns that name a role in an armed group, a state body or public life.
ROLE_NOUNS = frozenset(
    {
        "commander", "leader", "emir", "amir", "wali", "governor", "official", "officer",
        "member", "spokesman", "spokesperson", "mayor", "judge", "minister", "fighter",
        "militant", "head", "chief", "deputy", "financier", "recruiter", "smuggler", "courier",
        "facilitator", "bomber", "sniper", "preacher", "mufti", "cleric", "sheikh", "shaikh",
        "mukhtar", "colonel", "general", "brigadier", "lieutenant", "captain", "sergeant",
        "soldier", "policeman", "operative", "expert", "analyst", "president", "director",
        "manager", "coordinator", "planner", "founder", "veteran", "trainer", "instructor",
        "jihadist", "terrorist", "suspect", "agent", "informant", "guard", "security chief",
        "representative", "envoy", "ambassador", "lawmaker", "mp", "adviser",
        "advisor", "secretary", "chairman",
    }
)  # fmt: skip
#: Lower-case or title-case words that may stand before a role noun and belong to it.
ROLE_MODIFIERS = frozenset(
    {
        "so-called", "self-styled", "alleged", "former", "senior", "prominent", "top", "key",
        "local", "military", "security", "administrative", "financial", "media", "sharia",
        "deputy", "assistant", "chief", "field", "prime", "foreign", "defence", "defense",
        "interior", "police", "army", "intelligence", "brigade", "battalion", "sector",
        "regional", "provincial", "district", "tribal", "religious", "political", "dangerous",
        "notorious", "wanted", "leading", "general", "second", "first", "third", "retired",
        "junior", "acting", "current", "new", "late", "veteran", "terrorist", "company", "unit",
        "cell", "operations", "logistics", "explosives", "suicide", "bomb", "recruitment",
        "finance", "propaganda", "border", "oil", "municipal", "council", "city", "village",
        "governorate", "judicial", "health", "education", "emir", "wali", "commander",
        "expert", "analyst", "officer", "official",
    }
)  # fmt: skip
_STOP_LEFT = frozenset(
    {"the", "a", "an", "this", "that", "one", "its", "his", "her", "their", "of"}
)
_WORD_RE = re.compile(r"[^\W_][\w'’-]*|[^\w\s]")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_lower(self) -> bool:
        return self.is_word and not self.text[0].isupper()


def _text(value: Any) -> str:
    return str(getattr(value, "text", value))


def _words(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def _is_role(word: _Word) -> bool:
    return word.is_word and singular(word.low) in ROLE_NOUNS


def _left(words: list[_Word], i: int) -> int:
    """Index of the first word of the role phrase ending at ``words[i]``: known
    modifiers ("senior", "military") and hyphenated ones ("so-called", "high-ranking")."""
    j = i
    while j > 0 and i - j < 4:
        prev = words[j - 1]
        if not prev.is_word or prev.low in _STOP_LEFT:
            break
        if prev.low not in ROLE_MODIFIERS and not (prev.is_lower and "-" in prev.text):
            break
        j -= 1
    return j


def _right(words: list[_Word], i: int) -> int:
    """Index of the last word of the role phrase starting its noun at ``words[i]``.

    "of" + a common-noun phrase is kept ("commander of the foreign battalion"); an
    "of" followed by a proper noun (the group, the place) ends the role.
    """
    end = i
    k = i + 1
    while k < len(words) and words[k].low == "of":
        m = k + 1
        if m < len(words) and words[m].low in {"the", "a", "an"}:
            m += 1
        last = None
        while (
            m < len(words)
            and words[m].is_lower
            and words[m].low
            not in {"of", "in", "at", "on", "from", "called", "named", "who", "and", "or"}
        ):
            last = m
            m += 1
        if last is None:
            break
        end, k = last, m
    return end


def find_role(text: Any) -> tuple[int, int] | None:
    """Character offsets of :func:`parse_role`'s phrase in ``text``, or None."""
    words = _words(_text(text))
    for i, word in enumerate(words):
        if _is_role(word):
            return words[_left(words, i)].start, words[_right(words, i)].end
    return None


def parse_role(text: Any) -> str | None:
    """The first role phrase in ``text``, as written, or None.

    Keeps "so-called" and other modifiers and "of" + common nouns; drops the
    determiner, the group ("of ISIS"), the place ("in Kirkuk") and the name.

    >>> parse_role('a leader of ISIS terrorist gangs in Anbar Governorate')
    'leader'
    >>> parse_role('the so-called military commander in Anbar Province')
    'so-called military commander'
    >>> parse_role('Iraqi Prime Minister Muhammad Shia al-Sudani')
    'Prime Minister'
    >>> parse_role('Security expert, Mukhled Hazem Al-Darb') is None
    False
    >>> parse_role('he was arrested in Kirkuk') is None
    True
    """
    found = find_role(text)
    return _text(text)[found[0] : found[1]] if found else None


_CALLED_RE = re.compile(
    r"\b(?:called|named|nicknamed|known as|dubbed|nom de guerre)\s*[,:]?\s*[\"“”'‘’«]\s*"
    r"([^\"“”'‘’«»]+?)\s*[.,]?\s*[\"“”'‘’»]",
    re.IGNORECASE,
)


def parse_called_name(text: Any) -> str | None:
    """The quoted name after "called", "named", "known as"... or None.

    >>> parse_called_name('the commander, known as "Abu Omar al-Iraqi", was killed')
    'Abu Omar al-Iraqi'
    """
    m = _CALLED_RE.search(_text(text))
    return m.group(1).strip() if m else None


# --- nationality ------------------------------------------------------------------


@dataclass(frozen=True)
class Nationalities:
    demonyms: dict[str, str]  # any demonym as written -> canonical demonym
    countries: dict[str, str]  # any country name (lower case) -> canonical demonym
    country_of: dict[str, str]  # canonical demonym -> country name
    abbreviations: dict[str, str]  # "US", "U.K." (exact case) -> country name
    names: tuple[str, ...]  # every country name as written ("United States", "Turkiye")
    demonym_alt: str  # regex alternation of every demonym, longest first
    country_alt: str  # regex alternation of every country name, longest first

    @property
    def demonym_re(self) -> re.Pattern[str]:
        return re.compile(rf"\b({self.demonym_alt})\b")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _pycountry_names(iso2: str) -> list[str]:
    import pycountry

    found = pycountry.countries.get(alpha_2=iso2)
    if found is None:
        return []
    names = [getattr(found, a, None) for a in ("name", "common_name", "official_name")]
    return [strip_diacritics(n) for n in names if n]


@lru_cache(maxsize=1)
def nationalities() -> Nationalities:
    """The demonym table (``rasd/data/actors/_demonyms.yaml`` plus pycountry names)."""
    path = resources.files("rasd").joinpath("data/actors/_demonyms.yaml")
    raw = yaml.safe_load(path.read_text("utf-8"))
    demonyms: dict[str, str] = {}
    countries: dict[str, str] = {}
    country_of: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    written: list[str] = []
    for row in raw["countries"]:
        canonical = row["demonyms"][0]
        country_of[canonical] = row["country"]
        for d in row["demonyms"]:
            demonyms[d] = canonical
        names = [row["country"], *row.get("names", []), *_pycountry_names(str(row["iso2"]))]
        for name in names:
            countries[name.lower()] = canonical
            written.append(name)
        for abbreviation in row.get("abbreviations", []):
            abbreviations[abbreviation] = row["country"]
    for row in raw.get("groups", []):
        demonyms[row["demonym"]] = row["demonym"]
        country_of[row["demonym"]] = row["country"]
    return Nationalities(
        demonyms,
        countries,
        country_of,
        abbreviations,
        tuple(written),
        _alternation(list(demonyms)),
        _alternation(list(countries)),
    )


_D = "(?P<d>{dem})"
_C = "(?P<c>{cty})"
#: Explicit nationality statements, strongest first.
_PATTERNS = (
    rf"\bof {_D} (?:nationality|citizenship|origin|descent)\b",
    rf"\b{_D} (?:national|citizen|passport holder|passport)s?\b",
    rf"\b{_D}-(?:born|origin)\b",
    rf"\b(?:citizens?|nationals?|natives?|born) (?:of|in) (?:the )?{_C}",
    rf"\bholds? (?:an? )?{_D} (?:citizenship|nationality|passport)\b",
    rf"\b(?:nationality|citizenship)(?: is|:)? {_D}\b",
)
#: Tried after a bare demonym: "an Uzbek who came from Syria" is Uzbek.
_WEAK_PATTERN = rf"\bfrom (?:the )?{_C}\b"


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    nat = nationalities()
    return tuple(
        re.compile(
            p.replace("{dem}", nat.demonym_alt).replace("{cty}", nat.country_alt), re.IGNORECASE
        )
        for p in (*_PATTERNS, _WEAK_PATTERN)
    )


def _canonical(word: str) -> str | None:
    nat = nationalities()
    for d, canonical in nat.demonyms.items():
        if d.lower() == word.lower():
            return canonical
    return nat.countries.get(word.lower())


def _fold(text: str) -> str:
    """Diacritics stripped character by character, so offsets stay valid."""
    out = []
    for c in text:
        d = strip_diacritics(c)
        out.append(d if len(d) == 1 else c)
    return "".join(out)


def find_nationality(text: Any) -> tuple[int, int, str] | None:
    """(start, end, canonical demonym) of the nationality a text reports, or None.

    >>> find_nationality("a citizen of Uzbekistan")
    (13, 23, 'Uzbek')
    """
    source = _fold(_text(text))
    *strong, weak = _compiled()
    found = _first_match(strong, source)
    if found:
        return found
    m = _demonym_re().search(source)
    if m:
        return m.start(1), m.end(1), nationalities().demonyms[m.group(1)]
    return _first_match([weak], source)


def _first_match(patterns: list[re.Pattern[str]], source: str) -> tuple[int, int, str] | None:
    for pattern in patterns:
        m = pattern.search(source)
        if m:
            group = m.lastgroup or 0
            canonical = _canonical(m.group(group))
            if canonical:
                return m.start(group), m.end(group), canonical
    return None


def parse_nationality(text: Any) -> str | None:
    """The nationality a text reports, as a canonical demonym ("Uzbek"), or None.

    Explicit statements win ("of Uzbek nationality", "an Uzbek national",
    "a Syrian-born leader", "a citizen of Uzbekistan", "from Tajikistan"); otherwise the
    first capitalised demonym in the text counts ("a Chechen fighter").
    :func:`find_nationality` gives its position too.

    >>> [parse_nationality(t) for t in ["an Uzbek national", "a Syrian-born leader",
    ...  "a citizen of the Russian Federation", "holds French citizenship"]]
    ['Uzbek', 'Syrian', 'Russian', 'French']
    >>> parse_nationality("a foreign fighter") is None
    True
    """
    found = find_nationality(text)
    return found[2] if found else None


@lru_cache(maxsize=1)
def _demonym_re() -> re.Pattern[str]:
    return nationalities().demonym_re


def country_named(text: Any) -> str | None:
    """The country a phrase *is* ("Turkey", "the United States", "the U.S."), or None.

    >>> [country_named(t) for t in ["Turkey", "the United States", "U.S.", "us", "Kirkuk"]]
    ['Turkey', 'United States', 'United States', None, None]
    """
    phrase = strip_diacritics(_text(text)).strip(" .,;:")
    phrase = re.sub(r"^(?:the|The)\s+", "", phrase)
    nat = nationalities()
    if phrase in nat.abbreviations or phrase + "." in nat.abbreviations:
        return nat.abbreviations.get(phrase) or nat.abbreviations[phrase + "."]
    demonym = nat.countries.get(phrase.lower())
    return nat.country_of.get(demonym) if demonym else None


@lru_cache(maxsize=1)
def _mention_re() -> re.Pattern[str]:
    nat = nationalities()
    alt = _alternation([*nat.demonyms, *nat.names, *nat.abbreviations])
    return re.compile(rf"(?<![\w.])({alt})(?![\w])")


def mentioned_country(text: Any) -> str | None:
    """The country a phrase names by demonym or name ("Jordanian soldiers", "the Jordan
    Armed Forces", "U.S. troops"), case-sensitively, or None.

    >>> [mentioned_country(t) for t in ["Syrian civilians", "the Jordan Armed Forces", "us"]]
    ['Syria', 'Jordan', None]
    """
    m = _mention_re().search(strip_diacritics(_text(text)))
    if m is None:
        return None
    word = m.group(1)
    nat = nationalities()
    if word in nat.abbreviations:
        return nat.abbreviations[word]
    demonym = nat.demonyms.get(word) or nat.countries.get(word.lower())
    return nat.country_of.get(demonym) if demonym else None


def nationality_country(demonym: str) -> str | None:
    """The country of a canonical demonym: "Uzbek" -> "Uzbekistan"."""
    return nationalities().country_of.get(demonym)
