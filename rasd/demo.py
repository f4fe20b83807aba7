"""`rasd demo` / `make demo`: ingest the invented sample reports and show what rasd found."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

from rich.console import Console

from rasd.config import PipelineConfig, Settings
from rasd.engine import build_pipeline
from rasd.ingest import read_paths
from rasd.render import events_table
from rasd.service import ingest, open_store
from rasd.store.base import EventQuery


def samples_dir() -> Path:
    return Path(str(resources.files("rasd").joinpath("samples")))


def sample_files() -> list[Path]:
    """The sample reports (not their expected-output files)."""
    root = samples_dir()
    return sorted(
        p
        for p in root.iterdir()
        if p.suffix in {".txt", ".html", ".jsonl"} and ".expected" not in p.name
    )


def run_demo(out: Console, err: Console) -> None:
    settings = Settings()
    config = PipelineConfig.load(settings.pipeline_config)
    files = sample_files()
    out.print(f"rasd demo: ingesting {len(files)} invented sample reports from {samples_dir()}")
    with open_store(settings) as store:
        summary = ingest(build_pipeline(config), store, read_paths(files, config.input))
        found = list(store.events(EventQuery(order="event_date")))
        incidents = store.count_events(EventQuery(distinct=True))
        out.print(events_table(found, title="Events in the store"))
    by_type = Counter(e.event_type for e in found)
    out.print(
        f"{summary.documents} documents, {len(found)} events ({incidents} incidents once reports "
        f"of the same incident are linked) in {store.url}; "  # password hidden
        + ", ".join(f"{k}: {v}" for k, v in sorted(by_type.items()))
    )
    out.print(demo_login(settings))
    for p in summary.problems:
        err.print(f"skipped {p.source}: {p.message}. fix: {p.fix}", highlight=False)
    out.print(
        "Try: rasd events --admin1 Kirkuk   |   rasd export --format geojson --out events.geojson"
        "   |   rasd profile actor islamic-state"
    )


DEMO_USER = "demo"


def demo_login(settings: Settings) -> str:
    """An admin of the local organisation (which owns the samples) for the web UI, with a
    fresh random password each run; the line to print."""
    from rasd.access.auth import create_user, set_password
    from rasd.access.tokens import new_secret

    password = new_secret()[:20]
    with open_store(settings) as store:
        found = store.user_by_name(DEMO_USER)
        if found is None:
            create_user(store, DEMO_USER, password, settings.org, "admin")
        else:
            set_password(store, found[0], password)
    return f"Sign in to the web UI as {DEMO_USER!r} with password {password!r} (new each run)."
