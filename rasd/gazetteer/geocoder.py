"""Geocoders: ``GazetteerGeocoder`` (offline GeoNames index) and ``FakeGeocoder`` (tests).

``GazetteerGeocoder.load()`` opens ``<cache_dir>/gazetteer-<version>.sqlite``,
building it first when it is missing (about half a minute, once per version; see
``rasd.gazetteer.build``). Opening takes milliseconds and the process keeps only
SQLite's page cache in memory: names are looked up through the file's index.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from rasd.config import GazetteerConfig, Settings
from rasd.exceptions import GazetteerError
from rasd.gazetteer import normalize as nz
from rasd.gazetteer.build import build_index, default_index_path
from rasd.gazetteer.patterns import build_patterns, cache_tag
from rasd.gazetteer.rank import rank
from rasd.records import Place

log = logging.getLogger(__name__)

MAX_CANDIDATES = 30
_COLUMNS = "p.id, p.name, p.country, p.cc, p.admin1, p.admin2, p.lat, p.lon, p.fclass, p.fcode, p.pop"


def _place(row: tuple[Any, ...]) -> Place:
    gid, name, country, cc, admin1, admin2, lat, lon, fclass, fcode, pop = row[:11]
    return Place(
        geonameid=gid if gid and gid > 0 else None,
        name=name,
        country=country or "",
        country_code=cc or "",
        admin1=admin1 or "",
        admin2=admin2 or "",
        latitude=lat,
        longitude=lon,
        feature_class=fclass,
        feature_code=fcode,
        population=pop or 0,
    )


def _remove_stale(current: Path, min_population: int) -> None:
    """Delete older index versions (and their pattern files) for the same min_population,
    and temp files of builds that died more than an hour ago."""
    for old in current.parent.glob(f"gazetteer-*-p{min_population}-*"):
        try:
            if old.suffix == ".tmp":  # a build in progress, unless it stopped an hour ago
                if time.time() - old.stat().st_mtime > 3600:
                    old.unlink()
            elif not old.name.startswith(current.stem):
                old.unlink()
        except OSError as exc:  # another process may hold or remove it; it is only disk space
            log.info("cannot remove the stale index %s: %s", old, exc)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache only costs time
        log.warning("cannot cache the ruler patterns at %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


def _default_cache_dir() -> Path:
    """``RASD_CACHE_DIR`` if set, else the platform's user cache dir for rasd."""
    return Path(Settings().cache_dir)


def _queries(name: str) -> list[tuple[str, str | None]]:
    """The texts to look up for a mention: itself, then its core without a designator."""
    text = " ".join(name.split()).strip(" ,.;:()[]\"'“”‘’")
    out: list[tuple[str, str | None]] = [(text, None)]
    core, hint = nz.split_designator(text)
    if hint is not None and core:
        out = [(text, hint), (core, hint)]
        core2, _ = nz.split_designator(core)
        if core2 != core and core2:
            out.append((core2, hint))
    return out


class GazetteerGeocoder:
    """The offline GeoNames geocoder. Thread-safe; re-opens its file after a fork."""

    def __init__(self, config: GazetteerConfig, cache_dir: Path | None = None) -> None:
        self.config = config
        self.cache_dir = Path(cache_dir) if cache_dir else _default_cache_dir()
        self._con: sqlite3.Connection | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._patterns: list[dict[str, Any]] | None = None
        self.build_seconds: float | None = None  # set when load() had to build the index
        self.load_seconds: float | None = None

    @property
    def path(self) -> Path:
        return default_index_path(self.cache_dir, self.config.min_population)

    def load(self) -> None:
        if self._con is not None and self._pid == os.getpid():
            return
        path = self.path
        if not path.is_file():
            stats = build_index(path, self.config.min_population)
            self.build_seconds = stats.seconds
            log.warning("built the gazetteer index in %.1f s (%s)", stats.seconds, path)
            _remove_stale(path, self.config.min_population)
        start = time.perf_counter()
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            con.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
        except sqlite3.Error as exc:
            raise GazetteerError(
                str(path), f"cannot be read ({exc})", "delete the file; it is rebuilt on next load"
            ) from exc
        self._con, self._pid = con, os.getpid()
        self.load_seconds = time.perf_counter() - start

    def _rows(self, key: str) -> list[tuple[Any, ...]]:
        self.load()
        assert self._con is not None
        with self._lock:
            return self._con.execute(
                f"SELECT {_COLUMNS}, n.strict, n.main FROM names n JOIN places p ON p.id = n.place "
                "WHERE n.key = ?",
                (key,),
            ).fetchall()

    def scored_candidates(
        self, name: str, country_code: str | None = None
    ) -> list[tuple[Place, float]]:
        """Candidates with their context-free scores (``rasd.gazetteer.rank``), best first."""
        matches: list[tuple[Place, bool, bool]] = []
        hint: str | None = None
        for text, text_hint in _queries(name):
            hint = hint or text_hint
            key, strict = nz.loose_key(text), nz.strict_key(text)
            if len(key) < 2:
                continue
            for row in self._rows(key):
                if country_code and row[3] != country_code.upper():
                    continue
                matches.append((_place(row), strict in row[11].split("|"), bool(row[12])))
        return rank(matches, hint)[:MAX_CANDIDATES]

    def candidates(self, name: str, country_code: str | None = None) -> list[Place]:
        return [p for p, _ in self.scored_candidates(name, country_code)]

    def place(self, geonameid: int) -> Place | None:
        """The place with a GeoNames id, if indexed."""
        self.load()
        assert self._con is not None
        with self._lock:
            row = self._con.execute(
                f"SELECT {_COLUMNS} FROM places p WHERE p.id = ?", (geonameid,)
            ).fetchone()
        return _place(row) if row else None

    def country(self, country_code: str) -> Place | None:
        """The country with an ISO alpha-2 code."""
        self.load()
        assert self._con is not None
        with self._lock:
            row = self._con.execute(
                f"SELECT {_COLUMNS} FROM places p WHERE p.cc = ? AND p.fcode = 'PCLI'",
                (country_code.upper(),),
            ).fetchone()
        return _place(row) if row else None

    def admin_area(self, country_code: str, name: str, feature_code: str = "ADM1") -> Place | None:
        """The admin area of a country with a display name (``"IQ", "Anbar"``)."""
        for p in self.candidates(name, country_code):
            if p.feature_code == feature_code:
                return p
        return None

    def patterns(self) -> list[dict[str, Any]]:
        """Ruler patterns, cached as JSON beside the index (built on first use, ~3 s)."""
        if self._patterns is None:
            self.load()
            cache = self.path.with_name(f"{self.path.stem}.patterns-{cache_tag()}.json")
            try:
                self._patterns = json.loads(cache.read_text("utf-8"))
            except (OSError, ValueError):
                self._patterns = self._build_patterns()
                _write_atomic(cache, json.dumps(self._patterns))
        return list(self._patterns or [])

    def _build_patterns(self) -> list[dict[str, Any]]:
        assert self._con is not None
        with self._lock:
            entries = self._con.execute("SELECT text, label, kind, pop FROM ruler").fetchall()
        return build_patterns(entries)

    def meta(self) -> dict[str, str]:
        self.load()
        assert self._con is not None
        with self._lock:
            return dict(self._con.execute("SELECT k, v FROM meta").fetchall())

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(_con=None, _pid=0, _lock=None, _patterns=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


class FakeGeocoder:
    """An in-memory geocoder over a list of places, for tests.

    Each place is found by its name (and that name without a designator), its admin
    names when it is an admin area, and any ``aliases`` given as ``{alias: name}``.
    """

    def __init__(self, places: list[Place], aliases: dict[str, str] | None = None,
                 patterns: list[dict[str, Any]] | None = None) -> None:
        self.places = list(places)
        self.aliases = dict(aliases or {})
        self._patterns = list(patterns or [])
        self._index: dict[str, list[tuple[Place, str, bool]]] | None = None
        self.loaded = False

    def load(self) -> None:
        if self._index is not None:
            return
        index: dict[str, list[tuple[Place, str, bool]]] = {}
        for p in self.places:
            names = {p.name: True, nz.split_designator(p.name)[0]: True}
            names.update({a: False for a, target in self.aliases.items() if target == p.name})
            for n, main in names.items():
                index.setdefault(nz.loose_key(n), []).append((p, nz.strict_key(n), main))
        self._index = index
        self.loaded = True

    def scored_candidates(
        self, name: str, country_code: str | None = None
    ) -> list[tuple[Place, float]]:
        self.load()
        assert self._index is not None
        matches: list[tuple[Place, bool, bool]] = []
        hint: str | None = None
        for text, text_hint in _queries(name):
            hint = hint or text_hint
            for p, strict, main in self._index.get(nz.loose_key(text), []):
                if not country_code or p.country_code == country_code.upper():
                    matches.append((p, strict == nz.strict_key(text), main))
        return rank(matches, hint)

    def candidates(self, name: str, country_code: str | None = None) -> list[Place]:
        return [p for p, _ in self.scored_candidates(name, country_code)]

    def patterns(self) -> list[dict[str, Any]]:
        return list(self._patterns)


def load_seconds(cache_dir: Path | None = None, min_population: int = 500) -> float:
    """Seconds to load the gazetteer from its cache file and answer one lookup.

    Builds the cache file first when it is missing (not timed). For benchmarks.
    """
    config = GazetteerConfig(min_population=min_population)
    GazetteerGeocoder(config, cache_dir).load()  # build if needed
    start = time.perf_counter()
    geocoder = GazetteerGeocoder(config, cache_dir)
    geocoder.load()
    geocoder.candidates("Kirkuk")
    return time.perf_counter() - start
