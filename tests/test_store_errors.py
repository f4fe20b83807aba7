"""StoreError messages name the URL and the fix; constructors never touch the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from rasd.config import Settings
from rasd.exceptions import StoreError
from rasd.store import SqlStore


def test_store_errors_constructor_does_not_connect(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "rasd.sqlite"
    SqlStore(f"sqlite:///{target}")
    assert not target.parent.exists()


def test_store_errors_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "rasd.sqlite"
    SqlStore(f"sqlite:///{target}").migrate()
    assert target.is_file()


def test_store_errors_default_url_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASD_DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    store = SqlStore.from_settings(settings)
    store.migrate()
    assert (tmp_path / "data" / "rasd.sqlite").is_file()
    assert store.url == settings.resolved_database_url()


def test_store_errors_bad_url() -> None:
    with pytest.raises(StoreError, match="is not a database URL") as info:
        SqlStore("not a url at all")
    assert "not a url at all" in str(info.value)
    assert "RASD_DATABASE_URL" in info.value.fix


def test_store_errors_missing_driver_hides_password() -> None:
    store = SqlStore("nosuchdialect://user:s3cret@localhost/db")
    with pytest.raises(StoreError) as info:
        store.open()
    assert "nosuchdialect://user:***@localhost/db" in str(info.value)
    assert "s3cret" not in str(info.value)
    assert "driver" in info.value.problem


def test_store_errors_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    url = f"sqlite:///{blocker}/sub/rasd.sqlite"
    with pytest.raises(StoreError, match="cannot create the directory") as info:
        SqlStore(url).migrate()
    assert str(blocker) in str(info.value) and "RASD_DATABASE_URL" in info.value.fix


def test_store_errors_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened") as info:
        SqlStore(f"sqlite:///{junk}").open()
    assert str(junk) in str(info.value)


def test_store_errors_directory_as_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot be opened"):
        SqlStore(f"sqlite:///{tmp_path}").open()


def test_store_errors_not_migrated(sql_url: str) -> None:
    with pytest.raises(StoreError, match="no rasd schema") as info:
        SqlStore(sql_url).stats()
    shown = make_url(sql_url).render_as_string(hide_password=True)
    assert "migrate()" in info.value.fix and shown in str(info.value)


def test_store_errors_closed_store_reopens(sql_url: str) -> None:
    store = SqlStore(sql_url)
    store.migrate()
    store.close()
    assert store.stats().documents == 0  # lazily reconnects
    store.close()
