"""Context-free ranking of a name's candidate places (the geocoder's "best first").

``prior`` scores one candidate from what the gazetteer knows: population (log
scale), feature type (countries and admin1 areas are what a bare name most often
means), whether the name matched exactly or only through the loose key, whether it is
one of the place's primary names or a GeoNames alternate name, and the
designator hint of the mention ("X Governorate" wants an admin1, "X district" an
admin2, "city of X" a populated place).

``rank`` adds one rule across candidates: a bare name shared by an admin area and a
sizeable town inside it means the town ("in Kirkuk" is Kirkuk city, as ACLED codes
it), unless a designator asks for the area.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from rasd.records import Place

TYPE_PRIOR: dict[str, float] = {
    "PCLI": 1.3,
    "PCLS": 0.9,
    "PCLD": 0.9,
    "TERR": 0.8,
    "CONT": 1.1,
    "ADM1": 0.4,
    "ADMD": 0.2,
    "PPLC": 0.8,  # capitals stand for their governments: "Washington", "Moscow"
    "ADM2": -0.25,
}
POP_WEIGHT = 1.0
EXACT_BONUS = 0.3
MAIN_BONUS = 0.4
HINT_MATCH = 1.3
HINT_MISMATCH = -0.6
SHADOWED = -0.9
ADMIN_CODES = frozenset({"ADM1", "ADM2", "ADMD"})
COUNTRY_CODES = frozenset({"PCLI", "PCLS", "PCLD", "TERR"})


def hint_fits(place: Place, hint: str | None) -> bool | None:
    """Whether a designator hint fits a place; None for no hint."""
    if hint is None:
        return None
    if hint == "PPL":
        return place.feature_class == "P"
    if hint == "ADM1":
        return place.feature_code in ("ADM1", "ADMD")
    if hint == "ADM2":
        return place.feature_code == "ADM2"
    return place.feature_class == "A"


def population_score(population: int) -> float:
    return math.log10(max(population, 1) + 9) / 7.0


def prior(place: Place, exact: bool = True, hint: str | None = None, main: bool = True) -> float:
    score = POP_WEIGHT * population_score(place.population)
    score += TYPE_PRIOR.get(place.feature_code, 0.0)
    if exact:
        score += EXACT_BONUS
    if main:
        score += MAIN_BONUS
    fits = hint_fits(place, hint)
    if fits is True:
        score += HINT_MATCH
    elif fits is False:
        score += HINT_MISMATCH
    return score


def _shadows(city: Place, area: Place) -> bool:
    """Whether a town of the same name lies in (and is a main town of) an admin area."""
    if city.feature_class != "P" or city.country_code != area.country_code:
        return False
    inside = (area.feature_code == "ADM1" and city.admin1 == area.admin1) or (
        area.feature_code == "ADM2" and city.admin2 == area.admin2
    )
    return inside and (city.population >= 50000 or city.population >= 0.05 * area.population)


def rank(
    matches: Iterable[tuple[Place, bool, bool]], hint: str | None = None
) -> list[tuple[Place, float]]:
    """``(place, exact, main)`` -> ``(place, score)`` best first (one entry per place).

    ``exact``: the strict key matched (not only the loose one); ``main``: the name is
    one of the place's primary names, not a GeoNames alternate name.
    """
    best: dict[tuple[int | None, str, str], tuple[Place, float]] = {}
    for place, exact, main in matches:
        key = (place.geonameid, place.name, place.feature_code)
        score = prior(place, exact, hint, main)
        if key not in best or score > best[key][1]:
            best[key] = (place, score)
    scored = list(best.values())
    if hint not in ("ADM1", "ADM2", "ADM"):
        cities = [p for p, _ in scored if p.feature_class == "P"]
        scored = [
            (p, s + SHADOWED)
            if p.feature_code in ADMIN_CODES and any(_shadows(c, p) for c in cities)
            else (p, s)
            for p, s in scored
        ]
    scored.sort(key=lambda ps: (-ps[1], -ps[0].population, ps[0].geonameid or 0))
    return scored
