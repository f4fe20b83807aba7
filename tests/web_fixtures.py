"""Browser-test fixtures: a real ``rasd serve`` on the demo data, and Chromium via Playwright.

Each ``tests/test_web_*.py`` module binds the fixtures it uses::

    import web_fixtures as web
    web_app = web.web_app
    page = web.page

The server and the browser are started once per test process (an xdist worker)
and shared by every module; each test gets a fresh browser context and page.
Playwright drives Debian's Chromium (``scripts/install-browser.sh``), never a
downloaded browser. When Chromium is missing the tests skip with that reason,
or fail when ``CI=true`` (so CI cannot pass without running them).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from api_seed import span

from rasd.config import PipelineConfig, Settings
from rasd.demo import sample_files
from rasd.ingest import read_paths
from rasd.records import Actor, Document, Event, Person, Place, event_id
from rasd.service import ingest, open_store
from rasd.taxonomy import ActorType

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "run scripts/install-browser.sh (installs Debian's chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
_shared: dict[str, Any] = {}

# -- the hostile document -------------------------------------------------------------------

HOSTILE_TITLE = "<script>alert('title')</script>Checkpoint attack <img src=x onerror=alert('t')>"
HOSTILE_URL = "javascript:alert('url')"
HOSTILE_ACTOR = "<img src=x onerror=alert('actor')> Brigade"
HOSTILE_PLACE = "<svg onload=alert('place')>Dibis"
HOSTILE_ADMIN1 = "<i onmouseover=alert('admin1')>Hostile province</i>"
HOSTILE_NOTES = "<script>alert('notes')</script> invented event with hostile text"
HOSTILE_TEXT = (
    "Invented hostile report for the web UI tests; not a real report. "
    "<script>alert('text')</script> Gunmen of the <img src=x onerror=alert('actor')> Brigade "
    "attacked a police checkpoint near <svg onload=alert('place')>Dibis on Monday. "
    'Two policemen were killed, said <a href="javascript:alert(1)">a spokesman</a>.'
)


def hostile_records() -> tuple[Document, Event]:
    """An invented report whose title, text, URL, actor, place and notes carry HTML and script."""
    doc = Document.from_text(
        HOSTILE_TEXT,
        source="<b>hostile wire</b> (invented)",
        url=HOSTILE_URL,
        title=HOSTILE_TITLE,
        published_at=date(2024, 5, 8),
    )
    trigger = span("attacked", "event_type", doc)
    event = Event(
        id=event_id(doc.id, "Attack", trigger.start, trigger.end),
        document_id=doc.id,
        event_date=date(2024, 5, 6),
        event_type="Violence against civilians",
        sub_event_type="Attack",
        actor1=Actor(
            id="hostile-brigade", name=HOSTILE_ACTOR, actor_type=ActorType.POLITICAL_MILITIA
        ),
        actor2=Actor(id="iq-police", name="Police Forces of Iraq (2022-)", actor_type=1),
        place=Place(
            name=HOSTILE_PLACE,
            country="Iraq",
            country_code="IQ",
            admin1=HOSTILE_ADMIN1,
            latitude=35.25,
            longitude=44.05,
        ),
        location=HOSTILE_PLACE,
        geo_precision=2,
        fatalities=2,
        notes=HOSTILE_NOTES,
        persons=(Person(name="<img src=x onerror=alert('person')>", role="<b>spokesman</b>"),),
        evidence=(
            trigger,
            span("attacked", "sub_event_type", doc),
            span("<img src=x onerror=alert('actor')> Brigade", "actor1", doc),
            span("<svg onload=alert('place')>Dibis", "location", doc),
            span("on Monday", "event_date", doc),
            span("Two policemen were killed", "fatalities", doc),
        ),
    )
    return doc, event


# -- the server ------------------------------------------------------------------------------


@dataclass
class WebApp:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    hostile_event_id: str
    hostile_document_id: str

    def api(self, path: str, **params: Any) -> Any:
        """GET /api/<path> as JSON (repeatable params as lists)."""
        query = urllib.parse.urlencode(params, doseq=True)
        url = f"{self.base_url}/api/{path}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST JSON to /api/<path>; the answer as JSON (HTTPError on 4xx/5xx)."""
        request = urllib.request.Request(
            f"{self.base_url}/api/{path}",
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def undo_corrections(self, subject: str, after: int) -> None:
        """Revert, newest first, the corrections of `subject` numbered above `after` that are
        still in force (a test's clean-up: the server is shared by the tests of a worker)."""
        for c in reversed(self.api("corrections", subject=subject)):
            if c["id"] > after and c["in_force"] and c["action"] != "revert":
                self.post(
                    "corrections",
                    {
                        "action": "revert",
                        "reverts": c["id"],
                        "analyst": "test",
                        "reason": "clean-up",
                    },
                )

    def last_correction_id(self) -> int:
        log = self.api("corrections")
        return max((c["id"] for c in log), default=0)

    def all_events(self, **filters: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.api(
                "events", limit=500, **filters, **({"cursor": cursor} if cursor else {})
            )
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_demo_database(url: str, pipeline: Any) -> tuple[Document, Event]:
    """The `rasd demo` data (the invented sample reports) plus the hostile document."""
    config = PipelineConfig.load(None)
    with open_store(Settings(database_url=url)) as store:
        summary = ingest(pipeline, store, read_paths(sample_files(), config.input))
        assert summary.events_added > 10, f"the demo gave only {summary.events_added} events"
        doc, event = hostile_records()
        store.add(doc, [event])
    return doc, event


def start_server(
    db_url: str, workdir: Path, extra_env: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen[bytes], Path]:
    """`rasd serve` with sign-in off, unless ``extra_env`` says otherwise (RASD_AUTH...)."""
    port = free_port()
    log = workdir / "serve.log"
    env = {
        **os.environ,
        "RASD_DATABASE_URL": db_url,
        "RASD_LOG_LEVEL": "WARNING",
        "RASD_AUTH": "off",
    }
    env.update(extra_env or {})
    cmd = [sys.executable, "-c", "from rasd.cli import main; main()", "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rasd serve exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/api/config", timeout=2):
                return base, process, log
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"rasd serve did not answer within 90 s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Iterator[WebApp]:
    """`rasd serve` on a fresh SQLite file with the demo data and the hostile document."""
    require_browser()
    if "app" not in _shared:
        workdir = tmp_path_factory.mktemp("web")
        db_url = f"sqlite:///{workdir / 'rasd.sqlite'}"
        doc, event = load_demo_database(db_url, pipeline)
        base, process, log = start_server(db_url, workdir)
        _shared["app"] = WebApp(base, process, log, event.id, doc.id)
    _shared["app_users"] = _shared.get("app_users", 0) + 1
    yield _shared["app"]
    _shared["app_users"] -= 1
    if not _shared["app_users"]:
        _shared.pop("app").stop()


# -- the browser -----------------------------------------------------------------------------


def require_browser() -> None:
    """Skip (or fail under CI=true) when Debian's Chromium or Playwright is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: {INSTALL_HINT}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: pip install -e '.[dev]'"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run: {problem}", pytrace=False)
    pytest.skip(f"browser tests need Chromium: {problem}")


def _browser() -> Any:
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        _shared["playwright"] = pw
        _shared["browser"] = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    return _shared["browser"]


@dataclass
class BrowserPage:
    """A Playwright page that records dialogs, console errors, page errors and requests."""

    page: Any
    base_url: str
    name: str
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    shot_taken: bool = False

    def goto(self, fragment: str) -> None:
        """Open the UI at a hash route, e.g. '#/explore?admin1=Kirkuk'."""
        self.page.goto(f"{self.base_url}/{fragment}")

    def screenshot(self, suffix: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}{suffix}.png"
        self.page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-page
        self.page.screenshot(path=str(path), full_page=True)
        self.shot_taken = True
        return path

    def unexpected_console_errors(self) -> list[str]:
        """Console errors other than the 404s of endpoints that are still being built."""
        return [e for e in self.console_errors if not re.search(r"status of 40[45]", e)]


@pytest.fixture
def page(web_app: WebApp, request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    """A fresh browser context and page on the served UI; a screenshot is saved at the end."""
    browser = _browser()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    raw = context.new_page()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    bp = BrowserPage(raw, web_app.base_url, name)

    def on_dialog(dialog: Any) -> None:
        bp.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    raw.on("dialog", on_dialog)
    raw.on("console", lambda m: m.type == "error" and bp.console_errors.append(m.text))
    raw.on("pageerror", lambda e: bp.page_errors.append(str(e)))
    raw.on("request", lambda r: bp.requests.append(r.url))
    try:
        yield bp
        if not bp.shot_taken:
            bp.screenshot()
    finally:
        context.close()
    assert not bp.dialogs, f"a dialog opened: {bp.dialogs}"
    assert not bp.page_errors, f"JavaScript errors: {bp.page_errors}"


OUR_SCRIPTS = {
    "/vendor/leaflet/dist/leaflet.js",
    "/vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
    "/vendor/topojson-client/dist/topojson-client.min.js",
    "/app.js",
}


def assert_nothing_injected(bp: BrowserPage) -> None:
    """No script, handler, image, nested SVG or javascript:/data: link beyond the UI's own,
    no request for an injected image, no dialog."""
    scripts = bp.page.eval_on_selector_all("script", "els => els.map(e => e.src)")
    assert {urllib.parse.urlsplit(s).path for s in scripts} == OUR_SCRIPTS
    handlers = "[onerror], [onload], [onmouseover], [onclick]"
    assert bp.page.locator(handlers).count() == 0
    assert bp.page.locator("img:not(.brand-mark):not(.leaflet-tile)").count() == 0
    assert bp.page.locator("a[href^='javascript' i], a[href^='data:' i]").count() == 0
    assert bp.page.locator("svg svg, i[onmouseover], b[onmouseover]").count() == 0
    paths = {urllib.parse.urlsplit(u).path for u in bp.requests}
    assert "/x" not in paths, "an injected <img src=x> was loaded"
    assert not bp.dialogs


def wait_idle(bp: BrowserPage, selector: str) -> None:
    """Wait until an element exists and is no longer busy (aria-busy removed)."""
    bp.page.wait_for_selector(f"{selector}:not([aria-busy])", state="attached")


def map_counts(bp: BrowserPage, selector: str = "#map") -> tuple[int, int]:
    """(events in visible clusters + single markers, number of clusters) on a map, once the
    marker-cluster animations are over (the same figures read three times, 250 ms apart:
    during a zoom or a reload, leaving and arriving icons are both in the page)."""
    script = """sel => {
        const counts = [...document.querySelectorAll(sel + ' .cluster-count')].map(e => Number(e.textContent));
        const singles = document.querySelectorAll(sel + ' .leaflet-marker-icon.mk').length;
        const busy = document.querySelector(sel + ' .leaflet-cluster-anim') !== null;
        return [counts.reduce((a, b) => a + b, 0) + singles, counts.length, busy];
    }"""
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        total, clusters, busy = bp.page.evaluate(script, selector)
        seen = [*seen[-2:], (total, clusters)] if not busy else []
        if len(seen) == 3 and len(set(seen)) == 1:
            break
        bp.page.wait_for_timeout(250)
    return seen[-1] if seen else (total, clusters)


def highlights(bp: BrowserPage, scope: str = ".doc-text") -> dict[int, tuple[str, set[str]]]:
    """evidence index -> (its highlighted text, the texts of the sentences holding it)."""
    marks = bp.page.eval_on_selector_all(
        f"{scope} mark.hl",
        """els => els.map(m => ({ev: m.dataset.ev, text: m.textContent,
            sentence: m.closest('.ev-sentence') ? m.closest('.ev-sentence').textContent : null}))""",
    )
    out: dict[int, tuple[str, set[str]]] = {}
    for m in marks:
        for i in (int(x) for x in m["ev"].split()):
            text, sentences = out.get(i, ("", set()))
            out[i] = (text + m["text"], sentences | {m["sentence"]})
    return out
