"""Person descriptions: role, nationality and the name a person is "called"."""

from __future__ import annotations

import pytest

from rasd.actors.persons import (
    country_named,
    find_nationality,
    find_role,
    nationalities,
    nationality_country,
    parse_called_name,
    parse_nationality,
    parse_role,
)

SEED_PHRASE = (
    "the so-called commander of the foreign terrorist battalion of ISIS in Kirkuk (north), "
    "called “Abu Bukhari.”"
)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        (SEED_PHRASE, "so-called commander of the foreign terrorist battalion"),
        ("a leader of ISIS terrorist gangs in Anbar Governorate (west)", "leader"),
        ("or the so-called military commander in Anbar Province", "so-called military commander"),
        ("Iraqi Prime Minister Muhammad Shia al-Sudani", "Prime Minister"),
        ("Security expert, Mukhled Hazem Al-Darb", "Security expert"),
        ("the wali of Kirkuk", "wali"),
        ("a former member of the Baath party", "former member"),
        ("the head of the ISIS media office", "head"),
        ("commanders of the 5th brigade", "commanders of the 5th brigade"),
        ("he was arrested in Kirkuk", None),
        ("", None),
    ],
)
def test_actors_persons_parse_role(text: str, role: str | None) -> None:
    assert parse_role(text) == role


@pytest.mark.parametrize(
    ("text", "nationality"),
    [
        ("this foreigner is of Uzbek nationality", "Uzbek"),
        ("an Uzbek national", "Uzbek"),
        ("a Syrian-born leader", "Syrian"),
        ("a citizen of Uzbekistan", "Uzbek"),
        ("a citizen of the Russian Federation", "Russian"),
        ("who came from Tajikistan", "Tajik"),
        ("holds French citizenship", "French"),
        ("a Chechen fighter", "Chechen"),
        ("of Turkish nationality", "Turkish"),
        ("two Tajikistani nationals", "Tajik"),
        ("a foreign fighter", None),
        ("he was arrested in Kirkuk", None),
        ("the Persian Gulf", None),
        ("an Uzbek who came back from Syria", "Uzbek"),
    ],
)
def test_actors_persons_parse_nationality(text: str, nationality: str | None) -> None:
    assert parse_nationality(text) == nationality


def test_actors_persons_explicit_statement_beats_first_demonym() -> None:
    assert (
        parse_nationality("the Iraqi expert said this foreigner is of Uzbek nationality") == "Uzbek"
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (SEED_PHRASE, "Abu Bukhari"),
        ('the commander, known as "Abu Omar al-Iraqi", was killed', "Abu Omar al-Iraqi"),
        ("a leader nicknamed ‘al-Shishani’", "al-Shishani"),
        ("a leader in Anbar", None),
    ],
)
def test_actors_persons_parse_called_name(text: str, name: str | None) -> None:
    assert parse_called_name(text) == name


def test_actors_persons_demonym_table_is_broad() -> None:
    table = nationalities()
    assert len(table.country_of) >= 80
    assert nationality_country("Uzbek") == "Uzbekistan"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Turkey", "Turkey"),
        ("the United States", "United States"),
        ("U.S.", "United States"),
        ("us", None),
        ("Kirkuk", None),
        ("Türkiye", "Turkey"),
    ],
)
def test_actors_persons_country_named(text: str, country: str | None) -> None:
    assert country_named(text) == country


def test_actors_persons_accepts_spacy_like_spans() -> None:
    class FakeSpan:
        text = "an Uzbek national and so-called emir"

    assert parse_nationality(FakeSpan()) == "Uzbek"
    assert parse_role(FakeSpan()) == "so-called emir"


@pytest.mark.parametrize(
    "text",
    [
        "Le Bœuf, an Uzbek national",
        "this foreigner is of Uzbek nationality",
        "a Tajik from Tajikistan",
    ],
)
def test_actors_persons_find_nationality_offsets(text: str) -> None:
    found = find_nationality(text)
    assert found is not None
    start, end, canonical = found
    assert text[start:end] in {canonical, "Tajikistan", "Tajik"}


def test_actors_persons_find_role_offsets() -> None:
    found = find_role(SEED_PHRASE)
    assert found is not None
    assert SEED_PHRASE[found[0] : found[1]] == parse_role(SEED_PHRASE)
