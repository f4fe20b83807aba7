"""Every local file the UI's index.html loads ships with the package (no browser needed).

A fresh clone once lacked the vendored ``dist/`` folders (a repo-wide ignore rule);
this fails at once when that happens, before any browser test times out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "rasd" / "web" / "static"
INDEX = (STATIC / "index.html").read_text("utf-8")
LOCAL = sorted(
    {m for m in re.findall(r'(?:src|href)="([^"#:]+)"', INDEX) if not m.startswith(("http", "/"))}
)


def test_web_vendor_files_index_loads_vendored_libraries() -> None:
    assert any(p.startswith("vendor/") for p in LOCAL), LOCAL


@pytest.mark.parametrize("path", LOCAL)
def test_web_vendor_files_exist(path: str) -> None:
    if path == "docs":  # served by the API, not a file
        return
    assert (STATIC / path).is_file(), (
        f"rasd/web/static/{path} is missing: run scripts/vendor-frontend.sh"
    )
