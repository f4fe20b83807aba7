"""Do two events of different reports describe one incident? A score, and why.

The score has two parts (weights are settings, ``[dedup]`` in pipeline.toml):

* **structure**: the coded fields must be compatible. Type, date (within the
  coarser time precision), place (within ``max_km``, or the same province when a
  report names only the province) and actors. Any incompatible field rejects the
  pair outright, whatever the rest says.
* **detail**: what tells look-alike incidents apart (two IEDs in one city on one
  day): whether the death tolls agree, and how much of the wording the evidence
  sentences share (word stems, or sentence embeddings when enabled).

Pure functions of :class:`rasd.records.Event`; nothing here reads a store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

from rasd.config import DedupConfig
from rasd.knowledge.names import name_key, same_person
from rasd.records import Actor, Event
from rasd.store.query import haversine_km
from rasd.taxonomy import (
    BATTLES,
    EXPLOSIONS,
    PROTESTS,
    RIOTS,
    STRATEGIC,
    VIOLENCE_CIVILIANS,
    ActorType,
    GeoPrecision,
    TimePrecision,
)

#: Event types that reports of one incident may code differently.
_NEAR_TYPES = frozenset(
    {
        frozenset({BATTLES, VIOLENCE_CIVILIANS}),
        frozenset({EXPLOSIONS, VIOLENCE_CIVILIANS}),
        frozenset({EXPLOSIONS, BATTLES}),
        frozenset({PROTESTS, RIOTS}),
    }
)
#: Words that every conflict report uses; they say nothing about which incident.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "for",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "said",
        "says",
        "say",
        "told",
        "tell",
        "according",
        "source",
        "sources",
        "report",
        "reported",
        "reports",
        "reporting",
        "official",
        "officials",
        "statement",
        "added",
        "also",
        "after",
        "before",
        "during",
        "while",
        "when",
        "where",
        "near",
        "into",
        "over",
        "under",
        "about",
        "against",
        "between",
        "than",
        "then",
        "there",
        "here",
        "not",
        "no",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "least",
        "several",
        "some",
        "many",
        "more",
        "most",
        "other",
        "another",
        "same",
        "such",
        "only",
        "just",
        "very",
        "people",
        "person",
        "security",
        "forces",
        "force",
        "local",
        "area",
        "areas",
        "city",
        "town",
        "village",
        "province",
        "district",
        "governorate",
        "region",
        "on",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "yesterday",
        "today",
        "day",
        "morning",
        "evening",
        "night",
        "week",
        "month",
        "year",
        "iraq",
        "iraqi",
        "syria",
        "syrian",
        "news",
        "agency",
        "killed",
        "killing",
        "kill",
        "kills",
        "wounded",
        "wounding",
        "injured",
        "injuring",
        "dead",
        "died",
        "death",
        "deaths",
        "attack",
        "attacks",
        "attacked",
        "incident",
    ]
)
_WORD = re.compile(r"[a-z]{3,}")
STEM = 5  # characters kept of each word: "killing"/"killed" -> "kille"/"kille"


@dataclass(frozen=True)
class Verdict:
    """The score of a pair (0 when rejected) and the reason, in words."""

    score: float
    reason: str

    @property
    def rejected(self) -> bool:
        return self.score == 0.0


Similarity = Callable[[Event, Event], float]


def compare(
    a: Event, b: Event, config: DedupConfig, text_similarity: Similarity | None = None
) -> Verdict:
    """Score a pair of events of different documents; 0 with a reason when incompatible."""
    parts: list[tuple[str, float, str]] = []
    for name, check in (("type", _type), ("date", _date), ("place", _place), ("actors", _actors)):
        value, why = check(a, b, config)
        if value <= 0.0:
            return Verdict(0.0, f"{name}: {why}")
        parts.append((name, value, why))
    tolls, toll_why = _tolls(a, b)
    people, people_why = _persons(a, b)
    words = (text_similarity or word_overlap)(a, b)
    structure = sum(v for _n, v, _w in parts) / len(parts)
    detail = (tolls + people + words) / 3
    w = config.structure_weight
    score = round(w * structure + (1 - w) * detail, 4)
    reason = "; ".join(
        [f"{n}: {why}" for n, _v, why in parts]
        + [f"tolls: {toll_why}", f"persons: {people_why}", f"wording: {words:.2f} shared"]
        + [f"score {score:.2f}"]
    )
    return Verdict(score, reason)


def date_tolerance(event: Event, config: DedupConfig) -> int:
    """Days two reports may differ by, from this event's time precision."""
    return {
        int(TimePrecision.DAY): config.day_tolerance,
        int(TimePrecision.WEEK): config.week_tolerance,
        int(TimePrecision.MONTH): config.month_tolerance,
    }[event.time_precision]


def _type(a: Event, b: Event, _c: DedupConfig) -> tuple[float, str]:
    if a.sub_event_type == b.sub_event_type:
        return 1.0, f"both {a.sub_event_type}"
    if a.event_type == b.event_type and a.event_type != STRATEGIC:
        return 0.7, f"both {a.event_type} ({a.sub_event_type} / {b.sub_event_type})"
    if frozenset({a.event_type, b.event_type}) in _NEAR_TYPES:
        return 0.4, f"{a.sub_event_type} / {b.sub_event_type} may be one incident"
    return 0.0, f"{a.sub_event_type} and {b.sub_event_type} differ"


def _date(a: Event, b: Event, config: DedupConfig) -> tuple[float, str]:
    if a.event_date is None or b.event_date is None:
        return 0.0, "undated"
    days = abs((a.event_date - b.event_date).days)
    tol = max(date_tolerance(a, config), date_tolerance(b, config))
    if days > tol:
        return 0.0, f"{days} days apart (more than {tol})"
    return 1.0 - days / (tol + 1), f"{days} days apart"


def _coarse(event: Event) -> bool:
    """Only the province is known: a region, an admin area, or the provincial capital
    (datelines name the capital: "KIRKUK, Iraq -" for an arrest in Hawija), which is
    also any city named like its province (Kirkuk, Erbil, Basra, Baghdad)."""
    place = event.place
    return (
        place is None
        or event.geo_precision == int(GeoPrecision.REGION)
        or place.feature_class == "A"
        or place.feature_code in ("PPLA", "PPLC")
        or (bool(place.admin1) and name_key(place.name) == name_key(place.admin1))
    )


def _place(a: Event, b: Event, config: DedupConfig) -> tuple[float, str]:
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return 0.4, "one report names no place"
    if pa.country_code and pb.country_code and pa.country_code != pb.country_code:
        return 0.0, f"{pa.country_code} and {pb.country_code}"
    if pa.admin1 and pb.admin1 and pa.admin1 != pb.admin1:
        return 0.0, f"{pa.admin1} and {pb.admin1}"
    if _coarse(a) or _coarse(b):
        return 0.6, f"same province ({pa.admin1 or pb.admin1 or pa.country})"
    if None in (pa.latitude, pa.longitude, pb.latitude, pb.longitude):
        same = pa.name.lower() == pb.name.lower()
        return (0.8, f"both {pa.name}") if same else (0.0, f"{pa.name} and {pb.name}")
    km = haversine_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude)  # type: ignore[arg-type]
    if km > config.max_km:
        return 0.0, f"{pa.name} and {pb.name} are {km:.0f} km apart"
    return 1.0 - km / (2 * config.max_km), f"{km:.1f} km apart"


def _side(actor: Actor | None, other: Actor | None) -> tuple[float, str] | None:
    if actor is None or other is None:
        return None
    if actor.id == other.id:
        return 1.0, f"both {actor.name}"
    if actor.id.startswith("unidentified-") or other.id.startswith("unidentified-"):
        return 0.6, f"{actor.name} / {other.name}"
    state = int(ActorType.STATE_FORCES)
    if actor.actor_type == other.actor_type == state and actor.country == other.country:
        return 0.7, f"state forces of {actor.country}"
    return 0.0, f"{actor.name} and {other.name}"


def _actors(a: Event, b: Event, _c: DedupConfig) -> tuple[float, str]:
    """Each side must agree, either straight (actor1 with actor1) or crossed (a clash told
    from the other side); a side named in one report only counts as neutral."""
    straight = [s for s in (_side(a.actor1, b.actor1), _side(a.actor2, b.actor2)) if s]
    crossed = [s for s in (_side(a.actor1, b.actor2), _side(a.actor2, b.actor1)) if s]
    best: tuple[float, str] | None = None
    for known in (straight, crossed) if crossed else (straight,):
        if any(v == 0.0 for v, _w in known):
            continue
        value = sum(v for v, _w in known) / len(known) if known else 0.5
        why = ", ".join(w for _v, w in known) or "actors not named in one report"
        if best is None or value > best[0]:
            best = (value, why)
    if best is None:
        return 0.0, next(w for v, w in straight if v == 0.0)
    return best


def _tolls(a: Event, b: Event) -> tuple[float, str]:
    x, y = a.fatalities, b.fatalities
    if x == 0 or y == 0:
        return (1.0, "none reported") if x == y else (0.6, "only one report gives a toll")
    low, high = min(x, y), max(x, y)
    if high - low <= 2 or low / high >= 0.5:
        return 1.0, f"{x} and {y} agree"
    return 0.1, f"{x} and {y} differ"


def _persons(a: Event, b: Event) -> tuple[float, str]:
    """Named persons: one shared name (spelling-tolerant) is strong evidence of one
    incident; two lists of names with none in common, of two."""
    if not a.persons or not b.persons:
        return 0.6, "not named in both"
    if any(same_person(x.name, y.name) for x in a.persons for y in b.persons):
        return 1.0, "a name in common"
    return 0.2, "no name in common"


@lru_cache(maxsize=65536)
def _stems(text: str) -> frozenset[str]:
    words = _WORD.findall(unidecode(text).lower())
    return frozenset(w[:STEM] for w in words if w not in _STOP)


def event_words(event: Event) -> frozenset[str]:
    """Word stems of the event's evidence sentences (each sentence once)."""
    sentences = sorted({e.sentence for e in event.evidence})
    out: frozenset[str] = frozenset()
    for sentence in sentences:
        out |= _stems(sentence)
    return out


def word_overlap(a: Event, b: Event) -> float:
    """Share of the shorter description's word stems that the other also uses, scaled to 0..1."""
    wa, wb = event_words(a), event_words(b)
    if not wa or not wb:
        return 0.5
    shared = len(wa & wb) / min(len(wa), len(wb))
    return min(1.0, shared / 0.5)
