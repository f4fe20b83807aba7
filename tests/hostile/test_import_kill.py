"""Issue 12, fault test: ``rasd import`` killed with SIGKILL in the middle of its writes,
then run again, gives exactly what one clean run gives: nothing lost, nothing duplicated,
nothing half-written (each report is one transaction; the store's ids make a rerun
idempotent)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from markworld import arrest, bundle, report

from rasd.store import SqlStore

REPORTS = 300


def _bundle(path: Path) -> None:
    reports = []
    for n in range(REPORTS):
        doc = report(f"Arrested kanari{n}x in Kirkuk on Monday, police said ({n}).", tlp="RED")
        reports.append((doc, [arrest(doc, 0), arrest(doc, 1)]))
    path.write_text(json.dumps(bundle(*reports)), "utf-8")


def _command(path: Path) -> list[str]:
    return [str(Path(sys.executable).with_name("rasd")), "import", str(path)]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "RASD_DATABASE_URL": f"sqlite:///{db}"}


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:  # not created or migrated yet, or locked for a moment
        return 0


def _contents(db: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    with SqlStore(f"sqlite:///{db}") as store:
        documents = {d.id: d for d in store.documents()}
        events = [e.model_copy(update={"created_at": None}) for e in store.events()]
    assert len(events) == len({e.id for e in events})  # no duplicates
    return documents, {e.id: e for e in events}


def test_import_kill_mid_write_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    _bundle(path)
    killed, clean = tmp_path / "killed.sqlite", tmp_path / "clean.sqlite"
    proc = subprocess.Popen(
        _command(path), env=_env(killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while _documents(killed) < 10:
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import wrote nothing in 120 s"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    stored = _documents(killed)
    assert 10 <= stored < REPORTS, stored  # killed mid-way
    rerun = subprocess.run(_command(path), env=_env(killed), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{REPORTS} documents ({REPORTS - stored} new" in rerun.stdout
    done = subprocess.run(_command(path), env=_env(clean), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after_kill, after_clean = _contents(killed), _contents(clean)
    assert len(after_kill[0]) == REPORTS and len(after_kill[1]) == 2 * REPORTS
    assert after_kill == after_clean
    assert {d.tlp for d in after_kill[0].values()} == {"RED"}
