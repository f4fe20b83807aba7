"""STIX 2.1 exchange: bundles validate with the stix2 library, rasd -> STIX -> rasd is
exact, re-import adds nothing, TLP travels both ways, foreign and bad bundles."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import stix2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    ARMY,
    CIVILIANS,
    ISIS,
    KIRKUK,
    documents_with_events,
    sample_document,
    sample_event,
)
from typer.testing import CliRunner

from rasd.cli import app
from rasd.exceptions import InputError
from rasd.exchange import TLP2_IDS, import_bundle, save_coded, stix_id, write_stix_bundle
from rasd.exchange.stix_import import OPENCTI_AMBER_STRICT
from rasd.records import Document, Event, content_id
from rasd.store import MemoryStore, SqlStore
from rasd.taxonomy import TLP_LEVELS

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DOC = sample_document()
EVENTS = [
    sample_event(DOC, 0),
    sample_event(DOC, 1, actor1=None, actor2=CIVILIANS, time_precision=2, notes=""),
    sample_event(DOC, 2, actor1=ISIS, assoc_actor_2=(ARMY,), time_precision=3, place=None),
]
IDENTITY = "identity--0f5c6a4e-3b52-4d5c-9b0b-6b7f2a7d3c11"


def _bundle(events: list[Event], documents: dict[str, Document], **kw: Any) -> str:
    out = io.StringIO()
    write_stix_bundle(events, out, documents, now=kw.pop("now", NOW), validate=True, **kw)
    return out.getvalue()


def _objects(text: str, kind: str | None = None) -> list[dict[str, Any]]:
    objects = json.loads(text)["objects"]
    return [o for o in objects if kind is None or o["type"] == kind]


def _with_tlp(document: Document, events: list[Event], tlp: str) -> tuple[Document, list[Event]]:
    marked = document.model_copy(update={"tlp": tlp})
    return marked, [e.model_copy(update={"tlp": tlp}) for e in events]


# -- export ------------------------------------------------------------------------------


def test_exchange_stix_bundle_validates_with_stix2() -> None:
    text = _bundle(EVENTS, {DOC.id: DOC})
    bundle = stix2.parse(text, allow_custom=True)
    kinds = sorted({o.type for o in bundle.objects})
    assert kinds == [
        "identity", "location", "marking-definition", "report", "sighting", "threat-actor"
    ]  # fmt: skip
    ids = {o.id for o in bundle.objects}
    for obj in bundle.objects:
        for ref in obj.get("object_marking_refs", []):
            assert ref in ids  # every marking travels with the bundle
    (report,) = _objects(text, "report")
    assert report["description"] == DOC.text and report["published"] == "2023-09-27T00:00:00Z"
    assert set(report["object_refs"]) == ids - {report["id"]} - {
        o.id for o in bundle.objects if o.type == "marking-definition" or o.get("name") == "local"
    }


def test_exchange_stix_sightings_map_events() -> None:
    text = _bundle(EVENTS, {DOC.id: DOC})
    by_id = {o["id"]: o for o in _objects(text)}
    first, unidentified, monthly = (by_id[stix_id("sighting", e.id)] for e in EVENTS)
    assert by_id[first["sighting_of_ref"]]["name"] == ARMY.name
    assert by_id[first["sighting_of_ref"]]["type"] == "identity"  # state forces
    assert by_id[first["x_rasd_actor2_ref"]]["type"] == "threat-actor"  # a rebel group
    assert by_id[first["where_sighted_refs"][0]]["country"] == "IQ"
    assert (first["first_seen"], first["last_seen"]) == (
        "2023-09-25T00:00:00Z", "2023-09-25T23:59:59Z"
    )  # fmt: skip
    assert by_id[unidentified["sighting_of_ref"]]["name"] == "Unidentified actor"
    assert (unidentified["first_seen"], unidentified["last_seen"]) == (
        "2023-09-22T00:00:00Z", "2023-09-28T23:59:59Z"
    )  # fmt: skip
    assert (monthly["first_seen"], monthly["last_seen"]) == (
        "2023-09-01T00:00:00Z", "2023-09-30T23:59:59Z"
    )  # fmt: skip
    assert "where_sighted_refs" not in monthly
    assert first["x_rasd_sub_event_type"] == "Arrests" and first["x_rasd_fatalities"] == 0


def test_exchange_stix_ids_are_deterministic() -> None:
    first = _bundle(EVENTS, {DOC.id: DOC})
    later = _bundle(EVENTS, {DOC.id: DOC}, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert [o["id"] for o in _objects(first)] == [o["id"] for o in _objects(later)]
    assert first == _bundle(EVENTS, {DOC.id: DOC})  # same time: the same bytes


def test_exchange_stix_missing_document_skips_event() -> None:
    out = io.StringIO()
    result = write_stix_bundle(EVENTS, out, {}, now=NOW)
    assert (result.written, result.skipped) == (0, 3)
    assert {o["type"] for o in json.loads(out.getvalue())["objects"]} == {"marking-definition"}
    stix2.parse(out.getvalue(), allow_custom=True)


# -- rasd -> STIX -> rasd ----------------------------------------------------------------


@st.composite
def _marked_documents(draw: st.DrawFn) -> list[tuple[Document, list[Event]]]:
    found = draw(st.lists(documents_with_events(max_events=3), min_size=1, max_size=3))
    unique = {d.id: (d, events) for d, events in found if events}
    return [_with_tlp(d, e, draw(st.sampled_from(TLP_LEVELS))) for d, e in unique.values()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_marked_documents())
def test_exchange_stix_round_trip_is_exact(found: list[tuple[Document, list[Event]]]) -> None:
    documents = {d.id: d for d, _events in found}
    events = [e for _d, es in found for e in es]
    text = _bundle(events, documents)
    stix2.parse(text, allow_custom=True)
    result = import_bundle(text, org="local", tlp_default="RED")
    assert result.problems == []
    assert {i.document.id: i.document for i in result.items} == documents
    back = {e.id: e for i in result.items for e in i.events}
    assert back == {e.id: e for e in events}
    assert all(i.coded for i in result.items) and result.uncoded == []


def test_exchange_stix_reimport_adds_no_duplicates(kstore: MemoryStore) -> None:
    text = _bundle(EVENTS, {DOC.id: DOC})
    first = save_coded(kstore, import_bundle(text).items)
    before = kstore.stats()
    again = save_coded(kstore, import_bundle(text).items)
    assert (before.documents, before.events) == (1, 3)
    assert (kstore.stats().documents, kstore.stats().events) == (1, 3)
    assert first[0].new_document and first[0].events_added == 3
    assert not again[0].new_document and again[0].events_unchanged == 3
    assert kstore.get_event(EVENTS[0].id) == EVENTS[0].model_copy(
        update={"created_at": kstore.get_event(EVENTS[0].id).created_at}
    )


def test_exchange_stix_other_org_owns_the_import() -> None:
    text = _bundle(EVENTS, {DOC.id: DOC})
    (item,) = import_bundle(text, org="rsa").items
    assert item.document.id == content_id(DOC.text, "rsa") != DOC.id
    assert (item.document.org, item.document.source) == ("rsa", "stix:local (INA)")
    assert {e.document_id for e in item.events} == {item.document.id}
    assert {ev.document_id for e in item.events for ev in e.evidence} == {item.document.id}
    assert not {e.id for e in item.events} & {e.id for e in EVENTS}
    assert [e.id for e in import_bundle(text, org="rsa").items[0].events] == [
        e.id for e in item.events
    ]  # re-importing gives the same ids: no duplicates


# -- TLP both ways -----------------------------------------------------------------------


@pytest.mark.parametrize("tlp", TLP_LEVELS)
def test_exchange_stix_tlp_travels_both_ways(tlp: str) -> None:
    document, events = _with_tlp(DOC, EVENTS, tlp)
    text = _bundle(events, {document.id: document})
    objects = _objects(text)
    (definition,) = [o for o in objects if o["type"] == "marking-definition"]
    assert (definition["id"], definition["name"]) == (TLP2_IDS[tlp], f"TLP:{tlp}")
    for obj in objects:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == [TLP2_IDS[tlp]], obj["type"]
    (item,) = import_bundle(text, tlp_default="CLEAR" if tlp != "CLEAR" else "RED").items
    assert item.document.tlp == tlp and {e.tlp for e in item.events} == {tlp}


def _report(name: str, markings: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", name),
        "created": "2024-03-13T08:00:00.000Z",
        "modified": "2024-03-13T08:00:00.000Z",
        "name": name,
        "published": "2024-03-13T08:00:00Z",
        "object_refs": [IDENTITY],
        "created_by_ref": IDENTITY,
        **extra,
    }
    if markings:
        report["object_marking_refs"] = markings
    return report


def _foreign(*objects: dict[str, Any]) -> str:
    author = {
        "type": "identity",
        "spec_version": "2.1",
        "id": IDENTITY,
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "CERT-X",
        "identity_class": "organization",
    }
    bundle = {"type": "bundle", "id": stix_id("bundle", "test"), "objects": [author, *objects]}
    return json.dumps(bundle)


def test_exchange_stix_tlp1_and_opencti_markings() -> None:
    custom_red: dict[str, Any] = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--3c4f5e1a-7f7b-4c3e-9a0e-2b1d6c0f9a11",
        "created": "2024-01-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "custom"},
        "x_opencti_definition_type": "TLP",
        "x_opencti_definition": "TLP:RED",
    }
    text = _foreign(
        custom_red,
        _report("white", [stix2.TLP_WHITE.id]),
        _report(
            "green",
            [stix2.TLP_GREEN.id, "marking-definition--00000000-0000-4000-8000-0000000000ff"],
        ),
        _report("strict", [OPENCTI_AMBER_STRICT]),
        _report("both", [stix2.TLP_GREEN.id, stix2.TLP_AMBER.id]),
        _report("custom", [custom_red["id"]]),
        _report("unmarked"),
    )
    result = import_bundle(text, org="fctd", tlp_default="AMBER+STRICT")
    tlps = {i.document.title: i.document.tlp for i in result.items}
    assert tlps == {
        "white": "CLEAR",
        "green": "RED",  # a marking rasd cannot read counts as RED (issue 12), never as none
        "strict": "AMBER+STRICT",
        "both": "AMBER",  # the most restricted wins
        "custom": "RED",
        "unmarked": "AMBER+STRICT",  # the importing organisation's default
    }


# -- foreign bundles ---------------------------------------------------------------------


def test_exchange_stix_foreign_report_becomes_document() -> None:
    description = "Security forces arrested three suspected Islamic State members in Kirkuk."
    report = _report(
        "Arrests in Kirkuk",
        [stix2.TLP_GREEN.id],
        description=description,
        external_references=[{"source_name": "feed", "url": "https://example.org/kirkuk"}],
    )
    grouping = {
        "type": "grouping",
        "spec_version": "2.1",
        "id": stix_id("grouping", "misp-event"),
        "created": "2024-02-01T10:00:00.000Z",
        "modified": "2024-02-01T10:00:00.000Z",
        "name": "MISP event 42",
        "context": "suspicious-activity",
        "object_refs": [IDENTITY],
    }
    result = import_bundle(_foreign(report, grouping), org="fctd", tlp_default="AMBER")
    first, second = result.uncoded
    assert first.text == f"Arrests in Kirkuk\n\n{description}"
    assert first.id == content_id(first.text, "fctd")
    assert (first.source, first.org, first.tlp) == ("stix:CERT-X", "fctd", "GREEN")
    assert (first.published_at, first.url) == (date(2024, 3, 13), "https://example.org/kirkuk")
    assert (second.text, second.published_at, second.tlp) == (
        "MISP event 42", date(2024, 2, 1), "AMBER"
    )  # fmt: skip
    assert result.coded == [] and result.problems == []


def test_exchange_stix_bad_object_is_skipped_and_reported() -> None:
    broken = _report("no date")
    del broken["published"]
    empty = _report("")
    text = _foreign(_report("kept", description="text"), broken, "not an object", empty)  # type: ignore[arg-type]
    result = import_bundle(text)
    assert [d.title for d in result.uncoded] == ["kept"]
    messages = " | ".join(p.message for p in result.problems)
    assert len(result.problems) == 3, messages
    assert "object 3 (report" in messages and "published" in messages
    assert "object 4 (?)" in messages and "neither a name nor a description" in messages
    assert all(p.source == "STIX text" and p.fix for p in result.problems)


def test_exchange_stix_bad_rasd_event_skips_its_report() -> None:
    other = sample_document("Another invented report: a clash near Rutba.")
    bundle = json.loads(_bundle([*EVENTS, sample_event(other)], {DOC.id: DOC, other.id: other}))
    broken = next(o for o in bundle["objects"] if o["id"] == stix_id("sighting", EVENTS[1].id))
    broken["x_rasd_event"]["sub_event_type"] = "Picnic"
    result = import_bundle(json.dumps(bundle))
    assert [i.document.id for i in result.items] == [other.id]
    first, second = (p.message for p in result.problems)
    assert broken["id"] in first and "Picnic" in first
    assert stix_id("report", DOC.id) in second and "1 of its sightings" in second


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("this is not json", "is not JSON"),
        ('["a list"]', "is not a STIX bundle"),
        ('{"type": "report"}', "is not a STIX bundle"),
        ('{"type": "bundle", "objects": {}}', '"objects" that is not a list'),
        (b"\xff\xfe\x00bad", "is not UTF-8"),
    ],
)
def test_exchange_stix_bad_input_names_the_file(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as caught:
        import_bundle(path)
    assert str(path) in caught.value.subject
    assert problem in caught.value.problem and caught.value.fix


def test_exchange_stix_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.json: does not exist"):
        import_bundle(tmp_path / "missing.json")


# -- command line and API ----------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'a.sqlite'}")
    store = SqlStore(f"sqlite:///{tmp_path / 'a.sqlite'}")
    store.migrate()
    store.add(DOC, EVENTS)
    store.close()
    return tmp_path


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_exchange_stix_cli_export_then_import(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = env / "bundle.json"
    assert "wrote 3 events" in _run("export", "--format", "stix", "--out", str(path))
    stix2.parse(path.read_text("utf-8"), allow_custom=True)
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{env / 'b.sqlite'}")
    first = _run("import", str(path))
    assert "1 documents (1 new; 0 run through the pipeline), 3 events added" in first
    again = _run("import", str(path), "--org", "local", "--tlp", "RED")
    assert "1 documents (0 new; 0 run through the pipeline), 0 events added, 3 unchanged" in again
    with SqlStore(f"sqlite:///{env / 'b.sqlite'}") as store:
        assert (store.stats().documents, store.stats().events) == (1, 3)
        assert store.get_document(DOC.id) == DOC
    assert json.loads(_run("export", "--format", "stix").strip())["type"] == "bundle"


def test_exchange_stix_cli_bad_input(env: Path) -> None:
    (env / "bad.json").write_text("[1, 2]", "utf-8")
    result = CliRunner().invoke(app, ["import", str(env / "bad.json")])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "bad.json" in str(result.exception) and "STIX bundle" in str(result.exception)
    result = CliRunner().invoke(app, ["import", str(env / "bad.json"), "--tlp", "PINK"])
    assert "--tlp PINK" in str(result.exception)
    result = CliRunner().invoke(app, ["export", "--format", "misp"])
    assert "stix" in str(result.exception)


@pytest.mark.slow
def test_exchange_stix_cli_runs_foreign_reports_through_pipeline(env: Path) -> None:
    text = (
        "KIRKUK, Iraq - Security forces arrested three suspected Islamic State members in "
        "the city of Kirkuk on Monday, police said. (Invented for testing.)"
    )
    path = env / "opencti.json"
    path.write_text(_foreign(_report("Kirkuk arrests", [stix2.TLP_GREEN.id], description=text)))
    out = _run("import", str(path))
    assert "1 documents (1 new; 1 run through the pipeline), 1 events added" in out
    with SqlStore(f"sqlite:///{env / 'a.sqlite'}") as store:
        (event,) = [e for e in store.events() if e.document_id != DOC.id]
        assert (event.sub_event_type, event.tlp, event.place and event.place.name) == (
            "Arrests", "GREEN", KIRKUK.name
        )  # fmt: skip
        assert event.event_date == date(2024, 3, 11)


def test_exchange_stix_api_export(tmp_path: Path) -> None:
    from api_seed import EVENTS as API_EVENTS
    from api_seed import seeded_client

    with seeded_client(tmp_path) as client:
        response = client.get("/api/exports/stix", params={"admin1": "Kirkuk"})
        jsonl = client.get("/api/exports/jsonl", params={"admin1": "Kirkuk"}).text
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/stix+json")
    assert response.headers["content-disposition"].endswith('rasd-events.stix.json"')
    bundle = stix2.parse(response.text, allow_custom=True)
    sightings = {o.id for o in bundle.objects if o.type == "sighting"}
    expected = {stix_id("sighting", json.loads(line)["event_id"]) for line in jsonl.splitlines()}
    assert sightings == expected and stix_id("sighting", API_EVENTS["kirkuk_arrest"].id) in expected
    assert {o.type for o in bundle.objects} >= {"report", "location", "marking-definition"}
