"""Browser: on the event page each coded field's evidence is highlighted on the right span of
the right sentence, and clicking a field brings its sentence forward."""

from __future__ import annotations

import pytest
import web_fixtures as web

pytestmark = [pytest.mark.browser, pytest.mark.slow]
web_app = web.web_app
page = web.page


def richest_events(web_app: web.WebApp, n: int = 3) -> list[dict]:
    """The n demo events with the most evidence items (the hostile document left out)."""
    details = [
        web_app.api(f"events/{e['id']}")
        for e in web_app.all_events()
        if e["document_id"] != web_app.hostile_document_id
    ]
    return sorted(details, key=lambda d: (-len(d["evidence"]), d["id"]))[:n]


def test_web_evidence_highlight_on_right_sentence(
    web_app: web.WebApp, page: web.BrowserPage
) -> None:
    events = richest_events(web_app)
    assert events and len(events[0]["evidence"]) >= 4
    for event in events:
        page.goto(f"#/event/{event['id']}")
        page.page.wait_for_selector(".doc-text")
        assert page.page.locator(".doc-text").get_attribute("data-missing") == "0"
        marked = web.highlights(page)
        for i, ev in enumerate(event["evidence"]):
            if not ev["text"]:
                continue
            text, sentences = marked[i]
            assert text == ev["text"], f"{event['id']} {ev['field']}: highlighted {text!r}"
            assert sentences == {ev["sentence"]}, f"{event['id']} {ev['field']}: wrong sentence"

    # the richest event again: clicking a coded field shows its sentence
    event = events[0]
    page.goto(f"#/event/{event['id']}")
    page.page.wait_for_selector(".doc-text")
    for field in ("actor1", "location", "event_date", "event_type"):
        ev = next((e for e in event["evidence"] if e["field"] == field), None)
        if ev is None:
            continue
        page.page.locator(f"li[data-field='{field}'] .field-btn").click()
        current = page.page.locator(".ev-sentence.current")
        assert current.count() == 1
        assert current.inner_text() == ev["sentence"]
        lit = page.page.locator("mark.hl.lit").all_inner_texts()
        assert ev["text"] in "".join(lit)
    page.screenshot()
    assert not page.unexpected_console_errors()
