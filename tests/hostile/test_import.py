"""Issue 12, defects 2, 3, 6 (``rasd import``) and 10: hostile and broken STIX bundles.

A bundle is not trusted: a document id must be the hash of its text (else the report is
a foreign one, a new report of the importing organisation), a stored report's text and
events are never replaced by a bundle and its marking never lowered; a marking given as
a single string counts, an unreadable one counts as RED; a bundle nested too deep, a
lone surrogate or a report the store refuses is a problem line, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stix2
from markworld import arrest, bundle, one_arrest_pipeline, report
from typer.testing import CliRunner

from rasd.cli import app
from rasd.exceptions import InputError
from rasd.exchange import import_bundle, stix_id
from rasd.exchange.stix_store import store_import
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document, Event, content_id
from rasd.service import IngestSummary
from rasd.store import SqlStore

TEXT = "Arrested kanari1x in Kirkuk on Monday, police said."
OTHER = "Seized kanari2x near Hawija on Tuesday, the army said."
FORGED = "Nothing happened in Kirkuk; the arrest report was wrong."
IDENTITY = "identity--0f5c6a4e-3b52-4d5c-9b0b-6b7f2a7d3c11"


def _import(store: Any, data: dict[str, Any], org: str = "local") -> IngestSummary:
    result = import_bundle(json.dumps(data), org=org, tlp_default="AMBER")
    return store_import(store, result, Knowledge(), one_arrest_pipeline)


def _stored(store: Any, tlp: str = "RED") -> tuple[Document, list[Event]]:
    doc = report(TEXT, tlp=tlp)
    events = [arrest(doc)]
    save_extraction(store, doc, events)
    return doc, events


def _events_of(store: Any, document_id: str) -> list[Event]:
    return sorted((e for e in store.events() if e.document_id == document_id), key=lambda e: e.id)


def _report_object(data: dict[str, Any]) -> dict[str, Any]:
    (found,) = [o for o in data["objects"] if o["type"] == "report"]
    return found


# -- defect 2: the bundle's id and organisation are not trusted -------------------------------


def test_import_forged_id_never_replaces_a_stored_text(kstore: Any) -> None:
    doc, events = _stored(kstore)
    before = _events_of(kstore, doc.id)
    data = bundle((doc, events))
    forged = _report_object(data)
    forged["x_rasd_document"]["text"] = forged["description"] = FORGED
    summary = _import(kstore, data)
    assert summary.events_removed == 0
    assert kstore.get_document(doc.id).text == TEXT
    assert kstore.get_document(doc.id).tlp == "RED"
    assert _events_of(kstore, doc.id) == before
    new = kstore.get_document(content_id(FORGED, "local"))  # a new report of its own
    assert (new.text, new.org) == (FORGED, "local")
    (event,) = _events_of(kstore, new.id)  # coded by the pipeline, not taken from the bundle
    assert event == arrest(new).model_copy(update={"created_at": event.created_at})


def test_import_forged_id_is_a_foreign_report() -> None:
    doc, events = report(TEXT), [arrest(report(TEXT))]
    data = bundle((doc, events))
    _report_object(data)["x_rasd_document"]["text"] = FORGED
    (item,) = import_bundle(json.dumps(data), org="local").items
    assert not item.coded and item.events == ()
    assert item.document.id == content_id(item.document.text, "local") != doc.id
    assert FORGED in item.document.text


def test_import_bundle_never_lowers_a_stored_marking(kstore: Any) -> None:
    doc, events = _stored(kstore)
    clear = doc.model_copy(update={"tlp": "CLEAR"})
    summary = _import(
        kstore, bundle((clear, [e.model_copy(update={"tlp": "CLEAR"}) for e in events]))
    )
    assert summary.problems == []
    assert kstore.get_document(doc.id).tlp == "RED"
    assert {e.tlp for e in _events_of(kstore, doc.id)} == {"RED"}
    assert any(doc.id in w and "RED" in w for w in summary.warnings)


def test_import_bundle_claiming_another_org_cannot_lower(kstore: Any) -> None:
    doc, events = _stored(kstore)
    theirs = doc.model_copy(update={"org": "reg", "tlp": "CLEAR"})
    data = bundle((theirs, [e.model_copy(update={"org": "reg", "tlp": "CLEAR"}) for e in events]))
    _import(kstore, data)
    assert kstore.get_document(doc.id).tlp == "RED"
    assert {e.tlp for e in _events_of(kstore, doc.id)} == {"RED"}


def test_import_bundle_never_replaces_stored_events(kstore: Any) -> None:
    doc, events = _stored(kstore)
    before = _events_of(kstore, doc.id)
    other = [arrest(doc, 5), arrest(doc, 6)]  # the bundle says: other events, not ours
    summary = _import(kstore, bundle((doc, other)))
    assert summary.events_removed == summary.events_added == 0
    assert _events_of(kstore, doc.id) == before


def test_import_bundle_may_raise_a_marking(kstore: Any) -> None:
    doc, events = _stored(kstore, "GREEN")
    red = doc.model_copy(update={"tlp": "RED"})
    _import(kstore, bundle((red, [e.model_copy(update={"tlp": "RED"}) for e in events])))
    assert kstore.get_document(doc.id).tlp == "RED"
    assert {e.tlp for e in _events_of(kstore, doc.id)} == {"RED"}
    assert kstore.get_document(doc.id).text == TEXT


# -- defect 3: markings as a string, unreadable markings --------------------------------------


def _foreign_report(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", name.encode("utf-8", "surrogatepass").hex()),
        "created": "2024-03-13T08:00:00.000Z",
        "modified": "2024-03-13T08:00:00.000Z",
        "name": name,
        "published": "2024-03-13T08:00:00Z",
        "object_refs": [IDENTITY],
        **extra,
    }


def _foreign_bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": stix_id("bundle", "hostile"), "objects": list(objects)}


def _tlps(data: dict[str, Any]) -> dict[str, str]:
    result = import_bundle(json.dumps(data), org="local", tlp_default="CLEAR")
    return {str(i.document.title): i.document.tlp for i in result.items}


def test_import_marking_given_as_a_string_counts() -> None:
    data = _foreign_bundle(
        _foreign_report("string red", object_marking_refs=stix2.TLP_RED.id),
        _foreign_report("list red", object_marking_refs=[stix2.TLP_RED.id]),
    )
    assert _tlps(data) == {"string red": "RED", "list red": "RED"}


def test_import_rasd_report_marking_given_as_a_string_counts() -> None:
    doc = report(TEXT, tlp="RED")
    data = bundle((doc, [arrest(doc)]))
    for obj in data["objects"]:
        if obj.get("object_marking_refs"):
            obj["object_marking_refs"] = obj["object_marking_refs"][0]
        if "x_rasd_document" in obj:
            obj["x_rasd_document"]["tlp"] = "CLEAR"  # the marking, not this, is believed
    (item,) = import_bundle(json.dumps(data), org="local", tlp_default="CLEAR").items
    assert item.document.tlp == "RED" and {e.tlp for e in item.events} == {"RED"}


def test_import_unreadable_marking_is_red() -> None:
    odd_tlp = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--3c4f5e1a-7f7b-4c3e-9a0e-2b1d6c0f9a12",
        "created": "2024-01-01T00:00:00.000Z",
        "definition_type": "tlp",
        "definition": {"tlp": "ultraviolet"},
    }
    statement = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--3c4f5e1a-7f7b-4c3e-9a0e-2b1d6c0f9a13",
        "created": "2024-01-01T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "Copyright CERT-X"},
    }
    unknown = "marking-definition--00000000-0000-4000-8000-0000000000ff"
    data = _foreign_bundle(
        odd_tlp,
        statement,
        _foreign_report("odd", object_marking_refs=[odd_tlp["id"]]),
        _foreign_report("unknown", object_marking_refs=[stix2.TLP_GREEN.id, unknown]),
        _foreign_report("statement", object_marking_refs=[statement["id"]]),
        _foreign_report(
            "granular",
            granular_markings=[{"marking_ref": stix2.TLP_RED.id, "selectors": ["description"]}],
            description="a secret part",
        ),
    )
    assert _tlps(data) == {
        "odd": "RED",
        "unknown": "RED",
        "statement": "CLEAR",  # a readable marking that is not TLP: the default applies
        "granular": "RED",
    }


# -- defect 6: too deep, lone surrogates ------------------------------------------------------


def test_import_deeply_nested_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"type": "bundle", "objects": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    with pytest.raises(InputError) as caught:
        import_bundle(path)
    assert str(path) in caught.value.subject
    assert "deep" in caught.value.problem and caught.value.fix


def test_import_lone_surrogate_skips_only_its_report() -> None:
    text = _foreign_bundle(
        _foreign_report("fine report", description="Arrests in Kirkuk."),
        _foreign_report("broken \ud800 report", description="x"),
    )
    raw = json.dumps(text)  # ensure_ascii: the surrogate travels as the escape \ud800
    assert "\\ud800" in raw
    result = import_bundle(raw, org="local")
    assert [d.title for d in result.uncoded] == ["fine report"]
    (problem,) = result.problems
    assert "surrogate" in problem.message and problem.fix
    problem.message.encode("utf-8")  # printable


# -- through the command line: defect 6 and 10 -----------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlStore]:
    url = f"sqlite:///{tmp_path / 'imp.sqlite'}"
    monkeypatch.setenv("RASD_DATABASE_URL", url)
    monkeypatch.setattr("rasd.engine.shared_pipeline", one_arrest_pipeline)
    store = SqlStore(url)
    store.migrate()
    yield store
    store.close()


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from rasd.exceptions import RasdError

        assert isinstance(result.exception, RasdError), result.exception  # no traceback
    return result


def test_import_cli_store_error_skips_the_report_and_goes_on(
    cli_store: SqlStore, tmp_path: Path
) -> None:
    a, a_events = _stored(cli_store)
    b, c = report(OTHER), report(FORGED)
    thief = arrest(b).model_copy(update={"id": a_events[0].id})  # A's event id in B
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle((b, [thief]), (c, [arrest(c)]))), "utf-8")
    result = _cli("import", str(path))
    assert result.exit_code == 1, result.output
    assert b.id in result.output and a_events[0].id in result.output  # the problem line
    assert "1 skipped" in result.output  # the summary, after the problem
    assert cli_store.get_document(c.id).text == FORGED  # the rest went in
    assert [e.id for e in _events_of(cli_store, a.id)] == [a_events[0].id]  # A kept its event
    assert [d.id for d in cli_store.documents() if d.id == b.id] == []  # nothing of B


def test_import_cli_deep_bundle_is_a_clear_error(cli_store: SqlStore, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"type": "bundle", "objects": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    result = _cli("import", str(path))
    assert result.exit_code != 0
    assert "deep" in str(result.exception)


def test_import_cli_lone_surrogate(cli_store: SqlStore, tmp_path: Path) -> None:
    """A surrogate in the author's name crashed the import (the report's source)."""
    author = {
        "type": "identity",
        "spec_version": "2.1",
        "id": IDENTITY,
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "CERT-\ud800X",
        "identity_class": "organization",
    }
    data = _foreign_bundle(
        author,
        _foreign_report("fine report", description="Arrests in Kirkuk.", created_by_ref=IDENTITY),
        _foreign_report("broken \ud800 report", description="x"),
    )
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), "utf-8")
    result = _cli("import", str(path))
    assert result.exit_code == 1, result.output
    assert "surrogate" in result.output and "2 skipped" in result.output
    assert [d.title for d in cli_store.documents()] == ["fine report"]


def test_import_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    """A FIFO would hang the import and /dev/zero fill the memory: neither is read."""
    import os

    fifo = tmp_path / "bundle.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero, tmp_path):
        with pytest.raises(InputError) as caught:
            import_bundle(path)
        assert str(path) in caught.value.subject and "not a regular file" in caught.value.problem
