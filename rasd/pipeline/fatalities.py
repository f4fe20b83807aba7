"""Fatality counts from a sentence: "killing three soldiers", "five people died",
"the death toll rose to 12", "killed a farmer". Injuries are not fatalities."""

from __future__ import annotations

import re
from typing import Final

NUMBER_WORDS: Final[dict[str, int]] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "dozen": 12,
    "a dozen": 12,
    "dozens": 24,
    "several": 3,
    "a number": 3,
}
NUM = r"(?:\d{1,4}|a dozen|dozens|several|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)"
QUAL = r"(?:at least |some |about |around |nearly |more than |up to |as many as )?"
NOUN = r"(?:[\w-]+ ){0,3}?"  # up to three modifier/noun words: "Iraqi soldiers", "members of the"
KILL_V = r"(?:killing|killed|kills|left|leaving)"
DIE_V = r"(?:(?:were|was|have been|had been|are|got) killed|died|dead|lost their lives|were shot dead|killed)"

PATTERNS: Final = [
    # "killing three soldiers and two civilians"
    re.compile(rf"\b{KILL_V} {QUAL}(?P<n>{NUM})(?: [\w-]+){{1,3}}? and {QUAL}(?P<m>{NUM}) ", re.I),
    # "killing three soldiers"
    re.compile(rf"\b{KILL_V} {QUAL}(?P<n>{NUM}) ", re.I),
    # "five people were killed", "at least 12 dead"
    re.compile(rf"\b{QUAL}(?P<n>{NUM}) {NOUN}{DIE_V}\b", re.I),
    # "death toll rose to 12"
    re.compile(
        rf"\bdeath toll (?:\w+ ){{0,3}}?(?:to|of|at|stands at|reached) {QUAL}(?P<n>{NUM})\b", re.I
    ),
    # "killing him", "he was killed"
    re.compile(
        r"\b(?:killing|killed) (?P<one>him|her)\b|\b(?P<one2>he|she) (?:was|has been) killed\b",
        re.I,
    ),
]
NEGATIVE: Final = re.compile(
    r"\b(no (?:one|casualties|fatalities|deaths)|without casualties|no-one)\b", re.I
)
INJURY_AFTER: Final = re.compile(r"^\s*(?:\w+ ){0,3}?(?:wounded|injured|hurt)\b", re.I)


def _value(token: str | None) -> int:
    if not token:
        return 0
    token = token.lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token, 0)


def count_fatalities(sentence: str) -> tuple[int, int, int] | None:
    """(count, start, end) of the fatality phrase in the sentence, or None if none is stated."""
    if NEGATIVE.search(sentence):
        m = NEGATIVE.search(sentence)
        assert m is not None
        return 0, m.start(), m.end()
    for pattern in PATTERNS:
        for m in pattern.finditer(sentence):
            if m.groupdict().get("one") or m.groupdict().get("one2"):
                return 1, m.start(), m.end()
            phrase = m.group(0)
            if (
                INJURY_AFTER.match(sentence[m.start("n") + len(m.group("n")) :])
                and "kill" not in phrase.lower()
            ):
                continue
            total = _value(m.group("n")) + _value(m.groupdict().get("m"))
            if total > 0:
                return total, m.start(), m.end()
    return None
