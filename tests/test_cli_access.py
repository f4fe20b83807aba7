"""The access commands end to end: org, user, token; ingest --org/--tlp; the demo user."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasd.access import auth, passwords
from rasd.cli import app
from rasd.exceptions import RasdError, describe
from rasd.records import Viewer
from rasd.store import SqlStore

PASSWORD = "correct horse battery staple\n"


@pytest.fixture(autouse=True)
def cheap_hashes() -> None:
    passwords.configure(1, 64)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("RASD_DATABASE_URL", url)
    return url


def _run(*args: str, stdin: str = "") -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fail(*args: str, stdin: str = "") -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert isinstance(result.exception, RasdError), result.output
    return describe(result.exception)


def test_cli_access_org_user_token(url: str) -> None:
    assert "fctd" in _run("org", "create", "fctd", "Federal CT", "--default-tlp", "RED")
    assert "Federal CT" in _run("org", "list")
    _run("user", "create", "rana", "--org", "fctd", "--role", "admin", "--password-stdin",
         stdin=PASSWORD)  # fmt: skip
    assert "rana" in _run("user", "list", "--org", "fctd")
    printed = _run("token", "create", "rana", "--name", "etl", "--days", "3")
    secret = next(w for w in printed.split() if w.startswith("rasd_"))
    with SqlStore(url) as store:
        assert auth.token_user(store, secret).username == "rana"
        session = auth.login(store, "rana", PASSWORD.strip(), "127.0.0.1")
    _run("user", "set", "rana", "--role", "analyst", "--disabled")
    with SqlStore(url) as store:
        user = store.user_by_name("rana")
        assert user is not None and user[0].role == "analyst" and user[0].disabled
        with pytest.raises(RasdError):  # disabling ended the session and the token
            auth.session_user(store, session.secret)
        with pytest.raises(RasdError):
            auth.token_user(store, secret)


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (("org", "create", "Bad Id", "x"), "", "organisation id"),
        (("org", "create", "ok", "x", "--default-tlp", "PINK"), "", "TLP marking"),
        (("user", "create", "sam", "--org", "nowhere", "--password-stdin"), PASSWORD, "nowhere"),
        (("user", "create", "sam", "--org", "local", "--password-stdin"), "short\n", "password"),
        (("user", "set", "nobody", "--role", "admin"), "", "nobody"),
        (("token", "create", "nobody"), "", "nobody"),
    ],
)
def test_cli_access_bad_input_named(
    url: str, args: tuple[str, ...], stdin: str, words: str
) -> None:
    message = _fail(*args, stdin=stdin)
    assert words in message and "fix:" in message


def test_cli_access_ingest_owner_and_marking(url: str, tmp_path: Path) -> None:
    _run("org", "create", "rsa", "Regional", "--default-tlp", "AMBER+STRICT")
    report = tmp_path / "r.txt"
    report.write_text(
        "date 2023-09-27\n\nIraqi police arrested two suspects in Kirkuk on Monday.\n", "utf-8"
    )
    _run("ingest", str(report), "--org", "rsa")
    _run("ingest", str(report), "--org", "local", "--tlp", "GREEN")
    with SqlStore(url) as store:
        docs = {d.org: d for d in store.documents()}
        assert docs["rsa"].tlp == "AMBER+STRICT" and docs["local"].tlp == "GREEN"
        assert docs["rsa"].id != docs["local"].id  # each owner has its own copy
        seen = store.scoped(Viewer(org="local"))
        assert [d.org for d in seen.documents()] == ["local"]
        events = list(store.events())
        assert events and {e.tlp for e in events if e.org == "rsa"} == {"AMBER+STRICT"}
    assert "--tlp" in _fail("ingest", str(report), "--tlp", "BLUE")


def test_cli_access_demo_user_can_sign_in(url: str) -> None:
    from rasd.config import Settings
    from rasd.demo import demo_login

    line = demo_login(Settings())
    password = line.split("password '")[1].split("'")[0]
    with SqlStore(url) as store:
        assert auth.login(store, "demo", password, "::1").user.role == "admin"
    second = demo_login(Settings()).split("password '")[1].split("'")[0]
    assert second != password  # a fresh password each run
