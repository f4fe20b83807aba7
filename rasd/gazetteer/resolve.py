"""Document-level toponym resolution: one place for every place mention of a document.

Each mention's candidates come from the geocoder with their context-free scores
(population, feature type, exact or loose name match, designator). The document
then re-scores them, in two rounds, with:

- **designators around the mention**: "Rutba district" / "Anbar Governorate" /
  "city of Mosul" / "X province" ask for an admin2, an admin1 or a town; the word
  may sit just outside the entity span, so the text right after and before is read.
- **containers**: in "Rutba district, Anbar Governorate", "Springfield, Illinois"
  or "Hit (Anbar)", the second name contains the first: candidates of the first
  inside a candidate of the second, and candidates of the second containing one of
  the first, are strongly preferred. A state or country right after a comma counts
  even when it is not a mention itself ("Lebanon, Ind.").
- **document focus**: the countries, admin1 and admin2 areas the other mentions'
  places lie in (a document about Iraq prefers Iraqi candidates; one about Anbar
  prefers places in Anbar); mentions of the same name do not vote for each other.
- **proximity**: closeness to the places chosen for the other mentions.
- **prior countries** (config): a weak tie-breaker only.

Country names resolve to the country (their prior is the highest there is).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasd.gazetteer import normalize as nz
from rasd.gazetteer.rank import COUNTRY_CODES, hint_fits, prior
from rasd.records import PLACE_LABELS, Mention, Place

_AFTER = re.compile(
    r"^\s*(governorate|governate|province|district|sub-?district|county|parish|region|state"
    r"|city|town|village)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(city|town|village|governorate|province|district|county|region|state)\s+of\s+(the\s+)?$",
    re.IGNORECASE,
)
_CONTAINER_GAP = re.compile(r"^\s*(,|\(|in|of|,\s*in)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Weights:
    """Scoring weights (tuned on the geoparsing dev data, see rasd.eval.geoparsing)."""

    container: float = 1.6
    country_focus: float = 1.5
    admin1_focus: float = 0.8
    admin2_focus: float = 1.0
    proximity: float = 0.6
    proximity_km: float = 150.0
    prior_country: float = 0.15
    rounds: int = 2
    fallback_to_focus: bool = True


@dataclass
class Resolution:
    """One mention's resolution: the chosen place and the scored candidates."""

    mention: Mention
    hint: str | None
    candidates: list[tuple[Place, float]] = field(default_factory=list)
    place: Place | None = None
    score: float = 0.0
    container_of: list[int] = field(default_factory=list)  # indexes of mentions it contains
    inside: list[int] = field(default_factory=list)  # indexes of mentions that contain it
    key: str = ""  # loose key of the name: mentions of one name do not vote for each other
    external: list[Place] = field(default_factory=list)  # areas named after it, not mentions
    fallback: bool = False  # no candidate: placed at the document's focus place


def context_hint(text: str, start: int, end: int) -> str | None:
    """The designator right after or before a span: "Rutba [district]", "[city of] Mosul"."""
    m = _AFTER.match(text[end : end + 20])
    word = m.group(1) if m else None
    if word is None:
        b = _BEFORE.search(text[max(0, start - 30) : start])
        word = b.group(1) if b else None
    if word is None:
        return None
    return nz.TRAILING.get(word.lower().replace("-", " "), None)


def clean_name(name: str) -> str:
    name = re.sub(r"^(the)\s+", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"['’]s$", "", name).strip()


def scored_candidates(
    geocoder: Any, name: str, hint: str | None = None
) -> list[tuple[Place, float]]:
    """Scored candidates from any geocoder (rank-based scores if it has no scorer)."""
    query = name
    if hint is not None and nz.split_designator(name)[1] is None:
        query = f"{name} {_HINT_WORD[hint]}"
    scorer = getattr(geocoder, "scored_candidates", None)
    if scorer is not None:
        return list(scorer(query))
    places = geocoder.candidates(query)
    return [(p, prior(p, True, hint, True) - 0.05 * i) for i, p in enumerate(places)]


_HINT_WORD = {"ADM1": "governorate", "ADM2": "district", "PPL": "city", "ADM": "region"}


def contains(area: Place, place: Place) -> bool:
    """Whether an admin area or country contains a place (by codes and names)."""
    if area.country_code != place.country_code or area is place or area == place:
        return False
    if area.feature_code in COUNTRY_CODES:
        return True
    if area.feature_code == "ADM1":
        return bool(area.admin1) and place.admin1 == area.admin1 and place.feature_code != "ADM1"
    if area.feature_code == "ADM2":
        return bool(area.admin2) and place.admin2 == area.admin2 and place.feature_class == "P"
    return False


def _link_containers(text: str, res: list[Resolution]) -> None:
    order = sorted(range(len(res)), key=lambda i: res[i].mention.start)
    for a, b in zip(order, order[1:], strict=False):
        ma, mb = res[a].mention, res[b].mention
        gap = text[ma.end : mb.start]
        if res[a].hint is not None and _AFTER.match(gap):
            gap = gap[_AFTER.match(gap).end() :]  # type: ignore[union-attr]
        if len(gap) <= 12 and _CONTAINER_GAP.match(gap):
            res[b].container_of.append(a)
            res[a].inside.append(b)


def _subtract(a: dict[Any, float], b: dict[Any, float]) -> defaultdict[Any, float]:
    out: defaultdict[Any, float] = defaultdict(float, a)
    for k, v in b.items():
        out[k] -= v
    return out


@dataclass
class Votes:
    """What mentions' chosen places say about a document's focus."""

    countries: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    admin1s: defaultdict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    admin2s: defaultdict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    total: float = 0.0

    def add(self, place: Place) -> None:
        country = place.feature_code in COUNTRY_CODES
        weight = 2.0 if country else 1.0
        self.countries[place.country_code] += weight
        self.total += weight
        if place.admin1 and not country:
            self.admin1s[(place.country_code, place.admin1)] += 1.0
        if place.admin2 and place.feature_code != "ADM1" and not country:
            self.admin2s[(place.country_code, place.admin2)] += 1.0

    def without(self, other: Votes) -> Votes:
        return Votes(_subtract(self.countries, other.countries),
                     _subtract(self.admin1s, other.admin1s),
                     _subtract(self.admin2s, other.admin2s), self.total - other.total)


def _distance_km(a: Place, b: Place) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    p1, p2 = math.radians(a.latitude or 0.0), math.radians(b.latitude or 0.0)
    dp, dl = p2 - p1, math.radians((b.longitude or 0.0) - (a.longitude or 0.0))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_TRAILING_NAME = re.compile(r"^\s*[,(]\s*((?:[A-Z][A-Za-z]*\.?(?:\s|$)?){1,3})")


@dataclass
class Resolver:
    """Resolves the place mentions of one document at a time."""

    geocoder: Any
    prior_countries: Sequence[str] = ()
    weights: Weights = field(default_factory=Weights)
    _cache: dict[tuple[str, str | None], list[tuple[Place, float]]] = field(default_factory=dict)

    def candidates(self, name: str, hint: str | None) -> list[tuple[Place, float]]:
        key = (nz.strict_key(name), hint)
        if key not in self._cache:
            if len(self._cache) > 20000:
                self._cache.clear()
            self._cache[key] = scored_candidates(self.geocoder, name, hint)
        return self._cache[key]

    def resolve(self, text: str, mentions: Sequence[Mention]) -> list[Resolution]:
        """A Resolution per mention, in the given order (place None when nothing matches)."""
        res = []
        for m in mentions:
            hint = context_hint(text, m.start, m.end)
            name = clean_name(m.text)
            res.append(Resolution(m, hint, self.candidates(name, hint), key=nz.loose_key(name)))
        for r in res:
            if r.candidates:
                r.place, r.score = r.candidates[0]
        _link_containers(text, res)
        starts = {r.mention.start for r in res}
        for r in res:
            r.external = self._trailing_areas(text, r.mention.end, starts)
        for _ in range(self.weights.rounds):
            self._round(res)
        if self.weights.fallback_to_focus:
            _fall_back(res)
        return res

    def _trailing_areas(self, text: str, end: int, starts: set[int]) -> list[Place]:
        """Admin1 areas or countries named right after a mention, when not mentions
        themselves: "Lebanon, Ind." -> Indiana."""
        m = _TRAILING_NAME.match(text[end : end + 30])
        if m is None or end + m.start(1) in starts:
            return []
        cands = self.candidates(m.group(1).strip(), None)[:3]
        return [p for p, _ in cands if p.feature_code == "ADM1" or p.feature_code in COUNTRY_CODES]

    def _round(self, res: list[Resolution]) -> None:
        total, by_key = Votes(), dict[str, Votes]()
        for r in res:
            if r.place is not None:
                total.add(r.place)
                by_key.setdefault(r.key, Votes()).add(r.place)
        new: list[tuple[Place | None, float]] = []
        for i, r in enumerate(res):
            others = total.without(by_key[r.key]) if r.key in by_key else total
            picks = _other_picks(res, r.key)
            best: tuple[Place | None, float] = (None, -math.inf)
            for place, base in r.candidates:
                score = base + self._context(i, place, res, picks) + self._focus(place, others)
                if score > best[1]:
                    best = (place, score)
            new.append(best)
        for r, (chosen, score) in zip(res, new, strict=True):
            if chosen is not None:
                r.place, r.score = chosen, score

    def _focus(self, place: Place, votes: Votes) -> float:
        w = self.weights
        score = w.prior_country if place.country_code in self.prior_countries else 0.0
        if votes.total <= 0:
            return score
        score += w.country_focus * votes.countries[place.country_code] / votes.total
        if place.feature_code in COUNTRY_CODES:
            return score
        if place.admin1:
            score += w.admin1_focus * votes.admin1s[(place.country_code, place.admin1)] / votes.total
        if place.admin2 and place.feature_code != "ADM1":
            score += w.admin2_focus * votes.admin2s[(place.country_code, place.admin2)] / votes.total
        return score

    def _context(self, i: int, place: Place, res: list[Resolution], picks: list[Place]) -> float:
        w = self.weights
        r = res[i]
        score = 0.0
        inside = [area for j in r.inside for area, _ in res[j].candidates[:10]] + r.external
        if any(contains(area, place) for area in inside):
            score += w.container
        for j in r.container_of:
            if any(contains(place, inner) for inner, _ in res[j].candidates[:10]):
                score += w.container
                break
        if place.feature_code in COUNTRY_CODES or place.feature_code == "CONT":
            return score
        near = sum(1 for other in picks if _distance_km(place, other) <= w.proximity_km)
        return score + w.proximity * min(near, 3) / 3


def _fall_back(res: list[Resolution]) -> None:
    """Place unmatched mentions (streets, buildings, unknown villages) at the document's
    focus: its most mentioned town, else district, else province. They lie there far
    more often than anywhere else; ``Resolution.fallback`` marks them."""
    missing = [r for r in res if r.place is None]
    if not missing:
        return
    counts: Counter[tuple[int, int | None, str]] = Counter()
    places: dict[tuple[int, int | None, str], Place] = {}
    for r in res:
        p = r.place
        if p is None or p.feature_code in COUNTRY_CODES or p.feature_code == "CONT":
            continue
        level = 3 if p.feature_class == "P" else 2 if p.feature_code == "ADM2" else 1
        key = (level, p.geonameid, p.name)
        counts[key] += 1
        places.setdefault(key, p)
    if not counts:
        return
    best = max(counts, key=lambda k: (counts[k], k[0]))
    for r in missing:
        r.place, r.score, r.fallback = places[best], 0.0, True


def _other_picks(res: list[Resolution], key: str) -> list[Place]:
    """Distinct places chosen for mentions with another name (not countries/continents)."""
    seen: dict[tuple[int | None, str], Place] = {}
    for r in res:
        p = r.place
        if p is None or r.key == key or p.feature_code in COUNTRY_CODES or p.feature_code == "CONT":
            continue
        seen.setdefault((p.geonameid, p.name), p)
    return list(seen.values())


def resolve_mentions(
    text: str,
    mentions: Sequence[Mention],
    geocoder: Any,
    prior_countries: Sequence[str] = (),
    weights: Weights | None = None,
) -> dict[tuple[int, int], Place]:
    """``{(start, end): place}`` for the place mentions (GPE/LOC/FAC) that resolve."""
    places = [m for m in mentions if m.label in PLACE_LABELS]
    resolver = Resolver(geocoder, tuple(prior_countries), weights or Weights())
    return {
        (r.mention.start, r.mention.end): r.place
        for r in resolver.resolve(text, places)
        if r.place is not None
    }


def hint_of(place: Place) -> str:
    """ "ADM1", "ADM2", "PPL" or the feature code: what kind of place was chosen."""
    if hint_fits(place, "PPL"):
        return "PPL"
    return place.feature_code
