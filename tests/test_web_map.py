"""Browser: the map shows the demo events (clusters and markers add up to the API's count)."""

from __future__ import annotations

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def has_coordinates(event: dict) -> bool:
    place = event.get("place") or {}
    return isinstance(place.get("latitude"), float | int) and isinstance(
        place.get("longitude"), float | int
    )


def test_web_map_shows_demo_events(web_app: web.WebApp, page: web.BrowserPage) -> None:
    events = web_app.all_events()
    located = [e for e in events if has_coordinates(e)]
    assert len(located) > 10, "the demo data should put events on the map"

    page.goto("#/explore")
    web.wait_idle(page, "#map[data-total]")
    page.page.wait_for_selector("#map[data-base-loaded='true']", state="attached")
    mapel = page.page.locator("#map")
    assert mapel.get_attribute("data-total") == str(len(events))
    assert mapel.get_attribute("data-markers") == str(len(located))
    shown, clusters = web.map_counts(page)
    assert shown == len(located), "clusters + single markers must add up to the located events"
    assert clusters > 0, "nearby demo events should be clustered"
    assert page.page.locator("#map-status").inner_text().startswith(f"{len(located)} events")

    # offline base layer: country and admin-1 boundaries, a legend of the 6 event types
    assert page.page.locator(".leaflet-countries-pane path").count() > 0
    assert page.page.locator(".leaflet-admin1-pane path").count() > 0
    assert page.page.locator(".map-legend .legend-row").count() == 6
    web.wait_idle(page, "#table")
    assert page.page.locator("#table-count").get_attribute("data-total") == str(len(events))
    page.screenshot()

    # a popup built from DOM nodes links to the event page
    page.page.locator("#map .leaflet-marker-icon.mk").first.dispatch_event("click")
    link = page.page.locator(".leaflet-popup .popup-link")
    link.wait_for()
    page.page.wait_for_timeout(400)  # the popup fades in
    assert (link.get_attribute("href") or "").startswith("#/event/")
    page.screenshot("_popup")
    assert not page.unexpected_console_errors()
