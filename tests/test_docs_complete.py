"""Docs never drift: every CLI command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasd.cli import app
from rasd.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def _command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _command_names())
def test_docs_complete_cli_command_in_readme(name: str) -> None:
    assert f"rasd {name}" in (ROOT / "README.md").read_text("utf-8"), (
        f"`rasd {name}` is not documented in README.md"
    )


@pytest.mark.parametrize("name", _command_names())
def test_docs_complete_cli_help_has_example(name: str) -> None:
    import typer.main

    cmd = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    assert "Example: rasd" in (cmd.help or ""), f"`rasd {name} --help` has no example"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_docs_complete_setting_documented(field: str) -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    assert f"RASD_{field.upper()}" in doc, (
        f"setting RASD_{field.upper()} is not in docs/configuration.md"
    )


def _security_promise_tests() -> list[str]:
    import re

    text = (ROOT / "docs" / "security.md").read_text("utf-8")
    return sorted(set(re.findall(r"::(test_\w+)", text)))


@pytest.mark.parametrize("name", _security_promise_tests())
def test_docs_complete_security_promise_has_its_test(name: str) -> None:
    found = any(f"def {name}(" in p.read_text("utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    assert found, f"docs/security.md names {name}, which no test defines"
