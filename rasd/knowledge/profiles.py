"""Actor and person profiles, built from the stored events, clusters and person entities.

Counts are of canonical events: one incident told by five reports counts once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from rasd.exceptions import NotFound
from rasd.knowledge.dedup import KStore
from rasd.records import Actor, Event, Record
from rasd.store.base import EventQuery


class Count(Record):
    key: str
    count: int


class ActorCount(Record):
    actor: Actor
    count: int


class PersonSummary(Record):
    person_id: str
    name: str
    roles: tuple[str, ...] = ()
    event_count: int = 0


class ActorProfile(Record):
    actor: Actor
    aliases: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    event_count: int  # canonical events
    report_count: int  # events as reported (all sources)
    by_event_type: dict[str, int]
    by_admin1: dict[str, int]
    timeline: tuple[Count, ...]  # per month: first day of the month -> canonical events
    persons: tuple[PersonSummary, ...]
    associated: tuple[ActorCount, ...]
    opposing: tuple[ActorCount, ...]


class RoleSpan(Record):
    role: str
    first_seen: date | None
    last_seen: date | None
    document_ids: tuple[str, ...]


class PersonEvent(Record):
    event_id: str
    event_date: date | None
    sub_event_type: str
    status: str | None
    location: str
    document_id: str
    role: str | None


class PersonProfile(Record):
    id: str
    name: str
    variants: tuple[str, ...]
    nationality: str | None
    actor_ids: tuple[str, ...]
    roles: tuple[RoleSpan, ...]
    events: tuple[PersonEvent, ...]
    merged_into: str | None = None  # set when an analyst merged this person into another


def _sides(event: Event, actor_id: str) -> tuple[list[Actor], list[Actor]] | None:
    """(same side, other side) of the actor in an event, or None if it is not in it."""
    side1 = [a for a in (event.actor1, *event.assoc_actor_1) if a is not None]
    side2 = [a for a in (event.actor2, *event.assoc_actor_2) if a is not None]
    if any(a.id == actor_id for a in side1):
        return side1, side2
    if any(a.id == actor_id for a in side2):
        return side2, side1
    return None


def actor_events(store: KStore, actor_id: str) -> list[Event]:
    """Every stored event the actor (exact id) takes part in, oldest first."""
    return [e for e in store.events(EventQuery(actor=actor_id)) if _sides(e, actor_id)]


def canonical(store: KStore, events: list[Event]) -> list[Event]:
    """One event per cluster (the first of each, in the given order)."""
    clusters = store.clusters([e.id for e in events])
    seen: set[str] = set()
    out: list[Event] = []
    for event in events:
        key = clusters.get(event.id, event.id)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out


def actor_profile(store: KStore, actor_id: str) -> ActorProfile:
    events = actor_events(store, actor_id)
    if not events:
        raise NotFound(
            f"actor {actor_id}",
            "takes part in no stored event",
            "list actors with GET /api/actors or `rasd events --actor NAME`",
        )
    actor = next(a for e in events for a in _sides(e, actor_id)[0] if a.id == actor_id)  # type: ignore[index]
    distinct = canonical(store, events)
    dated = [e.event_date for e in distinct if e.event_date]
    allies, enemies = Counter[str](), Counter[str]()
    actors: dict[str, Actor] = {}
    for event in distinct:
        same, other = _sides(event, actor_id)  # type: ignore[misc]
        for a in same:
            if a.id != actor_id:
                allies[a.id] += 1
                actors[a.id] = a
        for a in other:
            enemies[a.id] += 1
            actors[a.id] = a
    return ActorProfile(
        actor=actor,
        aliases=_aliases(events, actor_id),
        first_seen=min(dated, default=None),
        last_seen=max(dated, default=None),
        event_count=len(distinct),
        report_count=len(events),
        by_event_type=dict(Counter(e.event_type for e in distinct).most_common()),
        by_admin1=dict(
            Counter(e.place.admin1 for e in distinct if e.place and e.place.admin1).most_common()
        ),
        timeline=_months(dated),
        persons=_members(store, events, actor_id),
        associated=_top(allies, actors),
        opposing=_top(enemies, actors),
    )


def _aliases(events: Iterable[Event], actor_id: str) -> tuple[str, ...]:
    """How the reports name the actor: the evidence text of the roles it is coded in."""
    names: Counter[str] = Counter()
    for event in events:
        roles = {
            "actor1": event.actor1,
            "actor2": event.actor2,
        }
        for ev in event.evidence:
            actor = roles.get(ev.field)
            if actor is not None and actor.id == actor_id:
                names[ev.text.strip()] += 1
    return tuple(n for n, _c in names.most_common(20))


def _months(dates: list[date]) -> tuple[Count, ...]:
    months = Counter(d.replace(day=1).isoformat() for d in dates)
    return tuple(Count(key=k, count=v) for k, v in sorted(months.items()))


def _top(counts: Counter[str], actors: dict[str, Actor], n: int = 20) -> tuple[ActorCount, ...]:
    return tuple(ActorCount(actor=actors[k], count=v) for k, v in counts.most_common(n))


def _members(store: KStore, events: list[Event], actor_id: str) -> tuple[PersonSummary, ...]:
    """Persons reported as belonging to the actor, with their roles."""
    by_id = {e.id: e for e in events}
    roles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for ref in store.person_refs(event_ids=list(by_id)):
        person = by_id[ref.event_id].persons[ref.position]
        if person.actor_id != actor_id:
            continue
        seen[ref.person_id] += 1
        names.setdefault(ref.person_id, person.name)
        if person.role:
            roles[ref.person_id].add(person.role)
    return tuple(
        PersonSummary(person_id=p, name=names[p], roles=tuple(sorted(roles[p])), event_count=n)
        for p, n in seen.most_common()
    )


def person_profile(store: KStore, person_id: str) -> PersonProfile:
    entity = store.get_person(person_id)
    refs = store.person_refs(person_ids=[person_id])
    items: list[tuple[Event, int]] = []
    for ref in refs:
        try:
            items.append((store.get_event(ref.event_id), ref.position))
        except NotFound:
            continue
    items.sort(key=lambda it: (it[0].event_date or date.max, it[0].id))
    persons = [e.persons[i] for e, i in items]
    nationalities = Counter(p.nationality for p in persons if p.nationality)
    return PersonProfile(
        id=entity.id,
        name=entity.name,
        variants=tuple(sorted({p.name for p in persons} | {entity.name})),
        nationality=nationalities.most_common(1)[0][0] if nationalities else None,
        actor_ids=tuple(sorted({p.actor_id for p in persons if p.actor_id})),
        roles=_roles(items),
        merged_into=merged_into(store, person_id) if not items else None,
        events=tuple(
            PersonEvent(
                event_id=e.id,
                event_date=e.event_date,
                sub_event_type=e.sub_event_type,
                status=e.persons[i].status,
                location=e.location,
                document_id=e.document_id,
                role=e.persons[i].role,
            )
            for e, i in items
        ),
    )


def merged_into(store: KStore, person_id: str) -> str | None:
    """The person an analyst merged this one into (following merges of merges), if any."""
    from rasd.knowledge.persons import PersonRules

    into = PersonRules.from_corrections(store.corrections()).canonical(person_id)
    return None if into == person_id else into


def _roles(items: list[tuple[Event, int]]) -> tuple[RoleSpan, ...]:
    spans: dict[str, list[Event]] = defaultdict(list)
    for event, i in items:
        role = event.persons[i].role
        if role:
            spans[role].append(event)
    out = []
    for role, events in spans.items():
        dates = [e.event_date for e in events if e.event_date]
        out.append(
            RoleSpan(
                role=role,
                first_seen=min(dates, default=None),
                last_seen=max(dates, default=None),
                document_ids=tuple(sorted({e.document_id for e in events})),
            )
        )
    return tuple(sorted(out, key=lambda r: (r.first_seen or date.max, r.role)))
