"""The 'geocode' stage: doc.places for every toponym, and each event's place and precision."""

from __future__ import annotations

import re

import pytest

from rasd.config import PipelineConfig
from rasd.gazetteer.geocoder import FakeGeocoder
from rasd.pipeline.base import Backends
from rasd.pipeline.doc import Doc, EventCandidate, PlaceRef, Span
from rasd.pipeline.geocode import GeocodeStage, choose, level, make, precision_for
from rasd.records import Document, Mention, Place

IRAQ = Place(geonameid=1, name="Iraq", country="Iraq", country_code="IQ", latitude=33,
             longitude=44, feature_class="A", feature_code="PCLI", population=40_000_000)
ANBAR = Place(geonameid=10, name="Anbar", country="Iraq", country_code="IQ", admin1="Anbar",
              latitude=33.7, longitude=42.0, feature_class="A", feature_code="ADM1",
              population=1_500_000)
SALAH = Place(geonameid=11, name="Salah al-Din", country="Iraq", country_code="IQ",
              admin1="Salah al-Din", latitude=34.6, longitude=43.8, feature_class="A",
              feature_code="ADM1", population=1_500_000)
KIRKUK = Place(geonameid=12, name="Kirkuk", country="Iraq", country_code="IQ", admin1="Kirkuk",
               admin2="Kirkuk", latitude=35.47, longitude=44.39, feature_code="PPL",
               population=1_000_000)
RUTBA = Place(geonameid=20, name="Ar Rutbah", country="Iraq", country_code="IQ", admin1="Anbar",
              admin2="Al-Rutba", latitude=33.03718, longitude=40.28586, feature_code="PPL",
              population=22_370)
RUTBA_DISTRICT = RUTBA.model_copy(update={"geonameid": 21, "name": "Al-Rutba",
                                          "feature_class": "A", "feature_code": "ADM2"})
GAZETTEER = FakeGeocoder([IRAQ, ANBAR, SALAH, KIRKUK, RUTBA, RUTBA_DISTRICT],
                         aliases={"Rutba": "Ar Rutbah", "Al-Rutba": "Ar Rutbah"})


def make_doc(text: str, names: list[str]) -> Doc:
    doc = Doc(Document.from_text(text))
    doc.sentences = [Span(m.start(), m.end(), m.group()) for m in re.finditer(r"[^.]+\.", text)]
    for name in names:
        for m in re.finditer(re.escape(name), text):
            doc.mentions.append(Mention(start=m.start(), end=m.end(), text=name, label="GPE"))
    doc.mentions.sort(key=lambda m: m.start)
    return doc


def candidate(doc: Doc, trigger: str, places: list[str] | None = None,
              near: bool = False) -> EventCandidate:
    start = doc.text.index(trigger)
    sentence = doc.sentence_of(start)
    refs = []
    for name in places or []:
        s = doc.text.index(name, sentence.start)
        refs.append(PlaceRef(span=Span(s, s + len(name), name), near=near,
                             role="near" if near else "in"))
    cand = EventCandidate("Arrests", Span(start, start + len(trigger), trigger), sentence, 0.9,
                          places=refs)
    doc.candidates.append(cand)
    return cand


def run(doc: Doc) -> Doc:
    stage = GeocodeStage(GAZETTEER, ("IQ",))
    stage.load()
    return stage(doc)


SEED_LIKE = (
    "The arrest of a leader in Anbar Governorate (west) came after an ambush in the Rutba "
    "district. Another arrest took place in Kirkuk (north). Aircraft struck two houses in "
    "Salah al-Din Governorate (center)."
)


def test_geocode_stage_seed_like_report() -> None:
    doc = make_doc(SEED_LIKE, ["Anbar Governorate", "Rutba", "Kirkuk", "Salah al-Din Governorate"])
    anbar = candidate(doc, "arrest", ["Anbar Governorate", "Rutba"])
    kirkuk = candidate(doc, "Another arrest", ["Kirkuk"])
    strike = candidate(doc, "struck", ["Salah al-Din Governorate"])
    run(doc)
    assert len(doc.places) == 4
    assert anbar.place == RUTBA and anbar.geo_precision == 2  # district: its main town
    assert anbar.place_span is not None and anbar.place_span.text == "Rutba"
    assert kirkuk.place == KIRKUK and kirkuk.geo_precision == 1
    assert strike.place == SALAH and strike.geo_precision == 3


def test_geocode_stage_near_a_town() -> None:
    doc = make_doc("Gunmen attacked a checkpoint near Kirkuk.", ["Kirkuk"])
    cand = candidate(doc, "attacked", ["Kirkuk"], near=True)
    run(doc)
    assert cand.place == KIRKUK and cand.geo_precision == 2


def test_geocode_stage_without_place_refs_uses_sentence_then_document() -> None:
    text = "Police in Kirkuk arrested a man. He had planned attacks."
    doc = make_doc(text, ["Kirkuk"])
    in_sentence = candidate(doc, "arrested")
    elsewhere = candidate(doc, "planned")
    run(doc)
    assert in_sentence.place == KIRKUK and in_sentence.geo_precision == 2
    assert elsewhere.place is not None and elsewhere.place.admin1 == "Kirkuk"
    assert elsewhere.geo_precision == 3


def test_geocode_stage_no_toponyms_leaves_events_unplaced() -> None:
    doc = make_doc("A man was arrested.", [])
    cand = candidate(doc, "arrested")
    run(doc)
    assert doc.places == {} and cand.place is None


def test_geocode_stage_refs_missing_from_mentions_are_resolved() -> None:
    doc = make_doc("Police arrested a man in Kirkuk.", [])
    cand = candidate(doc, "arrested", ["Kirkuk"])
    run(doc)
    assert cand.place == KIRKUK and (doc.text.index("Kirkuk"), doc.text.index("Kirkuk") + 6) in doc.places


@pytest.mark.parametrize(
    ("place", "near", "expected"),
    [(KIRKUK, False, 1), (KIRKUK, True, 2), (RUTBA_DISTRICT, False, 2), (ANBAR, False, 3),
     (IRAQ, False, 3), (ANBAR, True, 3)],
)
def test_geocode_stage_precision_rules(place: Place, near: bool, expected: int) -> None:
    assert precision_for(place, near) == expected


def test_geocode_stage_choose_most_specific_consistent() -> None:
    in_anbar = PlaceRef(Span(0, 5, "Anbar"))
    in_rutba = PlaceRef(Span(10, 15, "Rutba"))
    in_kirkuk = PlaceRef(Span(20, 26, "Kirkuk"))
    assert choose([(in_anbar, ANBAR), (in_rutba, RUTBA)]) == (in_rutba, RUTBA)
    # Kirkuk is not inside Anbar: the nearest reference (first) wins
    assert choose([(in_anbar, ANBAR), (in_kirkuk, KIRKUK)]) == (in_anbar, ANBAR)
    assert choose([]) is None
    assert [level(p) for p in (KIRKUK, RUTBA_DISTRICT, ANBAR, IRAQ)] == [3, 2, 1, 0]


def test_geocode_stage_factory_uses_backend_geocoder() -> None:
    stage = make(PipelineConfig(), Backends(geocoder=GAZETTEER))
    assert isinstance(stage, GeocodeStage)
    assert stage.geocoder is GAZETTEER
    assert stage.name == "geocode"
    assert stage.requires == ("arguments", "mentions")
    assert stage.assigns == ("places", "event_places")
    assert stage.prior_countries == ("IQ", "SY")


def test_geocode_stage_matched_reference_beats_a_fallback_guess() -> None:
    doc = make_doc("Gunmen hit Zanzur Street in Kirkuk.", ["Zanzur Street", "Kirkuk"])
    cand = candidate(doc, "hit", ["Zanzur Street", "Kirkuk"])
    run(doc)
    start = doc.text.index("Zanzur Street")
    assert (start, start + len("Zanzur Street")) in doc.extra["geocode_fallback"]
    assert cand.place == KIRKUK and cand.place_span is not None
    assert cand.place_span.text == "Kirkuk" and cand.geo_precision == 1
    only_guess = make_doc("Police said it. Gunmen hit Zanzur Street.", ["Zanzur Street"])
    guess = candidate(only_guess, "hit", ["Zanzur Street"])
    run(only_guess)
    assert guess.place is None  # nothing else in the document to fall back on
