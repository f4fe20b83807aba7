"""Without Chromium the browser tests skip with the fix, except under CI=true where they fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import web_fixtures as web


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_web_browser_setup_missing_chromium(
    ci: str, outcome: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="scripts/install-browser.sh"):
        web.require_browser()


def test_web_browser_setup_present_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setattr(web, "CHROMIUM", fake)
    monkeypatch.setenv("CI", "true")
    web.require_browser()  # neither skips nor fails
