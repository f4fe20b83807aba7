"""Issue 12, defect 1: a re-add never lowers a stored marking by accident.

A stored marking changes only when a marking is given explicitly; a lower one needs
``--allow-downgrade`` (API: ``allow_downgrade=true``) and is audited; an upgrade is always
allowed; an idempotent re-add rewrites nothing. Checked through the service (every
backend), the store itself, ``rasd ingest`` and ``POST /api/documents``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markworld import arrest, one_arrest_pipeline, report
from typer.testing import CliRunner

from rasd.api import create_app
from rasd.api.deps import get_pipeline_loader
from rasd.cli import app
from rasd.config import Settings
from rasd.exceptions import StoreError
from rasd.records import Document, IngestProblem
from rasd.service import IngestSummary, ingest, owned
from rasd.store import SqlStore
from rasd.store.markings import MarkingRule

TEXT = "Arrested kanari1x in Kirkuk on Monday, police said."


def _ingest(store: Any, tlp: str | None, **rule: bool) -> IngestSummary:
    records: list[Document | IngestProblem] = [report(TEXT)]
    marked = owned(store, records, "local", tlp)
    return ingest(
        one_arrest_pipeline(), store, marked, marking=MarkingRule(explicit=tlp is not None, **rule)
    )


def _stored(store: Any) -> tuple[str, set[str]]:
    doc = store.get_document(report(TEXT).id)
    return doc.tlp, {e.tlp for e in store.events()}


def test_markings_readd_without_marking_keeps_red(kstore: Any) -> None:
    _ingest(kstore, "RED")
    summary = _ingest(kstore, None)  # the organisation's default is AMBER
    assert summary.problems == []
    assert _stored(kstore) == ("RED", {"RED"})


def test_markings_default_ingest_keeps_stored_marking(kstore: Any) -> None:
    """A caller that says nothing about the marking (the default rule) keeps it too."""
    _ingest(kstore, "RED")
    marked = owned(kstore, [report(TEXT)], "local", None)
    ingest(one_arrest_pipeline(), kstore, marked)
    assert _stored(kstore) == ("RED", {"RED"})


def test_markings_explicit_lower_marking_refused_without_flag(kstore: Any) -> None:
    _ingest(kstore, "RED")
    summary = _ingest(kstore, "GREEN")
    (problem,) = summary.problems
    said = f"{problem.source} {problem.message} {problem.fix}"
    assert report(TEXT).id in said and "RED" in said and "GREEN" in said
    assert "--allow-downgrade" in problem.fix
    assert summary.documents == 0
    assert _stored(kstore) == ("RED", {"RED"})
    assert kstore.audit_log("local", action="downgrade") == []


def test_markings_downgrade_with_flag_is_audited(kstore: Any) -> None:
    _ingest(kstore, "RED")
    summary = _ingest(kstore, "GREEN", allow_downgrade=True)
    assert summary.problems == []
    assert _stored(kstore) == ("GREEN", {"GREEN"})
    (entry,) = kstore.audit_log("local", action="downgrade")
    assert report(TEXT).id in entry.items
    assert "RED" in entry.detail and "GREEN" in entry.detail


def test_markings_upgrade_always_allowed(kstore: Any) -> None:
    _ingest(kstore, "GREEN")
    assert _ingest(kstore, "RED").problems == []
    assert _stored(kstore) == ("RED", {"RED"})
    assert kstore.audit_log("local", action="downgrade") == []


def test_markings_idempotent_readd_rewrites_nothing(kstore: Any) -> None:
    _ingest(kstore, "RED")
    before = (kstore.get_document(report(TEXT).id), list(kstore.events()))
    for tlp in (None, "RED"):
        summary = _ingest(kstore, tlp)
        assert (summary.new_documents, summary.events_added, summary.events_removed) == (0, 0, 0)
        assert summary.events_unchanged == 1
    assert (kstore.get_document(report(TEXT).id), list(kstore.events())) == before
    assert kstore.audit_log("local", action="downgrade") == []


# -- the store itself: the last line of defence -----------------------------------------------


def test_markings_store_never_lowers_without_permission(sql_url: str) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    red = report(TEXT, tlp="RED")
    store.add(red, [arrest(red)])
    amber = red.model_copy(update={"tlp": "AMBER"})
    store.add(amber, [arrest(amber)])
    assert store.get_document(red.id).tlp == "RED"
    assert {e.tlp for e in store.events()} == {"RED"}
    store.close()


def test_markings_store_never_changes_a_stored_text(sql_url: str) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    red = report(TEXT, tlp="RED")
    store.add(red, [arrest(red)])
    forged = red.model_copy(update={"text": "Nothing happened, all is quiet."})
    with pytest.raises(StoreError, match=red.id):
        store.add(forged, [])
    assert store.get_document(red.id).text == TEXT
    assert len(list(store.events())) == 1
    store.close()


# -- rasd ingest -------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("RASD_DATABASE_URL", url)
    monkeypatch.setattr("rasd.engine.shared_pipeline", one_arrest_pipeline)
    (tmp_path / "r.txt").write_text(f"date 2024-01-02\n\n{TEXT}\n", "utf-8")
    yield tmp_path


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


def _cli_marking(env: Path) -> str:
    with SqlStore(f"sqlite:///{env / 'cli.sqlite'}") as store:
        (doc,) = list(store.documents())
        assert {e.tlp for e in store.events()} == {doc.tlp}
        return doc.tlp


def test_markings_cli_ingest_keeps_lowers_only_with_flag(cli_env: Path) -> None:
    path = str(cli_env / "r.txt")
    assert _cli("ingest", path, "--tlp", "RED")[0] == 0
    assert _cli("ingest", path)[0] == 0
    assert _cli_marking(cli_env) == "RED"
    code, output = _cli("ingest", path, "--tlp", "GREEN")
    assert "RED" in output and "GREEN" in output and "--allow-downgrade" in output
    assert _cli_marking(cli_env) == "RED"
    code, output = _cli("ingest", path, "--tlp", "GREEN", "--allow-downgrade")
    assert code == 0, output
    assert _cli_marking(cli_env) == "GREEN"
    with SqlStore(f"sqlite:///{cli_env / 'cli.sqlite'}") as store:
        assert len(store.audit_log("local", action="downgrade")) == 1


# -- POST /api/documents -----------------------------------------------------------------------


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, SqlStore]]:
    store = SqlStore(f"sqlite:///{tmp_path / 'api.sqlite'}")
    store.migrate()
    application = create_app(Settings(auth="off"), store)
    application.dependency_overrides[get_pipeline_loader] = lambda: one_arrest_pipeline
    with TestClient(application) as client:
        yield client, store
    store.close()


def _post(client: TestClient, **params: str) -> Any:
    body = {"text": TEXT, "published_at": "2024-01-02"}
    return client.post("/api/documents", params=params, json=body)


def _api_marking(store: SqlStore) -> str:
    (doc,) = list(store.documents())
    assert {e.tlp for e in store.events()} == {doc.tlp}
    return doc.tlp


def test_markings_api_repost_keeps_red(api: tuple[TestClient, SqlStore]) -> None:
    client, store = api
    assert _post(client, tlp="RED").status_code == 200
    again = _post(client)
    assert again.status_code == 200, again.text
    assert again.json()["document"]["tlp"] == "RED"
    assert _api_marking(store) == "RED"


def test_markings_api_lower_needs_allow_downgrade(api: tuple[TestClient, SqlStore]) -> None:
    client, store = api
    assert _post(client, tlp="RED").status_code == 200
    refused = _post(client, tlp="GREEN")
    assert refused.status_code == 409, refused.text
    said = str(refused.json())
    assert "RED" in said and "GREEN" in said and "allow_downgrade" in said
    assert _api_marking(store) == "RED"
    lowered = _post(client, tlp="GREEN", allow_downgrade="true")
    assert lowered.status_code == 200, lowered.text
    assert _api_marking(store) == "GREEN"
    (entry,) = store.audit_log("local", action="downgrade")
    assert "RED" in entry.detail and "GREEN" in entry.detail
    assert _post(client, tlp="RED").status_code == 200  # an upgrade needs nothing
    assert _api_marking(store) == "RED"


def test_markings_refused_downgrade_leaves_the_rest_of_the_batch(kstore: Any) -> None:
    _ingest(kstore, "RED")
    other = "Seized kanari2x near Hawija on Tuesday, the army said."
    records = owned(kstore, [report(TEXT), report(other)], "local", "GREEN")
    summary = ingest(one_arrest_pipeline(), kstore, records, marking=MarkingRule(explicit=True))
    assert len(summary.problems) == 1 and summary.documents == 1
    assert kstore.get_document(report(other).id).tlp == "GREEN"
    assert kstore.get_document(report(TEXT).id).tlp == "RED"
