"""Cross-organisation isolation of the API (issue 6): nothing of one organisation reaches
another except by the TLP and share rules, on every read endpoint and export.

The property tests draw random worlds (tests/isolation_world.py), work out with an
independent oracle what each organisation must see (tests/isolation_oracle.py), then
call every read endpoint and export as each organisation and try refused writes
(tests/isolation_probe.py). Every request is an attempt; every canary, id or count
outside the oracle's answer is a leak. The module writes ``artifacts/isolation-report.json``
and a one-line summary at the end; the last test requires zero leaks.

    pytest -p no:xdist tests/test_api_isolation.py              # small run, every backend
    pytest -p no:xdist -m slow tests/test_api_isolation.py      # the big run
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from isolation_oracle import Tally, after_readds
from isolation_probe import Probe
from isolation_world import (
    PASSWORD,
    STATE,
    CorrectionSpec,
    DocSpec,
    EventSpec,
    ShareSpec,
    WorldSpec,
    build_world,
    relink,
    worlds,
)
from pg import SQL_KINDS, any_store

from rasd.access import passwords
from rasd.access.auth import create_org, create_user, issue_token
from rasd.api.app import create_app
from rasd.config import Settings
from rasd.knowledge.write import save_extraction
from rasd.records import Actor, Document, Event, Evidence, Person, Place, event_id
from rasd.store import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "artifacts" / "isolation-report.json"
BACKENDS = ["memory", *SQL_KINDS]
TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def isolation_report(pytestconfig: pytest.Config) -> Iterator[Tally]:
    """Cheap password hashes for the module; the report is written when it ends, and its
    one-line summary printed (past pytest's output capture)."""
    passwords.configure(1, 64)
    yield TALLY
    if TALLY.attempts:
        line = TALLY.write(REPORT)
        capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled() if capture else nullcontext():
            print("\n" + line)


def settings_required() -> Settings:
    return Settings(auth="required", environment="test")


#: A world every run probes, whatever Hypothesis draws: each kind of share (one withdrawn),
#: an incident told by two organisations, one actor id under two names (RED alias saved
#: last), one person named in RED and GREEN reports, corrections (one a cross-org merge).
ANCHOR = WorldSpec(
    orgs=3,
    docs=(
        DocSpec(1, "GREEN", (EventSpec("Arrests", 5, 1, 1, None, (0, 2), 2),)),
        DocSpec(
            0,
            "RED",
            (
                EventSpec("Arrests", 5, 1, -2, 0, (0, 1, 2), 1),
                EventSpec("Armed clash", 6, 0, -1, None, (2,), 0),
            ),
        ),
        DocSpec(1, "AMBER", (EventSpec("Attack", 30, 2, 2, 3, (1,), 0),)),
        DocSpec(2, "AMBER+STRICT", (EventSpec("Air/drone strike", None, 3, -1, None, (), 3),)),
        DocSpec(0, "AMBER", (EventSpec("Peaceful protest", 40, None, 0, None, (2,), 0),)),
        DocSpec(2, "CLEAR", (EventSpec("Remote explosive/landmine/IED", 70, 0, 3, None, (), 4),)),
    ),
    shares=(
        ShareSpec(0, 1, "event", 1, 1, (), False),
        ShareSpec(1, 2, "document", 2, 0, (), False),
        ShareSpec(0, 2, "feed", 0, 0, (("q", "protested"),), False),
        ShareSpec(2, 0, "document", 3, 0, (), True),
        ShareSpec(0, 1, "feed", 0, 0, (("admin1", "Kirkuk"),), False),
    ),
    corrections=(CorrectionSpec(2, 0, "notes", 0), CorrectionSpec(4, 0, "merge", 0)),
    incidents=(((0, 0), (1, 0)),),
)


def probe_worlds(
    kind: str, tmp: pytest.TempPathFactory, examples: int, max_docs: int, anchor: bool
) -> Tally:
    """Draw ``examples`` worlds (and the ANCHOR world if asked), store each on a fresh
    ``kind`` store and probe it."""
    tally = Tally()

    def one(spec: WorldSpec) -> None:
        with (
            any_store(kind, tmp.mktemp("world")) as store,
            TestClient(create_app(settings_required(), store)) as client,
        ):
            world = build_world(store, spec, client)
            readd_and_import(store, world)
            probe = Probe(client, world, tally, kind)
            for org in world.orgs:
                probe.reads(org)
            for org in world.orgs:  # after every read: a wrongly accepted write changes it
                probe.writes(org)

    run = given(spec=worlds(max_docs))(one)
    if anchor:
        run = example(spec=ANCHOR)(run)
    settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same worlds every run: a leak found stays found
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(run)()
    _merge(tally)
    return tally


def readd_and_import(store: Any, world: Any) -> None:
    """Issue 12: every report is re-ingested by its owner without a marking, and imported
    by its owner from a bundle that marks it CLEAR. What is stored must then be what the
    oracle's model of the promises says (here: every report and event as it was); the
    incident clusters are re-read (a re-add re-links its events), and the probe checks
    that nobody sees more than the oracle says."""
    from rasd.exchange import import_bundle
    from rasd.exchange.stix_store import store_import
    from rasd.knowledge.write import Knowledge
    from rasd.service import ingest, owned

    events, imports = _plain(store.events()), []
    for doc in list(world.documents.values()):
        raw = store.get_extraction(doc.id) or []
        ingest(_replay(doc.id, raw), store, owned(store, [doc], doc.org, None))
        text = _stix_of(doc, raw, tlp="CLEAR")
        store_import(store, import_bundle(text, org=doc.org), Knowledge(), _recoder)
        imports.append((doc.org, doc.model_copy(update={"tlp": "CLEAR"})))
    want = after_readds(world.documents, list(world.documents.values()), imports)
    stored = {d.id: d for d in store.documents()}
    assert {i: (d.org, d.tlp, d.text) for i, d in stored.items()} == want, "marking or text"
    assert stored == world.documents, "a re-add or an import changed a stored report"
    assert _plain(store.events()) == events, "a re-add or an import changed a stored event"
    relink(store, world)


def _plain(events: Any) -> dict[str, Event]:
    return {e.id: e.model_copy(update={"created_at": None}) for e in events}


class _Replay:
    """A pipeline stage that codes a report as it was coded before (its kept extraction)."""

    name, requires, assigns = "replay", ("document",), ("events",)

    def __init__(self, document_id: str, events: list[Event]) -> None:
        self.document_id, self.events = document_id, events

    def load(self) -> None:
        pass

    def __call__(self, doc: Any) -> Any:
        assert doc.document.id == self.document_id
        doc.events = list(self.events)
        return doc


def _replay(document_id: str, events: list[Event]) -> Any:
    from rasd.config import PipelineConfig
    from rasd.pipeline.base import Pipeline

    return Pipeline([_Replay(document_id, events)], config=PipelineConfig())


def _merge(tally: Tally) -> None:
    TALLY.attempts += tally.attempts
    TALLY.leaks += tally.leaks
    TALLY.misses += tally.misses
    TALLY.backends |= tally.backends
    TALLY.worlds += tally.worlds
    TALLY.by_endpoint.update(tally.by_endpoint)
    for endpoint, spent in tally.seconds.items():
        TALLY.seconds[endpoint] = TALLY.seconds.get(endpoint, 0.0) + spent


def _summary(tally: Tally) -> str:
    shown = "\n".join(
        f"  {x.backend} {x.viewer} {x.endpoint}: {x.kind} {x.detail}" for x in tally.leaks[:20]
    )
    return f"{len(tally.leaks)} leaks in {tally.attempts} attempts:\n{shown}"


@pytest.mark.parametrize("kind", BACKENDS)
def test_api_isolation_random_worlds(kind: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    examples = {"memory": 3, "sqlite": 1, "postgresql": 1}[kind]
    tally = probe_worlds(kind, tmp_path_factory, examples, max_docs=5, anchor=True)
    assert tally.attempts > 0
    assert not tally.leaks, _summary(tally)


@pytest.mark.slow
@pytest.mark.parametrize("kind", BACKENDS)
def test_api_isolation_random_worlds_many(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    examples = {"memory": 12, "sqlite": 6, "postgresql": 3}[kind]
    tally = probe_worlds(kind, tmp_path_factory, examples, max_docs=7, anchor=False)
    assert not tally.leaks, _summary(tally)


# -- targeted cases -------------------------------------------------------------------------


KIRKUK = Place(
    name="Kirkuk", country="Iraq", country_code="IQ", admin1="Kirkuk",
    latitude=35.468, longitude=44.392,
)  # fmt: skip


def report(org: str, tlp: str, *sentences: str) -> tuple[Document, list[Event]]:
    """A report of ``org`` with one arrest per sentence (evidence: its first word)."""
    text = " ".join(sentences)
    doc = Document.from_text(
        text, org=org, tlp=tlp, title=f"t {sentences[0]}", published_at=date(2024, 1, 2)
    )
    events, start = [], 0
    for s in sentences:
        word = s.split()[0]
        ev = Evidence(
            field="event_type", document_id=doc.id, start=start, end=start + len(word),
            text=word, sentence=s, sentence_start=start,
        )  # fmt: skip
        events.append(
            Event(
                id=event_id(doc.id, "Arrests", start, start + len(word)),
                document_id=doc.id,
                event_date=date(2024, 1, 2),
                event_type="Strategic developments",
                sub_event_type="Arrests",
                place=KIRKUK,
                location="Kirkuk",
                notes=s,
                evidence=(ev,),
            )
        )
        start += len(s) + 1
    return doc, events


@pytest.fixture(params=BACKENDS)
def two_orgs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Organisations fed and reg (admin + viewer each, bearer tokens) on each backend, and
    fed's RED report of two arrests, an AMBER one and a GREEN one."""
    with any_store(request.param, tmp_path) as store:
        tokens = {}
        for org in ("fed", "reg"):
            create_org(store, org, org.upper(), "AMBER")
            for role in ("admin", "viewer"):
                user = create_user(store, f"{role}-{org}", PASSWORD, org, role)
                tokens[f"{role}-{org}"] = {
                    "Authorization": f"Bearer {issue_token(store, user, 't', 1)[1]}"
                }
        made = {
            "red": report("fed", "RED", "Arrested kanari1x in Kirkuk.", "Seized kanari2x nearby."),
            "amber": report("fed", "AMBER", "Detained kanari3x in Kirkuk."),
            "green": report("fed", "GREEN", "Held kanari4x in Kirkuk."),
        }
        for doc, events in made.values():
            save_extraction(store, doc, events)
        with TestClient(create_app(settings_required(), store)) as client:
            yield {"client": client, "h": tokens, "made": made, "store": store}


def _share(c: TestClient, h: dict[str, str], kind: str, target: str) -> int:
    r = c.post("/api/shares", json={"partner": "reg", "kind": kind, "target": target}, headers=h)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_api_isolation_withdrawal_takes_effect_at_once(two_orgs: dict[str, Any]) -> None:
    c, h = two_orgs["client"], two_orgs["h"]
    red_doc, red = two_orgs["made"]["red"]
    amber_doc, amber = two_orgs["made"]["amber"]
    reg = h["viewer-reg"]
    assert c.get(f"/api/events/{red[0].id}", headers=reg).status_code == 404
    shares = [
        _share(c, h["admin-fed"], "event", red[0].id),
        _share(c, h["admin-fed"], "document", amber_doc.id),
    ]
    r = c.post(
        "/api/shares",
        json={"partner": "reg", "kind": "feed", "q": "kanari3x"},
        headers=h["admin-fed"],
    )
    assert r.status_code == 201, r.text
    shares.append(r.json()["id"])
    assert c.get(f"/api/events/{red[0].id}", headers=reg).status_code == 200
    assert c.get(f"/api/documents/{amber_doc.id}", headers=reg).status_code == 200
    listed = {e["id"] for e in c.get("/api/events", headers=reg).json()["items"]}
    assert {red[0].id, amber[0].id} <= listed and red[1].id not in listed
    for n, share in enumerate(shares):
        done = c.post(f"/api/shares/{share}/withdraw", headers=h["admin-fed"])
        assert done.status_code == 200 and done.json()["withdrawn_at"]
        if n == 0:  # the very next request of the partner no longer sees it
            assert c.get(f"/api/events/{red[0].id}", headers=reg).status_code == 404
    assert c.get(f"/api/documents/{amber_doc.id}", headers=reg).status_code == 404
    assert c.get(f"/api/events/{amber[0].id}", headers=reg).status_code == 404
    page = c.get("/api/events", headers=reg).json()
    assert {e["tlp"] for e in page["items"]} == {"GREEN"} and page["total"] == 1
    assert c.get("/api/stats", headers=reg).json()["total"] == 1
    assert "kanari" not in c.get("/api/exports/jsonl", headers=reg).text.replace("kanari4x", "")


def test_api_isolation_audit_logs_restricted_reads_for_reader_org(
    two_orgs: dict[str, Any],
) -> None:
    c, h = two_orgs["client"], two_orgs["h"]
    _doc, red = two_orgs["made"]["red"]
    _gdoc, green = two_orgs["made"]["green"]
    _share(c, h["admin-fed"], "event", red[0].id)
    assert c.get(f"/api/events/{red[0].id}", headers=h["viewer-reg"]).status_code == 200
    assert c.get(f"/api/events/{green[0].id}", headers=h["viewer-reg"]).status_code == 200
    log = c.get("/api/audit", params={"action": "read"}, headers=h["admin-reg"]).json()
    read = [a for a in log if red[0].id in a["items"]]
    assert read and read[0]["tlp"] == "RED" and read[0]["resource"] == "events"
    assert not [a for a in log if green[0].id in a["items"]]  # GREEN reads are not logged
    fed_log = c.get("/api/audit", params={"limit": 1000}, headers=h["admin-fed"]).json()
    reg_users = {u["id"] for u in c.get("/api/users", headers=h["admin-reg"]).json()}
    assert not [a for a in fed_log if a["user"] in reg_users]  # fed never sees reg's log
    assert c.get("/api/audit", headers=h["viewer-reg"]).status_code == 403
    assert c.get("/api/audit", headers=h["viewer-fed"]).status_code == 403


def test_api_isolation_event_share_shows_evidence_not_report(two_orgs: dict[str, Any]) -> None:
    c, h = two_orgs["client"], two_orgs["h"]
    doc, red = two_orgs["made"]["red"]
    reg = h["admin-reg"]
    _share(c, h["admin-fed"], "event", red[0].id)
    detail = c.get(f"/api/events/{red[0].id}", headers=reg).json()
    assert detail["evidence"][0]["sentence"] == "Arrested kanari1x in Kirkuk."
    assert detail["document"] is None
    hidden = c.get(f"/api/documents/{doc.id}", headers=reg)
    unknown = c.get(f"/api/documents/{'0' * 32}", headers=reg)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["fix"] == unknown.json()["fix"]
    assert c.get(f"/api/events/{red[1].id}", headers=reg).status_code == 404
    for params in ({"q": "kanari2x"}, {"q": "Seized"}):
        assert c.get("/api/events", params=params, headers=reg).json()["total"] == 0
    export = c.get("/api/exports/jsonl", headers=reg).text
    assert "kanari1x" in export and "kanari2x" not in export and doc.title not in export


def test_api_isolation_actor_names_come_from_visible_events(two_orgs: dict[str, Any]) -> None:
    """One actor id coded under two names: the name in fed's RED report must not reach reg
    through the actors list, its search, or the events' actor filter (the store keeps the
    latest name of each actor id, whoever coded it)."""
    c, h, store = two_orgs["client"], two_orgs["h"], two_orgs["store"]
    army = ARMY
    cover = army.model_copy(update={"name": "Army unit kanari9x"})
    for org, tlp, actor in (("reg", "GREEN", army), ("fed", "RED", cover)):
        doc, events = report(org, tlp, f"Arrested by {actor.name} in Kirkuk {org}.")
        save_extraction(store, doc, [events[0].model_copy(update={"actor1": actor})])
    reg = h["admin-reg"]
    listed = c.get("/api/actors", headers=reg).json()
    assert [(a["id"], a["name"]) for a in listed] == [(army.id, army.name)]
    assert c.get("/api/actors", params={"q": "kanari9x"}, headers=reg).json() == []
    assert c.get("/api/events", params={"actor": "kanari9x"}, headers=reg).json()["total"] == 0
    assert c.get("/api/stats", params={"actor": "kanari9x"}, headers=reg).json()["total"] == 0


ARMY = Actor(id="iq-army", name="Military Forces of Iraq (2022-)", actor_type=STATE)
POLICE = Actor(id="iq-police", name="Police Forces of Iraq (2022-)", actor_type=STATE)


def _coded(store: Any, org: str, tlp: str, sentence: str, **fields: Any) -> Event:
    doc, events = report(org, tlp, sentence)
    event = events[0].model_copy(update=fields)
    save_extraction(store, doc, [event])
    return event


def test_api_isolation_actor_merge_stays_in_its_organisation(two_orgs: dict[str, Any]) -> None:
    """reg's analyst merging two actors must not rewrite fed's RED events (which reg cannot
    see, and fed can neither see nor revert that correction)."""
    c, h, store = two_orgs["client"], two_orgs["h"], two_orgs["store"]
    _coded(store, "reg", "GREEN", "Arrested by police in Kirkuk (reg).", actor1=POLICE)
    _coded(store, "reg", "GREEN", "Detained by the army in Kirkuk (reg).", actor1=ARMY)
    secret = _coded(store, "fed", "RED", "Seized by police in Kirkuk (fed).", actor1=POLICE)
    merge = {"action": "merge_actors", "target": POLICE.id, "other": ARMY.id}
    r = c.post(
        "/api/corrections", json=merge | {"analyst": "r", "reason": "same"}, headers=h["admin-reg"]
    )
    assert r.status_code == 201, r.text
    assert c.get("/api/corrections", headers=h["admin-fed"]).json() == []
    seen_by_fed = c.get(f"/api/events/{secret.id}", headers=h["admin-fed"]).json()
    assert seen_by_fed["actor1"]["id"] == POLICE.id, "reg's correction rewrote fed's RED event"


def test_api_isolation_person_merge_stays_in_its_organisation(two_orgs: dict[str, Any]) -> None:
    """reg's analyst merging two persons must not change how fed's own reports resolve."""
    c, h, store = two_orgs["client"], two_orgs["h"], two_orgs["store"]
    omar, khalid = Person(name="Abu Omar Tamimi"), Person(name="Khalid Jassim Dulaimi")
    _coded(store, "fed", "RED", "Arrested Abu Omar Tamimi (fed).", persons=(omar,))
    _coded(store, "reg", "GREEN", "Arrested Abu Omar Tamimi (reg).", persons=(omar,))
    _coded(store, "reg", "GREEN", "Arrested Khalid Jassim Dulaimi (reg).", persons=(khalid,))
    before = {p["name"]: p["id"] for p in c.get("/api/persons", headers=h["admin-fed"]).json()}
    reg = {p["name"]: p["id"] for p in c.get("/api/persons", headers=h["admin-reg"]).json()}
    merge = {"action": "merge_persons", "target": reg[omar.name], "other": reg[khalid.name]}
    r = c.post(
        "/api/corrections", json=merge | {"analyst": "r", "reason": "same"}, headers=h["admin-reg"]
    )
    assert r.status_code == 201, r.text
    after = {p["name"]: p["id"] for p in c.get("/api/persons", headers=h["admin-fed"]).json()}
    assert after == before, "reg's correction changed fed's persons"


def test_api_isolation_person_ids_do_not_depend_on_hidden_reports(tmp_path: Path) -> None:
    """Non-interference: what reg sees of a person must be the same whether or not fed holds
    a RED report naming them (here the id encoded the RED mention's group and nationality)."""
    seen = []
    for with_secret in (True, False):
        store = MemoryStore()
        for org in ("fed", "reg"):
            create_org(store, org, org, "AMBER")
        user = create_user(store, "admin-reg", PASSWORD, "reg", "admin")
        h = {"Authorization": f"Bearer {issue_token(store, user, 't', 1)[1]}"}
        if with_secret:
            secret = Person(name="Abu Omar Tamimi", nationality="Uzbek", actor_id="islamic-state")
            _coded(store, "fed", "RED", "Arrested Abu Omar Tamimi (fed).", persons=(secret,))
        _coded(
            store,
            "reg",
            "GREEN",
            "Arrested Abu Omar Tamimi (reg).",
            persons=(Person(name="Abu Omar Tamimi"),),
        )
        with TestClient(create_app(settings_required(), store)) as c:
            seen.append(c.get("/api/persons", headers=h).json())
    assert seen[0] == seen[1]


def test_api_isolation_foreign_share_answers_like_unknown(two_orgs: dict[str, Any]) -> None:
    """Withdrawing another organisation's share must not tell that the share exists."""
    c, h = two_orgs["client"], two_orgs["h"]
    _doc, red = two_orgs["made"]["red"]
    share = _share(c, h["admin-fed"], "event", red[0].id)
    theirs = c.post(f"/api/shares/{share}/withdraw", headers=h["admin-reg"])
    unknown = c.post("/api/shares/999999/withdraw", headers=h["admin-reg"])
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["fix"] == unknown.json()["fix"]
    assert c.get("/api/shares", headers=h["admin-fed"]).json()[0]["withdrawn_at"] is None


def test_api_isolation_report_has_no_leaks() -> None:
    """Runs last: every property test of the module adds to the tally."""
    if not TALLY.attempts:
        pytest.skip("no property test ran")
    assert not TALLY.leaks, _summary(TALLY)


# -- issue 12: re-adds and imports never widen who sees a report -----------------------------


class _Recode:
    """A pipeline stage that codes a report as :func:`report` does (no spaCy)."""

    name, requires, assigns = "recode", ("document",), ("events",)

    def load(self) -> None:
        pass

    def __call__(self, doc: Any) -> Any:
        d = doc.document
        doc.events = report(d.org, d.tlp, *d.text.replace(". ", ".\n").split("\n"))[1]
        return doc


def _recoder() -> Any:
    from rasd.config import PipelineConfig
    from rasd.pipeline.base import Pipeline

    return Pipeline([_Recode()], config=PipelineConfig())


def _reg_sees(c: TestClient, h: dict[str, dict[str, str]], store: Any, doc: Document) -> list[str]:
    """What of fed's RED report (its events, by id) reg can reach, by every read that
    could carry it. reg's own copy of the same text (from a bundle it had) is reg's."""
    from rasd.store.base import EventQuery

    ids = {e.id for e in store.events(EventQuery(document_id=doc.id))}
    reg = h["admin-reg"]
    seen = []
    for word in ("kanari1x", "kanari2x"):
        page = c.get("/api/events", params={"q": word}, headers=reg).json()["items"]
        seen += [f"events q={word}" for item in page if item["id"] in ids]
    export = c.get("/api/exports/jsonl", headers=reg).text
    seen += [f"export {i}" for i in ids if i in export]
    if c.get(f"/api/documents/{doc.id}", headers=reg).status_code != 404:
        seen.append("document")
    return seen


def _stix_of(doc: Document, events: list[Event], **changes: Any) -> str:
    import io

    from rasd.exchange import write_stix_bundle

    changed = doc.model_copy(update=changes)
    out = io.StringIO()
    write_stix_bundle([e.model_copy(update=changes) for e in events], out, {doc.id: changed})
    return out.getvalue()


def test_api_isolation_readds_and_imports_keep_red_from_partners(two_orgs: dict[str, Any]) -> None:
    """fed shares an AMBER feed with reg. Re-posting fed's RED report without a marking,
    re-ingesting it, posting a lower marking, and importing bundles that mark it CLEAR
    (as fed and as reg) must leave it RED: the feed never carries it to reg. Lowering it
    on purpose (allow_downgrade) is the control: then the feed does."""
    from rasd.api.deps import get_pipeline_loader
    from rasd.exchange import import_bundle
    from rasd.exchange.stix_store import store_import
    from rasd.knowledge.write import Knowledge
    from rasd.service import ingest, owned
    from rasd.store.markings import MarkingRule

    c, h, store = two_orgs["client"], two_orgs["h"], two_orgs["store"]
    doc, red = two_orgs["made"]["red"]
    c.app.dependency_overrides[get_pipeline_loader] = lambda: _recoder  # type: ignore[attr-defined]
    feed = {"partner": "reg", "kind": "feed", "q": "kanari1x"}
    assert c.post("/api/shares", json=feed, headers=h["admin-fed"]).status_code == 201
    body = {"text": doc.text, "published_at": "2024-01-02"}
    post = c.post("/api/documents", json=body, headers=h["admin-fed"])
    assert post.status_code == 200, post.text
    lower = c.post("/api/documents", params={"tlp": "AMBER"}, json=body, headers=h["admin-fed"])
    assert lower.status_code == 409, lower.text
    ingest(_recoder(), store, owned(store, [doc], "fed", None), marking=MarkingRule())
    for org in ("fed", "reg"):
        text = _stix_of(doc, red, tlp="CLEAR")
        result = import_bundle(text, org=org, tlp_default="CLEAR")
        store_import(store, result, Knowledge(), _recoder)
    assert store.get_document(doc.id).tlp == "RED"
    assert store.get_document(doc.id).text == doc.text
    assert _reg_sees(c, h, store, doc) == []
    params = {"tlp": "AMBER", "allow_downgrade": "true"}
    lowered = c.post("/api/documents", params=params, json=body, headers=h["admin-fed"])
    assert lowered.status_code == 200, lowered.text
    # the control: lowered on purpose, the feed now carries it
    assert "events q=kanari1x" in _reg_sees(c, h, store, doc)
