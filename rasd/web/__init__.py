"""The analysts' web UI: static files (HTML, ES modules, CSS, vendored libraries).

The API app mounts :func:`static_dir` at ``/``. Nothing here runs Python code in
the browser path; see docs/web.md.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def static_dir() -> Path:
    """The folder holding index.html, the ES modules and the vendored libraries."""
    return Path(str(resources.files("rasd").joinpath("web", "static")))
