"""Every read endpoint and export, called as each organisation, checked against the oracle.

    probe = Probe(client, world, tally, "sqlite")
    for org in world.orgs:
        probe.reads(org)
    for org in world.orgs:
        probe.writes(org)        # refused cross-organisation writes, after all reads

A response leaks when it holds a canary or an id the oracle says the organisation must
not meet, when it lists an event, person, actor or place (or counts one) outside what
the organisation sees, or when a hidden id answers anything but the 404 an unknown id
gets. Where the API shows *less* than the rules allow, that is a miss (reported, not a
leak).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from isolation_oracle import Leak, Oracle, Tally, canaries
from isolation_world import BASES, KB_ACTORS, SURNAMES, World

Response = Any  # what TestClient answers (an httpx response)
UNKNOWN = {
    "event": "deadbeef" * 3,
    "document": "deadbeef" * 4,
    "person": "p-" + "deadbeef" * 2,
    "actor": "no-such-actor",
}
INTERVALS = ("day", "week", "month")
BYS = ("event_type", "admin1", "actor")
EXPORTS = ("jsonl", "acled-csv", "geojson", "stix")


def alike(a: Response, a_id: str, b: Response, b_id: str) -> bool:
    """Do two answers match, apart from the id each was asked about?"""

    def masked(r: Response, item: str) -> str:
        return re.sub(rf"\b{re.escape(item)}\b", "<id>", r.text)

    return a.status_code == b.status_code and masked(a, a_id) == masked(b, b_id)


class Probe:
    def __init__(self, client: TestClient, world: World, tally: Tally, backend: str) -> None:
        self.c, self.w, self.t, self.backend = client, world, tally, backend
        self.o = Oracle(world)
        self.history = Oracle(world, history=True)
        self._unknown: dict[tuple[str, str], Response] = {}
        tally.backends.add(backend)
        tally.worlds += 1

    # -- requests and what they must not hold ----------------------------------------------

    def leak(self, org: str, endpoint: str, kind: str, detail: str) -> None:
        self.t.leaks.append(Leak(self.backend, org, endpoint, kind, detail))

    def miss(self, org: str, endpoint: str, kind: str, detail: str) -> None:
        self.t.misses.append(Leak(self.backend, org, endpoint, kind, detail))

    def get(self, org: str, path: str, params: dict[str, Any] | None = None) -> Response:
        return self._call(org, "GET", path, params=params)

    def post(self, org: str, path: str, body: dict[str, Any] | None = None) -> Response:
        return self._call(org, "POST", path, json=body)

    def _call(self, org: str, method: str, path: str, **kw: Any) -> Response:
        endpoint = f"{method} {_route(path)}"
        if not self._own(org, path):  # a read of one's own item by id is no cross-org attempt
            self.t.attempts += 1
            self.t.by_endpoint[endpoint] += 1
        began = time.perf_counter()
        r = self.c.request(method, path, headers=self.w.headers(org), **kw)
        spent = time.perf_counter() - began
        self.t.seconds[endpoint] = self.t.seconds.get(endpoint, 0.0) + spent
        oracle = self.history if path.startswith("/api/audit") else self.o
        where = f"{endpoint} {kw.get('params') or kw.get('json') or ''}".strip()
        asked = path + json.dumps(kw.get("params") or kw.get("json") or {})  # may be echoed
        for c in sorted(canaries(r.text) & oracle.forbidden_canaries(org) - canaries(asked)):
            self.leak(org, where, "canary", f"{c} (in {self._owner_of(c)})")
        for i, what in oracle.forbidden_ids(org).items():
            if i in r.text and i not in asked:
                self.leak(org, where, "id", f"{i}: {what}")
        return r

    def _own(self, org: str, path: str) -> bool:
        item = path.rstrip("/").split("/")[-1]
        owned = self.w.events.get(item) or self.w.documents.get(item)
        return owned is not None and owned.org == org

    def _owner_of(self, canary: str) -> str:
        for e in self.w.events.values():
            if canary in e.model_dump_json().lower():
                return f"event {e.id} of {e.org}, {e.tlp}"
        for d in self.w.documents.values():
            if canary in d.model_dump_json().lower():
                return f"document {d.id} of {d.org}, {d.tlp}"
        return "a correction of another organisation"

    def ok(self, org: str, r: Response, where: str) -> Any:
        if r.status_code != 200:
            self.miss(org, where, "status", f"{r.status_code} {r.text[:200]}")
            return None
        return r.json()

    def hidden(self, org: str, kind: str, path: str, item: str, r: Response) -> None:
        """A hidden id must answer exactly as an unknown one."""
        if (org, kind) not in self._unknown:
            twin = path.replace(item, UNKNOWN[kind])
            self._unknown[(org, kind)] = self.c.get(twin, headers=self.w.headers(org))
        unknown = self._unknown[(org, kind)]
        if r.status_code != 404 or not alike(r, item, unknown, UNKNOWN[kind]):
            self.leak(org, f"GET {_route(path)}", "not-404-alike", f"{item}: {r.status_code}")

    # -- all reads of one organisation -------------------------------------------------------

    def reads(self, org: str) -> None:
        for f in self.event_filters(org):
            self.events_list(org, f)
        for i in [*sorted(self.w.events), UNKNOWN["event"]]:
            self.event_detail(org, i)
        for i in [*sorted(self.w.documents), UNKNOWN["document"]]:
            self.document(org, i)
        self.actors(org)
        self.persons(org)
        self.places(org)
        self.stats(org)
        self.exports(org)
        self.organisation(org)

    def event_filters(self, org: str) -> list[dict[str, Any]]:
        """Filters of every kind, and searches for canaries the organisation must not meet."""
        hidden = sorted(self.o.forbidden_canaries(org))
        notes = set().union(*(canaries(e.notes) for e in self.w.events.values()))
        shown = sorted(notes - set(hidden))
        lat, lon = BASES[0][5], BASES[0][6]
        filters: list[dict[str, Any]] = [
            {},
            {"distinct": "true"},
            {"bbox": f"{lat - 0.5},{lon - 0.5},{lat + 0.5},{lon + 0.5}"},
            {"near": f"{BASES[1][5]},{BASES[1][6]},40"},
            {"actor": KB_ACTORS[0].id},
            {"actor": "Brigade"},
            {"person": SURNAMES[0]},
            {"admin1": BASES[1][1]},
            {"event_type": "Strategic developments"},
            {"since": "2024-02-01", "until": "2024-03-31"},
            {"country": "SY", "distinct": "true"},
        ]
        filters += [{"q": c} for c in hidden[:3] + shown[:1]]
        filters += [{"q": c, "distinct": "true"} for c in hidden[3:4]]
        secret_actors = [a for a in sorted(self.w.actors) if canaries(a) & set(hidden)]
        filters += [{"actor": a} for a in secret_actors[:1]]
        filters += [{"actor": c} for c in self.hidden_actor_names(org)[:1] or hidden[4:5]]
        filters += [{"person": c.capitalize()} for c in hidden[5:6]]
        return filters

    def hidden_actor_names(self, org: str) -> list[str]:
        """Canaries in the names of actors coded in events the organisation does not see;
        first those of actors it also sees under another name (the same id)."""
        forbidden = self.o.forbidden_canaries(org)
        seen = set(self.o.actor_counts(org))
        names = {a for e in self.w.events.values() for a in (e.actor1, e.actor2) if a}
        aliases = set().union(*(canaries(a.name) for a in names if a.id in seen)) & forbidden
        others = set().union(*(canaries(a.name) for a in names)) & forbidden - aliases
        return sorted(aliases) + sorted(others)

    def events_list(self, org: str, f: dict[str, Any]) -> None:
        where = f"GET /api/events {f}"
        page = self.ok(org, self.get(org, "/api/events", {**f, "limit": 500}), where)
        if page is None:
            return
        got = [item["id"] for item in page["items"]]
        want = self.o.expected(org, f)
        self.compare_ids(org, where, set(got), want, page["total"], json.dumps(f))
        for item in page["items"]:
            if item["id"] in self.o.visible_events(org):
                self.cluster_fields(org, where, item)

    def compare_ids(
        self,
        org: str,
        where: str,
        got: set[str],
        want: set[str],
        total: int | None = None,
        q: str = "",
    ) -> None:
        """Events returned against the oracle's; ``q`` the filters asked for (when they
        name a hidden canary, an extra visible event is a leak: it tells the canary exists)."""
        seen = self.o.visible_events(org)
        for i in sorted(got - want):
            if i not in seen:
                self.leak(org, where, "extra", f"hidden event {i} listed")
            elif canaries(q) & self.o.forbidden_canaries(org):
                self.leak(org, where, "extra", f"{i} matched a hidden canary")
            else:
                self.miss(org, where, "extra", f"visible {i} does not match")
        for i in sorted(want - got):
            self.miss(org, where, "missing", i)
        if total is not None and total != len(want):
            kind = self.leak if total > len(want) else self.miss
            kind(org, where, "count", f"total {total}, oracle {len(want)}")

    def cluster_fields(self, org: str, where: str, item: dict[str, Any]) -> None:
        cluster, count, _members = self.o.shown_cluster(org, item["id"])
        if item["cluster_id"] not in self.o.visible_events(org):
            self.leak(org, where, "id", f"cluster_id {item['cluster_id']} of {item['id']}")
        elif item["cluster_id"] != cluster:
            self.miss(org, where, "cluster", f"{item['id']}: {item['cluster_id']} != {cluster}")
        if item["source_count"] != count:
            kind = self.leak if item["source_count"] > count else self.miss
            kind(
                org, where, "count", f"{item['id']} source_count {item['source_count']} != {count}"
            )

    def event_detail(self, org: str, event_id: str) -> None:
        path = f"/api/events/{event_id}"
        r = self.get(org, path)
        if event_id not in self.o.visible_events(org):
            self.hidden(org, "event", path, event_id, r)
            return
        d = self.ok(org, r, "GET /api/events/{id}")
        if d is None:
            return
        where = f"GET /api/events/{event_id}"
        self.cluster_fields(org, where, d)
        _c, _n, members = self.o.shown_cluster(org, event_id)
        sources = {s["event_id"] for s in d["sources"]}
        self.compare_ids(org, where + " sources", sources, members - {event_id})
        docs = self.o.visible_documents(org)
        for part in [{**d, "event_id": event_id}, *d["sources"]]:
            event = self.w.events.get(part["event_id"])
            if event is None or part["document"] is None:
                continue
            if event.document_id not in docs:
                self.leak(org, where, "document", f"hidden report {event.document_id} shown")
        own = {c.id for c in self.w.corrections if c.org == org}
        for c in d["corrections"]:
            if c["id"] not in own:
                self.leak(org, where, "correction", f"correction {c['id']} of another org")
        if self.w.events[event_id].evidence and not d["evidence"]:
            self.miss(org, where, "evidence", "no evidence shown")

    def document(self, org: str, document_id: str) -> None:
        path = f"/api/documents/{document_id}"
        r = self.get(org, path)
        if document_id not in self.o.visible_documents(org):
            self.hidden(org, "document", path, document_id, r)
            return
        d = self.ok(org, r, "GET /api/documents/{id}")
        if d is not None:
            own = {i for i, e in self.w.events.items() if e.document_id == document_id}
            self.compare_ids(org, f"GET {path} event_ids", set(d["event_ids"]), own)

    def actors(self, org: str) -> None:
        counts = self.o.actor_counts(org)
        hidden = self.hidden_actor_names(org)[:1] or sorted(self.o.forbidden_canaries(org))[:1]
        for q in [None, "Brigade", *hidden]:
            params = {"limit": 500} | ({"q": q} if q else {})
            want = {
                a: v
                for a, v in counts.items()
                if q is None or a == q or any(q.lower() in n.lower() for n in v[0])
            }
            where = f"GET /api/actors {params}"
            listed = self.ok(org, self.get(org, "/api/actors", params), where)
            for a in listed or []:
                names, n = want.get(a["id"], (set(), 0))
                if n == 0:
                    self.leak(org, where, "extra", f"actor {a['id']} ({a['name']!r})")
                elif a["event_count"] != n:
                    kind = self.leak if a["event_count"] > n else self.miss
                    kind(org, where, "count", f"{a['id']} {a['event_count']} != {n}")
                if n and a["name"] not in names:  # coded so only in a report it does not see
                    self.leak(org, where, "name", f"{a['id']} named {a['name']!r}, sees {names}")
        for actor_id in [*sorted(self.w.actors), UNKNOWN["actor"]]:
            self.actor_profile(org, actor_id)

    def actor_profile(self, org: str, actor_id: str) -> None:
        path = f"/api/actors/{actor_id}"
        r = self.get(org, path)
        events = self.o.actor_events(org, actor_id)
        if not events:
            self.hidden(org, "actor", path, actor_id, r)
            return
        p = self.ok(org, r, "GET /api/actors/{id}")
        if p is None:
            return
        incidents = len({self.o.cluster(i) for i in events})
        for key, want in (("report_count", len(events)), ("event_count", incidents)):
            if p[key] != want:
                kind = self.leak if p[key] > want else self.miss
                kind(org, f"GET {path}", "count", f"{key} {p[key]} != {want}")

    def persons(self, org: str) -> None:
        want = self.o.visible_persons(org)
        listed = self.ok(org, self.get(org, "/api/persons", {"limit": 500}), "GET /api/persons")
        if listed is not None:
            got = {p["id"] for p in listed}
            for pid in sorted(got - set(want)):
                self.leak(org, "GET /api/persons", "extra", f"person {pid}")
            for pid in sorted(set(want) - got):
                self.miss(org, "GET /api/persons", "missing", pid)
        for q in sorted(self.o.forbidden_canaries(org))[:2]:
            found = self.ok(org, self.get(org, "/api/persons", {"q": q}), "GET /api/persons?q")
            for p in found or []:
                self.leak(
                    org, f"GET /api/persons q={q}", "extra", f"person {p['id']} by a hidden name"
                )
        for pid in [*sorted(self.o.person_mentions()), UNKNOWN["person"]]:
            path = f"/api/persons/{pid}"
            r = self.get(org, path)
            if pid not in want:
                self.hidden(org, "person", path, pid, r)
                continue
            p = self.ok(org, r, "GET /api/persons/{id}")
            if p is not None:
                got = {e["event_id"] for e in p["events"]}
                self.compare_ids(org, f"GET {path} events", got, want[pid])

    def places(self, org: str) -> None:
        for f in ({}, {"admin1": BASES[2][1]}, {"distinct": "true"}):
            where = f"GET /api/places {f}"
            listed = self.ok(org, self.get(org, "/api/places", {**f, "limit": 10000}), where)
            if listed is None:
                continue
            got = Counter(
                {
                    (p["name"], p["admin1"], p["country"], p["latitude"], p["longitude"]): p[
                        "event_count"
                    ]
                    for p in listed
                }
            )
            self.compare_counts(org, where, got, self.o.places(org, f))

    def compare_counts(self, org: str, where: str, got: Counter, want: Counter) -> None:
        for key in sorted(set(got) | set(want), key=str):
            if got[key] > want[key]:
                self.leak(org, where, "count", f"{key}: {got[key]} > oracle {want[key]}")
            elif got[key] < want[key]:
                self.miss(org, where, "count", f"{key}: {got[key]} < oracle {want[key]}")

    def stats(self, org: str) -> None:
        hidden = self.hidden_actor_names(org)[:1] or sorted(self.o.forbidden_canaries(org))[:1]
        for by in BYS:
            for interval in INTERVALS:
                extra: list[dict[str, Any]] = [{"actor": h} for h in hidden if by == "actor"]
                for f in [{}, *extra]:
                    self.stats_one(org, f, by, interval)
        self.stats_one(org, {"distinct": "true"}, "event_type", "month")
        self.stats_one(org, {"near": f"{BASES[0][5]},{BASES[0][6]},30"}, "admin1", "week")

    def stats_one(self, org: str, f: dict[str, Any], by: str, interval: str) -> None:
        params = {**f, "by": by, "interval": interval}
        where = f"GET /api/stats {params}"
        s = self.ok(org, self.get(org, "/api/stats", params), where)
        if s is None:
            return
        want = len(self.o.expected(org, f))
        if s["total"] != want:
            (self.leak if s["total"] > want else self.miss)(
                org, where, "count", f"total {s['total']} != {want}"
            )
        got = Counter(
            {(x["key"], p["period"]): p["count"] for x in s["series"] for p in x["points"]}
        )
        self.compare_counts(org, where, got, self.o.stats(org, f, interval, by))

    def exports(self, org: str) -> None:
        docs = self.o.visible_documents(org)
        hidden = sorted(self.o.forbidden_canaries(org))[:1]
        for fmt in EXPORTS:
            for f in [{}, {"distinct": "true"}] + [{"q": c} for c in hidden]:
                where = f"GET /api/exports/{fmt} {f}"
                r = self.get(org, f"/api/exports/{fmt}", f)
                if r.status_code != 200:
                    self.miss(org, where, "status", f"{r.status_code} {r.text[:200]}")
                    continue
                want = self.o.expected(org, f)
                if fmt == "geojson":
                    want = {i for i in want if _located(self.w.events[i])}
                if fmt == "stix":
                    want = {i for i in want if self.w.events[i].document_id in docs}
                self.compare_ids(org, where, _exported(fmt, r.text), want, q=json.dumps(f))

    def organisation(self, org: str) -> None:
        own = {c.id for c in self.w.corrections if c.org == org}
        listed = self.ok(org, self.get(org, "/api/corrections"), "GET /api/corrections")
        for c in listed or []:
            if c["id"] not in own:
                self.leak(org, "GET /api/corrections", "extra", f"correction {c['id']}")
        shares = self.ok(org, self.get(org, "/api/shares"), "GET /api/shares")
        if shares is not None:
            got, want = {s["id"] for s in shares}, self.o.shares(org)
            for s in sorted(got - want):
                self.leak(org, "GET /api/shares", "extra", f"share {s} not ours nor for us")
            for s in sorted(want - got):
                self.miss(org, "GET /api/shares", "missing", f"share {s}")
        users = {u.id for u in self.w.users[org]}
        listed = self.ok(org, self.get(org, "/api/users"), "GET /api/users")
        for u in listed or []:
            if u["id"] not in users or u["org"] != org:
                self.leak(org, "GET /api/users", "extra", f"user {u['username']} of {u['org']}")
        log = self.ok(org, self.get(org, "/api/audit", {"limit": 1000}), "GET /api/audit")
        for entry in log or []:
            if entry["user"] not in users:
                self.leak(org, "GET /api/audit", "extra", f"entry {entry['id']} by {entry['user']}")
        self.ok(org, self.get(org, "/api/orgs"), "GET /api/orgs")

    # -- writes that must be refused like reads of an unknown id ---------------------------

    def writes(self, org: str) -> None:
        partner = next(o for o in self.w.orgs if o != org)
        seen = self.o.visible_events(org)
        docs = self.o.visible_documents(org)
        for kind, items, visible in (
            ("event", self.w.events, seen),
            ("document", self.w.documents, docs),
        ):
            for item in sorted(i for i in items if items[i].org != org):
                share = {"partner": partner, "kind": kind, "target": item}
                self.refused(org, "/api/shares", share, item, UNKNOWN[kind], item in visible)
        own = sorted(i for i, e in self.w.events.items() if e.org == org)
        for item in sorted(set(self.w.events) - seen):
            body: dict[str, Any] = {"action": "set_field", "target": item, "field": "fatalities"}
            body["value"] = 1
            self.refused(org, "/api/corrections", body | _WHO, item, UNKNOWN["event"], False)
            if own:
                merge = {"action": "merge_events", "target": own[0], "other": item}
                self.refused(org, "/api/corrections", merge | _WHO, item, UNKNOWN["event"], False)
        for s in self.w.shares:
            if s.org != org and s.id is not None:
                self.refused(org, f"/api/shares/{s.id}/withdraw", None, str(s.id), "999999", False)

    def refused(
        self, org: str, path: str, body: Any, item: str, unknown: str, visible: bool
    ) -> None:
        r = self.post(org, path, body)
        where = f"POST {_route(path)} {body or ''}"
        if r.status_code < 300:
            self.leak(org, where, "write", f"accepted ({r.status_code}) on {item} of another org")
            return
        if visible:  # seen, not owned: 403 may name the owner
            if r.status_code != 403:
                self.miss(org, where, "status", f"{r.status_code} for a visible foreign item")
            return
        twin_body = json.loads(json.dumps(body).replace(item, unknown)) if body else None
        twin = self.c.post(path.replace(item, unknown), json=twin_body, headers=self.w.headers(org))
        if r.status_code == 403 or not alike(r, item, twin, unknown):  # as for an unknown id
            self.leak(org, where, "not-404-alike", f"{r.status_code} {r.text[:160]}")


_WHO = {"analyst": "probe", "reason": "isolation probe"}


def _route(path: str) -> str:
    """The route of a path: /api/events/abc -> /api/events/{id}."""
    parts = path.split("/")
    if len(parts) > 3 and parts[2] in ("events", "documents", "actors", "persons", "shares"):
        parts[3] = "{id}"
    return "/".join(parts)


def _located(e: Any) -> bool:
    return e.place is not None and e.place.latitude is not None and e.place.longitude is not None


def _exported(fmt: str, text: str) -> set[str]:
    if fmt == "jsonl":
        return {json.loads(line)["event_id"] for line in text.splitlines() if line.strip()}
    if fmt == "acled-csv":
        return {row["event_id"] for row in csv.DictReader(io.StringIO(text))}
    if fmt == "geojson":
        return {f["id"] for f in json.loads(text)["features"]}
    bundle = json.loads(text)
    return {o["x_rasd_event"]["id"] for o in bundle["objects"] if o["type"] == "sighting"}
