"""Random multi-organisation worlds for the isolation suite (tests/test_api_isolation.py).

    spec = worlds().example()            # a Hypothesis strategy of WorldSpec
    world = build_world(store, spec, client)

A world is 2-4 organisations, each with an admin and an API token; reports of every
TLP marking with 1-3 events each; shares (events, reports, standing feeds with
random filters, some withdrawn); corrections; persons named in restricted and open
events (one person, spelled differently); and incidents told by reports of several
organisations (linked as one cluster).

Every item carries unique *canaries* (``kanari<n>x``): in notes, place and location
names, actor names and ids, person names and roles, report titles, sources, URLs and
text, and correction reasons. The oracle (tests/isolation_oracle.py) works out from
the TLP and share rules which canaries a viewer may meet; any other one in a response
is a leak. Shares, corrections and withdrawals go through the API as their owners
(so those routes are exercised too); reports go through the one write path
(``save_extraction``) with the system store, as ``rasd ingest`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import strategies as st

from rasd.access.auth import create_org, create_user, issue_token
from rasd.knowledge.write import save_extraction
from rasd.records import (
    Actor,
    Correction,
    Document,
    Event,
    EventLink,
    Evidence,
    Person,
    PersonRef,
    Place,
    Share,
    User,
    event_id,
)
from rasd.taxonomy import SUB_EVENT_TYPES, TLP_LEVELS, ActorType

STATE, REBELS, MILITIA, CIVILIANS = (
    ActorType.STATE_FORCES,
    ActorType.REBEL_GROUP,
    ActorType.POLITICAL_MILITIA,
    ActorType.CIVILIANS,
)
CANARY = re.compile(r"kanari\d+x", re.IGNORECASE)
ORGS = ("o-alpha", "o-bravo", "o-charlie", "o-delta")
PASSWORD = "isolation-suite-passphrase"
START = date(2024, 1, 1)

#: base places (name, admin1, admin2, country, code, lat, lon); events get their own name
BASES = (
    ("Mosul", "Nineveh", "Mosul", "Iraq", "IQ", 36.335, 43.119),
    ("Kirkuk", "Kirkuk", "Kirkuk", "Iraq", "IQ", 35.468, 44.392),
    ("Ramadi", "Anbar", "Ramadi", "Iraq", "IQ", 33.421, 43.308),
    ("Raqqa", "Ar-Raqqah", "Raqqa", "Syria", "SY", 35.953, 39.008),
)
#: knowledge-base actors: the same id and name in every organisation
KB_ACTORS = (
    Actor(id="islamic-state-iraq", name="Islamic State (Iraq)", actor_type=REBELS, country="Iraq"),
    Actor(id="iq-army", name="Military Forces of Iraq (2022-)", actor_type=STATE, country="Iraq"),
    Actor(id="iq-police", name="Police Forces of Iraq (2022-)", actor_type=STATE, country="Iraq"),
    Actor(id="civilians-iraq", name="Civilians (Iraq)", actor_type=CIVILIANS, country="Iraq"),
)
#: sub-event type -> the trigger word that opens its sentence
VERBS = {
    "Arrests": "Arrested",
    "Armed clash": "Clashed",
    "Remote explosive/landmine/IED": "Exploded",
    "Attack": "Attacked",
    "Peaceful protest": "Protested",
    "Air/drone strike": "Struck",
}
SURNAMES = ("Farhani", "Jubouri", "Dulaimi", "Tamimi")
FEED_WORDS = ("arrested", "clashed", "exploded", "police", "islamic")


# -- the spec (what Hypothesis draws) ------------------------------------------------------


@dataclass(frozen=True)
class EventSpec:
    sub: str
    day: int | None  # days after START; None: undated
    base: int | None  # index into BASES; None: no place
    actor1: int  # index into KB_ACTORS; -1: a group of its own (canary id and name);
    # -2: the army's KB id under a name of the report's own (an alias with a canary)
    actor2: int | None
    persons: tuple[int, ...]  # person identities named in the event
    fatalities: int


@dataclass(frozen=True)
class DocSpec:
    org: int
    tlp: str
    events: tuple[EventSpec, ...]


@dataclass(frozen=True)
class ShareSpec:
    owner: int
    partner: int
    kind: str  # event, document or feed
    doc: int  # index of the shared report (event/document)
    event: int  # index of the shared event within it
    feed: tuple[tuple[str, Any], ...]  # API filters of a feed
    withdrawn: bool


@dataclass(frozen=True)
class CorrectionSpec:
    doc: int
    event: int
    action: str  # notes, fatalities or merge
    pick: int  # which visible event of another report a merge names


@dataclass(frozen=True)
class WorldSpec:
    orgs: int
    docs: tuple[DocSpec, ...]
    shares: tuple[ShareSpec, ...]
    corrections: tuple[CorrectionSpec, ...]
    incidents: tuple[tuple[tuple[int, int], ...], ...]  # groups of (doc, event)


@st.composite
def event_specs(draw: st.DrawFn) -> EventSpec:
    return EventSpec(
        sub=draw(st.sampled_from(sorted(VERBS))),
        day=None if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, 120)),
        base=draw(st.sampled_from([None, 0, 1, 2, 3, 0, 1, 2, 3, 0])),
        actor1=draw(st.sampled_from([-1, -1, 0, 1, 2, 3, -2, -2])),
        actor2=draw(st.none() | st.integers(0, len(KB_ACTORS) - 1)),
        persons=tuple(draw(st.lists(st.integers(0, 2), max_size=2, unique=True))),
        fatalities=draw(st.integers(0, 5)),
    )


def _feed_filters() -> st.SearchStrategy[tuple[tuple[str, Any], ...]]:
    """0-2 filters of a standing feed (none: every AMBER event of the owner)."""
    single = st.one_of(
        st.tuples(st.just("event_type"), st.sampled_from(sorted({*SUB_EVENT_TYPES.values()}))),
        st.tuples(st.just("admin1"), st.sampled_from([b[1] for b in BASES])),
        st.tuples(st.just("country"), st.sampled_from(["Iraq", "SY"])),
        st.tuples(st.just("since"), st.integers(0, 120).map(lambda d: START + timedelta(d))),
        st.tuples(st.just("q"), st.sampled_from(FEED_WORDS)),
        st.tuples(st.just("actor"), st.sampled_from([a.id for a in KB_ACTORS] + ["Police"])),
        st.tuples(st.just("person"), st.sampled_from(SURNAMES[:3])),
    )
    return st.lists(single, max_size=2, unique_by=lambda kv: kv[0]).map(tuple)


@st.composite
def _share_specs(draw: st.DrawFn, n_orgs: int, docs: tuple[DocSpec, ...]) -> ShareSpec:
    """A share of a report or event of its owner, or a feed; one in four withdrawn."""
    owner = draw(st.integers(0, n_orgs - 1))
    partner = draw(st.integers(0, n_orgs - 2))
    partner += partner >= owner
    own = [i for i, d in enumerate(docs) if d.org == owner]
    kind = draw(st.sampled_from(["event", "document", "feed"] if own else ["feed"]))
    doc = draw(st.sampled_from(own)) if own else 0
    return ShareSpec(
        owner=owner,
        partner=partner,
        kind=kind,
        doc=doc,
        event=draw(st.integers(0, len(docs[doc].events) - 1)),
        feed=draw(_feed_filters()) if kind == "feed" else (),
        withdrawn=draw(st.integers(0, 3)) == 0,
    )


def _incidents(draw: st.DrawFn, slots: list[tuple[int, int]]) -> tuple[tuple[Any, ...], ...]:
    """0-2 incidents, each told by 2-3 events of different reports."""
    incidents = []
    free = list(slots)
    for _ in range(draw(st.integers(0, 2))):
        if len({d for d, _e in free}) < 2:
            break
        one_per_report = st.lists(
            st.sampled_from(free), min_size=2, max_size=3, unique_by=lambda s: s[0]
        )
        group = draw(one_per_report)
        incidents.append(tuple(group))
        free = [s for s in free if s not in group]
    return tuple(incidents)


@st.composite
def worlds(draw: st.DrawFn, max_docs: int = 7) -> WorldSpec:
    n_orgs = draw(st.integers(2, 4))
    docs = tuple(
        DocSpec(
            org=draw(st.integers(0, n_orgs - 1)),
            tlp=draw(st.sampled_from(TLP_LEVELS)),
            events=tuple(draw(st.lists(event_specs(), min_size=1, max_size=3))),
        )
        for _ in range(draw(st.integers(2, max_docs)))
    )
    shares = tuple(draw(st.lists(_share_specs(n_orgs, docs), max_size=8)))
    slots = [(d, e) for d, doc in enumerate(docs) for e in range(len(doc.events))]
    corrections = tuple(
        CorrectionSpec(
            doc=slot[0],
            event=slot[1],
            action=draw(st.sampled_from(["notes", "fatalities", "merge"])),
            pick=draw(st.integers(0, 50)),
        )
        for slot in draw(st.lists(st.sampled_from(slots), max_size=3, unique=True))
    )
    return WorldSpec(n_orgs, docs, shares, corrections, _incidents(draw, slots))


# -- the built world ---------------------------------------------------------------------


@dataclass
class World:
    """What was stored (read back from the system store) and who can sign in."""

    orgs: list[str]
    tokens: dict[str, str]  # org -> bearer token of its admin
    users: dict[str, list[User]]  # org -> its users
    documents: dict[str, Document]
    events: dict[str, Event]
    shares: list[Share]
    feeds: dict[int, dict[str, Any]]  # share id -> the API filters it was made with
    corrections: list[Correction]
    clusters: dict[str, str]  # event id -> cluster id (raw, every organisation)
    refs: list[PersonRef]
    actors: dict[str, Actor]  # every actor id coded on an event
    log: list[str] = field(default_factory=list)  # what the builder did (for reports)

    def headers(self, org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[org]}"}


class _Canaries:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"kanari{self.n}x"


@dataclass(frozen=True)
class _Shape:
    """An event spec with an incident's shared date, place and type applied."""

    spec: EventSpec
    day: int | None
    base: int | None
    sub: str


def _shapes(spec: WorldSpec) -> list[list[_Shape]]:
    shapes = [[_Shape(e, e.day, e.base, e.sub) for e in d.events] for d in spec.docs]
    for group in spec.incidents:
        first = shapes[group[0][0]][group[0][1]]
        day = first.day if first.day is not None else 10
        base = first.base if first.base is not None else 0
        for d, e in group:
            shapes[d][e] = _Shape(shapes[d][e].spec, day, base, first.sub)
    return shapes


def _person(identity: int, restricted: bool, canary: _Canaries, spelled: dict[int, str]) -> Person:
    """One person, spelled with the canary in restricted reports ("Abu Kanari7x Farhani")
    and without its vowels in open ones ("Abu Knr7x Farhani"): the same name key. The
    last identity is spelled the same everywhere (one name across organisations)."""
    if identity not in spelled:
        spelled[identity] = canary()
    token = spelled[identity]
    secret = restricted and identity != len(SURNAMES) - 2
    name = token.capitalize() if secret else re.sub("[aeiou]", "", token).capitalize()
    return Person(
        name=f"Abu {name} {SURNAMES[identity]}",
        role=f"commander {canary()}",
        status="arrested",
    )


def _event(
    doc_id: str, text: list[str], shape: _Shape, restricted: bool, canary: _Canaries, spelled: dict
) -> Event:
    spec = shape.spec
    verb = VERBS[shape.sub]
    place = None
    if shape.base is not None:
        name, admin1, admin2, country, code, lat, lon = BASES[shape.base]
        jitter = (len(text) % 5) * 0.01
        place = Place(
            name=f"{canary().capitalize()} near {name}",
            admin1=admin1,
            admin2=admin2,
            country=country,
            country_code=code,
            latitude=lat + jitter,
            longitude=lon - jitter,
        )
    where = place.name if place else "an unnamed place"
    own = canary()
    if spec.actor1 == -1:
        actor1 = Actor(id=f"{own}-brigade", name=f"{own.capitalize()} Brigade", actor_type=MILITIA)
    elif spec.actor1 == -2:
        army = KB_ACTORS[1]
        actor1 = army.model_copy(update={"name": f"{army.name} {own}"})
    else:
        actor1 = KB_ACTORS[spec.actor1]
    actor2 = None if spec.actor2 is None else KB_ACTORS[spec.actor2]
    notes = f"{verb} by {actor1.name} {canary()} at {where}"
    sentence = f"{notes}."
    start = sum(len(t) + 1 for t in text)
    text.append(sentence)
    evidence = (
        Evidence(
            field="event_type",
            document_id=doc_id,
            start=start,
            end=start + len(verb),
            text=verb,
            sentence=sentence,
            sentence_start=start,
        ),
    )
    return Event(
        id=event_id(doc_id, shape.sub, start, start + len(verb)),
        document_id=doc_id,
        event_date=None if shape.day is None else START + timedelta(days=shape.day),
        event_type=SUB_EVENT_TYPES[shape.sub],
        sub_event_type=shape.sub,
        actor1=actor1,
        actor2=actor2,
        place=place,
        location=place.name if place else "",
        fatalities=spec.fatalities,
        notes=notes,
        confidence=0.7,
        persons=tuple(_person(i, restricted, canary, spelled) for i in spec.persons),
        evidence=evidence,
    )


def _document(
    spec: WorldSpec, index: int, shapes: list[_Shape], canary: _Canaries, spelled: dict
) -> tuple[Document, list[Event]]:
    d = spec.docs[index]
    org = ORGS[d.org]
    restricted = d.tlp not in ("CLEAR", "GREEN")
    # The id is the hash of the text, so the events are made on a provisional id first.
    sentences: list[str] = []
    events = [_event("?", sentences, s, restricted, canary, spelled) for s in shapes]
    text = " ".join(sentences) + f" Internal assessment {canary()} follows."
    doc = Document.from_text(
        text,
        source=f"source {canary()}",
        url=f"https://example.org/{canary()}",
        title=f"Report {canary()}",
        published_at=START,
        org=org,
        tlp=d.tlp,
    )
    fixed = []
    for e in events:
        ev = e.evidence[0]
        fixed.append(
            e.model_copy(
                update={
                    "id": event_id(doc.id, e.sub_event_type, ev.start, ev.end),
                    "document_id": doc.id,
                    "evidence": (ev.model_copy(update={"document_id": doc.id}),),
                }
            )
        )
    return doc, fixed


def build_world(store: Any, spec: WorldSpec, client: TestClient) -> World:
    """Store the world: organisations, users and tokens, reports (system store), then shares,
    corrections and withdrawals through the API as their owners, then incident links."""
    orgs = list(ORGS[: spec.orgs])
    tokens, users = _people(store, orgs)
    canary, spelled = _Canaries(), dict[int, str]()
    shapes = _shapes(spec)
    made: list[tuple[Document, list[Event]]] = []
    for i in range(len(spec.docs)):
        doc, events = _document(spec, i, shapes[i], canary, spelled)
        save_extraction(store, doc, events)
        made.append((doc, events))
    world = World(orgs, tokens, users, {}, {}, [], {}, [], {}, [], {})
    shares = _share(client, world, spec, made)
    _correct(store, client, world, spec, made, canary)
    for share_id in shares:
        response = client.post(
            f"/api/shares/{share_id}/withdraw", headers=world.headers(shares[share_id])
        )
        assert response.status_code == 200, response.text
        world.log.append(f"withdrew share {share_id}")
    _link_incidents(store, spec, made)
    _snapshot(store, world)
    return world


def _people(store: Any, orgs: list[str]) -> tuple[dict[str, str], dict[str, list[User]]]:
    tokens: dict[str, str] = {}
    users: dict[str, list[User]] = {}
    for org in orgs:
        create_org(store, org, org.title(), "AMBER")
        admin = create_user(store, f"admin-{org}", PASSWORD, org, "admin")
        viewer = create_user(store, f"viewer-{org}", PASSWORD, org, "viewer")
        tokens[org] = issue_token(store, admin, "isolation", 1)[1]
        users[org] = [admin, viewer]
    return tokens, users


def _share(
    client: TestClient, world: World, spec: WorldSpec, made: list[tuple[Document, list[Event]]]
) -> dict[int, str]:
    """Post every share as its owner; returns the ids to withdraw later (id -> owner)."""
    withdraw: dict[int, str] = {}
    for s in spec.shares:
        owner = ORGS[s.owner]
        body: dict[str, Any] = {"partner": ORGS[s.partner], "kind": s.kind}
        if s.kind == "event":
            body["target"] = made[s.doc][1][s.event].id
        elif s.kind == "document":
            body["target"] = made[s.doc][0].id
        else:
            body.update({k: _feed_value(k, v) for k, v in s.feed})
        response = client.post("/api/shares", json=body, headers=world.headers(owner))
        assert response.status_code == 201, response.text
        share_id = response.json()["id"]
        if s.kind == "feed":
            world.feeds[share_id] = dict(s.feed)
        if s.withdrawn:
            withdraw[share_id] = owner
        world.log.append(f"share {share_id}: {body}")
    return withdraw


def _feed_value(key: str, value: Any) -> Any:
    if key == "event_type":
        return [value]
    return value.isoformat() if isinstance(value, date) else value


def _correct(
    store: Any,
    client: TestClient,
    world: World,
    spec: WorldSpec,
    made: list[tuple[Document, list[Event]]],
    canary: _Canaries,
) -> None:
    """Corrections through the API as the event's owner (before any share is withdrawn).
    A merge names an event of another report that the owner sees (by the oracle)."""
    from isolation_oracle import Oracle

    for c in spec.corrections:
        doc, events = made[c.doc]
        target = events[c.event]
        _snapshot(store, world)
        if target.id not in world.events:
            continue  # re-derived away by an earlier correction
        body: dict[str, Any] = {"target": target.id, "analyst": "x", "reason": f"why {canary()}"}
        if c.action == "notes":
            body.update(action="set_field", field="notes", value=f"corrected {canary()}")
        elif c.action == "fatalities":
            body.update(action="set_field", field="fatalities", value=c.pick % 7)
        else:
            seen = Oracle(world).visible_events(doc.org)
            others = sorted(i for i in seen if world.events[i].document_id != doc.id)
            if not others:
                continue
            body.update(action="merge_events", other=others[c.pick % len(others)])
        response = client.post("/api/corrections", json=body, headers=world.headers(doc.org))
        assert response.status_code == 201, (body, response.text)
        world.log.append(f"correction {response.json()['id']}: {body}")


def _link_incidents(store: Any, spec: WorldSpec, made: list[tuple[Document, list[Event]]]) -> None:
    """Make each incident group one cluster (its first event stands for it), whatever the
    automatic de-duplication decided."""
    alive = {e.id for e in store.events()}
    for group in spec.incidents:
        ids = sorted({made[d][1][e].id for d, e in group} & alive)
        if len(ids) < 2:
            continue
        links = [
            EventLink(a=a, b=b, origin="analyst", reason="isolation suite")
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        ]
        store.update_links(ids, links, {e: ids[0] for e in ids})


def relink(store: Any, world: World) -> None:
    """Re-read the incident clusters after re-adds and imports, the one thing they may
    change: re-adding a report re-links its events (rasd.knowledge.dedup.link_events keeps
    the links an analyst's correction made and scores the automatic ones afresh), so an
    incident :func:`_link_incidents` wrote straight into the store may split or regroup.
    The oracle judges ``distinct`` and incident counts by the clusters stored now; all
    else it reads must be as it was (reports and events are checked by the caller)."""
    now = World(world.orgs, world.tokens, world.users, {}, {}, [], {}, [], {}, [], {})
    _snapshot(store, now)
    for name in ("shares", "corrections", "refs", "actors"):
        assert getattr(now, name) == getattr(world, name), f"a re-add changed the {name}"
    assert set(now.clusters) <= set(world.events), "a cluster of an event never stored"
    moved = sorted(i for i in world.events if now.clusters.get(i) != world.clusters.get(i))
    world.clusters = now.clusters
    world.log.append(f"re-added and imported every report; re-clustered: {moved}")


def _snapshot(store: Any, world: World) -> None:
    """Read back what is stored, as the local system (which sees everything)."""
    world.documents = {d.id: d for d in store.documents()}
    world.events = {e.id: e for e in store.events()}
    world.shares = [s for org in world.orgs for s in store.shares_by(org, include_withdrawn=True)]
    world.corrections = store.corrections()
    world.clusters = store.clusters(sorted(world.events))
    world.refs = store.person_refs()
    world.actors = {
        a.id: a
        for e in world.events.values()
        for a in (e.actor1, e.actor2, *e.assoc_actor_1, *e.assoc_actor_2)
        if a is not None
    }
