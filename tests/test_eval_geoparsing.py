"""Geoparsing evaluation: the four corpus formats, the scorers and the evaluate() loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasd.eval import geoparsing as geo
from rasd.eval.base import PRF, EvalContext
from rasd.exceptions import EvalDataError
from rasd.gazetteer.geocoder import FakeGeocoder
from rasd.pipeline.doc import Doc
from rasd.records import Mention, Place

FIXTURES = Path(__file__).parent / "fixtures"
GEO_DIR = FIXTURES / "geoparsing"


def top(start: int, end: int, text: str = "", lat: float | None = None, lon: float | None = None,
        gid: int | None = None) -> geo.GoldToponym:
    return geo.GoldToponym(start, end, text, lat, lon, gid)


# --- loading ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpora() -> dict[str, list[geo.GoldDoc]]:
    return geo.load(GEO_DIR)


def test_eval_geoparsing_loads_all_four_formats(corpora: dict[str, list[geo.GoldDoc]]) -> None:
    assert list(corpora) == ["GeoWebNews", "LGL", "TR-News", "GeoVirus"]
    counts = {c: [len(d.toponyms) for d in docs] for c, docs in corpora.items()}
    assert counts == {"GeoWebNews": [3], "LGL": [4], "TR-News": [2], "GeoVirus": [2]}
    for docs in corpora.values():
        for doc in docs:
            assert doc.offset_mismatches == 0
            for t in doc.toponyms:
                assert doc.text[t.start : t.end] == t.text


def test_eval_geoparsing_gwn_keeps_locational_spans_with_coordinates(
    corpora: dict[str, list[geo.GoldDoc]],
) -> None:
    (doc,) = corpora["GeoWebNews"]
    assert doc.doc_id == "GeoWebNews:7"
    assert [t.text for t in doc.toponyms] == ["Kirkuk", "Rutba", "Anbar Governorate"]
    assert doc.toponyms[0].geonameid == 94787 and doc.toponyms[0].lat == pytest.approx(35.46806)


def test_eval_geoparsing_lgl_keeps_spans_without_gaztag_for_recognition(
    corpora: dict[str, list[geo.GoldDoc]],
) -> None:
    (doc,) = corpora["LGL"]
    assert [t.resolvable for t in doc.toponyms] == [True, False, True, True]
    assert doc.toponyms[-1].country_id == 6251999


def test_eval_geoparsing_realigns_shifted_offsets(corpora: dict[str, list[geo.GoldDoc]]) -> None:
    assert corpora["TR-News"][0].realigned == 1  # Mosul is one character off
    assert corpora["GeoVirus"][0].realigned == 2  # GeoVirus offsets are one past the name
    assert corpora["GeoVirus"][0].doc_id.endswith("Invented_outbreak")


def test_eval_geoparsing_align() -> None:
    text = "in Mosul now"
    assert geo.align(text, top(3, 8, "Mosul")) == top(3, 8, "Mosul")
    assert geo.align(text, top(5, 10, "Mosul")) == top(3, 8, "Mosul")
    assert geo.align(text, top(3, 8, "Basra")) is None
    assert geo.align(text, top(3, 99, "")) is None


def test_eval_geoparsing_limit_and_missing_data(tmp_path: Path) -> None:
    assert len(geo.load(GEO_DIR, limit=0)["LGL"]) == 0
    with pytest.raises(EvalDataError, match="none of the geoparsing corpora"):
        geo.load(tmp_path)
    bad = tmp_path / "LGL"
    bad.mkdir()
    (bad / "lgl.xml").write_text("<articles><article>", "utf-8")
    with pytest.raises(EvalDataError, match="not readable XML"):
        geo.load(tmp_path)


# --- scoring ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "pred", "mode", "expected"),
    [
        ([], [], "exact", PRF(0, 0, 0)),  # no gold, no prediction
        ([], [(0, 5)], "exact", PRF(0, 1, 0)),  # no gold
        ([top(0, 5)], [], "exact", PRF(0, 0, 1)),  # no prediction
        ([top(0, 5)], [(0, 5)], "exact", PRF(1, 0, 0)),
        ([top(0, 5)], [(0, 4)], "exact", PRF(0, 1, 1)),  # overlapping, not exact
        ([top(0, 5)], [(0, 4)], "overlap", PRF(1, 0, 0)),
        ([top(0, 10)], [(0, 4), (5, 10)], "overlap", PRF(1, 1, 0)),  # one-to-one
        ([top(0, 5), top(0, 5)], [(0, 5)], "exact", PRF(1, 0, 1)),  # tie: gold twice
        ([top(0, 5)], [(0, 5), (0, 5)], "exact", PRF(1, 0, 0)),  # duplicate predictions count once
    ],
)
def test_eval_geoparsing_recognition_prf(
    gold: list[geo.GoldToponym], pred: list[tuple[int, int]], mode: str, expected: PRF
) -> None:
    assert geo.recognition_prf(gold, pred, mode) == expected


KIRKUK = Place(geonameid=94787, name="Kirkuk", country_code="IQ", latitude=35.46806,
               longitude=44.39222)


def test_eval_geoparsing_score_resolution() -> None:
    gold = top(0, 6, "Kirkuk", 35.46806, 44.39222, 94787)
    hit = geo.score_resolution(gold, KIRKUK, "IQ")
    assert (hit.error_km, hit.id_match, hit.country_match) == (0.0, True, True)
    miss = geo.score_resolution(gold, None, "IQ")
    assert (miss.error_km, miss.id_match, miss.country_match) == (geo.UNRESOLVED_KM, False, False)
    unknown = geo.score_resolution(top(0, 6, "Kirkuk", 35.0, 44.0), KIRKUK, None)
    assert unknown.id_match is None and unknown.country_match is None
    assert unknown.error_km == pytest.approx(63.07, abs=0.1)


def test_eval_geoparsing_resolution_metrics_hand_computed() -> None:
    gold = top(0, 1, "x", 0.0, 0.0, 1)

    def res(km: float, ok_id: bool | None, ok_cc: bool | None, fallback: bool = False) -> geo.Resolved:
        return geo.Resolved(gold, KIRKUK, km, ok_id, ok_cc, fallback)

    rows = [res(0, True, True), res(100, False, True), res(200, None, False, True),
            res(geo.UNRESOLVED_KM, False, None)]
    m = geo.resolution_metrics(rows)
    assert m["acc_161km"] == 0.5
    assert m["median_error_km"] == 150.0
    assert m["exact_match"] == pytest.approx(1 / 3)
    assert m["country_acc"] == pytest.approx(2 / 3)
    assert m["fallback_share"] == 0.25
    assert m["acc_161km_matched"] == pytest.approx(2 / 3)
    empty = geo.resolution_metrics([])
    assert empty["acc_161km"] == 0.0 and empty["median_error_km"] == 0.0


def test_eval_geoparsing_geotext_spans() -> None:
    text = "Flights from Paris to Kirkuk and Canada resumed."
    spans = geo.geotext_spans(text)
    assert {text[s:e] for s, e in spans} >= {"Paris", "Canada"}
    assert all(text[s:e].strip() == text[s:e] for s, e in spans)


# --- evaluate() with a fake pipeline ------------------------------------------------------


class FakePipeline:
    """Labels every known name as GPE; exposes a geocode stage with a FakeGeocoder."""

    NAMES = ("Kirkuk", "Anbar Governorate", "Springfield", "Basra", "Mosul", "Erbil", "Iraq")

    def __init__(self) -> None:
        places = [
            KIRKUK,
            Place(geonameid=98677, name="Rutba", country_code="IQ", latitude=33.03718,
                  longitude=40.28586),
            Place(geonameid=4250542, name="Springfield", country_code="US", latitude=39.80172,
                  longitude=-89.64371),
            Place(geonameid=99072, name="Mosul", country_code="IQ", latitude=36.335,
                  longitude=43.11889),
            Place(geonameid=95446, name="Erbil", country_code="IQ", latitude=36.19,
                  longitude=44.01),
        ]
        self.geocoder = FakeGeocoder(places)
        self.prior_countries = ("IQ",)

    def stage(self, name: str) -> Any:
        if name != "geocode":
            raise KeyError(name)
        return self

    def load(self) -> FakePipeline:
        return self

    def __call__(self, doc: Doc) -> Doc:
        for name in self.NAMES:
            start = doc.text.find(name)
            if start >= 0:
                doc.mentions.append(Mention(start=start, end=start + len(name), text=name,
                                            label="GPE"))
        return doc


def test_eval_geoparsing_evaluate_on_fixture(tmp_path: Path) -> None:
    (tmp_path / "geoparsing").symlink_to(GEO_DIR, target_is_directory=True)
    ctx = EvalContext(data_dir=tmp_path, pipeline_factory=FakePipeline)
    result = geo.evaluate(ctx)
    assert set(result.by_corpus) == {"GeoWebNews", "LGL", "TR-News", "GeoVirus"}
    gwn = result.by_corpus["GeoWebNews"]
    # rasd finds Kirkuk and Anbar Governorate of the 3 gold spans, nothing else
    assert (gwn["toponym_p"], gwn["toponym_r"]) == (1.0, pytest.approx(2 / 3))
    # resolution is given the gold spans: Kirkuk and Rutba right, Anbar Governorate unknown
    # to the fake gazetteer, so placed at the document's focus (Kirkuk, > 161 km away)
    assert gwn["acc_161km"] == pytest.approx(2 / 3)
    assert gwn["fallback_share"] == pytest.approx(1 / 3)
    # "Basra" is not in the fake: placed at Mosul (the focus), 1,000 km off; Mosul is right
    assert result.by_corpus["TR-News"]["acc_161km"] == 0.5
    assert result.metrics["f1"] == result.metrics["toponym_f1"]
    assert result.counts["docs"] == 4 and result.counts["TR-News.realigned"] == 1
    assert {"geotext", "population_prior"} <= set(result.baselines)
    assert "spacy" not in result.baselines  # no spacy_factory in the context
    assert "mordecai3_acc_161km" in result.anchors
    kinds = {e.kind for e in result.errors}
    assert {"false_negative", "far_location"} <= kinds
    far = next(e for e in result.errors if e.kind == "far_location")
    assert far.expected["name"] and far.sentence


@pytest.mark.shared
def test_eval_geoparsing_reads_the_real_dev_data(shared_data: Path) -> None:
    corpora = geo.load(shared_data / "geoparsing")
    docs = {c: len(d) for c, d in corpora.items()}
    assert docs == {"GeoWebNews": 140, "LGL": 411, "TR-News": 82, "GeoVirus": 160}
    for docs_ in corpora.values():
        assert sum(d.offset_mismatches for d in docs_) == 0
    assert sum(len(d.toponyms) for d in corpora["LGL"]) == 3577
