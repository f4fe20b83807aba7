"""Cross-report de-duplication: events of different reports about one incident become
one canonical event (a cluster) with every source kept.

How it stays sub-quadratic
--------------------------
An event is compared only with the events of its *block*: the same country and
province, dated within the time tolerance (indexed date range queries in the
store; a sliding window over date-sorted events for a full re-link). Work grows
with the number of events times the number of same-province events in a few
days, not with the square of the store.

How clusters form
-----------------
Links are pairs of events whose score reaches the threshold
(:mod:`rasd.knowledge.similarity`), at most one per other report (the best), plus
the analysts' ``merge_events`` corrections. Clusters are built by adding links
strongest first (analysts' first) and refusing any link that would put two events
of one report, or a pair an analyst split, into one cluster. So an analyst's
split always wins, and a merge is undone by reverting its correction.
"""

from __future__ import annotations

import gc
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from rasd.config import DedupConfig
from rasd.exceptions import NotFound
from rasd.knowledge.corrections import active
from rasd.knowledge.similarity import Similarity, compare, date_tolerance
from rasd.records import Correction, Event, EventLink
from rasd.store.base import EventQuery, Store
from rasd.store.kbase import KnowledgeStore


class KStore(Store, KnowledgeStore, Protocol):
    """A store with its knowledge side (both SqlStore and MemoryStore)."""


@dataclass(frozen=True)
class Constraints:
    """The analysts' word on pairs of events: same incident, or not."""

    must: frozenset[tuple[str, str]] = frozenset()
    cannot: frozenset[tuple[str, str]] = frozenset()
    reasons: dict[tuple[str, str], str] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_corrections(cls, corrections: Iterable[Correction]) -> Constraints:
        must: set[tuple[str, str]] = set()
        cannot: set[tuple[str, str]] = set()
        reasons: dict[tuple[str, str], str] = {}
        for c in active(corrections):
            if c.action in ("merge_events", "split_events") and c.other and c.other != c.target:
                pair = _pair(c.target, c.other)
                (must if c.action == "merge_events" else cannot).add(pair)
                (cannot if c.action == "merge_events" else must).discard(pair)
                reasons[pair] = f"analyst {c.analyst} (correction #{c.id}): {c.reason}"
        return cls(frozenset(must), frozenset(cannot), reasons)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def block_key(event: Event) -> tuple[str, str] | None:
    """Events are compared only within a block: (country code, province)."""
    if event.event_date is None or event.place is None:
        return None
    place = event.place
    return (place.country_code or place.country, place.admin1)


def window_days(event: Event, config: DedupConfig) -> int:
    return max(date_tolerance(event, config), config.week_tolerance)


def candidates(store: Store, event: Event, config: DedupConfig) -> list[Event]:
    """Stored events of other documents in the event's block and date window."""
    key = block_key(event)
    if key is None or event.event_date is None:
        return []
    days = timedelta(days=window_days(event, config))
    query = EventQuery(
        since=event.event_date - days,
        until=event.event_date + days,
        country=key[0] or None,
        admin1=key[1] or None,
    )
    return [e for e in store.events(query) if e.document_id != event.document_id]


def score_links(
    events: Sequence[Event],
    pool: Iterable[Event],
    config: DedupConfig,
    constraints: Constraints,
    similarity: Similarity | None = None,
) -> list[EventLink]:
    """Links from ``events`` into ``pool``: at most one per (event, other document), the best,
    and no candidate taken twice by events of one document."""
    scored: list[tuple[float, Event, Event, str]] = []
    for event in events:
        for other in pool:
            if (
                other.document_id == event.document_id
                or _pair(event.id, other.id) in constraints.cannot
            ):
                continue
            verdict = compare(event, other, config, similarity)
            if verdict.score >= config.threshold:
                scored.append((verdict.score, event, other, verdict.reason))
    scored.sort(key=lambda s: (-s[0], s[1].id, s[2].id))
    document_of = {e.id: e.document_id for _s, x, y, _r in scored for e in (x, y)}
    ordered = [
        EventLink(a=a, b=b, origin="auto", score=min(1.0, score), reason=reason)
        for score, event, other, reason in scored
        for a, b in [_pair(event.id, other.id)]
    ]
    return _best_per_document(ordered, document_of)


def _best_per_document(
    ordered: Iterable[EventLink], document_of: dict[str, str]
) -> list[EventLink]:
    """Keep links in the given order (best first) while each event has none yet into the
    other end's report: at most one link per (event, other report)."""
    taken: set[tuple[str, str]] = set()
    out: list[EventLink] = []
    for link in ordered:
        keys = {(link.a, document_of[link.b]), (link.b, document_of[link.a])}
        if keys & taken:
            continue
        taken |= keys
        out.append(link)
    return out


def analyst_links(event_ids: Iterable[str], constraints: Constraints) -> list[EventLink]:
    ids = set(event_ids)
    return [
        EventLink(a=a, b=b, origin="analyst", score=1.0, reason=constraints.reasons.get((a, b), ""))
        for a, b in sorted(constraints.must)
        if a in ids or b in ids
    ]


def representative(events: Sequence[Event]) -> Event:
    """The member that stands for the cluster: the most precise, then the most confident."""
    return min(events, key=lambda e: (e.time_precision, e.geo_precision, -e.confidence, e.id))


Together = Callable[[Event, Event], bool]


def compatible_pair(config: DedupConfig, similarity: Similarity | None = None) -> Together:
    """May these two events be in one cluster? (Their own score reaches the threshold.)"""

    def together(a: Event, b: Event) -> bool:
        return compare(a, b, config, similarity).score >= config.threshold

    return together


def clusters(
    events: dict[str, Event],
    links: Sequence[EventLink],
    constraints: Constraints,
    together: Together | None = None,
) -> dict[str, str]:
    """event id -> cluster id (its representative's id), by constrained union-find.

    With ``together``, an automatic link joins two clusters only if every pair across
    them may be together (complete linkage), so chains of look-alikes do not snowball.
    """
    parent = {e: e for e in events}
    members: dict[str, set[str]] = {e: {e} for e in events}
    docs: dict[str, set[str]] = {e: {ev.document_id} for e, ev in events.items()}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = sorted(links, key=lambda link: (link.origin != "analyst", -link.score, link.a, link.b))
    for link in order:
        if link.a not in events or link.b not in events:
            continue
        ra, rb = find(link.a), find(link.b)
        if ra == rb or docs[ra] & docs[rb] or _split(members[ra], members[rb], constraints):
            continue
        if (
            together is not None
            and link.origin != "analyst"
            and not _all_together(members[ra], members[rb], events, together)
        ):
            continue
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        docs[ra] |= docs.pop(rb)
    out: dict[str, str] = {}
    for ids in members.values():
        rep = representative([events[i] for i in ids]).id
        out.update({i: rep for i in ids})
    return out


def _all_together(a: set[str], b: set[str], events: dict[str, Event], together: Together) -> bool:
    if len(a) == 1 and len(b) == 1:
        return True  # the link itself already says so
    return all(together(events[x], events[y]) for x in a for y in b)


def _split(a: set[str], b: set[str], constraints: Constraints) -> bool:
    if not constraints.cannot:
        return False
    return any(_pair(x, y) in constraints.cannot for x in a for y in b)


def link_events(
    store: KStore,
    events: Sequence[Event],
    config: DedupConfig,
    similarity: Similarity | None = None,
) -> dict[str, str]:
    """(Re)link a document's stored events and re-cluster what they touch. Returns clusters."""
    constraints = Constraints.from_corrections(store.corrections())
    pool: dict[str, Event] = {}
    auto: list[EventLink] = []
    if config.enabled:
        for event in events:
            pool.update({c.id: c for c in candidates(store, event, config)})
        auto = score_links(events, list(pool.values()), config, constraints, similarity)
    pool.update({e.id: e for e in events})
    ids = [e.id for e in events]
    new_links = auto + analyst_links(ids, constraints)
    touched = _component(store, ids, new_links)
    all_links = _links_within(store, touched, ids, new_links)
    found = {i: pool[i] for i in touched if i in pool}
    found.update({e.id: e for e in existing_events(store, touched - set(found))})
    together = compatible_pair(config, similarity) if config.enabled else None
    assignment = clusters(found, all_links, constraints, together)
    store.update_links(ids, _dedupe(new_links, found), assignment)
    return assignment


def _dedupe(links: Sequence[EventLink], alive: dict[str, Event]) -> list[EventLink]:
    out: dict[tuple[str, str], EventLink] = {}
    for link in links:
        if link.a in alive and link.b in alive and (link.a, link.b) not in out:
            out[(link.a, link.b)] = link
    return list(out.values())


def _component(store: KStore, ids: Sequence[str], extra: Sequence[EventLink]) -> set[str]:
    """Every event reachable from ``ids`` through links (stored and new) or old clusters."""
    seen: set[str] = set(ids)
    for cluster_id in set(store.clusters(ids).values()):
        seen.update(store.cluster_members(cluster_id))
    for link in extra:
        seen.update((link.a, link.b))
    frontier = deque(seen)
    while frontier:
        batch = [frontier.popleft() for _ in range(len(frontier))]
        for link in store.links(batch):
            for end in (link.a, link.b):
                if end not in seen:
                    seen.add(end)
                    frontier.append(end)
    return seen


def _links_within(
    store: KStore, touched: set[str], replaced: Sequence[str], new: Sequence[EventLink]
) -> list[EventLink]:
    gone = set(replaced)
    old = [link for link in store.links(sorted(touched)) if not ({link.a, link.b} & gone)]
    return old + list(new)


def existing_events(store: Store, event_ids: Iterable[str | None]) -> Iterator[Event]:
    """The stored events among ``event_ids`` (sorted); ids that are empty or gone are skipped."""
    for event_id in sorted(i for i in event_ids if i):
        try:
            yield store.get_event(event_id)
        except NotFound:  # removed since the id was read: nothing to relate any more
            continue


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A full re-link holds every event at once; Python's cyclic collector would rescan
    them again and again (40% of the time at 40k events). Reference counting still frees
    memory; the collector is switched back on (if it was on) afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def relink_all(
    store: KStore, config: DedupConfig, similarity: Similarity | None = None
) -> RelinkSummary:
    """Re-link every stored event with a sliding date window per block; then re-cluster."""
    with _no_cyclic_gc():
        return _relink_all(store, config, similarity)


def _relink_all(store: KStore, config: DedupConfig, similarity: Similarity | None) -> RelinkSummary:
    constraints = Constraints.from_corrections(store.corrections())
    links: list[EventLink] = []
    events: dict[str, Event] = {}
    windows: dict[tuple[str, str], deque[Event]] = defaultdict(deque)
    comparisons = 0
    for event in store.events(EventQuery(order="event_date")):
        events[event.id] = _slim(event)
        key = block_key(event)
        if key is None or not config.enabled:
            continue
        window = windows[key]
        horizon = event.event_date - timedelta(days=window_days(event, config))  # type: ignore[operator]
        while window and window[0].event_date < horizon:  # type: ignore[operator]
            window.popleft()
        comparisons += len(window)
        links.extend(score_links([event], list(window), config, constraints, similarity))
        window.append(event)
    links = _one_per_document(links, events) + analyst_links(events, constraints)
    assignment = clusters(events, links, constraints, compatible_pair(config, similarity))
    store.update_links(list(events), links, assignment)
    return RelinkSummary(len(events), comparisons, len(links), len(set(assignment.values())))


def _slim(event: Event) -> Event:
    """Clustering needs the coded fields and the trigger sentence: drop the rest."""
    kept = event.evidence_for("event_type")
    return event.model_copy(update={"evidence": kept[:1], "notes": "", "persons": ()})


def _one_per_document(links: list[EventLink], events: dict[str, Event]) -> list[EventLink]:
    """Within the window pass each link was best per event; keep the best per pair of docs."""
    ordered = sorted(links, key=lambda x: (-x.score, x.a, x.b))
    return _best_per_document(ordered, {i: e.document_id for i, e in events.items()})


@dataclass(frozen=True)
class RelinkSummary:
    events: int
    comparisons: int
    links: int
    clusters: int

    def line(self) -> str:
        return (
            f"{self.events} events, {self.comparisons} comparisons, {self.links} links, "
            f"{self.clusters} canonical events"
        )
