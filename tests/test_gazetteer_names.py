"""Place-name keys, designators, ranking and the in-memory FakeGeocoder."""

from __future__ import annotations

import pytest

from rasd.gazetteer import normalize as nz
from rasd.gazetteer.base import Geocoder
from rasd.gazetteer.geocoder import FakeGeocoder
from rasd.gazetteer.patterns import article_variants, build_patterns, keep_entry, tokenize
from rasd.gazetteer.rank import prior, rank
from rasd.records import Place


@pytest.mark.parametrize(
    "variants",
    [
        ["Rutba", "Ar Rutbah", "Al-Rutba", "al Rutba", "AR-RUTBAH", "Ar Ruţbah"],
        ["Salah al-Din", "Salah ad Din", "Ṣalāḩ ad Dīn", "salah AL din"],
        ["Kirkuk", "Kirkūk", "KIRKUK"],
        ["Dar'a", "Dar‘a", "Dara"],
        ["Fallujah", "Al-Falluja", "al Fallujah"],
    ],
)
def test_gazetteer_names_variants_share_a_key(variants: list[str]) -> None:
    keys = {nz.loose_key(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [("كركوك", "كَرْكُوك"), ("الرطبة", "رطبة"), ("إربل", "اربل"), ("محافظة", "محافظه")],
)
def test_gazetteer_names_arabic_variants_share_a_key(a: str, b: str) -> None:
    assert nz.loose_key(a) == nz.loose_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Kirkuk", "Erbil"), ("Mosul", "Basra"), ("Paris", "Pari")],
)
def test_gazetteer_names_different_names_differ(a: str, b: str) -> None:
    assert nz.loose_key(a) != nz.loose_key(b)


def test_gazetteer_names_strict_key_keeps_articles() -> None:
    assert nz.strict_key("Ar Ruţbah") == "ar rutbah"
    assert nz.strict_key("Qal‘at Sukkar") == "qalat sukkar"
    assert nz.strict_key("Ağcabədi") == "agcabadi"


@pytest.mark.parametrize(
    ("text", "core", "hint"),
    [
        ("Anbar Governorate", "Anbar", "ADM1"),
        ("Anbar Province", "Anbar", "ADM1"),
        ("Rutba district", "Rutba", "ADM2"),
        ("Rapides Parish", "Rapides", "ADM2"),
        ("city of Mosul", "Mosul", "PPL"),
        ("Province of Kirkuk", "Kirkuk", "ADM1"),
        ("Kirkuk", "Kirkuk", None),
        ("District", "District", None),
        ("محافظة كركوك", "كركوك", "ADM1"),
    ],
)
def test_gazetteer_names_split_designator(text: str, core: str, hint: str | None) -> None:
    assert nz.split_designator(text) == (core, hint)


def test_gazetteer_names_usable_script() -> None:
    assert nz.usable_script("Kirkūk") and nz.usable_script("كركوك")
    assert not nz.usable_script("Киркук") and not nz.usable_script("キルクーク")


# --- ranking -------------------------------------------------------------------------

CITY = Place(geonameid=1, name="Kirkuk", country="Iraq", country_code="IQ", admin1="Kirkuk",
             admin2="Kirkuk", latitude=35.47, longitude=44.39, feature_code="PPL",
             population=1_000_000)
PROVINCE = Place(geonameid=2, name="Kirkuk", country="Iraq", country_code="IQ", admin1="Kirkuk",
                 latitude=35.35, longitude=44.07, feature_class="A", feature_code="ADM1",
                 population=1_200_000)
VILLAGE = Place(geonameid=3, name="Kirkuk", country="Iran", country_code="IR", admin1="Tehran",
                latitude=35.7, longitude=51.4, feature_code="PPL", population=900)


def test_gazetteer_rank_bare_name_is_the_town_inside_its_province() -> None:
    ranked = rank([(PROVINCE, True, True), (CITY, True, True), (VILLAGE, True, True)])
    assert ranked[0][0] is CITY
    assert {p.geonameid for p, _ in ranked} == {1, 2, 3}


def test_gazetteer_rank_designator_hint_wins() -> None:
    ranked = rank([(CITY, True, True), (PROVINCE, True, True)], hint="ADM1")
    assert ranked[0][0] is PROVINCE


@pytest.mark.parametrize(
    ("exact", "main", "better_than"),
    [(True, True, (False, True)), (True, True, (True, False)), (False, True, (False, False))],
)
def test_gazetteer_rank_exact_and_main_names_score_higher(
    exact: bool, main: bool, better_than: tuple[bool, bool]
) -> None:
    assert prior(CITY, exact, None, main) > prior(CITY, better_than[0], None, better_than[1])


def test_gazetteer_rank_ties_break_by_population_then_id() -> None:
    a = CITY.model_copy(update={"geonameid": 10, "population": 5})
    b = CITY.model_copy(update={"geonameid": 9, "population": 5})
    ranked = rank([(a, True, True), (b, True, True)])
    assert [p.geonameid for p, _ in ranked] == [9, 10]


# --- FakeGeocoder ---------------------------------------------------------------------


def test_gazetteer_fake_implements_the_protocol() -> None:
    fake = FakeGeocoder([CITY, PROVINCE], aliases={"Karkuk": "Kirkuk"})
    assert isinstance(fake, Geocoder)
    assert not fake.loaded
    fake.load()
    assert fake.candidates("Kirkuk")[0] is CITY
    assert fake.candidates("Kirkuk Governorate")[0] is PROVINCE
    assert fake.candidates("Karkuk")[0] is CITY
    assert fake.candidates("Kirkuk", country_code="ir") == []
    assert fake.candidates("Nowhere") == []
    assert fake.patterns() == []


# --- patterns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "kept"),
    [
        ("Rutba", "focus_city", True),
        ("Hit", "focus_city", False),  # English verb
        ("Mobile", "city", False),
        ("Of", "city", False),  # stop word
        ("Jordan", "country", True),
        ("Ali", "focus_city", False),  # curated stop name
        ("Al-Rutba", "focus_city", True),
    ],
)
def test_gazetteer_patterns_filter_common_words(text: str, kind: str, kept: bool) -> None:
    assert keep_entry(text, kind, frozenset({"Ali"})) is kept


def test_gazetteer_patterns_shapes() -> None:
    entries = [
        ("Rutba", "GPE", "focus_city", 22370),
        ("Salah al-Din", "GPE", "adm1", 1_500_000),
        ("Europe", "LOC", "continent", 0),
        ("Smallville", "GPE", "city", 20_000),  # below the worldwide threshold
        ("mobile", "GPE", "city", 200_000),  # not capitalised
    ]
    patterns = build_patterns(entries, stop_names=frozenset())
    token = {p["label"]: p["pattern"][0]["ORTH"]["IN"] for p in patterns if isinstance(p["pattern"], list)}
    phrases = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
    assert token == {"GPE": ["Rutba"], "LOC": ["Europe"]}
    assert "Salah al-Din" in phrases
    assert not any("Smallville" in str(p) or "mobile" in str(p) for p in patterns)


def test_gazetteer_patterns_article_variants_and_tokens() -> None:
    assert article_variants("Al-Rutba") >= {"Al-Rutba", "al-Rutba", "Al Rutba", "al Rutba"}
    assert article_variants("Kirkuk") == {"Kirkuk"}
    assert tokenize(["Al-Rutba", "New York", "St. Louis"]) == [
        ["Al", "-", "Rutba"], ["New", "York"], ["St.", "Louis"]]
