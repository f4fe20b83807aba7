"""Browser: filters (admin1, a brushed time range) update the map, the table and the timeline,
and the URL keeps the state (a reload restores it)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def hash_params(url: str) -> dict[str, list[str]]:
    fragment = urlsplit(url).fragment
    return parse_qs(fragment.partition("?")[2])


def located(events: list[dict]) -> int:
    return sum(1 for e in events if e.get("place") and e["place"].get("latitude") is not None)


def wait_for_views(page: web.BrowserPage, total: int) -> None:
    """Map, table and timeline all loaded (the map and table agree on `total`)."""
    page.page.wait_for_selector(f"#map[data-total='{total}']:not([aria-busy])", state="attached")
    page.page.wait_for_selector(f"#table-count[data-total='{total}']", state="attached")
    page.page.wait_for_selector("#timeline[data-total]", state="attached")


def busiest_region(web_app: web.WebApp) -> str:
    regions = Counter(
        e["place"]["admin1"]
        for e in web_app.all_events()
        if e.get("place") and e["place"]["admin1"]
    )
    return regions.most_common(1)[0][0]


def check_region(page: web.BrowserPage, web_app: web.WebApp, region: str) -> None:
    expected = web_app.all_events(admin1=region)
    wait_for_views(page, len(expected))
    assert web.map_counts(page)[0] == located(expected)
    cells = page.page.locator("#events-table tbody tr td:nth-child(6)").all_inner_texts()
    assert cells and {c.strip().lower() for c in cells} == {region.lower()}
    stats = web_app.api("stats", admin1=region, by="event_type", interval="week")
    timeline_total = int(page.page.locator("#timeline").get_attribute("data-total") or -1)
    assert timeline_total == stats["total"] == sum(1 for e in expected if e["event_date"])


def test_web_filters_admin1_updates_map_table_timeline(
    web_app: web.WebApp, page: web.BrowserPage
) -> None:
    everything = web_app.all_events()
    region = busiest_region(web_app)
    page.goto("#/explore")
    wait_for_views(page, len(everything))
    before = page.page.locator("#timeline").get_attribute("data-total")

    page.page.select_option("#filter-admin1", region)
    check_region(page, web_app, region)
    assert page.page.locator("#timeline").get_attribute("data-total") != before
    assert hash_params(page.page.url)["admin1"] == [region]
    page.screenshot()

    page.page.reload()  # the URL alone restores the view
    check_region(page, web_app, region)
    assert page.page.locator("#filter-admin1").input_value() == region


def test_web_filters_timeline_brush_filters_map_and_table(
    web_app: web.WebApp, page: web.BrowserPage
) -> None:
    total = len(web_app.all_events())
    page.goto("#/explore?interval=month")
    wait_for_views(page, total)
    box = page.page.locator("#timeline svg").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.page.mouse.move(box["x"] + box["width"] * 0.35, y)
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=5)
    page.page.mouse.up()
    page.page.wait_for_url("**since=*")

    params = hash_params(page.page.url)
    since, until = params["since"][0], params["until"][0]
    expected = web_app.all_events(since=since, until=until)
    assert 0 < len(expected) < total
    wait_for_views(page, len(expected))
    assert web.map_counts(page)[0] == located(expected)
    dates = page.page.locator("#events-table tbody tr td:first-child").all_inner_texts()
    assert dates and all(since <= d <= until for d in dates)
    assert page.page.locator("#filter-since").input_value() == since
    page.screenshot()

    page.page.locator("#clear-range").click()
    wait_for_views(page, total)
