"""Geoparsing: toponym recognition and resolution on GeoWebNews, LGL, TR-News, GeoVirus.

Data: ``DATA_DIR/geoparsing/{GeoWebNews/GWN.xml, LGL/lgl.xml, TR-News/TR-News.xml,
GeoVirus/GeoVirus.xml}`` (Gritta et al., "A Pragmatic Guide to Geoparsing
Evaluation", 2019). Every corpus file found is read, so the maintainers' test
portion (same layout) reads unchanged. ``ctx.limit`` caps the documents of each
corpus.

Gold toponyms: GeoWebNews spans with ``nonLocational == No`` and coordinates (the
dataset README's advice); every toponym of LGL, TR-News and GeoVirus for
recognition, those with coordinates for resolution. A span whose offsets do not
give its text is skipped and counted (``offset_mismatches``).

**Recognition** (``toponym_p``, ``toponym_r``, ``toponym_f1``; ``f1`` is the same
figure): rasd's place mentions (labels GPE, LOC, FAC, after the full pipeline)
against gold spans, by **exact** span match (same start and end), as Mordecai3
and Gritta et al. report; ``*_overlap`` variants count a one-to-one overlap.

**Resolution is scored given the gold toponyms**, as Mordecai3 does, so that it is
not conflated with recognition: all gold spans of a document are resolved
together by rasd's document-level resolver (``rasd.gazetteer.resolve``) with the
pipeline's geocoder and prior countries. ``exact_match``: GeoNames id equal (over
gold toponyms with an id); ``country_acc``: predicted country equal to gold (gold
country from LGL/TR-News' ``gaztag`` country id, or from the gold GeoNames id when
the gazetteer knows it; GeoVirus has none); ``acc_161km``: error <= 161 km;
``median_error_km``. A toponym the resolver cannot place counts as wrong with an
error of 20,038 km (half the Earth's circumference). A toponym whose name matches
nothing in the gazetteer (a street, a building) is placed at the document's focus
place by the resolver's fallback, as in the pipeline; ``fallback_share`` says how
many were, and ``acc_161km_matched`` is the accuracy over the others.

Top-level metrics are micro-averages over the corpora (pooled counts, pooled
errors); ``by_corpus`` holds each corpus. Baselines in the same run: ``geotext``
and plain ``spacy`` NER (same model, no rulers) for recognition, and
``population_prior`` (the geocoder's first candidate, no document context) for
resolution.
"""

from __future__ import annotations

import re
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rasd.eval.base import PRF, ErrorRecord, EvalContext, EvalResult, run_document
from rasd.eval.scoring import haversine_km, match_spans, sentence_around, span_mapper
from rasd.exceptions import EvalDataError, RasdError
from rasd.pipeline.doc import Doc
from rasd.records import PLACE_LABELS, Document, Mention, Place

NAME = "geoparsing"
#: corpus name -> file under DATA_DIR/geoparsing/<corpus>/
CORPORA: dict[str, str] = {
    "GeoWebNews": "GWN.xml",
    "LGL": "lgl.xml",
    "TR-News": "TR-News.xml",
    "GeoVirus": "GeoVirus.xml",
}
ACC_KM = 161.0
UNRESOLVED_KM = 20038.0
MAX_SHIFT = 10
BATCH_SIZE = 16
ANCHORS = {
    "mordecai3_acc_161km": "LGL 82.7, GWN 94.1, TR-News 87.3 (Halterman 2023, arXiv 2303.13675; "
    "resolution given gold toponyms)",
}


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    country_id: int | None = None  # GeoNames id of the gold country (LGL, TR-News)

    @property
    def resolvable(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldDoc:
    corpus: str
    doc_id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    offset_mismatches: int = 0
    realigned: int = 0


# --------------------------------------------------------------------------- loading


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def _gwn_toponym(el: ET.Element) -> GoldToponym | None:
    if (el.findtext("nonLocational") or "").strip() != "No":
        return None
    lat, lon = _float(el.findtext("latitude")), _float(el.findtext("longitude"))
    if lat is None or lon is None:
        return None
    start, end = _int(el.findtext("start")), _int(el.findtext("end"))
    if start is None or end is None:
        return None
    return GoldToponym(start, end, el.findtext("extractedName") or "", lat, lon,
                       _int(el.findtext("geonamesID")))


def _lgl_toponym(el: ET.Element) -> GoldToponym | None:
    start, end = _int(el.findtext("start")), _int(el.findtext("end"))
    if start is None or end is None:
        return None
    tag = el.find("gaztag")
    if tag is None:
        return GoldToponym(start, end, el.findtext("phrase") or "")
    country = tag.find("country")
    return GoldToponym(
        start, end, el.findtext("phrase") or "",
        _float(tag.findtext("lat")), _float(tag.findtext("lon")),
        _int(tag.get("geonameid")),
        _int(country.get("geonameid")) if country is not None else None,
    )


def _geovirus_toponym(el: ET.Element) -> GoldToponym | None:
    start, end = _int(el.findtext("start")), _int(el.findtext("end"))
    if start is None or end is None:
        return None
    return GoldToponym(start, end, el.findtext("name") or "",
                       _float(el.findtext("lat")), _float(el.findtext("lon")))


def parse_article(corpus: str, index: int, article: ET.Element) -> GoldDoc:
    """One ``<article>`` of any of the four formats."""
    text = article.findtext("text") or ""
    doc_id = article.get("docid") or article.get("file") or article.findtext("source") or ""
    doc = GoldDoc(corpus, f"{corpus}:{doc_id or index}", text)
    elements: Iterable[ET.Element]
    if article.find("locations") is not None:
        elements, parse = article.iter("location"), _geovirus_toponym
    else:
        elements = article.iter("toponym")
        parse = _gwn_toponym if article.find(".//extractedName") is not None else _lgl_toponym
    for el in elements:
        top = parse(el)
        if top is None:
            continue
        aligned = align(text, top)
        if aligned is None:
            doc.offset_mismatches += 1
            continue
        doc.realigned += aligned != top
        doc.toponyms.append(aligned)
    return doc


def align(text: str, top: GoldToponym) -> GoldToponym | None:
    """The toponym, moved by up to MAX_SHIFT characters when its offsets are off (GeoVirus
    offsets are one past the name); None when its name is not there."""
    if not top.text:
        return top if 0 <= top.start < top.end <= len(text) else None
    for delta in (0, *(d * s for d in range(1, MAX_SHIFT + 1) for s in (-1, 1))):
        start = top.start + delta
        if start >= 0 and text[start : start + len(top.text)] == top.text:
            if delta == 0 and top.end == start + len(top.text):
                return top
            return replace(top, start=start, end=start + len(top.text))
    return None


def load_corpus(path: Path, corpus: str, limit: int | None = None) -> list[GoldDoc]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise EvalDataError(str(path), f"is not readable XML ({exc})",
                            "restore the file from the dataset") from exc
    articles = root.findall("article")
    if limit is not None:
        articles = articles[:limit]
    return [parse_article(corpus, i, a) for i, a in enumerate(articles)]


def load(data_dir: Path, limit: int | None = None) -> dict[str, list[GoldDoc]]:
    """Every corpus file present under ``data_dir`` (the ``geoparsing`` folder)."""
    out = {}
    for corpus, filename in CORPORA.items():
        path = data_dir / corpus / filename
        if path.is_file():
            out[corpus] = load_corpus(path, corpus, limit)
    if not out:
        raise EvalDataError(str(data_dir), "holds none of the geoparsing corpora",
                            f"expected one of: {', '.join(f'{c}/{f}' for c, f in CORPORA.items())}")
    return out


# --------------------------------------------------------------------------- scoring


def recognition_prf(gold: list[GoldToponym], pred: list[tuple[int, int]], mode: str) -> PRF:
    gold_spans = [(g.start, g.end, "TOP") for g in gold]
    pred_spans = [(s, e, "TOP") for s, e in sorted(set(pred))]
    return match_spans(gold_spans, pred_spans, mode).get("TOP", PRF(0, 0, 0))  # type: ignore[arg-type]


@dataclass
class Resolved:
    """One gold toponym's resolution outcome."""

    gold: GoldToponym
    place: Place | None
    error_km: float
    id_match: bool | None  # None: gold has no GeoNames id
    country_match: bool | None  # None: gold country unknown
    fallback: bool = False  # placed at the document's focus (the name matched nothing)


@dataclass
class Totals:
    exact: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    overlap: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    resolved: list[Resolved] = field(default_factory=list)

    def add(self, other: Totals) -> None:
        self.exact = self.exact + other.exact
        self.overlap = self.overlap + other.overlap
        self.resolved.extend(other.resolved)

    def recognition_metrics(self) -> dict[str, float]:
        return {
            "toponym_p": self.exact.precision,
            "toponym_r": self.exact.recall,
            "toponym_f1": self.exact.f1,
            "f1": self.exact.f1,
            "toponym_p_overlap": self.overlap.precision,
            "toponym_r_overlap": self.overlap.recall,
            "toponym_f1_overlap": self.overlap.f1,
        }

    def resolution_metrics(self) -> dict[str, float]:
        return resolution_metrics(self.resolved)


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def resolution_metrics(resolved: list[Resolved]) -> dict[str, float]:
    errors = [r.error_km for r in resolved]
    ids = [r.id_match for r in resolved if r.id_match is not None]
    countries = [r.country_match for r in resolved if r.country_match is not None]
    return {
        "exact_match": _share(ids),
        "country_acc": _share(countries),
        "acc_161km": _share([e <= ACC_KM for e in errors]),
        "median_error_km": statistics.median(errors) if errors else 0.0,
        "resolved_share": _share([r.place is not None for r in resolved]),
        "fallback_share": _share([r.fallback for r in resolved]),
        "acc_161km_matched": _share([r.error_km <= ACC_KM for r in resolved
                                     if r.place is not None and not r.fallback]),
    }


def score_resolution(
    gold: GoldToponym, place: Place | None, gold_country: str | None
) -> Resolved:
    assert gold.lat is not None and gold.lon is not None
    if place is None or place.latitude is None or place.longitude is None:
        km = UNRESOLVED_KM
    else:
        km = haversine_km(gold.lat, gold.lon, place.latitude, place.longitude)
    id_match = None if gold.geonameid is None else (
        place is not None and place.geonameid == gold.geonameid)
    country = None if not gold_country else (
        place is not None and place.country_code == gold_country)
    return Resolved(gold, place, km, id_match, country)


# --------------------------------------------------------------------------- baselines


_GEOTEXT_RE = re.compile(r"[A-ZÀ-Ú]+[a-zà-ú]+[ \-]?(?:d[a-u].)?(?:[A-ZÀ-Ú]+[a-zà-ú]+)*")


def geotext_spans(text: str) -> list[tuple[int, int]]:
    """The spans GeoText (PyPI ``geotext``) reports as cities or countries."""
    from geotext import GeoText

    index = GeoText.index
    out = []
    for m in _GEOTEXT_RE.finditer(text):
        raw = m.group(0)
        word = raw.strip()
        if word.lower() in index.cities or word.lower() in index.countries:
            start = m.start() + (len(raw) - len(raw.lstrip()))
            out.append((start, start + len(word)))
    return out


def spacy_spans(nlp: Any, text: str) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in nlp(text).ents if e.label_ in PLACE_LABELS]


# --------------------------------------------------------------------------- running


@dataclass
class _Systems:
    """What one evaluation run uses: the pipeline, its geocoder and resolver, baselines."""

    pipeline: Any
    geocoder: Any
    resolver: Any
    nlp: Any | None
    country_cache: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def from_context(cls, ctx: EvalContext) -> _Systems:
        from rasd.gazetteer.resolve import Resolver

        pipeline = ctx.pipeline()
        try:
            stage = pipeline.stage("geocode")
            geocoder, prior = stage.geocoder, tuple(getattr(stage, "prior_countries", ()))
        except (KeyError, AttributeError):
            from rasd.config import PipelineConfig
            from rasd.gazetteer.geocoder import GazetteerGeocoder

            config = PipelineConfig.load()
            geocoder, prior = GazetteerGeocoder(config.gazetteer), config.gazetteer.prior_countries
        geocoder.load()
        nlp = ctx.spacy_factory() if ctx.spacy_factory is not None else None
        return cls(pipeline, geocoder, Resolver(geocoder, prior), nlp)

    def country_of(self, geonameid: int | None) -> str | None:
        """ISO code of the country of a GeoNames id the gazetteer knows."""
        if geonameid is None:
            return None
        if geonameid not in self.country_cache:
            finder = getattr(self.geocoder, "place", None)
            place = finder(geonameid) if finder is not None else None
            self.country_cache[geonameid] = place.country_code if place is not None else None
        return self.country_cache[geonameid]


def predicted_spans(pipeline: Any, doc: GoldDoc) -> tuple[list[tuple[int, int]], str | None]:
    """rasd's place-mention spans (in the original text's offsets), or an error message."""
    processed, error = run_document(pipeline, Document.from_text(doc.text))
    return _place_spans(processed, doc), error


def _place_spans(processed: Doc | None, doc: GoldDoc) -> list[tuple[int, int]]:
    if processed is None:
        return []
    mapper = span_mapper(processed.text, doc.text)
    return [mapper(m.start, m.end) for m in processed.mentions if m.label in PLACE_LABELS]


def predicted_spans_many(
    pipeline: Any, docs: list[GoldDoc], batch_size: int = BATCH_SIZE
) -> list[tuple[list[tuple[int, int]], str | None]]:
    """``predicted_spans`` for many documents, through ``pipeline.pipe`` in batches when it
    has one (a batch a stage rejects is run again document by document)."""
    piper = getattr(pipeline, "pipe", None)
    if piper is None:
        return [predicted_spans(pipeline, d) for d in docs]
    out: list[tuple[list[tuple[int, int]], str | None]] = []
    for i in range(0, len(docs), batch_size):
        chunk = docs[i : i + batch_size]
        try:
            processed = list(piper([Doc(Document.from_text(d.text)) for d in chunk]))
        except RasdError:
            out.extend(predicted_spans(pipeline, d) for d in chunk)
            continue
        out.extend((_place_spans(p, d), None) for p, d in zip(processed, chunk, strict=True))
    return out


def spacy_spans_many(nlp: Any, texts: list[str]) -> list[list[tuple[int, int]]]:
    """Plain spaCy NER place spans; only the NER component runs (it has its own tok2vec)."""
    enabled = [n for n in ("tok2vec", "ner") if n in nlp.pipe_names and _needed(nlp, n)]
    with nlp.select_pipes(enable=enabled or None):
        return [
            [(e.start_char, e.end_char) for e in sdoc.ents if e.label_ in PLACE_LABELS]
            for sdoc in nlp.pipe(texts, batch_size=BATCH_SIZE)
        ]


def _needed(nlp: Any, name: str) -> bool:
    if name != "tok2vec":
        return True
    return "ner" in getattr(nlp.get_pipe(name), "listening_components", [])


def resolve_gold(
    systems: _Systems, doc: GoldDoc
) -> tuple[dict[tuple[int, int], Place], set[tuple[int, int]]]:
    """Resolve all gold toponyms of a document together (resolution given gold spans).

    Returns the places and the spans placed by the focus fallback (no gazetteer match).
    """
    spans = sorted({(g.start, g.end) for g in doc.toponyms})
    mentions = [Mention(start=s, end=e, text=doc.text[s:e], label="GPE") for s, e in spans]
    places, fallback = {}, set()
    for r in systems.resolver.resolve(doc.text, mentions):
        if r.place is not None:
            span = (r.mention.start, r.mention.end)
            places[span] = r.place
            if getattr(r, "fallback", False):
                fallback.add(span)
    return places, fallback


def population_prior(systems: _Systems, doc: GoldDoc) -> dict[tuple[int, int], Place]:
    """The baseline: each gold toponym's first candidate, without document context."""
    from rasd.gazetteer.resolve import clean_name, context_hint, scored_candidates

    out = {}
    for g in doc.toponyms:
        hint = context_hint(doc.text, g.start, g.end)
        cands = scored_candidates(systems.geocoder, clean_name(doc.text[g.start : g.end]), hint)
        if cands:
            out[(g.start, g.end)] = cands[0][0]
    return out


def _score_places(
    systems: _Systems,
    doc: GoldDoc,
    places: dict[tuple[int, int], Place],
    fallback: set[tuple[int, int]] | None = None,
) -> list[Resolved]:
    out = []
    for g in doc.toponyms:
        if not g.resolvable:
            continue
        country = systems.country_of(g.country_id) or systems.country_of(g.geonameid)
        r = score_resolution(g, places.get((g.start, g.end)), country)
        r.fallback = (g.start, g.end) in (fallback or set())
        out.append(r)
    return out


def _recognition_errors(doc: GoldDoc, pred: list[tuple[int, int]]) -> list[ErrorRecord]:
    gold = {(g.start, g.end) for g in doc.toponyms}
    out = []
    for kind, spans in (("false_negative", gold - set(pred)), ("false_positive", set(pred) - gold)):
        for s, e in sorted(spans):
            expected = doc.text[s:e] if kind == "false_negative" else None
            predicted = doc.text[s:e] if kind == "false_positive" else None
            out.append(ErrorRecord(doc.doc_id, kind, expected, predicted,
                                   sentence_around(doc.text, s, e)))
    return out


def _resolution_errors(doc: GoldDoc, resolved: list[Resolved]) -> list[ErrorRecord]:
    out = []
    for r in resolved:
        if r.error_km <= ACC_KM:
            continue
        g, p = r.gold, r.place
        expected = {"name": g.text, "lat": g.lat, "lon": g.lon, "geonameid": g.geonameid}
        predicted = None if p is None else {
            "name": p.name, "country": p.country_code, "admin1": p.admin1,
            "feature_code": p.feature_code, "lat": p.latitude, "lon": p.longitude,
            "geonameid": p.geonameid, "error_km": round(r.error_km),
        }
        out.append(ErrorRecord(doc.doc_id, "far_location", expected, predicted,
                               sentence_around(doc.text, g.start, g.end)))
    return out


@dataclass
class _CorpusRun:
    rasd: Totals = field(default_factory=Totals)
    geotext: Totals = field(default_factory=Totals)
    spacy: Totals = field(default_factory=Totals)
    prior: list[Resolved] = field(default_factory=list)
    rejected: int = 0
    gold: int = 0
    resolvable: int = 0
    mismatches: int = 0
    realigned: int = 0


def _run_corpus(systems: _Systems, docs: list[GoldDoc], run: _CorpusRun,
                errors: list[ErrorRecord]) -> None:
    predictions = predicted_spans_many(systems.pipeline, docs)
    baseline = spacy_spans_many(systems.nlp, [d.text for d in docs]) if systems.nlp else None
    for i, doc in enumerate(docs):
        pred, error = predictions[i]
        run.rejected += error is not None
        resolved = _score_places(systems, doc, *resolve_gold(systems, doc))
        run.rasd.add(_recognition(doc, pred, resolved))
        run.geotext.add(_recognition(doc, geotext_spans(doc.text)))
        if baseline is not None:
            run.spacy.add(_recognition(doc, baseline[i]))
        run.prior.extend(_score_places(systems, doc, population_prior(systems, doc)))
        run.gold += len(doc.toponyms)
        run.resolvable += sum(g.resolvable for g in doc.toponyms)
        run.mismatches += doc.offset_mismatches
        run.realigned += doc.realigned
        errors.extend(_recognition_errors(doc, pred))
        errors.extend(_resolution_errors(doc, resolved))


def _recognition(doc: GoldDoc, pred: list[tuple[int, int]],
                 resolved: list[Resolved] | None = None) -> Totals:
    return Totals(recognition_prf(doc.toponyms, pred, "exact"),
                  recognition_prf(doc.toponyms, pred, "overlap"), resolved or [])


def _corpus_metrics(run: _CorpusRun) -> dict[str, float]:
    return {**run.rasd.recognition_metrics(), **run.rasd.resolution_metrics()}


def evaluate(ctx: EvalContext) -> EvalResult:
    corpora = load(ctx.dataset_dir(NAME), ctx.limit)
    systems = _Systems.from_context(ctx)
    result = EvalResult(NAME, anchors=dict(ANCHORS))
    runs: dict[str, _CorpusRun] = {}
    for corpus, docs in corpora.items():
        run = runs[corpus] = _CorpusRun()
        _run_corpus(systems, docs, run, result.errors)
        result.counts.update({
            f"{corpus}.docs": len(docs), f"{corpus}.gold_toponyms": run.gold,
            f"{corpus}.resolvable_toponyms": run.resolvable,
            f"{corpus}.offset_mismatches": run.mismatches, f"{corpus}.realigned": run.realigned,
            f"{corpus}.rejected_docs": run.rejected,
        })
        result.by_corpus[corpus] = _corpus_metrics(run)
    total = _CorpusRun()
    for run in runs.values():
        total.rasd.add(run.rasd)
        total.geotext.add(run.geotext)
        total.spacy.add(run.spacy)
        total.prior.extend(run.prior)
    result.metrics = _corpus_metrics(total)
    result.counts.update({"docs": sum(len(d) for d in corpora.values()),
                          "gold_toponyms": sum(r.gold for r in runs.values()),
                          "resolvable_toponyms": sum(r.resolvable for r in runs.values())})
    result.baselines = _baselines(runs, total, systems.nlp is not None)
    return result


def _baselines(runs: dict[str, _CorpusRun], total: _CorpusRun, spacy: bool) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {"geotext": total.geotext.recognition_metrics()}
    if spacy:
        out["spacy"] = total.spacy.recognition_metrics()
    out["population_prior"] = resolution_metrics(total.prior)
    for corpus, run in runs.items():
        out[f"geotext.{corpus}"] = run.geotext.recognition_metrics()
        if spacy:
            out[f"spacy.{corpus}"] = run.spacy.recognition_metrics()
        out[f"population_prior.{corpus}"] = resolution_metrics(run.prior)
    return out
