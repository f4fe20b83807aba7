"""Browser: analysts' corrections from the UI. Correcting a field updates the event page
and its audit log, and Revert restores it; refused corrections show the API's message and
fix; hostile text in a correction shows as literal text; persons merge and split from
their page. Every test undoes what it did (the server is shared by a worker's tests)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page

ANALYST = "R. Haddad (test analyst)"
HOSTILE_REASON = "<img src=x onerror=alert('reason')><script>alert('why')</script> per <a href=javascript:alert(1)>x</a>"
HOSTILE_ANALYST = "<b onmouseover=alert('who')>Mallory</b>"


@pytest.fixture
def undo(web_app: web.WebApp) -> Iterator[list[str]]:
    """Subjects (event or person ids) whose corrections made by the test are reverted after it."""
    subjects: list[str] = []
    before = web_app.last_correction_id()
    yield subjects
    for subject in subjects:
        web_app.undo_corrections(subject, before)


def wali_event(web_app: web.WebApp) -> dict:
    """The demo's arrest of the so-called wali of Kirkuk (a person with a profile)."""
    found = web_app.all_events(person="Abu Hajar al-Souri")
    assert len(found) == 1, found
    return found[0]


def fill_who_why(page: web.BrowserPage, prefix: str, reason: str, analyst: str = ANALYST) -> None:
    page.page.fill(f"#{prefix}-analyst", analyst)
    page.page.fill(f"#{prefix}-reason", reason)


def set_field(page: web.BrowserPage, field: str, value: str, reason: str) -> None:
    page.page.select_option("#correct-field", field)
    page.page.fill("#correct-value", value)
    fill_who_why(page, "event-correct", reason)
    page.page.click("#event-correct-submit")


def revert_latest(page: web.BrowserPage, scope: str, reason: str) -> None:
    """Open the newest in-force entry's Revert form in the audit log `scope` and confirm."""
    page.page.locator(f"{scope} tr.audit-entry[data-in-force='true'] .revert-btn").first.click()
    form = page.page.locator(f"{scope} .inline-correction")
    form.locator(".ww-reason").fill(reason)
    form.locator("button[type=submit]").click()


def test_web_corrections_field_edit_and_revert(
    web_app: web.WebApp, page: web.BrowserPage, undo: list[str]
) -> None:
    ev = wali_event(web_app)
    undo.append(ev["id"])
    before = ev["fatalities"]
    after = before + 3
    page.goto(f"#/event/{ev['id']}")
    page.page.wait_for_selector("#correct-field")
    assert page.page.locator("#event-fatalities").inner_text().startswith(f"{before} ")
    assert (
        page.page.locator("#event-corrections").inner_text() == "No analyst has corrected this yet."
    )

    set_field(page, "fatalities", str(after), "a second report counts three dead (test)")
    ok = page.page.locator("#event-correct-result .notice-ok")
    ok.wait_for()
    assert f"fatalities is now {after}" in ok.inner_text()
    assert page.page.locator("#event-fatalities").inner_text() == f"{after} fatalities"
    assert web_app.api(f"events/{ev['id']}")["fatalities"] == after
    row = page.page.locator("#event-corrections tr.audit-entry")
    assert row.count() == 1
    assert row.get_attribute("data-in-force") == "true"
    assert f"Fatalities set to {after}" in row.inner_text()  # the quotes are CSS
    assert page.page.locator("#event-corrections .audit-who").inner_text() == ANALYST
    assert page.page.locator("li[data-field='fatalities'] .tag-corrected").count() == 1
    page.screenshot("_corrected")

    revert_latest(page, "#event-corrections", "the second report was wrong (test)")
    page.page.wait_for_selector("#event-corrections tr.audit-entry[data-action='revert']")
    assert page.page.locator("#event-fatalities").inner_text().startswith(f"{before} ")
    assert web_app.api(f"events/{ev['id']}")["fatalities"] == before
    states = page.page.eval_on_selector_all(
        "#event-corrections tr.audit-entry",
        "rows => rows.map(r => [r.dataset.action, r.dataset.inForce])",
    )
    assert states == [["revert", "true"], ["set_field", "false"]]
    assert page.page.locator("li[data-field='fatalities'] .tag-corrected").count() == 0
    assert "is reverted" in page.page.locator("#event-correct-result .notice-ok").inner_text()
    page.screenshot("_reverted")

    page.page.reload()  # the analyst's name is remembered
    page.page.wait_for_selector("#event-correct-analyst")
    assert page.page.locator("#event-correct-analyst").input_value() == ANALYST
    assert not page.unexpected_console_errors()


def test_web_corrections_refused_show_the_api_error(
    web_app: web.WebApp, page: web.BrowserPage, undo: list[str]
) -> None:
    ev = wali_event(web_app)
    undo.append(ev["id"])
    log_before = web_app.api("corrections", subject=ev["id"])
    page.goto(f"#/event/{ev['id']}")
    page.page.wait_for_selector("#correct-field")

    set_field(page, "fatalities", "-3", "testing a refusal")
    error = page.page.locator("#event-correct-result .notice-error")
    error.wait_for()
    text = error.inner_text()
    assert "fatalities = -3" in text and "greater than or equal to 0" in text
    assert "Fix: give a whole number, 0 or more" in text
    page.screenshot("_refused")

    page.page.click("#event-correct .action-tabs button[data-action='merge_events']")
    page.page.fill("#merge-other", "no-such-event")
    page.page.click("#event-correct-submit")
    page.page.wait_for_selector("#event-correct-result .notice-error >> text=not found")
    assert "event no-such-event" in page.page.locator("#event-correct-result").inner_text()

    # nothing is sent without a reason
    posts: list[str] = []
    page.page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.page.fill("#event-correct-reason", "")
    page.page.click("#event-correct-submit")
    page.page.wait_for_selector("#event-correct-result .notice-error >> text=Give a reason")
    assert posts == []

    assert web_app.api("corrections", subject=ev["id"]) == log_before
    assert web_app.api(f"events/{ev['id']}")["fatalities"] == ev["fatalities"]
    assert page.page.locator("#event-fatalities").inner_text().startswith(f"{ev['fatalities']} ")
    unexpected = [e for e in page.console_errors if not re.search(r"status of 40[04]", e)]
    assert not unexpected


def test_web_corrections_hostile_reason_shows_as_text(
    web_app: web.WebApp, page: web.BrowserPage, undo: list[str]
) -> None:
    event_id = web_app.hostile_event_id
    undo.append(event_id)
    page.goto(f"#/event/{event_id}")
    page.page.wait_for_selector("#correct-field")
    set_field(page, "notes", "<svg onload=alert('notes')>", "x")
    page.page.wait_for_selector("#event-correct-result .notice-ok")
    page.page.select_option("#correct-field", "fatalities")
    page.page.fill("#correct-value", "5")
    fill_who_why(page, "event-correct", HOSTILE_REASON, HOSTILE_ANALYST)
    page.page.click("#event-correct-submit")
    page.page.wait_for_selector("#event-corrections tr.audit-entry >> nth=1")
    newest = page.page.locator("#event-corrections tr.audit-entry").first
    assert newest.locator(".audit-why").inner_text() == HOSTILE_REASON
    assert newest.locator(".audit-who").inner_text() == HOSTILE_ANALYST
    assert page.page.locator(".notes").inner_text() == "<svg onload=alert('notes')>"
    web.assert_nothing_injected(page)

    revert_latest(page, "#event-corrections", HOSTILE_REASON)
    page.page.wait_for_selector("#event-corrections tr.audit-entry[data-action='revert']")
    reasons = page.page.locator("#event-corrections .audit-why").all_inner_texts()
    assert reasons[0] == HOSTILE_REASON
    page.screenshot()
    web.assert_nothing_injected(page)
    assert not page.unexpected_console_errors()


def person_named(web_app: web.WebApp, name: str) -> dict:
    found = [p for p in web_app.api("persons", q=name) if p["name"] == name]
    assert len(found) == 1, found
    return web_app.api(f"persons/{found[0]['id']}")


def test_web_corrections_person_merge_and_split(
    web_app: web.WebApp, page: web.BrowserPage, undo: list[str]
) -> None:
    source = person_named(web_app, "Ali Jabbar al-Rikabi")
    into = person_named(web_app, "Abu Khattab al-Iraqi")
    undo.extend([source["id"], into["id"]])
    page.goto(f"#/person/{source['id']}")
    page.page.wait_for_selector("#merge-person")
    page.page.fill("#merge-person", f"{web_app.base_url}/#/person/{into['id']}")  # a pasted link
    fill_who_why(page, "person-correct", "the same commander, two names (test)")
    page.page.click("#person-correct-submit")

    # the page moves to the person merged into, whose events now include the other's
    page.page.wait_for_selector("#person-correct-result .notice-ok")
    assert page.page.url.endswith(f"#/person/{into['id']}")
    assert page.page.locator("#profile-name").inner_text() == into["name"]
    merged_events = {e["event_id"] for e in source["events"] + into["events"]}
    shown = page.page.eval_on_selector_all(
        "#person-events tbody tr[data-event-id]", "rows => rows.map(r => r.dataset.eventId)"
    )
    assert set(shown) == merged_events
    entry = page.page.locator("#person-corrections tr.audit-entry[data-action='merge_persons']")
    assert entry.inner_text().count(source["name"]) == 1
    page.screenshot("_merged")

    revert_latest(page, "#person-corrections", "two different men after all (test)")
    page.page.wait_for_selector("#person-corrections tr.audit-entry[data-action='revert']")
    shown = page.page.eval_on_selector_all(
        "#person-events tbody tr[data-event-id]", "rows => rows.map(r => r.dataset.eventId)"
    )
    assert set(shown) == {e["event_id"] for e in into["events"]}
    assert web_app.api(f"persons/{source['id']}")["events"] == source["events"]

    # split the mention of one event off this person, then revert the split
    event_id = into["events"][0]["event_id"]
    page.page.locator(f"#person-events tr[data-event-id='{event_id}'] .split-btn").click()
    form = page.page.locator("#person-events .inline-correction")
    form.locator(".ww-reason").fill("a namesake (test)")
    form.locator("button[type=submit]").click()
    ok = page.page.locator("#person-correct-result .notice-ok >> text=now a separate person")
    ok.wait_for()
    assert page.page.locator(f"#person-events tr[data-event-id='{event_id}']").count() == 0
    new_person = ok.locator("a").get_attribute("href")
    assert new_person and new_person.startswith("#/person/p-") and into["id"] not in new_person
    page.screenshot("_split")
    revert_latest(page, "#person-corrections", "the same man after all (test)")
    page.page.wait_for_selector(f"#person-events tr[data-event-id='{event_id}']")
    assert web_app.api(f"persons/{into['id']}")["events"] == into["events"]
    assert not page.unexpected_console_errors()
