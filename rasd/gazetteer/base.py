"""The Geocoder interface. Implementations: ``GazetteerGeocoder`` (offline GeoNames) and
``FakeGeocoder`` (in memory, for tests)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from rasd.records import Place


@runtime_checkable
class Geocoder(Protocol):
    def load(self) -> None:
        """Load the index (idempotent). Constructors never load."""

    def candidates(self, name: str, country_code: str | None = None) -> list[Place]:
        """Places a toponym may refer to, most likely first (cities, admin1/admin2, countries)."""
        ...

    def patterns(self) -> list[dict[str, Any]]:
        """spaCy EntityRuler patterns (label GPE or LOC) for names spaCy's NER tends to miss."""
        ...
