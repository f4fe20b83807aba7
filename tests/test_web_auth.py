"""Browser, sign-in required: the sign-in screen, what each organisation sees, sign-out,
an ended session, what a viewer may not do (hidden, and refused by the API when forced),
the organisation page of an admin, hostile organisation names and usernames, and the
rate limit on failed sign-ins."""

from __future__ import annotations

from typing import Any

import pytest
import web_auth_fixtures as wa
import web_fixtures as web

pytestmark = [pytest.mark.browser]
secure_app = wa.secure_app
browser_pages = wa.browser_pages


def ids_of(app: wa.SecureApp, *keys: str) -> set[str]:
    return {app.event_id(k) for k in keys}


def forced(bp: web.BrowserPage, method: str, path: str, body: Any) -> int:
    """The status of an API call made from the page with the session's CSRF token, as a
    user could do from the browser's console."""
    script = """async ([method, path, body]) => {
        const me = await (await fetch('/api/auth/me')).json();
        const r = await fetch('/api/' + path, {method, body: JSON.stringify(body),
            headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf}});
        return r.status;
    }"""
    return int(bp.page.evaluate(script, [method, path, body]))


def test_web_auth_wrong_password_shows_error_and_no_data(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.new()
    bp.goto("#/explore")
    bp.page.wait_for_selector("#signin-form")
    assert bp.page.locator("#mainnav").is_hidden()
    wa.sign_in(bp, "fed-analyst", "not the right password")
    error = bp.page.locator("#signin-result .notice-error")
    error.wait_for()
    assert "username or password is wrong" in error.inner_text()
    assert bp.page.locator("#signin-password").input_value() == ""
    assert bp.page.locator("#events-table, #map, #who-user").count() == 0
    assert not [u for u in bp.requests if "/api/events" in u or "/api/stats" in u]
    bp.screenshot()


def test_web_auth_each_organisation_sees_only_its_own_and_green(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    fed = browser_pages.signed_in("fed-viewer")
    assert wa.table_event_ids(fed) == ids_of(
        secure_app, "fed_red", "fed_amber", "fed_amber_report", "fed_green"
    )
    assert fed.page.locator("#who-user").inner_text() == "fed-viewer"
    assert fed.page.locator("#who-org").inner_text() == wa.FED_NAME
    assert "rasd_session" not in fed.page.evaluate("document.cookie")  # HttpOnly
    red_row = fed.page.locator(f"tr[data-event-id='{secure_app.event_id('fed_red')}']")
    assert red_row.locator(".tlp").inner_text() == "TLP:RED"
    assert "(yours)" in red_row.locator(".origin").inner_text()
    fed.page.wait_for_selector("#map[data-total='4']:not([aria-busy])", state="attached")
    fed.screenshot()

    reg = browser_pages.signed_in("reg-analyst")
    assert wa.table_event_ids(reg) == ids_of(secure_app, "fed_green", "reg_amber")
    green_row = reg.page.locator(f"tr[data-event-id='{secure_app.event_id('fed_green')}']")
    assert green_row.locator(".tlp").get_attribute("data-tlp") == "GREEN"
    assert green_row.locator(".origin").text_content() == wa.FED_NAME
    reg.page.wait_for_selector("#map[data-total='2']:not([aria-busy])", state="attached")
    reg.screenshot()

    reg.goto(f"#/event/{secure_app.event_id('fed_red')}")  # RED and not shared: not there
    reg.page.wait_for_selector(".notice-error >> text=There is no event")
    reg.goto(f"#/event/{secure_app.event_id('fed_green')}")
    reg.page.wait_for_selector(".doc-text")
    assert reg.page.locator("#event-tlp .tlp").inner_text() == "TLP:GREEN"
    assert reg.page.locator("#event-origin .origin").text_content() == wa.FED_NAME
    assert reg.page.locator(".doc-tlp .tlp").inner_text() == "TLP:GREEN"
    assert reg.page.locator("#correct-event, #share-card").count() == 0  # not the owner
    reg.screenshot("_green_event")
    assert not wa.unexpected_console_errors(reg)


def test_web_auth_sign_out_returns_to_sign_in(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.signed_in("fed-analyst", fragment="#/actors")
    bp.page.wait_for_selector("#actors-table")
    bp.page.reload()  # the session cookie keeps the user signed in
    bp.page.wait_for_selector("#actors-table")
    assert bp.page.locator("#who-user").inner_text() == "fed-analyst"
    bp.page.click("#signout")
    bp.page.wait_for_selector("#signin-form")
    assert bp.page.locator("#who-user, #actors-table").count() == 0
    assert bp.page.locator("#mainnav").is_hidden()
    bp.page.reload()  # the cookie no longer works
    bp.page.wait_for_selector("#signin-form")
    status = bp.page.evaluate("async () => (await fetch('/api/auth/me')).status")
    assert status == 401
    bp.screenshot()

    # signing in again opens the page that was asked for
    wa.sign_in(bp, "fed-analyst", wa.USERS["fed-analyst"][2])
    bp.page.wait_for_selector("#actors-table")


def test_web_auth_ended_session_shows_sign_in_at_the_next_call(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.signed_in("fed-analyst")
    wa.table_event_ids(bp)
    bp.page.context.clear_cookies()  # as when the session expires or an admin disables the user
    bp.page.click("a[data-nav='persons']")
    bp.page.wait_for_selector("#signin-form")
    assert bp.page.locator("#who-user").count() == 0
    assert "#/persons" in bp.page.url
    wa.sign_in(bp, "fed-analyst", wa.USERS["fed-analyst"][2])
    bp.page.wait_for_selector("#persons-q")
    bp.screenshot()


def test_web_auth_viewer_sees_no_share_or_admin_controls(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.signed_in("fed-viewer")
    wa.table_event_ids(bp)
    assert bp.page.locator("a[data-nav='submit']").is_hidden()
    assert bp.page.locator("a[data-nav='org']").is_hidden()
    assert bp.page.locator("a[data-nav='sharing']").is_visible()
    assert bp.page.locator("#share-feed-btn").count() == 0
    assert bp.page.locator("#who-role").text_content() == "viewer"

    # the viewer's own organisation's event, with an analyst's correction: no Revert for them
    event = secure_app.event_id("fed_amber")
    analyst = secure_app.client("fed-analyst")
    fix = {"action": "set_field", "target": event, "field": "fatalities", "value": "1"}
    status, correction = analyst.call("POST", "corrections", {**fix, "analyst": "x", "reason": "r"})
    assert status == 201, correction
    try:
        bp.goto(f"#/event/{event}")
        bp.page.wait_for_selector("#event-corrections tr.audit-entry")
        assert bp.page.locator("#share-card, #correct-event, #go-correct, #go-share").count() == 0
        assert bp.page.locator(".revert-btn").count() == 0
        bp.screenshot("_event")
    finally:
        undo = {"action": "revert", "target": "", "reverts": correction["id"]}
        assert (
            analyst.call("POST", "corrections", {**undo, "analyst": "x", "reason": "r"})[0] == 201
        )
    bp.goto("#/actor/test-gunmen")  # the profile's merge panel is replaced by a note
    bp.page.wait_for_selector("#actor-correct .notice >> text=not make them")
    assert bp.page.locator("#actor-correct-submit").count() == 0
    bp.goto("#/submit")
    bp.page.wait_for_selector("#submit-forbidden")
    assert bp.page.locator("#submit-form").count() == 0
    bp.goto("#/org")
    bp.page.wait_for_selector("#org-page .notice")
    assert bp.page.locator("#users-table, #audit-table").count() == 0

    # forced from the browser, the API refuses
    target = secure_app.event_id("fed_amber")
    assert (
        forced(bp, "POST", "shares", {"partner": wa.REG, "kind": "event", "target": target}) == 403
    )
    new_user = {"username": "sneaky", "password": "a long enough password", "role": "admin"}
    assert forced(bp, "POST", "users", new_user) == 403
    assert forced(bp, "PATCH", "orgs/me", {"default_tlp": "CLEAR"}) == 403
    assert forced(bp, "POST", "documents?dry_run=true", {"text": "x"}) == 403
    status = bp.page.evaluate("async () => (await fetch('/api/audit')).status")
    assert status == 403
    assert not wa.unexpected_console_errors(bp)


def test_web_auth_admin_adds_user_and_reads_the_audit_log(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    admin_api = secure_app.client("fed-admin")
    for _ in range(55):  # reads of a RED event: more audit entries than one page holds
        assert admin_api.call("GET", f"events/{secure_app.event_id('fed_red')}")[0] == 200
    bp = browser_pages.signed_in("fed-admin", fragment="#/org")
    bp.page.wait_for_selector("#users-table")
    assert bp.page.locator("#org-name").input_value() == wa.FED_NAME
    bp.page.fill("#new-username", "fed-newcomer")
    bp.page.fill("#new-password", "a brand new passphrase")
    bp.page.select_option("#new-role", "analyst")
    bp.page.click("#user-add")
    bp.page.wait_for_selector("#users-result .notice-ok")
    row = bp.page.locator("tr.user-row[data-username='fed-newcomer']")
    row.wait_for()
    assert row.locator("select").input_value() == "analyst"

    row.locator("select").select_option("viewer")
    row.locator(".role-btn").click()
    bp.page.wait_for_selector("#users-result .notice-ok >> text=fed-newcomer is now viewer")
    new_user = bp.page.locator("tr.user-row[data-username='fed-newcomer']")
    new_user.locator(".disable-btn").click()
    bp.page.wait_for_selector("#users-result .notice-ok >> text=is disabled")
    assert "disabled" in bp.page.locator("tr.user-row[data-username='fed-newcomer']").inner_text()
    own = bp.page.locator("tr.user-row[data-username='fed-admin']")
    assert own.locator("select, button").count() == 0  # nobody changes their own role

    # the audit log: newest first, the user's creation at the top, "More" pages back
    bp.page.select_option("#audit-action", "write")
    bp.page.wait_for_selector("#audit-table tbody tr.audit-row[data-action='write']")
    first = bp.page.locator("#audit-table tbody tr").first.inner_text()
    assert "fed-admin" in first and "fed-newcomer" in first and "disabled" in first
    bp.page.select_option("#audit-action", "")
    more = bp.page.locator("#audit-more")
    more.wait_for()
    shown = bp.page.locator("#audit-table tbody tr").count()
    assert shown == 50
    more.click()
    bp.page.locator("#audit-table tbody tr").nth(shown).wait_for()
    ids = [
        int(i)
        for i in bp.page.eval_on_selector_all(
            "#audit-table tbody tr", "rs => rs.map(r => r.dataset.auditId)"
        )
    ]
    assert ids == sorted(set(ids), reverse=True), "newest first, no entry twice"
    reads = bp.page.locator("#audit-table tbody tr[data-action='read'] .tlp", has_text="TLP:RED")
    assert reads.count() >= 50
    bp.screenshot()

    # the new user was disabled: they cannot sign in
    other = browser_pages.new("disabled_user")
    other.goto("#/explore")
    wa.sign_in(other, "fed-newcomer", "a brand new passphrase")
    other.page.wait_for_selector("#signin-result .notice-error")
    assert not wa.unexpected_console_errors(bp)


def test_web_auth_admin_changes_the_org_name_and_default_marking(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.signed_in("reg-admin", fragment="#/org")
    bp.page.wait_for_selector("#org-form")
    assert bp.page.locator("#org-tlp").input_value() == "AMBER"
    try:
        bp.page.fill("#org-name", "Regional Agency (renamed)")
        bp.page.select_option("#org-tlp", "RED")
        bp.page.click("#org-save")
        saved = bp.page.locator("#org-result .notice-ok")
        saved.wait_for()
        assert "new reports marked TLP:RED" in saved.inner_text()
        assert bp.page.locator("#who-org").text_content() == "Regional Agency (renamed)"
        bp.screenshot()
        bp.goto("#/submit")
        bp.page.wait_for_selector("#doc-tlp")
        assert bp.page.locator("#doc-tlp").input_value() == "RED"
    finally:  # the server is shared: back to the seeded name and marking
        restore = {"name": wa.HOSTILE_ORG_NAME, "default_tlp": "AMBER"}
        assert secure_app.client("reg-admin").call("PATCH", "orgs/me", restore)[0] == 200


def test_web_auth_hostile_org_names_and_usernames_render_as_text(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    bp = browser_pages.signed_in(wa.HOSTILE_USERNAME, label="hostile_user")
    wa.table_event_ids(bp)
    assert bp.page.locator("#who-user").text_content() == wa.HOSTILE_USERNAME
    assert bp.page.locator("#who-org").text_content() == wa.HOSTILE_ORG_NAME
    row = bp.page.locator(f"tr[data-event-id='{secure_app.event_id('reg_amber')}']")
    assert row.locator(".origin").text_content() == wa.HOSTILE_ORG_NAME + " (yours)"
    web.assert_nothing_injected(bp)
    bp.screenshot()

    admin = browser_pages.signed_in("reg-admin", fragment="#/org")
    admin.page.wait_for_selector("#users-table")
    names = admin.page.locator("#users-table .user-name").all_text_contents()
    assert wa.HOSTILE_USERNAME in names
    assert admin.page.locator("#org-name").input_value() == wa.HOSTILE_ORG_NAME
    web.assert_nothing_injected(admin)
    admin.screenshot()

    fed = browser_pages.signed_in(
        "fed-analyst", fragment=f"#/event/{secure_app.event_id('fed_amber')}"
    )
    fed.page.wait_for_selector("#share-partner")
    options = fed.page.locator("#share-partner option").all_text_contents()
    assert wa.HOSTILE_ORG_NAME in options
    fed.goto("#/sharing")
    fed.page.wait_for_selector("#shares-in, #shares-out")
    web.assert_nothing_injected(fed)
    fed.screenshot()


def test_web_auth_too_many_failed_sign_ins_show_the_wait(
    secure_app: wa.SecureApp, browser_pages: wa.Pages
) -> None:
    # Another client address (the server believes X-Forwarded-For from 127.0.0.1, its
    # RASD_TRUSTED_PROXIES), so that the per-address limit this test reaches does not
    # lock out the other tests.
    bp = browser_pages.new(headers={"X-Forwarded-For": "198.51.100.23"})
    bp.goto("#/explore")
    for _ in range(wa.MAX_FAILURES):
        wa.sign_in(bp, "nobody-at-all", "wrong password again")
        bp.page.wait_for_selector(
            "#signin-result .notice-error >> text=username or password is wrong"
        )
        bp.page.evaluate("document.getElementById('signin-result').replaceChildren()")
    with bp.page.expect_response("**/api/auth/login") as info:
        wa.sign_in(bp, "nobody-at-all", "wrong password again")
    assert info.value.status == 429
    assert info.value.headers["retry-after"] == "900"
    error = bp.page.locator("#signin-result .notice-error")
    error.wait_for()
    text = error.inner_text()
    assert (
        f"has failed {wa.MAX_FAILURES} times in 15 minutes" in text
        and "try again in 15 minutes" in text
    )
    assert "wait 15 minutes" in text  # the API's fix
    bp.screenshot()
