"""Token-level alias index: exact matches, every match in a text, and the head match
of a noun phrase.

Case rule: an alias word written in capitals ("IS", "PMF", "US") only matches a
capitalised word in the text (or its plural, "PMUs"); every other alias word matches
case-insensitively. So "IS" never matches "is", but "Islamic State" matches
"islamic state".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rasd.actors.normalise import Token, is_acronym, strip_determiners, tokenize

#: Words that end the head of a noun phrase: "units *of* the CTS", "gunmen *from* IS".
SEGMENT_BREAKS = frozenset(
    {
        "of", "for", "from", "in", "at", "on", "against", "with", "within", "by", "near",
        "to", "under", "and", "or", "belonging", "affiliated", "linked", "loyal", "backed",
        "including", "between", "among", "during", "after", "while", "who", "which", "that",
        "outside", "inside", "behind", "across", "opposite", "over", "into", "through", "around",
        "toward", "towards", "along", "beside", "beyond", "about", "via", "following", "amid",
        "despite", "without", "since", "before", "upon",
    }
)  # fmt: skip
#: Words that may precede an alias in a full match without changing its meaning:
#: "the units of the Counter-Terrorism Service", "forces of the PMF".
PREFIX_WORDS = frozenset(
    {
        "units", "unit", "forces", "force", "members", "member", "elements", "element",
        "fighters", "troops", "detachment", "detachments", "personnel", "teams", "team",
        "officers", "agents", "of", "from",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Alias:
    words: tuple[str, ...]  # case-preserving cleaned words
    actor_id: str
    source: str = ""  # the alias as written, for error messages

    @property
    def key(self) -> tuple[str, ...]:
        """Identity for conflict checks: acronym words keep their case."""
        return tuple(w if is_acronym(w) else w.casefold() for w in self.words)


@dataclass(frozen=True)
class Match:
    start: int  # token index
    end: int  # token index, exclusive
    alias: Alias

    @property
    def length(self) -> int:
        return self.end - self.start


#: Spellings of the Arabic article: "ad-Dawla", "ash-Sham", "el-Nusra" all match "al".
ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ul"})


def _word_matches(word: str, token: Token) -> bool:
    if is_acronym(word):
        return token.case == word or token.case == word + "s"
    low = word.casefold()
    return token.key == low or (low == "al" and token.key in ARTICLES)


@dataclass
class AliasIndex:
    """Aliases by first word (case-folded); answers exact, all and head-of-phrase queries."""

    _by_first: dict[str, list[Alias]] = field(default_factory=dict)
    _by_key: dict[tuple[str, ...], Alias] = field(default_factory=dict)

    def add(self, alias: Alias) -> Alias | None:
        """Add an alias; return the existing alias of *another* actor it clashes with."""
        if not alias.words:
            return None
        old = self._by_key.get(alias.key)
        if old is not None:
            return old if old.actor_id != alias.actor_id else None
        self._by_key[alias.key] = alias
        self._by_first.setdefault(alias.words[0].casefold(), []).append(alias)
        return None

    def __len__(self) -> int:
        return len(self._by_key)

    def aliases(self) -> Iterable[Alias]:
        return self._by_key.values()

    def _candidates(self, token: Token) -> list[Alias]:
        found = self._by_first.get(token.key, [])
        if token.key in ARTICLES and token.key != "al":
            found = found + self._by_first.get("al", [])
        if token.case.endswith("s") and is_acronym(token.case[:-1]):
            found = found + self._by_first.get(token.key[:-1], [])
        return found

    def matches_at(self, tokens: list[Token], i: int) -> list[Match]:
        out = []
        for alias in self._candidates(tokens[i]):
            n = len(alias.words)
            if i + n <= len(tokens) and all(
                _word_matches(w, tokens[i + k]) for k, w in enumerate(alias.words)
            ):
                out.append(Match(i, i + n, alias))
        return out

    def all_matches(self, tokens: list[Token]) -> list[Match]:
        """Every maximal match (matches inside a longer one are dropped), in text order."""
        found = [m for i in range(len(tokens)) for m in self.matches_at(tokens, i)]
        return [
            m
            for m in found
            if not any(
                o is not m and o.start <= m.start and m.end <= o.end and o.length > m.length
                for o in found
            )
        ]

    def non_overlapping(self, tokens: list[Token]) -> list[Match]:
        """Leftmost-longest matches that do not overlap (for scanning a whole document)."""
        out: list[Match] = []
        i = 0
        while i < len(tokens):
            here = self.matches_at(tokens, i)
            if here:
                best = max(here, key=lambda m: m.length)
                out.append(best)
                i = best.end
            else:
                i += 1
        return out

    def exact(self, text: str) -> Alias | None:
        """The alias the whole phrase is, tolerating determiners and unit prefixes."""
        tokens = strip_determiners(tokenize(text))
        while tokens:
            for m in self.matches_at(tokens, 0):
                if m.end == len(tokens):
                    return m.alias
            if tokens[0].key not in PREFIX_WORDS:
                return None
            tokens = strip_determiners(tokens[1:])
        return None

    def head(self, text: str) -> Match | None:
        """The alias heading a noun phrase; see :func:`pick_head`."""
        tokens = tokenize(text)
        return pick_head(tokens, self.all_matches(tokens))


def segments(tokens: list[Token]) -> list[int]:
    """The segment number of each token; a new segment starts at each break word."""
    seg, out = 0, []
    for tok in tokens:
        if tok.key in SEGMENT_BREAKS:
            seg += 1
        out.append(seg)
    return out


def pick_head(tokens: list[Token], matches: list[Match]) -> Match | None:
    """Choose the match that names what a noun phrase is about.

    The earliest segment with a match wins (English puts the head before "of" and
    other prepositions: "the Asayish Operations Department of the Kurdistan Region");
    inside a segment the match ending last wins, then the longest (English compounds
    put the head last: "Iraqi army aviation" -> "army aviation").

    >>> from rasd.actors.matcher import Alias, AliasIndex
    >>> idx = AliasIndex()
    >>> for words, i in [(("Iraqi", "army"), "army"), (("army", "aviation"), "aviation")]:
    ...     _ = idx.add(Alias(words, i))
    >>> idx.head("Iraqi army aviation helicopters").alias.actor_id
    'aviation'
    """
    if not matches:
        return None
    seg = segments(tokens)
    return min(matches, key=lambda m: (seg[m.start], -m.end, -m.length))


def head_phrase(text: str) -> str:
    """The part of a noun phrase before its first break word.

    >>> head_phrase("the units of the Counter-Terrorism Service")
    'the units'
    """
    tokens = tokenize(text)
    for tok, seg in zip(tokens, segments(tokens), strict=True):
        if seg > 0:
            return text[: tok.start].rstrip(" ,;:")
    return text
