"""Browser: HTML and script in a report's title, text, URL, actor, place and notes show as
literal text: no dialog, no injected element, no javascript: link, no request it would make."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def assert_nothing_injected(page: web.BrowserPage) -> None:
    web.assert_nothing_injected(page)
    assert not page.unexpected_console_errors()


def test_web_hostile_content_shows_as_text(web_app: web.WebApp, page: web.BrowserPage) -> None:
    event_id = web_app.hostile_event_id
    page.goto(f"#/event/{event_id}")
    page.page.wait_for_selector(".doc-text")
    assert page.page.locator(".doc-title").inner_text() == web.HOSTILE_TITLE
    assert page.page.locator("#event-title").inner_text().endswith(web.HOSTILE_PLACE)
    assert page.page.locator(".notes").inner_text() == web.HOSTILE_NOTES
    assert page.page.locator(".doc-text").text_content() == web.HOSTILE_TEXT
    assert page.page.locator(".unsafe-url").inner_text() == web.HOSTILE_URL
    actor = page.page.locator("li[data-field='actor1'] .field-value").inner_text()
    assert actor.startswith(web.HOSTILE_ACTOR)
    marked = web.highlights(page)
    assert marked[2][0] == "<img src=x onerror=alert('actor')> Brigade"
    page.screenshot()
    assert_nothing_injected(page)

    # the table, the map popup and the region list of the explore page
    page.goto(f"#/explore?q={quote('invented event with hostile text')}")
    page.page.wait_for_selector("#table-count[data-total='1']", state="attached")
    row = page.page.locator("#events-table tbody tr").first
    assert web.HOSTILE_ACTOR in row.inner_text()
    assert web.HOSTILE_ADMIN1 in row.inner_text()
    page.page.wait_for_selector("#map[data-total='1']:not([aria-busy])", state="attached")
    page.page.locator("#map .leaflet-marker-icon.mk").first.dispatch_event("click")
    popup = page.page.locator(".leaflet-popup .popup")
    popup.wait_for()
    assert web.HOSTILE_NOTES in popup.inner_text()
    options = page.page.locator("#filter-admin1 option").all_inner_texts()
    assert any(o.startswith(web.HOSTILE_ADMIN1) for o in options)
    page.page.wait_for_timeout(400)
    page.screenshot("_explore")
    assert_nothing_injected(page)

    # the actor's profile
    page.goto("#/actor/hostile-brigade")
    page.page.wait_for_selector("#profile-name")
    assert page.page.locator("#profile-name").inner_text() == web.HOSTILE_ACTOR
    page.screenshot("_actor")
    assert_nothing_injected(page)
