"""Browser, sign-in required: an analyst shares an event, a report and a feed with a partner
organisation; a partner user (another browser context) sees them with their origin and
marking, and loses them when they are withdrawn. And (sign-in off) the TLP chosen on the
report form is the one the saved events get."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import web_auth_fixtures as wa
import web_fixtures as web

pytestmark = [pytest.mark.browser]
secure_app = wa.secure_app
browser_pages = wa.browser_pages


@pytest.fixture
def withdraw_after(secure_app: wa.SecureApp) -> Iterator[None]:
    """Whatever a test shares is withdrawn at its end, even when it fails (the server is
    shared by the tests)."""
    yield
    secure_app.client("fed-analyst").withdraw_all()


def test_web_sharing_event_with_partner_then_withdraw(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    event = secure_app.event_id("fed_amber")
    owner = browser_pages.signed_in("fed-analyst", label="owner", fragment=f"#/event/{event}")
    owner.page.wait_for_selector("#share-card #share-list-empty")
    analyst = owner.page.locator("#event-correct-analyst")  # corrections are signed by the user
    assert analyst.input_value() == "fed-analyst" and analyst.get_attribute("readonly") == ""
    owner.page.select_option("#share-partner", wa.REG)
    owner.page.fill("#share-name", "for the Salah al-Din desk")
    owner.page.click("#share-event")
    owner.page.wait_for_selector("#share-result .notice-ok")
    item = owner.page.locator("#share-list .share-item[data-kind='event']")
    assert item.locator(".share-partner").text_content() == wa.HOSTILE_ORG_NAME
    owner.screenshot("_shared")

    # the partner sees the event, its origin and marking, and its evidence sentences only
    partner = browser_pages.signed_in("reg-analyst", label="partner")
    assert event in wa.table_event_ids(partner)
    row = partner.page.locator(f"tr[data-event-id='{event}']")
    assert row.locator(".origin").text_content() == wa.FED_NAME
    assert row.locator(".tlp").inner_text() == "TLP:AMBER"
    partner.screenshot("_table")
    partner.goto(f"#/event/{event}")
    partner.page.wait_for_selector("#report-not-shared")
    assert partner.page.locator("#event-origin .origin").text_content() == wa.FED_NAME
    assert partner.page.locator("#event-tlp .tlp").inner_text() == "TLP:AMBER"
    text = partner.page.locator(".doc-text").text_content()
    assert text == "Militants abducted two engineers near Tuz Khurmatu on Tuesday."
    marked = {t for t, _ in web.highlights(partner).values()}
    assert {"abducted", "Tuz Khurmatu"} <= marked
    assert partner.page.locator("#share-card, #correct-event").count() == 0  # not the owner
    partner.screenshot("_event")
    partner.goto("#/sharing")
    partner.page.wait_for_selector("#shares-in")
    incoming = partner.page.locator("#shares-in tr.share-row[data-kind='event']")
    assert incoming.locator(".share-from").text_content() == wa.FED_NAME
    assert "for the Salah al-Din desk" in incoming.inner_text()
    incoming.locator("a >> text=Abduction/forced disappearance").wait_for()
    partner.screenshot("_incoming")

    # the owner withdraws it on the Sharing page; the partner loses it at once
    owner.goto("#/sharing")
    out = owner.page.locator("#shares-out tr.share-row[data-kind='event']").first
    out.locator(".withdraw-btn").click()
    owner.page.wait_for_selector("#sharing-result .notice-ok >> text=withdrawn")
    out = owner.page.locator("#shares-out tr.share-row[data-kind='event']").first
    assert "withdrawn" in out.inner_text() and out.locator(".withdraw-btn").count() == 0
    owner.screenshot("_withdrawn")
    partner.goto("#/explore")
    assert event not in wa.table_event_ids(partner)
    partner.goto(f"#/event/{event}")
    partner.page.wait_for_selector(".notice-error >> text=There is no event")
    assert not wa.unexpected_console_errors(owner)
    assert not wa.unexpected_console_errors(partner)


def test_web_sharing_report_shows_its_full_text(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    event = secure_app.event_id("fed_amber_report")
    owner = browser_pages.signed_in("fed-analyst", label="owner", fragment=f"#/event/{event}")
    owner.page.wait_for_selector("#share-report")
    owner.page.select_option("#share-partner", wa.REG)
    owner.page.click("#share-report")
    owner.page.wait_for_selector("#share-list .share-item[data-kind='document']")

    partner = browser_pages.signed_in("reg-analyst", label="partner", fragment=f"#/event/{event}")
    partner.page.wait_for_selector(".doc-text")
    assert partner.page.locator("#report-not-shared").count() == 0
    assert partner.page.locator(".doc-text").text_content().startswith(wa.NOTE)
    assert partner.page.locator(".doc-origin .origin").text_content() == wa.FED_NAME
    assert partner.page.locator(".doc-tlp .tlp").inner_text() == "TLP:AMBER"
    partner.screenshot()
    partner.goto("#/sharing")
    incoming = partner.page.locator("#shares-in tr.share-row[data-kind='document']")
    incoming.locator(".share-doc-title").wait_for()
    assert incoming.locator(".share-doc-title").text_content() == (
        "Arrests near Daquq (invented, AMBER)"
    )
    incoming.locator("a >> text=event 1").click()
    partner.page.wait_for_selector("#event-title >> text=Arrests")
    assert event in partner.page.url

    # withdrawn from the event page's share card
    owner.page.locator("#share-list .share-item[data-kind='document'] .withdraw-btn").click()
    owner.page.wait_for_selector("#share-result .notice-ok >> text=Withdrawn")
    owner.page.wait_for_selector("#share-list-empty")
    partner.page.reload()
    partner.page.wait_for_selector(".notice-error >> text=There is no event")


def test_web_sharing_other_report_not_shared_shows_its_sentence(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    analyst = secure_app.client("fed-analyst")
    first, other = secure_app.event_id("fed_amber"), secure_app.event_id("fed_amber_report")
    merge = {"action": "merge_events", "target": first, "other": other, "reason": "one incident"}
    status, correction = analyst.call("POST", "corrections", {**merge, "analyst": "x"})
    assert status == 201, correction
    try:
        for target in (first, other):  # both events, neither report
            share = {"partner": wa.REG, "kind": "event", "target": target}
            assert analyst.call("POST", "shares", share)[0] == 201
        bp = browser_pages.signed_in("reg-analyst", fragment=f"#/event/{first}")
        bp.page.wait_for_selector("#report-not-shared")
        source = bp.page.locator(f"#sources li.source[data-event-id='{other}']")
        assert "(report not shared with you)" in source.locator(".source-title").inner_text()
        assert source.locator(".source-unshared").count() == 1
        quote = source.locator(".source-quote").inner_text()
        assert quote == "Security forces arrested five suspects in Daquq on Friday."
        bp.screenshot()
    finally:
        revert = {"action": "revert", "target": "", "reverts": correction["id"]}
        assert (
            analyst.call("POST", "corrections", {**revert, "analyst": "x", "reason": "clean-up"})[0]
            == 201
        )


def test_web_sharing_filters_as_a_feed(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    owner = browser_pages.signed_in(
        "fed-analyst", label="owner", fragment="#/explore?admin1=Kirkuk"
    )
    wa.table_event_ids(owner)
    owner.page.click("#share-feed-btn")
    owner.page.select_option("#feed-partner", wa.REG)
    owner.page.fill("#feed-name", "Kirkuk watch")
    owner.page.click("#feed-submit")
    result = owner.page.locator("#feed-result .notice-ok")
    result.wait_for()
    assert "admin1: Kirkuk" in result.inner_text()
    owner.screenshot("_feed")

    # the partner sees the owner's AMBER events in Kirkuk: not RED ones, not other regions
    partner = browser_pages.signed_in("reg-analyst", label="partner")
    seen = wa.table_event_ids(partner)
    assert secure_app.event_id("fed_amber_report") in seen
    assert secure_app.event_id("fed_red") not in seen  # feeds never carry RED
    assert secure_app.event_id("fed_amber") not in seen  # Salah al-Din
    partner.goto("#/sharing")
    feed = partner.page.locator("#shares-in tr.share-row[data-kind='feed']")
    feed.wait_for()
    assert "Kirkuk watch" in feed.inner_text()
    feed.locator("a.feed-link").click()
    partner.page.wait_for_selector("#filter-admin1")
    assert "admin1=Kirkuk" in partner.page.url
    partner.screenshot()

    owner.goto("#/sharing")
    owner.page.locator("#shares-out tr.share-row[data-kind='feed'] .withdraw-btn").first.click()
    owner.page.wait_for_selector("#sharing-result .notice-ok")
    partner.goto("#/explore")
    assert secure_app.event_id("fed_amber_report") not in wa.table_event_ids(partner)


def test_web_sharing_viewer_cannot_withdraw(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    analyst = secure_app.client("fed-analyst")
    target = secure_app.event_id("fed_amber")
    status, share = analyst.call(
        "POST", "shares", {"partner": wa.REG, "kind": "event", "target": target}
    )
    assert status == 201, share
    viewer = browser_pages.signed_in("fed-viewer", fragment="#/sharing")
    row = viewer.page.locator(f"#shares-out tr.share-row[data-share-id='{share['id']}']")
    row.wait_for()
    assert row.locator(".withdraw-btn").count() == 0
    status = viewer.page.evaluate(
        """async (id) => {
            const me = await (await fetch('/api/auth/me')).json();
            const r = await fetch(`/api/shares/${id}/withdraw`, {method: 'POST', headers: {'X-CSRF-Token': me.csrf}});
            return r.status;
        }""",
        share["id"],
    )
    assert status == 403
    # without the CSRF token even the analyst's session is refused
    status = viewer.page.evaluate(
        "async (id) => (await fetch(`/api/shares/${id}/withdraw`, {method: 'POST'})).status",
        share["id"],
    )
    assert status == 403
    viewer.screenshot()


def test_web_sharing_refused_share_shows_the_api_message(
    secure_app: wa.SecureApp, browser_pages: wa.Pages, withdraw_after: None
) -> None:
    admin = secure_app.client("fed-admin")
    password = "temporary analyst passphrase"
    body = {"username": "fed-demoted", "password": password, "role": "analyst"}
    status, user = admin.call("POST", "users", body)
    assert status == 201, user
    event = secure_app.event_id("fed_amber")
    bp = browser_pages.new()
    bp.goto(f"#/event/{event}")
    wa.sign_in(bp, "fed-demoted", password)
    bp.page.wait_for_selector("#share-event")
    # an admin takes the analyst role away while the page is open: the API says no (403)
    assert admin.call("PATCH", f"users/{user['id']}", {"role": "viewer"})[0] == 200
    bp.page.select_option("#share-partner", wa.REG)
    bp.page.click("#share-event")
    error = bp.page.locator("#share-result .notice-error")
    error.wait_for()
    text = error.inner_text()
    assert "has the viewer role; this needs analyst" in text
    assert "ask an admin of organisation 'fed' for the analyst role" in text  # the API's fix
    assert bp.page.locator("#share-list-empty").count() == 1
    bp.screenshot()


# -- sign-in off: the report form's marking -----------------------------------------------


web_app = web.web_app
page = web.page

REPORT = (
    "SAMARRA, Iraq — Gunmen attacked a police checkpoint near Samarra on Sunday, killing one "
    "policeman, a security source said.\n\n"
    "This report is invented for the rasd web UI tests of the TLP marking; it is not a real report."
)


@pytest.mark.slow
def test_web_sharing_report_form_marks_the_saved_events(
    web_app: web.WebApp, page: web.BrowserPage
) -> None:
    page.goto("#/submit")
    page.page.wait_for_selector("#doc-tlp")
    assert page.page.locator("#doc-tlp").input_value() == "AMBER"  # the local org's default
    assert page.page.locator("#who-org").inner_text() == "Local"
    page.page.fill("#doc-date", "2024-03-10")
    page.page.fill("#doc-text", REPORT)
    page.page.select_option("#doc-tlp", "RED")
    assert "named recipients" in page.page.locator("#doc-tlp-hint").inner_text()
    with page.page.expect_response(lambda r: "/api/documents?" in r.url, timeout=180_000) as info:
        page.page.click("#preview-btn")
    assert "tlp=RED" in info.value.url and info.value.status == 200
    page.page.wait_for_selector("#save-btn")
    with page.page.expect_response(lambda r: "dry_run=false" in r.url, timeout=180_000) as info:
        page.page.click("#save-btn")
    saved = info.value.json()
    assert info.value.status == 200, saved
    try:
        assert saved["document"]["tlp"] == "RED" and saved["events"]
        assert {e["tlp"] for e in saved["events"]} == {"RED"}
        page.page.click("#saved a.saved-event >> nth=0")
        page.page.wait_for_selector("#event-tlp .tlp")
        assert page.page.locator("#event-tlp .tlp").inner_text() == "TLP:RED"
        assert page.page.locator(".doc-tlp .tlp").inner_text() == "TLP:RED"
        page.screenshot()
    finally:  # the server is shared: take the events out again
        for ev in saved["events"]:
            body = {
                "action": "not_event",
                "target": ev["id"],
                "analyst": "test",
                "reason": "clean-up",
            }
            web_app.post("corrections", body)
