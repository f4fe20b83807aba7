"""Browser: the actor directory and profile, the person directory (or its "not available yet"
message while the endpoint is being built), and clear messages for unknown pages and ids."""

from __future__ import annotations

import json
import urllib.error

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def endpoint_exists(web_app: web.WebApp, path: str) -> bool:
    try:
        web_app.api(path)
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 501):
            return False
        raise
    return True


def test_web_pages_actor_profile(web_app: web.WebApp, page: web.BrowserPage) -> None:
    actors = web_app.api("actors", limit=200)
    top = actors[0]
    page.goto("#/actors")
    page.page.wait_for_selector("#actors-table")
    assert page.page.locator("#actors-table tbody tr").count() == len(actors)
    page.page.locator("#actors-table a.actor-link").first.click()

    page.page.wait_for_selector("#profile-name")
    assert page.page.locator("#profile-name").inner_text() == top["name"]
    expected = web_app.api("events", actor=top["id"], limit=1)["total"]
    page.page.wait_for_selector(f"#table-count[data-total='{expected}']", state="attached")
    page.page.wait_for_selector("#actor-network svg.network, #actor-network .empty")
    nodes = page.page.locator("#actor-network .node").count()
    assert nodes == 0 or nodes >= 2  # the actor and at least one co-occurring actor
    page.page.wait_for_selector("#actor-map[data-places]", state="attached")
    assert int(page.page.locator("#actor-map").get_attribute("data-places") or 0) >= 1
    page.screenshot()
    assert not page.unexpected_console_errors()


def test_web_pages_persons_and_missing(web_app: web.WebApp, page: web.BrowserPage) -> None:
    page.goto("#/persons")
    if endpoint_exists(web_app, "persons"):
        page.page.wait_for_selector("#persons-table, #persons-results .empty")
    else:
        notice = page.page.locator("#persons-results .notice-info")
        notice.wait_for()
        assert "not available" in notice.inner_text()
    page.screenshot()

    page.goto("#/event/no-such-event")
    error = page.page.locator("#event-page .notice-error")
    error.wait_for()
    assert "no event no-such-event" in error.inner_text()

    page.goto("#/no-such-page")
    assert page.page.locator("h1").inner_text() == "Page not found"


def contract_person(web_app: web.WebApp) -> dict:
    """A PersonProfile in the contract's shape, on real demo events (while /api/persons is built)."""
    events = web_app.all_events()[:3]
    return {
        "id": "p-test",
        "name": "Abu Test al-Invented",
        "variants": ["Abou Test", "Abu al-Test"],
        "nationality": "Invented",
        "actor_ids": [events[0]["actor1"]["id"]] if events[0]["actor1"] else [],
        "roles": [
            {
                "role": "so-called wali",
                "first_seen": "2024-01-28",
                "last_seen": "2024-02-03",
                "document_ids": [events[0]["document_id"]],
            },
        ],  # fmt: skip
        "events": [
            {
                "event_id": e["id"],
                "event_date": e["event_date"],
                "sub_event_type": e["sub_event_type"],
                "status": "arrested",
                "location": e["location"],
                "document_id": e["document_id"],
            }
            for e in events
        ],  # fmt: skip
    }


def test_web_pages_person_profile(web_app: web.WebApp, page: web.BrowserPage) -> None:
    persons = web_app.api("persons") if endpoint_exists(web_app, "persons") else []
    if persons:
        profile = web_app.api(f"persons/{persons[0]['id']}")
    else:  # the endpoint is not there yet: serve the contract's shape to the page
        profile = contract_person(web_app)
        body = json.dumps(profile)
        page.page.route(
            "**/api/persons/p-test",
            lambda route: route.fulfill(status=200, content_type="application/json", body=body),
        )
    page.goto(f"#/person/{profile['id']}")
    page.page.wait_for_selector("#profile-name")
    assert page.page.locator("#profile-name").inner_text() == profile["name"]
    assert page.page.locator("#person-roles tbody tr").count() == len(profile["roles"])
    rows = page.page.locator("#person-events tbody tr")
    assert rows.count() == len(profile["events"])
    hrefs = page.page.eval_on_selector_all(
        "#person-events a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert sorted(hrefs) == sorted(f"#/event/{e['event_id']}" for e in profile["events"])
    page.page.wait_for_selector("#person-map[data-base-loaded='true']", state="attached")
    page.screenshot()
