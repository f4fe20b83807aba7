"""Browser-test fixtures with sign-in REQUIRED: a second ``rasd serve`` (no RASD_AUTH=off)
on a store with two organisations, a user of each role, and invented reports marked
GREEN, AMBER and RED.

``tests/test_web_auth.py`` and ``tests/test_web_sharing.py`` bind them::

    import web_auth_fixtures as wa
    secure_app = wa.secure_app
    browser_pages = wa.browser_pages

The server is started once per test process and shared (like ``web_fixtures.web_app``);
tests that share something withdraw it before they end. Users are made with
:func:`rasd.access.auth.create_user` (argon2 at its default cost) before the server starts.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import web_fixtures as web
from api_seed import span

from rasd.access.auth import create_org, create_user
from rasd.config import Settings
from rasd.records import Actor, Document, Event, Place, event_id
from rasd.service import open_store
from rasd.taxonomy import ActorType

FED = "fed"
FED_NAME = "Federal Counter-Terrorism Directorate (invented)"
REG = "reg"
HOSTILE_ORG_NAME = "<img src=x onerror=alert('org')> Regional Agency"
HOSTILE_USERNAME = "<img src=x onerror=alert(1)>"

# username -> (organisation, role, password); passwords are 12+ characters.
USERS: dict[str, tuple[str, str, str]] = {
    "fed-admin": (FED, "admin", "correct horse battery admin"),
    "fed-analyst": (FED, "analyst", "correct horse battery analyst"),
    "fed-viewer": (FED, "viewer", "correct horse battery viewer"),
    "reg-admin": (REG, "admin", "staple battery horse admin"),
    "reg-analyst": (REG, "analyst", "staple battery horse analyst"),
    HOSTILE_USERNAME: (REG, "viewer", "staple battery horse hostile"),
}

MAX_FAILURES = 4  # RASD_LOGIN_MAX_FAILURES of the server (per username and per address)
TRUSTED_PROXY = "127.0.0.1"  # RASD_TRUSTED_PROXIES of the server

NOTE = "Invented report for the rasd sign-in and sharing tests; not a real report. "


@dataclass(frozen=True)
class Seed:
    """One invented report and its event."""

    key: str
    org: str
    tlp: str
    text: str
    trigger: str
    sub_event_type: str
    event_type: str
    place: str
    admin1: str
    lat: float
    lon: float
    when: date
    fatalities: int = 0


SEEDS = (
    Seed(
        "fed_red",
        FED,
        "RED",
        NOTE + "Gunmen attacked an army checkpoint near Hawija on Monday. "
        "Three soldiers were killed, a security source said.",
        "attacked",
        "Armed clash",
        "Battles",
        "Hawija",
        "Kirkuk",
        35.33,
        43.77,
        date(2024, 4, 1),
        3,
    ),
    Seed(
        "fed_amber",
        FED,
        "AMBER",
        NOTE + "Militants abducted two engineers near Tuz Khurmatu on Tuesday. "
        "The kidnappers demanded a ransom, officials said.",
        "abducted",
        "Abduction/forced disappearance",
        "Violence against civilians",
        "Tuz Khurmatu",
        "Salah al-Din",
        34.88,
        44.63,
        date(2024, 4, 2),
    ),
    Seed(
        "fed_amber_report",
        FED,
        "AMBER",
        NOTE + "Security forces arrested five suspects in Daquq on Friday. "
        "The arrests followed a raid on a farm, a spokesman said.",
        "arrested",
        "Arrests",
        "Strategic developments",
        "Daquq",
        "Kirkuk",
        35.14,
        44.45,
        date(2024, 4, 5),
    ),
    Seed(
        "fed_green",
        FED,
        "GREEN",
        NOTE + "Protesters gathered in Kirkuk city on Wednesday to demand jobs. "
        "The protest ended peacefully, witnesses said.",
        "gathered",
        "Peaceful protest",
        "Protests",
        "Kirkuk",
        "Kirkuk",
        35.47,
        44.39,
        date(2024, 4, 3),
    ),
    Seed(
        "reg_amber",
        REG,
        "AMBER",
        NOTE + "A roadside bomb struck a police patrol near Baiji on Thursday. "
        "Two policemen were wounded, police said.",
        "struck",
        "Remote explosive/landmine/IED",
        "Explosions/Remote violence",
        "Baiji",
        "Salah al-Din",
        34.93,
        43.49,
        date(2024, 4, 4),
    ),
)


def seed_records(seed: Seed) -> tuple[Document, Event]:
    doc = Document.from_text(
        seed.text,
        source="rasd test wire (invented)",
        title=f"{seed.sub_event_type} near {seed.place} (invented, {seed.tlp})",
        published_at=seed.when,
        org=seed.org,
        tlp=seed.tlp,
    )
    trigger = span(seed.trigger, "event_type", doc)
    evidence = [
        trigger,
        span(seed.trigger, "sub_event_type", doc),
        span(seed.place, "location", doc),
    ]
    event = Event(
        id=event_id(doc.id, seed.sub_event_type, trigger.start, trigger.end),
        document_id=doc.id,
        event_date=seed.when,
        event_type=seed.event_type,
        sub_event_type=seed.sub_event_type,
        actor1=Actor(
            id="test-gunmen",
            name="Unidentified armed group",
            actor_type=ActorType.POLITICAL_MILITIA,
        ),
        place=Place(
            name=seed.place,
            country="Iraq",
            country_code="IQ",
            admin1=seed.admin1,
            latitude=seed.lat,
            longitude=seed.lon,
        ),
        location=seed.place,
        geo_precision=1,
        fatalities=seed.fatalities,
        notes=f"{seed.sub_event_type} near {seed.place} (invented for the tests).",
        evidence=tuple(evidence),
        org=seed.org,
        tlp=seed.tlp,
    )
    return doc, event


def load_secure_database(url: str) -> dict[str, tuple[str, str]]:
    """Two organisations, the USERS, the SEEDS; returns key -> (event id, document id)."""
    ids: dict[str, tuple[str, str]] = {}
    with open_store(Settings(database_url=url)) as store:
        create_org(store, FED, FED_NAME, "AMBER")
        create_org(store, REG, HOSTILE_ORG_NAME, "AMBER")
        for username, (org, role, password) in USERS.items():
            create_user(store, username, password, org, role)
        for seed in SEEDS:
            doc, event = seed_records(seed)
            store.add(doc, [event])
            ids[seed.key] = (event.id, doc.id)
    return ids


# -- the server --------------------------------------------------------------------------


@dataclass
class SecureApp:
    """The served UI with sign-in required, and a small API client that signs in."""

    base_url: str
    process: Any
    ids: dict[str, tuple[str, str]]

    def event_id(self, key: str) -> str:
        return self.ids[key][0]

    def document_id(self, key: str) -> str:
        return self.ids[key][1]

    def client(self, username: str) -> ApiClient:
        return ApiClient.signed_in(self.base_url, username)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class ApiClient:
    """urllib with the session cookie and the CSRF token of one signed-in user."""

    base_url: str
    cookie: str = ""
    csrf: str = ""

    @classmethod
    def signed_in(cls, base_url: str, username: str) -> ApiClient:
        c = cls(base_url)
        body = json.dumps({"username": username, "password": USERS[username][2]}).encode()
        req = urllib.request.Request(
            f"{base_url}/api/auth/login",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            c.csrf = json.loads(r.read())["csrf"]
            c.cookie = r.headers["set-cookie"].split(";")[0]
        return c

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """(status, JSON answer) of /api/<path>; 4xx/5xx are returned, not raised."""
        headers = {
            "Cookie": self.cookie,
            "X-CSRF-Token": self.csrf,
            "Content-Type": "application/json",
        }
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.base_url}/api/{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def withdraw_all(self) -> None:
        """Withdraw every share of this user's organisation still in force (a test's clean-up)."""
        _, shares = self.call("GET", "shares")
        org = self.call("GET", "auth/me")[1]["user"]["org"]
        for s in shares:
            if s["org"] == org and not s["withdrawn_at"]:
                self.call("POST", f"shares/{s['id']}/withdraw", {})


_shared: dict[str, Any] = {}


@pytest.fixture(scope="session")
def secure_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureApp]:
    """`rasd serve` with sign-in required on the two-organisation store."""
    web.require_browser()
    if "app" not in _shared:
        workdir = tmp_path_factory.mktemp("web-auth")
        db_url = f"sqlite:///{workdir / 'rasd.sqlite'}"
        ids = load_secure_database(db_url)
        env = {
            "RASD_AUTH": "required",
            "RASD_LOGIN_MAX_FAILURES": str(MAX_FAILURES),
            # as behind a reverse proxy on this host: X-Forwarded-For from 127.0.0.1 is
            # believed (the browser is the proxy here), so a test can sign in from another
            # client address (rasd believes no peer unless configured)
            "RASD_TRUSTED_PROXIES": TRUSTED_PROXY,
        }
        base, process, _log = web.start_server(db_url, workdir, env)
        _shared["app"] = SecureApp(base, process, ids)
    _shared["users"] = _shared.get("users", 0) + 1
    yield _shared["app"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared.pop("app").stop()


# -- browser pages -----------------------------------------------------------------------


@dataclass
class Pages:
    """Opens browser contexts (one per user: cookies are per context) on the secure app."""

    app: SecureApp
    test_name: str
    opened: list[web.BrowserPage] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def new(self, label: str = "", headers: dict[str, str] | None = None) -> web.BrowserPage:
        context = web._browser().new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        if headers:
            context.set_extra_http_headers(headers)
        raw = context.new_page()
        bp = web.BrowserPage(
            raw, self.app.base_url, self.test_name + (f"_{label}" if label else "")
        )
        record(bp)
        self.contexts.append(context)
        self.opened.append(bp)
        return bp

    def signed_in(
        self, username: str, label: str = "", fragment: str = "#/explore"
    ) -> web.BrowserPage:
        """A new context signed in through the sign-in screen, on `fragment`."""
        bp = self.new(label or re.sub(r"[^A-Za-z0-9_-]+", "_", username))
        bp.goto(fragment)
        sign_in(bp, username, USERS[username][2])
        bp.page.wait_for_selector("#who-user")
        return bp


def record(bp: web.BrowserPage) -> None:
    """Keep the page's dialogs (dismissed), console errors, JavaScript errors and requests."""

    def on_dialog(dialog: Any) -> None:
        bp.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message: Any) -> None:
        if message.type == "error":
            bp.console_errors.append(message.text)

    bp.page.on("dialog", on_dialog)
    bp.page.on("console", on_console)
    bp.page.on("pageerror", lambda e: bp.page_errors.append(str(e)))
    bp.page.on("request", lambda r: bp.requests.append(r.url))


def sign_in(bp: web.BrowserPage, username: str, password: str) -> None:
    bp.page.wait_for_selector("#signin-form")
    bp.page.fill("#signin-username", username)
    bp.page.fill("#signin-password", password)
    bp.page.click("#signin-submit")


@pytest.fixture
def browser_pages(secure_app: SecureApp, request: pytest.FixtureRequest) -> Iterator[Pages]:
    """Browser contexts for one test; each page gets a screenshot at the end, and no page
    may have opened a dialog or thrown a JavaScript error."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    pages = Pages(secure_app, name)
    try:
        yield pages
        for bp in pages.opened:
            if not bp.shot_taken:
                bp.screenshot()
    finally:
        for context in pages.contexts:
            context.close()
    for bp in pages.opened:
        assert not bp.dialogs, f"a dialog opened: {bp.dialogs}"
        assert not bp.page_errors, f"JavaScript errors: {bp.page_errors}"


def unexpected_console_errors(bp: web.BrowserPage) -> list[str]:
    """Console errors other than the browser's own lines for 401/403/404 answers (the
    sign-in screen starts with a 401; a refused call is a 403)."""
    return [e for e in bp.console_errors if not re.search(r"status of 40[1345]", e)]


def table_event_ids(bp: web.BrowserPage) -> set[str]:
    """The event ids in the explore table, once it has loaded."""
    web.wait_idle(bp, "#table")
    bp.page.wait_for_selector("#table-count", state="attached")
    return set(
        bp.page.eval_on_selector_all(
            "#events-table tbody tr", "rs => rs.map(r => r.dataset.eventId)"
        )
    )
