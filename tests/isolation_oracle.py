"""The isolation oracle: what each organisation must see, worked out from the TLP and
share rules alone (never by calling rasd.store.visibility), and the leak tally.

The rules (docs: rasd/store/visibility.py, issue 6):

1. an organisation sees what it owns;
2. everyone sees TLP:CLEAR and TLP:GREEN;
3. an event shared with the organisation (share in force, by its owner);
4. a report shared with it: the report and all its events;
5. a standing feed shared with it: the owner's AMBER and AMBER+STRICT events matching
   the feed's filters (never RED).

A report is seen under 1, 2 and 4 only. Everything else the oracle expects (lists,
counts, clusters, persons, profiles) is derived from the stored data (read back as
the local system) and these visible sets, with the filters re-implemented here.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from isolation_world import CANARY, World

from rasd.records import Actor, Document, Event, Share, content_id

OPEN = ("CLEAR", "GREEN")
FEED_MARKINGS = ("AMBER", "AMBER+STRICT")
#: least to most restrictive (written out here, not read from rasd.taxonomy)
RANK = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


def actors_of(e: Event) -> list[Actor]:
    return [a for a in (e.actor1, *e.assoc_actor_1, e.actor2, *e.assoc_actor_2) if a is not None]


def canaries(text: str) -> set[str]:
    return {c.lower() for c in CANARY.findall(text)}


# -- filters, re-implemented --------------------------------------------------------------


def _low(text: str | None) -> str:
    return (text or "").lower()


def matches(e: Event, f: dict[str, Any]) -> bool:
    """Does the event pass the API filters ``f`` (the query parameters of /api/events)?"""
    return all(_CHECKS[key](e, value) for key, value in f.items() if key in _CHECKS)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _since(e: Event, v: Any) -> bool:
    return e.event_date is not None and e.event_date >= _day(v)


def _until(e: Event, v: Any) -> bool:
    return e.event_date is not None and e.event_date <= _day(v)


def _types(e: Event, v: Any) -> bool:
    return e.event_type in ([v] if isinstance(v, str) else v)


def _actor(e: Event, v: str) -> bool:
    return any(a.id == v or _low(v) in _low(a.name) for a in actors_of(e))


def _person(e: Event, v: str) -> bool:
    return any(_low(v) in _low(p.name) for p in e.persons)


def _country(e: Event, v: str) -> bool:
    if e.place is None:
        return False
    coded = e.place.country_code if len(v) == 2 else e.place.country
    return _low(coded) == _low(v)


def _admin1(e: Event, v: str) -> bool:
    return e.place is not None and _low(e.place.admin1) == _low(v)


def _bbox(e: Event, v: str) -> bool:
    s, w, n, east = (float(x) for x in v.split(","))
    p = e.place
    if p is None or p.latitude is None or p.longitude is None:
        return False
    return s <= p.latitude <= n and w <= p.longitude <= east


def _near(e: Event, v: str) -> bool:
    lat, lon, km = (float(x) for x in v.split(","))
    p = e.place
    if p is None or p.latitude is None or p.longitude is None:
        return False
    p1, p2 = math.radians(lat), math.radians(p.latitude)
    dp, dl = p2 - p1, math.radians(p.longitude - lon)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a))) <= km


def _text(e: Event, v: str) -> bool:
    said = [e.notes, e.location, *(a.name for a in actors_of(e))]
    said += [ev.sentence for ev in e.evidence]
    return any(_low(v) in _low(t) for t in said)


_CHECKS = {
    "since": _since,
    "until": _until,
    "event_type": _types,
    "actor": _actor,
    "person": _person,
    "country": _country,
    "admin1": _admin1,
    "bbox": _bbox,
    "near": _near,
    "q": _text,
}


def period(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


# -- the oracle ------------------------------------------------------------------------------


class Oracle:
    """What each organisation of ``world`` may see. ``history``: count withdrawn shares as
    still in force (what an organisation saw before a withdrawal, e.g. in its audit log)."""

    def __init__(self, world: World, history: bool = False) -> None:
        self.w = world
        self.history = history
        self._events: dict[tuple[str, bool], set[str]] = {}
        self._forbidden: dict[tuple[str, str], Any] = {}

    def _in_force(self, org: str, kind: str) -> list[Share]:
        return [
            s
            for s in self.w.shares
            if s.partner == org and s.kind == kind and (self.history or s.withdrawn_at is None)
        ]

    def sees_event(self, org: str, e: Event, feeds: bool = True) -> bool:
        if e.org == org or e.tlp in OPEN:
            return True
        shared = {(s.org, s.target) for k in ("event", "document") for s in self._in_force(org, k)}
        if (e.org, e.id) in shared or (e.org, e.document_id) in shared:
            return True
        if not feeds or e.tlp not in FEED_MARKINGS:
            return False
        return any(
            s.org == e.org and matches(e, self.w.feeds[s.id or 0])
            for s in self._in_force(org, "feed")
        )

    def visible_events(self, org: str, feeds: bool = True) -> set[str]:
        key = (org, feeds)
        if key not in self._events:
            self._events[key] = {
                i for i, e in self.w.events.items() if self.sees_event(org, e, feeds)
            }
        return self._events[key]

    def visible_documents(self, org: str) -> set[str]:
        shared = {(s.org, s.target) for s in self._in_force(org, "document")}
        return {
            i
            for i, d in self.w.documents.items()
            if d.org == org or d.tlp in OPEN or (d.org, i) in shared
        }

    # -- what may appear in a response -----------------------------------------------------

    @cached_property
    def _item_canaries(self) -> dict[tuple[str, str], set[str]]:
        out: dict[tuple[str, str], set[str]] = {}
        for i, e in self.w.events.items():
            out[("event", i)] = canaries(e.model_dump_json())
        for i, d in self.w.documents.items():
            out[("document", i)] = canaries(d.model_dump_json())
        for c in self.w.corrections:
            out[("correction", f"{c.org}:{c.id}")] = canaries(c.model_dump_json())
        return out

    def forbidden_canaries(self, org: str) -> set[str]:
        if (org, "canaries") not in self._forbidden:
            self._forbidden[(org, "canaries")] = self._forbidden_canaries(org)
        found: set[str] = self._forbidden[(org, "canaries")]
        return found

    def _forbidden_canaries(self, org: str) -> set[str]:
        seen = {("event", i) for i in self.visible_events(org)}
        seen |= {("document", i) for i in self.visible_documents(org)}
        seen |= {("correction", f"{c.org}:{c.id}") for c in self.w.corrections if c.org == org}
        allowed = set().union(*(v for k, v in self._item_canaries.items() if k in seen))
        every = set().union(*self._item_canaries.values())
        return every - allowed

    def forbidden_ids(self, org: str) -> dict[str, str]:
        """id -> what it is, for every id the organisation must never meet."""
        if (org, "ids") not in self._forbidden:
            self._forbidden[(org, "ids")] = self._forbidden_ids(org)
        found: dict[str, str] = self._forbidden[(org, "ids")]
        return found

    def _forbidden_ids(self, org: str) -> dict[str, str]:
        events = self.visible_events(org)
        named = {x for c in self.w.corrections if c.org == org for x in (c.target, c.other) if x}
        out = {i: f"hidden event ({e.org} {e.tlp})" for i, e in self.w.events.items()}
        for i in events | named:
            out.pop(i, None)
        referenced = self.visible_documents(org) | {self.w.events[i].document_id for i in events}
        for i, d in self.w.documents.items():
            if i not in referenced:
                out[i] = f"hidden document ({d.org} {d.tlp})"
        for pid, mentioned in self.person_mentions().items():
            if not mentioned & events:
                out[pid] = "hidden person"
        for other, users in self.w.users.items():
            if other != org:
                out.update({u.id: f"user of {other}" for u in users})
        for s in self.w.shares:  # a share given to us names who made it (by design)
            if s.partner == org and s.withdrawn_at is None:
                out.pop(s.created_by, None)
        return out

    # -- expected answers --------------------------------------------------------------------

    def matching(self, org: str, f: dict[str, Any]) -> set[str]:
        return {i for i in self.visible_events(org) if matches(self.w.events[i], f)}

    def expected(self, org: str, f: dict[str, Any]) -> set[str]:
        """The events a list, count or export with the API filters ``f`` must show."""
        plain = {k: v for k, v in f.items() if k != "distinct"}
        return self.distinct(org, plain) if f.get("distinct") else self.matching(org, plain)

    def cluster(self, event_id: str) -> str:
        return self.w.clusters.get(event_id, event_id)

    def members(self, cluster_id: str) -> set[str]:
        return {e for e, c in self.w.clusters.items() if c == cluster_id}

    def shown_cluster(self, org: str, event_id: str) -> tuple[str, int, set[str]]:
        """(cluster id shown, source count, visible members) of a visible event."""
        if event_id not in self.w.clusters:
            return event_id, 1, {event_id}
        c = self.w.clusters[event_id]
        seen = self.members(c) & self.visible_events(org)
        return (c if c in seen else min(seen)), len(seen), seen

    def distinct(self, org: str, f: dict[str, Any]) -> set[str]:
        """One event per incident: its representative if the organisation sees it (by rules
        1-4), else the visible member with the lowest id (rasd/store/query.py)."""
        simple = self.visible_events(org, feeds=False)
        out = set()
        for e in self.matching(org, f):
            if e not in self.w.clusters:
                out.add(e)
                continue
            c = self.w.clusters[e]
            before = [
                o for o in self.members(c) - {e} if o in simple and (o == c or (c != e and o < e))
            ]
            if not before:
                out.add(e)
        return out

    def stats(self, org: str, f: dict[str, Any], interval: str, by: str) -> Counter[tuple]:
        counts: Counter[tuple[str, str]] = Counter()
        for i in self.expected(org, f):
            e = self.w.events[i]
            if e.event_date is None:
                continue
            if by == "actor":
                keys = {a.name for a in actors_of(e)}
            elif by == "admin1":
                keys = {e.place.admin1 if e.place else ""}
            else:
                keys = {e.event_type}
            start = period(e.event_date, interval).isoformat()
            counts.update((k, start) for k in keys)
        return counts

    def places(self, org: str, f: dict[str, Any]) -> Counter[tuple]:
        counts: Counter[tuple[Any, ...]] = Counter()
        for i in self.expected(org, f):
            p = self.w.events[i].place
            if p is not None:
                counts[(p.name, p.admin1, p.country, p.latitude, p.longitude)] += 1
        return counts

    def actor_counts(self, org: str) -> dict[str, tuple[set[str], int]]:
        """actor id -> (the names visible events code it under, how many visible events)."""
        counts: Counter[str] = Counter()
        names: dict[str, set[str]] = {}
        for i in self.visible_events(org):
            for a in actors_of(self.w.events[i]):
                names.setdefault(a.id, set()).add(a.name)
            counts.update({a.id for a in actors_of(self.w.events[i])})
        return {a: (names[a], n) for a, n in counts.items()}

    def actor_events(self, org: str, actor_id: str) -> set[str]:
        return {
            i
            for i in self.visible_events(org)
            if any(a.id == actor_id for a in actors_of(self.w.events[i]))
        }

    def person_mentions(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for r in self.w.refs:
            if r.event_id in self.w.events:
                out.setdefault(r.person_id, set()).add(r.event_id)
        return out

    def visible_persons(self, org: str) -> dict[str, set[str]]:
        events = self.visible_events(org)
        found = {p: m & events for p, m in self.person_mentions().items()}
        return {p: m for p, m in found.items() if m}

    def shares(self, org: str) -> set[int]:
        return {
            s.id
            for s in self.w.shares
            if s.id is not None and (s.org == org or (s.partner == org and s.withdrawn_at is None))
        }


# -- what re-adds and imports must leave stored (issue 12) ---------------------------------

Stored = dict[str, tuple[str, str, str]]  # report id -> (organisation, marking, text)


def after_readds(
    documents: dict[str, Document],
    readds: list[Document],
    imports: list[tuple[str, Document]],
) -> Stored:
    """(organisation, marking, text) of every report stored after ``readds`` (reports
    re-added by their owner without a marking) and ``imports`` ((importing organisation,
    a report as its bundle holds it, marked as the bundle marks it)), from the promises:

    * a re-add without a marking keeps the stored marking (never the org's default);
    * an imported report the importer already holds (its id is the hash of its text for
      the importer) keeps its text and marking, raised if the bundle's is higher, never
      lowered;
    * any other (a forged id, another organisation's report) becomes a NEW report of the
      importing organisation (id: the hash of its text for it), the stored one untouched.
    """
    out: Stored = {i: (d.org, d.tlp, d.text) for i, d in documents.items()}
    for doc in readds:
        assert doc.id in out, f"re-add of {doc.id}, which is not stored"
    for org, bundled in imports:
        own = content_id(bundled.text, org)
        if own in out:
            holder, tlp, text = out[own]
            out[own] = (holder, max(tlp, bundled.tlp, key=RANK.index), text)
        else:
            out[own] = (org, bundled.tlp, bundled.text)
    return out


# -- the tally of attempts and leaks -----------------------------------------------------------


def _route(endpoint: str) -> str:
    """GET /api/events/abc... {'q': 1} -> GET /api/events/{id} (ids and filters dropped)."""
    method, _, rest = endpoint.partition(" ")
    path = rest.split(" ")[0]
    return method + " " + re.sub(r"/(?:[0-9a-f]{24,32}|p-[0-9a-f]{16}|\d+)(?=/|$)", "/{id}", path)


@dataclass
class Leak:
    backend: str
    viewer: str
    endpoint: str
    kind: str  # canary, id, status, count, extra, not-404-alike
    detail: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class Tally:
    """Every cross-organisation request made, every leak found (and every place where the API
    shows less than the rules allow: ``misses``, not leaks but reported)."""

    attempts: int = 0
    leaks: list[Leak] = field(default_factory=list)
    misses: list[Leak] = field(default_factory=list)
    backends: set[str] = field(default_factory=set)
    worlds: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per endpoint

    def report(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "leaks": len(self.leaks),
            "examples": [x.as_dict() for x in self.leaks[:20]],
            "leaks_by_route": dict(Counter(f"{_route(x.endpoint)} {x.kind}" for x in self.leaks)),
            "backends": sorted(self.backends),
            "worlds": self.worlds,
            "misses": len(self.misses),
            "miss_examples": [x.as_dict() for x in self.misses[:20]],
            "attempts_by_endpoint": dict(sorted(self.by_endpoint.items())),
            "seconds_by_endpoint": {k: round(v, 2) for k, v in sorted(self.seconds.items())},
        }

    def write(self, path: Path) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.report(), indent=2) + "\n", encoding="utf-8")
        kinds = Counter(_route(x.endpoint) for x in self.leaks)
        return (
            f"isolation: {self.attempts} cross-organisation attempts over {self.worlds} worlds "
            f"on {', '.join(sorted(self.backends)) or 'no backend'}: {len(self.leaks)} leaks "
            f"{dict(kinds) if kinds else ''}, {len(self.misses)} misses -> {path}"
        )
