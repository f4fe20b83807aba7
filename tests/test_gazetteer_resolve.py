"""Document-level toponym resolution with an in-memory gazetteer."""

from __future__ import annotations

import re

import pytest

from rasd.gazetteer.geocoder import FakeGeocoder
from rasd.gazetteer.resolve import (
    Resolver,
    Weights,
    clean_name,
    contains,
    context_hint,
    resolve_mentions,
)
from rasd.records import Mention, Place


def place(gid: int, name: str, cc: str, admin1: str = "", admin2: str = "", *, code: str = "PPL",
          pop: int = 1000, lat: float = 0.0, lon: float = 0.0) -> Place:
    country = {"IQ": "Iraq", "SY": "Syria", "US": "United States", "JO": "Jordan"}.get(cc, cc)
    return Place(geonameid=gid, name=name, country=country, country_code=cc, admin1=admin1,
                 admin2=admin2, latitude=lat, longitude=lon,
                 feature_class="P" if code.startswith("PPL") else "A", feature_code=code,
                 population=pop)


IRAQ = place(1, "Iraq", "IQ", code="PCLI", pop=40_000_000, lat=33, lon=44)
SYRIA = place(2, "Syria", "SY", code="PCLI", pop=17_000_000, lat=35, lon=38)
ANBAR = place(10, "Anbar", "IQ", "Anbar", code="ADM1", pop=1_500_000, lat=33.7, lon=42.0)
NINEWA = place(11, "Ninewa", "IQ", "Ninewa", code="ADM1", pop=3_000_000, lat=36.3, lon=42.5)
RUTBA_TOWN = place(20, "Ar Rutbah", "IQ", "Anbar", "Al-Rutba", pop=22_000, lat=33.04, lon=40.29)
RUTBA_DISTRICT = place(21, "Al-Rutba", "IQ", "Anbar", "Al-Rutba", code="ADM2", pop=30_000,
                       lat=33.04, lon=40.29)
HIT_IQ = place(30, "Hit", "IQ", "Anbar", "Hit", pop=60_000, lat=33.64, lon=42.83)
HIT_SY = place(31, "Hit", "SY", "Homs", "Homs", pop=90_000, lat=34.7, lon=36.7)
TALL_IQ = place(40, "Tall Afar", "IQ", "Ninewa", "Tall Afar", pop=20_000, lat=36.37, lon=42.45)
TALL_SY = place(41, "Tall Afar", "SY", "Aleppo", "Aleppo", pop=500_000, lat=36.2, lon=37.2)
SPRING_IL = place(50, "Springfield", "US", "Illinois", "Sangamon", pop=116_000, lat=39.8, lon=-89.6)
SPRING_MO = place(51, "Springfield", "US", "Missouri", "Greene", pop=166_000, lat=37.2, lon=-93.3)
ILLINOIS = place(52, "Illinois", "US", "Illinois", code="ADM1", pop=12_000_000, lat=40, lon=-89)
US = place(53, "United States", "US", code="PCLI", pop=327_000_000, lat=39.8, lon=-98.6)

GAZETTEER = FakeGeocoder(
    [IRAQ, SYRIA, ANBAR, NINEWA, RUTBA_TOWN, RUTBA_DISTRICT, HIT_IQ, HIT_SY, TALL_IQ, TALL_SY,
     SPRING_IL, SPRING_MO, ILLINOIS, US],
    aliases={"Rutba": "Ar Rutbah", "Al-Rutba": "Ar Rutbah", "Ill.": "Illinois",
             "U.S.": "United States"},
)


def mentions_of(text: str, *names: str) -> list[Mention]:
    out = []
    for name in names:
        for m in re.finditer(re.escape(name), text):
            out.append(Mention(start=m.start(), end=m.end(), text=name, label="GPE"))
    return sorted(out, key=lambda m: m.start)


def resolved(text: str, *names: str, prior: tuple[str, ...] = ()) -> dict[str, Place]:
    out = resolve_mentions(text, mentions_of(text, *names), GAZETTEER, prior)
    return {text[s:e]: p for (s, e), p in out.items()}


def test_gazetteer_resolve_district_with_province_context() -> None:
    text = "an ambush in the Rutba district, Anbar Governorate"
    got = resolved(text, "Rutba", "Anbar Governorate")
    assert got["Rutba"] == RUTBA_DISTRICT
    assert got["Anbar Governorate"] == ANBAR


def test_gazetteer_resolve_town_without_designator() -> None:
    assert resolved("Police in Rutba said", "Rutba")["Rutba"] == RUTBA_TOWN


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Clashes in Hit (Anbar) and in Iraq.", ("Hit", "Anbar", "Iraq"), HIT_IQ),
        ("Clashes in Hit, Syria.", ("Hit", "Syria"), HIT_SY),
        ("In Syria, fighting in Hit continued.", ("Syria", "Hit"), HIT_SY),
        ("In Iraq, fighting in Hit continued.", ("Iraq", "Hit"), HIT_IQ),
    ],
)
def test_gazetteer_resolve_admin_and_country_context(
    text: str, names: tuple[str, ...], expected: Place
) -> None:
    assert resolved(text, *names)["Hit"] == expected


def test_gazetteer_resolve_document_focus_on_admin1() -> None:
    text = "Ninewa police said. Later, Tall Afar was quiet."
    assert resolved(text, "Ninewa", "Tall Afar")["Tall Afar"] == TALL_IQ


def test_gazetteer_resolve_trailing_state_abbreviation() -> None:
    # "Ill." is not a mention, but names the state that holds the town.
    assert resolved("SPRINGFIELD, Ill. -- The council met.", "SPRINGFIELD")["SPRINGFIELD"] == SPRING_IL
    assert resolved("The council of Springfield met.", "Springfield")["Springfield"] == SPRING_MO


def test_gazetteer_resolve_countries_resolve_to_countries() -> None:
    got = resolved("The U.S. and Iraq agreed.", "U.S.", "Iraq")
    assert got == {"U.S.": US, "Iraq": IRAQ}


def test_gazetteer_resolve_prior_countries_break_ties_only() -> None:
    # Hit: near tie (60k vs 90k people), the prior decides; Tall Afar: the Syrian one is
    # far bigger, and the weak prior does not overturn that.
    assert resolved("Hit", "Hit")["Hit"] == HIT_SY
    assert resolved("Hit", "Hit", prior=("IQ",))["Hit"] == HIT_IQ
    assert resolved("Tall Afar", "Tall Afar")["Tall Afar"] == TALL_SY
    assert resolved("Tall Afar", "Tall Afar", prior=("IQ",))["Tall Afar"] == TALL_SY
    strong = Weights(prior_country=2.0)
    out = resolve_mentions("Tall Afar", mentions_of("Tall Afar", "Tall Afar"), GAZETTEER, ("IQ",),
                           strong)
    assert list(out.values()) == [TALL_IQ]


def test_gazetteer_resolve_unknown_names_fall_back_to_focus() -> None:
    text = "Ramadi Street in Rutba was closed; Rutba police said."
    res = Resolver(GAZETTEER).resolve(text, mentions_of(text, "Ramadi Street", "Rutba"))
    street = next(r for r in res if r.mention.text == "Ramadi Street")
    assert street.fallback and street.place == RUTBA_TOWN
    alone = Resolver(GAZETTEER).resolve("Nowhere", mentions_of("Nowhere", "Nowhere"))
    assert alone[0].place is None and not alone[0].fallback
    off = Resolver(GAZETTEER, weights=Weights(fallback_to_focus=False)).resolve(
        text, mentions_of(text, "Ramadi Street", "Rutba"))
    assert next(r for r in off if r.mention.text == "Ramadi Street").place is None


def test_gazetteer_resolve_no_mentions() -> None:
    assert resolve_mentions("Nothing here.", [], GAZETTEER) == {}
    org = Mention(start=0, end=7, text="Nothing", label="ORG")
    assert resolve_mentions("Nothing here.", [org], GAZETTEER) == {}


@pytest.mark.parametrize(
    ("text", "span", "hint"),
    [
        ("in the Rutba district,", "Rutba", "ADM2"),
        ("Anbar Governorate (west)", "Anbar", "ADM1"),
        ("the city of Mosul", "Mosul", "PPL"),
        ("Mosul was quiet", "Mosul", None),
    ],
)
def test_gazetteer_resolve_context_hint(text: str, span: str, hint: str | None) -> None:
    start = text.index(span)
    assert context_hint(text, start, start + len(span)) == hint


def test_gazetteer_resolve_helpers() -> None:
    assert clean_name("the Kurdistan Region") == "Kurdistan Region"
    assert clean_name("Iraq's") == "Iraq"
    assert contains(ANBAR, RUTBA_TOWN) and contains(IRAQ, RUTBA_TOWN)
    assert contains(RUTBA_DISTRICT, RUTBA_TOWN)
    assert not contains(NINEWA, RUTBA_TOWN) and not contains(SYRIA, RUTBA_TOWN)
    assert not contains(ANBAR, ANBAR)
