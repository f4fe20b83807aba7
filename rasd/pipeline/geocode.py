"""Stage 'geocode': resolve every toponym to a place, then give each event its place.

1. ``doc.places``: every GPE/LOC/FAC mention is resolved with the document-level
   resolver (``rasd.gazetteer.resolve``), so all toponyms of a document inform
   each other (admin context, document focus, proximity).
2. Each event candidate gets ``place``, ``place_span`` and ``geo_precision`` (ACLED):

   - its place references (``candidate.places``, nearest the trigger first, filled
     by the arguments stage) are resolved; the most specific place consistent with
     the nearest one wins: in "in Anbar Governorate ... an ambush in the Rutba
     district" the district (inside Anbar) beats the governorate;
   - a town: precision 1, or 2 when the reference is "near"/"outskirts of";
   - a district (ADM2): precision 2, placed at its main town (the town itself is
     used as the place when the gazetteer has it: ACLED names the town);
   - only a province (ADM1), a region or a country: precision 3;
   - no place reference: the toponyms of the candidate's sentence (precision at
     least 2), else the document's main admin1 area (precision 3);
   - a name the gazetteer lacks (resolved by the focus fallback): precision at least 2,
     and a matched reference is preferred to it; a reference of role "region": at least 2.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rasd.config import PipelineConfig
from rasd.gazetteer.rank import COUNTRY_CODES
from rasd.gazetteer.resolve import Resolver, contains
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc, EventCandidate, PlaceRef, Span
from rasd.records import PLACE_LABELS, Mention, Place

#: Specificity of a place: towns above districts above provinces above countries.
_LEVEL = {"P": 3, "ADM2": 2, "ADM1": 1, "ADMD": 1}


def level(place: Place) -> int:
    if place.feature_class == "P":
        return 3
    return _LEVEL.get(place.feature_code, 0)


def precision_for(place: Place, near: bool) -> int:
    """ACLED geo_precision for a chosen place."""
    lvl = level(place)
    if lvl == 3:
        return 2 if near else 1
    if lvl == 2:
        return 2
    return 3


def related(a: Place, b: Place) -> bool:
    """Same place, or one contains the other."""
    same = a.geonameid is not None and a.geonameid == b.geonameid
    return same or a == b or contains(a, b) or contains(b, a)


def choose(resolved: list[tuple[PlaceRef, Place]]) -> tuple[PlaceRef, Place] | None:
    """The most specific place consistent with the first (nearest) reference."""
    if not resolved:
        return None
    anchor = resolved[0][1]
    consistent = [rp for rp in resolved if related(rp[1], anchor)]
    return max(consistent, key=lambda rp: level(rp[1]))  # max keeps the first among ties


@dataclass
class GeocodeStage:
    geocoder: Any
    prior_countries: tuple[str, ...] = ()
    name: str = "geocode"
    requires: tuple[str, ...] = ("arguments", "mentions")
    assigns: tuple[str, ...] = ("places", "event_places")
    resolver: Resolver | None = field(default=None, repr=False)

    def load(self) -> None:
        self.geocoder.load()
        if self.resolver is None:
            self.resolver = Resolver(self.geocoder, self.prior_countries)

    def __call__(self, doc: Doc) -> Doc:
        self.load()
        doc.places = self.resolve_toponyms(doc)
        for cand in doc.candidates:
            self.place_candidate(doc, cand)
        return doc

    def resolve_toponyms(self, doc: Doc) -> dict[tuple[int, int], Place]:
        """Every toponym span (mentions and the candidates' place references) -> its place.

        Spans placed by the resolver's focus fallback (names the gazetteer lacks) are
        listed in ``doc.extra["geocode_fallback"]``.
        """
        assert self.resolver is not None
        mentions = [m for m in doc.mentions if m.label in PLACE_LABELS]
        known = {(m.start, m.end) for m in mentions}
        for c in doc.candidates:
            for ref in c.places:
                if (ref.span.start, ref.span.end) not in known:
                    known.add((ref.span.start, ref.span.end))
                    mentions.append(
                        Mention(
                            start=ref.span.start, end=ref.span.end, text=ref.span.text, label="GPE"
                        )
                    )
        mentions.sort(key=lambda m: (m.start, m.end))
        places: dict[tuple[int, int], Place] = {}
        fallback: list[tuple[int, int]] = []
        for r in self.resolver.resolve(doc.text, mentions):
            if r.place is not None:
                places[(r.mention.start, r.mention.end)] = r.place
                if r.fallback:
                    fallback.append((r.mention.start, r.mention.end))
        doc.extra["geocode_fallback"] = fallback
        return places

    def place_candidate(self, doc: Doc, cand: EventCandidate) -> None:
        refs = list(cand.places)
        floor = 1
        if not refs:
            refs = _sentence_refs(doc, cand)
            floor = 2
        resolved = [
            (r, doc.places[(r.span.start, r.span.end)])
            for r in refs
            if (r.span.start, r.span.end) in doc.places
        ]
        guessed = set(doc.extra.get("geocode_fallback", []))
        matched = [rp for rp in resolved if (rp[0].span.start, rp[0].span.end) not in guessed]
        picked = choose(matched) or choose(resolved)
        if picked is None:
            self._document_fallback(doc, cand)
            return
        ref, place = picked
        if (ref.span.start, ref.span.end) in guessed or ref.role == "region":
            floor = 2  # a name the gazetteer lacks, placed at the document's focus; a region
        precision = max(precision_for(place, ref.near or ref.role == "near"), floor)
        if place.feature_code == "ADM2":
            place = self._main_town(place)
        cand.place, cand.place_span, cand.geo_precision = place, ref.span, precision

    def _main_town(self, district: Place) -> Place:
        """The town a district is placed at (same point), or the district itself."""
        for p in self.geocoder.candidates(district.name, district.country_code or None):
            if (
                p.feature_class == "P"
                and p.admin2 == district.admin2
                and p.latitude == district.latitude
                and p.longitude == district.longitude
            ):
                return p
        return district

    def _document_fallback(self, doc: Doc, cand: EventCandidate) -> None:
        main = main_place(doc, self.geocoder)
        if main is not None:
            cand.place, cand.place_span, cand.geo_precision = main[0], main[1], 3


def _sentence_refs(doc: Doc, cand: EventCandidate) -> list[PlaceRef]:
    spans = [
        Span(s, e, doc.text[s:e])
        for (s, e) in doc.places
        if cand.sentence.start <= s < cand.sentence.end
    ]
    spans.sort(key=lambda sp: abs(sp.start - cand.trigger.start))
    return [PlaceRef(span=sp) for sp in spans]


def main_place(doc: Doc, geocoder: Any) -> tuple[Place, Span] | None:
    """The document's main admin1 area (most mentioned; its first place when the gazetteer
    has no such area), else its main country."""
    admin1s: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    first: dict[Any, tuple[int, int]] = {}
    for span, place in sorted(doc.places.items()):
        countries[place.country_code] += 1
        first.setdefault(place.country_code, span)
        if place.admin1 and place.feature_code not in COUNTRY_CODES:
            admin1s[(place.country_code, place.admin1)] += 1
            first.setdefault((place.country_code, place.admin1), span)
    for key, _ in admin1s.most_common(1):
        s, e = first[key]
        area = _admin1_place(geocoder, key[0], key[1], doc.places) or doc.places[(s, e)]
        return area, Span(s, e, doc.text[s:e])
    for cc, _ in countries.most_common(1):
        for (s, e), place in sorted(doc.places.items()):
            if place.country_code == cc and place.feature_code in COUNTRY_CODES:
                return place, Span(s, e, doc.text[s:e])
    return None


def _admin1_place(
    geocoder: Any, cc: str, admin1: str, places: dict[tuple[int, int], Place]
) -> Place | None:
    for place in places.values():
        if place.feature_code == "ADM1" and place.country_code == cc and place.admin1 == admin1:
            return place
    finder = getattr(geocoder, "admin_area", None)
    if finder is not None:
        found: Place | None = finder(cc, admin1)
        return found
    return next((p for p in geocoder.candidates(admin1, cc) if p.feature_code == "ADM1"), None)


@register("geocode")
def make(config: PipelineConfig, backends: Backends) -> GeocodeStage:
    return GeocodeStage(backends.get_geocoder(config), tuple(config.gazetteer.prior_countries))
