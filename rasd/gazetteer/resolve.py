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
  the first, are strongly preferred.
- **document focus**: the countries and admin1 areas the other mentions point to
  (a document about Iraq prefers Iraqi candidates; one about Anbar prefers places
  in Anbar); a mention does not vote for itself.
- **proximity**: closeness to the places chosen for the other mentions.
- **prior countries** (config): a weak tie-breaker only.

Country names resolve to the country (their prior is the highest there is).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasd.gazetteer import normalize as nz
from rasd.gazetteer.rank import COUNTRY_CODES, hint_fits, prior
from rasd.records import Mention, Place

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

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
    country_focus: float = 1.0
    admin1_focus: float = 0.8
    proximity: float = 0.6
    proximity_km: float = 150.0
    prior_country: float = 0.15
    rounds: int = 2


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
    return [(p, prior(p, True, hint) - 0.05 * i) for i, p in enumerate(places)]


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


def _focus(res: list[Resolution]) -> tuple[Counter[str], Counter[tuple[str, str]], list[float]]:
    countries: Counter[str] = Counter()
    admin1s: Counter[tuple[str, str]] = Counter()
    for r in res:
        if r.place is None:
            continue
        weight = 2.0 if r.place.feature_code in COUNTRY_CODES else 1.0
        countries[r.place.country_code] += weight
        if r.place.admin1:
            admin1s[(r.place.country_code, r.place.admin1)] += 1.0
    totals = [sum(countries.values()), sum(admin1s.values())]
    return countries, admin1s, totals


def _own_votes(r: Resolution) -> tuple[str, tuple[str, str] | None, float]:
    if r.place is None:
        return "", None, 0.0
    weight = 2.0 if r.place.feature_code in COUNTRY_CODES else 1.0
    a1 = (r.place.country_code, r.place.admin1) if r.place.admin1 else None
    return r.place.country_code, a1, weight


def _distance_km(a: Place, b: Place) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    p1, p2 = math.radians(a.latitude or 0.0), math.radians(b.latitude or 0.0)
    dp, dl = p2 - p1, math.radians((b.longitude or 0.0) - (a.longitude or 0.0))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


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
            res.append(Resolution(m, hint, self.candidates(name, hint)))
        for r in res:
            if r.candidates:
                r.place, r.score = r.candidates[0]
        _link_containers(text, res)
        for _ in range(self.weights.rounds):
            self._round(res)
        return res

    def _round(self, res: list[Resolution]) -> None:
        countries, admin1s, (n_c, n_a) = _focus(res)
        picks = [r.place for r in res]
        new: list[tuple[Place | None, float]] = []
        for i, r in enumerate(res):
            cc_own, a1_own, w_own = _own_votes(r)
            best: tuple[Place | None, float] = (None, -math.inf)
            for place, base in r.candidates:
                score = base + self._context(i, place, res, picks)
                score += self._focus_score(place, countries, admin1s, n_c, n_a,
                                           (cc_own, a1_own, w_own))
                if score > best[1]:
                    best = (place, score)
            new.append(best)
        for r, (place, score) in zip(res, new, strict=True):
            if place is not None:
                r.place, r.score = place, score

    def _focus_score(
        self,
        place: Place,
        countries: Counter[str],
        admin1s: Counter[tuple[str, str]],
        n_c: float,
        n_a: float,
        own: tuple[str, tuple[str, str] | None, float],
    ) -> float:
        w = self.weights
        cc_own, a1_own, w_own = own
        c_votes = countries[place.country_code] - (w_own if cc_own == place.country_code else 0)
        c_total = n_c - w_own
        score = w.country_focus * c_votes / c_total if c_total > 0 else 0.0
        if place.admin1:
            key = (place.country_code, place.admin1)
            a_votes = admin1s[key] - (1.0 if a1_own == key else 0.0)
            a_total = n_a - (1.0 if a1_own else 0.0)
            if a_total > 0 and place.feature_code not in COUNTRY_CODES:
                score += w.admin1_focus * a_votes / a_total
        if place.country_code in self.prior_countries:
            score += w.prior_country
        return score

    def _context(self, i: int, place: Place, res: list[Resolution], picks: list[Place | None]) -> float:
        w = self.weights
        r = res[i]
        score = 0.0
        for j in r.inside:
            if any(contains(area, place) for area, _ in res[j].candidates[:10]):
                score += w.container
        for j in r.container_of:
            if any(contains(place, inner) for inner, _ in res[j].candidates[:10]):
                score += w.container
        if place.feature_code in COUNTRY_CODES or place.feature_code == "CONT":
            return score
        near = 0
        for j, other in enumerate(picks):
            if j == i or other is None or res[j].mention.text == r.mention.text:
                continue
            if other.feature_code in COUNTRY_CODES or other.feature_code == "CONT":
                continue
            if _distance_km(place, other) <= w.proximity_km:
                near += 1
        return score + w.proximity * min(near, 3) / 3


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
