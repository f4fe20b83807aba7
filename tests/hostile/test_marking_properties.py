"""Issue 12, property tests: random re-adds (``rasd ingest``'s service, ``POST
/api/documents``) and random, tampered bundles (``rasd import``) never lower a stored
marking and never change a stored text, and events always carry their report's marking.

No operation here passes ``allow_downgrade``: every stored marking may only go up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import stix2
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markworld import arrest, bundle, one_arrest_pipeline, report

from rasd.api import create_app
from rasd.api.deps import get_pipeline_loader
from rasd.config import Settings
from rasd.exchange import import_bundle
from rasd.exchange.stix_store import store_import
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document
from rasd.service import ingest, owned
from rasd.store import MemoryStore, SqlStore
from rasd.store.markings import MarkingRule
from rasd.taxonomy import TLP_LEVELS, tlp_rank

TEXTS = (
    "Arrested kanari1x in Kirkuk on Monday, police said.",
    "Seized kanari2x near Hawija on Tuesday, the army said.",
    "Detained kanari3x in Tikrit on Friday, officials said.",
)
TLPS = st.sampled_from(TLP_LEVELS)
MAYBE_TLP = st.none() | TLPS
UNKNOWN_MARKING = "marking-definition--00000000-0000-4000-8000-0000000000ff"

Op = tuple[str, int, Any]


def ops() -> st.SearchStrategy[Op]:
    tamper = st.sampled_from(
        ["none", "forge_text", "string_marking", "unknown_marking", "no_marking",
         "other_events", "other_org", "x_rasd_tlp"]
    )  # fmt: skip
    index = st.integers(0, len(TEXTS) - 1)
    return st.one_of(
        st.tuples(st.just("ingest"), index, MAYBE_TLP),
        st.tuples(st.just("post"), index, MAYBE_TLP),
        st.tuples(st.just("import"), index, st.tuples(TLPS, tamper, st.text(min_size=1))),
    )


def _ingest(store: Any, _client: TestClient, n: int, tlp: str | None) -> None:
    records = owned(store, [report(TEXTS[n])], "local", tlp)
    ingest(one_arrest_pipeline(), store, records, marking=MarkingRule(explicit=tlp is not None))


def _post(_store: Any, client: TestClient, n: int, tlp: str | None) -> None:
    params = {} if tlp is None else {"tlp": tlp}
    body = {"text": TEXTS[n], "published_at": "2024-01-02"}
    response = client.post("/api/documents", params=params, json=body)
    assert response.status_code in (200, 409), response.text


def _import(store: Any, _client: TestClient, n: int, how: tuple[str, str, str]) -> None:
    tlp, tamper, noise = how
    doc = report(TEXTS[n], tlp=tlp)
    events = [arrest(doc, 1 if tamper == "other_events" else 0)]
    data = bundle((doc, events))
    for obj in data["objects"]:
        _tamper(obj, tamper, noise)
    result = import_bundle(json.dumps(data), org="local", tlp_default="CLEAR")
    store_import(store, result, Knowledge(), one_arrest_pipeline)


def _tamper(obj: dict[str, Any], tamper: str, noise: str) -> None:
    if "x_rasd_document" in obj:
        if tamper == "forge_text":
            obj["x_rasd_document"]["text"] = f"{noise} forged"
        if tamper == "other_org":
            obj["x_rasd_document"]["org"] = "reg"
        if tamper == "x_rasd_tlp":
            obj["x_rasd_document"]["tlp"] = "CLEAR"
    refs = obj.get("object_marking_refs")
    if refs:
        if tamper == "string_marking":
            obj["object_marking_refs"] = refs[0]
        if tamper == "unknown_marking":
            obj["object_marking_refs"] = [UNKNOWN_MARKING]
        if tamper == "no_marking":
            del obj["object_marking_refs"]


RUN: dict[str, Callable[[Any, TestClient, int, Any], None]] = {
    "ingest": _ingest,
    "post": _post,
    "import": _import,
}


def _snapshot(store: Any) -> dict[str, Document]:
    return {d.id: d for d in store.documents()}


def _check(before: dict[str, Document], store: Any, what: Op) -> None:
    after = _snapshot(store)
    for doc_id, old in before.items():
        new = after[doc_id]
        assert new.text == old.text, f"{what} changed the text of {doc_id}"
        assert tlp_rank(new.tlp) >= tlp_rank(old.tlp), f"{what} lowered {old.tlp} to {new.tlp}"
    for event in store.events():
        assert event.tlp == after[event.document_id].tlp, f"{what}: event marking drifted"


@contextmanager
def _world(kind: str, tmp: Path, initial: list[str]) -> Iterator[tuple[Any, TestClient]]:
    store: Any = MemoryStore() if kind == "memory" else SqlStore(f"sqlite:///{tmp}")
    if kind != "memory":
        store.migrate()
    for text, tlp in zip(TEXTS, initial, strict=False):
        doc = report(text, tlp=tlp)
        save_extraction(store, doc, [arrest(doc)])
    application = create_app(Settings(auth="off"), store)
    application.dependency_overrides[get_pipeline_loader] = lambda: one_arrest_pipeline
    with TestClient(application) as client:
        yield store, client
    if kind != "memory":
        store.close()


def _run(kind: str, tmp: Path, initial: list[str], steps: list[Op]) -> None:
    if tmp.exists():
        tmp.unlink()
    with _world(kind, tmp, initial) as (store, client):
        for step in steps:
            before = _snapshot(store)
            RUN[step[0]](store, client, step[1], step[2])
            _check(before, store, step)


SETTINGS: dict[str, Any] = dict(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@settings(max_examples=60, **SETTINGS)
@given(
    initial=st.lists(TLPS, min_size=1, max_size=3), steps=st.lists(ops(), min_size=1, max_size=6)
)
def test_marking_properties_never_lowered_memory(
    tmp_path: Path, initial: list[str], steps: list[Op]
) -> None:
    _run("memory", tmp_path / "unused", initial, steps)


@settings(max_examples=15, **SETTINGS)
@given(
    initial=st.lists(TLPS, min_size=1, max_size=3), steps=st.lists(ops(), min_size=1, max_size=5)
)
def test_marking_properties_never_lowered_sqlite(
    tmp_path: Path, initial: list[str], steps: list[Op]
) -> None:
    _run("sqlite", tmp_path / "p.sqlite", initial, steps)


def test_marking_properties_red_survives_every_tamper(tmp_path: Path) -> None:
    """The worst case of each tamper, written out: a RED report and a CLEAR bundle."""
    tampers = ["none", "forge_text", "string_marking", "unknown_marking", "no_marking",
               "other_events", "other_org", "x_rasd_tlp"]  # fmt: skip
    steps: list[Op] = [("import", 0, ("CLEAR", t, "x")) for t in tampers]
    steps += [("ingest", 0, None), ("post", 0, None), ("ingest", 0, "CLEAR"), ("post", 0, "GREEN")]
    _run("memory", tmp_path / "unused", ["RED"], steps)
    assert stix2.TLP_RED.id  # the stix2 ids are the ones the bundles use
