"""Browser: paste a report, preview the extracted events with evidence (nothing stored), save."""

from __future__ import annotations

import urllib.error

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page

REPORT = (
    "KIRKUK, Iraq — Gunmen killed two policemen at a checkpoint near Hawija on Tuesday, "
    "a police officer said. The attackers fled towards the Hamrin mountains.\n\n"
    "This report is invented for the rasd web UI tests; it is not a real report."
)


# Another text than REPORT (the other test saves REPORT, and a document's id is its text's hash).
UPLOAD = REPORT.replace("near Hawija", "near Daquq")


def stored(web_app: web.WebApp, document_id: str) -> bool:
    try:
        web_app.api(f"documents/{document_id}")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404, exc
        return False
    return True


def test_web_submit_preview_then_save(web_app: web.WebApp, page: web.BrowserPage) -> None:
    before = web_app.api("events", limit=1)["total"]
    page.goto("#/submit")
    page.page.fill("#doc-title", "Two policemen killed near Hawija (invented)")
    page.page.fill("#doc-source", "rasd web test")
    page.page.fill("#doc-date", "2024-03-06")
    page.page.fill("#doc-text", REPORT)
    with page.page.expect_response("**/api/documents?dry_run=true*", timeout=180_000) as info:
        page.page.click("#preview-btn")
    preview = info.value.json()
    assert info.value.status == 200, preview
    assert not preview["saved"] and preview["events"], preview
    page.page.wait_for_selector("#preview-count")
    assert page.page.locator("#preview-count").get_attribute("data-events") == str(
        len(preview["events"])
    )
    assert page.page.locator("#preview .tab").count() == len(preview["events"])
    marked = web.highlights(page, "#preview .doc-text")
    for i, ev in enumerate(preview["events"][0]["evidence"]):
        if ev["text"]:
            assert marked[i] == (ev["text"], {ev["sentence"]}), ev["field"]
    assert not stored(web_app, preview["document"]["id"]), "a dry run must not store anything"
    assert web_app.api("events", limit=1)["total"] == before
    page.screenshot("_preview")

    with page.page.expect_response("**/api/documents?dry_run=false*", timeout=180_000) as info:
        page.page.click("#save-btn")
    saved = info.value.json()
    assert saved["saved"], saved
    page.page.wait_for_selector("#saved")
    links = page.page.locator("#saved a.saved-event")
    assert links.count() == len(saved["events"]) == len(preview["events"])
    assert stored(web_app, saved["document"]["id"])
    assert web_app.api("events", limit=1)["total"] == before + len(saved["events"])
    page.screenshot()

    links.first.click()
    page.page.wait_for_selector("#event-title")
    assert (
        page.page.locator(".doc-title").inner_text()
        == "Two policemen killed near Hawija (invented)"
    )


def test_web_submit_upload_file_preview(web_app: web.WebApp, page: web.BrowserPage) -> None:
    page.goto("#/submit")
    page.page.fill("#doc-date", "2024-03-06")
    page.page.set_input_files(
        "#doc-file",
        files=[{"name": "daquq.txt", "mimeType": "text/plain", "buffer": UPLOAD.encode("utf-8")}],
    )
    with page.page.expect_response("**/api/documents?dry_run=true*", timeout=180_000) as info:
        page.page.click("#preview-btn")
    preview = info.value.json()
    assert info.value.status == 200, preview
    assert preview["events"] and not preview["saved"]
    page.page.wait_for_selector("#preview-count")
    marked = web.highlights(page, "#preview .doc-text")
    assert page.page.locator("#preview .doc-text").text_content() == UPLOAD  # the file's text
    assert page.page.locator("#preview .doc-text").get_attribute("data-missing") == "0"
    for i, ev in enumerate(preview["events"][0]["evidence"]):
        if ev["text"]:
            assert marked[i] == (ev["text"], {ev["sentence"]}), ev["field"]
    assert not stored(web_app, preview["document"]["id"])
    page.screenshot()
