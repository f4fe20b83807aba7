"""Browser: the actor directory and profile, the person directory and profile, the other
reports of an incident on the event page, and clear messages for unknown pages and ids.
Every figure is checked against the API's answer."""

from __future__ import annotations

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def test_web_pages_actor_profile(web_app: web.WebApp, page: web.BrowserPage) -> None:
    actors = web_app.api("actors", limit=200)
    top = actors[0]
    profile = web_app.api(f"actors/{top['id']}")
    page.goto("#/actors")
    page.page.wait_for_selector("#actors-table")
    assert page.page.locator("#actors-table tbody tr").count() == len(actors)
    page.page.locator("#actors-table a.actor-link").first.click()

    page.page.wait_for_selector("#profile-name")
    assert page.page.locator("#profile-name").inner_text() == top["name"]
    figures = page.page.locator("#actor-figures").inner_text().split()
    assert figures[:4] == [
        str(profile["event_count"]),
        "INCIDENTS",
        str(profile["report_count"]),
        "REPORTS",
    ]
    expected = web_app.api("events", actor=top["id"], limit=1)["total"]
    page.page.wait_for_selector(f"#table-count[data-total='{expected}']", state="attached")
    # members with their roles, linked to their person pages
    assert profile["persons"], "the demo's top actor has named members"
    rows = page.page.locator("#actor-persons tbody tr")
    assert rows.count() == len(profile["persons"])
    hrefs = page.page.eval_on_selector_all(
        "#actor-persons a.person-link", "els => els.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [f"#/person/{p['person_id']}" for p in profile["persons"]]
    assert profile["persons"][0]["roles"][0] in rows.first.inner_text()
    # the network: the actor and each associated or opposing actor (up to 14)
    ranked = sorted(profile["associated"] + profile["opposing"], key=lambda a: -a["count"])
    neighbours = list(dict.fromkeys(a["actor"]["id"] for a in ranked[:14]))
    assert neighbours, "the demo's top actor has associated or opposing actors"
    page.page.wait_for_selector("#actor-network svg.network")
    nodes = page.page.eval_on_selector_all(
        "#actor-network .node", "els => els.map(e => e.dataset.actorId)"
    )
    assert nodes == [top["id"], *neighbours]
    page.page.wait_for_selector("#actor-map[data-places]", state="attached")
    assert int(page.page.locator("#actor-map").get_attribute("data-places") or 0) >= 1
    page.screenshot()
    assert not page.unexpected_console_errors()


def test_web_pages_persons_and_missing(web_app: web.WebApp, page: web.BrowserPage) -> None:
    persons = web_app.api("persons", limit=200)
    page.goto("#/persons")
    page.page.wait_for_selector("#persons-table")
    names = page.page.locator("#persons-table a.person-link").all_inner_texts()
    assert names == [p["name"] for p in persons]
    page.screenshot()

    page.goto("#/event/no-such-event")
    error = page.page.locator("#event-page .notice-error")
    error.wait_for()
    assert "no event no-such-event" in error.inner_text()

    page.goto("#/person/p-no-such-person")
    info = page.page.locator("#person-page .notice-info")
    info.wait_for()
    assert "no person p-no-such-person" in info.inner_text()

    page.goto("#/actor/no-such-actor")
    error = page.page.locator("#actor-page .notice-error")
    error.wait_for()
    assert "no actor no-such-actor" in error.inner_text()

    page.goto("#/no-such-page")
    assert page.page.locator("h1").inner_text() == "Page not found"


def test_web_pages_person_profile(web_app: web.WebApp, page: web.BrowserPage) -> None:
    found = web_app.api("persons", q="Abu Hajar")
    assert [p["name"] for p in found] == ["Abu Hajar al-Souri"]  # the demo's wali of Kirkuk
    profile = web_app.api(f"persons/{found[0]['id']}")
    page.goto("#/persons?q=Abu%20Hajar")
    page.page.locator("#persons-table a.person-link").first.click()
    page.page.wait_for_selector("#profile-name")
    assert page.page.locator("#profile-name").inner_text() == profile["name"]
    assert (
        profile["nationality"].lower()
        in page.page.locator(".profile-head .kicker").inner_text().lower()
    )
    roles = page.page.locator("#person-roles tbody tr")
    assert roles.count() == len(profile["roles"])
    assert roles.first.inner_text().startswith("so-called wali")
    assert page.page.locator(".role-chart .lane-bar").count() == len(profile["roles"])
    dated = [e for e in profile["events"] if e["event_date"]]
    assert page.page.locator(".role-chart .ev-dot").count() == len(dated)
    rows = page.page.locator("#person-events tbody tr[data-event-id]")
    assert rows.count() == len(profile["events"])
    assert "arrested" in rows.first.inner_text()
    hrefs = page.page.eval_on_selector_all(
        "#person-events a.event-link", "els => els.map(a => a.getAttribute('href'))"
    )
    assert sorted(hrefs) == sorted(f"#/event/{e['event_id']}" for e in profile["events"])
    page.page.wait_for_selector("#person-actors")
    actors = page.page.eval_on_selector_all(
        "#person-actors a.actor-link", "els => els.map(a => a.getAttribute('href'))"
    )
    assert actors == [f"#/actor/{a}" for a in profile["actor_ids"]]
    page.page.wait_for_selector("#person-map[data-base-loaded='true']", state="attached")
    page.screenshot()
    # the event page links back to the person
    page.page.locator("#person-events a.event-link").first.click()
    page.page.wait_for_selector(f"a.person-link[href='#/person/{profile['id']}']")
    assert not page.unexpected_console_errors()


def test_web_pages_event_sources(web_app: web.WebApp, page: web.BrowserPage) -> None:
    told_twice = [e for e in web_app.all_events() if e["source_count"] > 1]
    assert told_twice, "the demo tells one incident in two reports"
    ev = web_app.api(f"events/{told_twice[0]['id']}")
    page.goto(f"#/event/{ev['id']}")
    page.page.wait_for_selector("#sources li.source")
    hrefs = page.page.eval_on_selector_all(
        "#sources a.source-title", "els => els.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [f"#/event/{s['event_id']}" for s in ev["sources"]]
    titles = page.page.locator("#sources a.source-title").all_inner_texts()
    assert titles == [s["document"]["title"] for s in ev["sources"]]
    assert (
        page.page.locator("#event-sources").inner_text()
        == f"{ev['source_count']} reports of this incident"
    )
    page.screenshot()
    page.page.locator("#sources a.source-title").first.click()
    page.page.wait_for_selector(f"#sources a.source-title[href='#/event/{ev['id']}']")
    assert not page.unexpected_console_errors()
