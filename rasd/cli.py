"""rasd's command line. Each command parses options and calls one plain function."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rasd.config import PipelineConfig, Settings
from rasd.exceptions import RasdError, describe
from rasd.records import Document, Event, IngestProblem
from rasd.render import events_table

if TYPE_CHECKING:
    from rasd.store.abase import AccessStore

app = typer.Typer(
    name="rasd",
    help="rasd: coded, geocoded, dated conflict events with evidence, from security reporting.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Pipeline TOML (default: built-in; see `rasd config`)."),
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="table, json, jsonl, acled-csv or geojson.")
]


def _settings() -> Settings:
    settings = Settings()
    settings.check_safe()
    return settings


def _config(path: Path | None) -> PipelineConfig:
    return PipelineConfig.load(path or _settings().pipeline_config)


def _report_problem(p: IngestProblem) -> None:
    where = f"{p.source}:{p.line}" if p.line is not None else p.source
    text = escape(f"{where}: {p.message}.\n  fix: {p.fix}")  # user text and hints stay literal
    err.print(f"[yellow]skipped[/] {text}", highlight=False, soft_wrap=True)


def _nothing_read(documents: int, problems: int) -> None:
    """Exit 1 when inputs were given but every one of them was skipped."""
    if documents == 0 and problems:
        err.print(f"error: nothing was read: all {problems} input(s) were skipped", markup=False)
        raise typer.Exit(1)


def _read_stdin(cfg: PipelineConfig, published: date | None) -> Iterator[Document | IngestProblem]:
    """Standard input as bytes, at most the file limit + 1 byte: decoded, never a traceback."""
    from rasd import ingest

    data = sys.stdin.buffer.read(ingest.limit_bytes(cfg.input) + 1)
    return ingest.read_stdin_bytes(data, cfg.input, published_at=published)


def _print_table(events: list[Event]) -> None:
    out.print(events_table(events))


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="A report file or directory, or - for stdin.")],
    fmt: FormatOpt = "table",
    config: ConfigOpt = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for stdin text.")
    ] = None,
) -> None:
    """Extract events from reports and print them; nothing is stored.

    Example: rasd extract report.txt --format json
    """
    from rasd import ingest
    from rasd.engine import shared_pipeline
    from rasd.service import Extraction, extract_records, write_events

    cfg = _config(config)
    pub = _date_opt("--published", published)
    records = _read_stdin(cfg, pub) if path == "-" else ingest.read_paths([path], cfg.input)
    events: list[Event] = []
    read = problems = 0
    for item in extract_records(shared_pipeline(cfg), records):
        if isinstance(item, IngestProblem):
            problems += 1
            _report_problem(item)
        elif isinstance(item, Extraction):
            read += 1
            events.extend(item.events)
            for w in item.warnings:
                err.print(f"[yellow]warning[/] {escape(w)}", highlight=False)
    _nothing_read(read, problems)
    if fmt == "table":
        _print_table(events)
    else:
        write_events(events, fmt, sys.stdout)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or directories (.txt, .html, .jsonl).")
    ],
    config: ConfigOpt = None,
    org: Annotated[
        str | None, typer.Option(help="Owning organisation (default: RASD_ORG, 'local').")
    ] = None,
    tlp: Annotated[
        str | None,
        typer.Option(
            help="TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED "
            "(default: the organisation's default_tlp). A report already stored keeps "
            "its marking unless --tlp is given."
        ),
    ] = None,
    allow_downgrade: Annotated[
        bool,
        typer.Option(
            "--allow-downgrade",
            help="Let --tlp lower the marking of reports already stored (audited); "
            "without it a lower marking is refused.",
        ),
    ] = False,
) -> None:
    """Extract events from reports and store them (idempotent: re-ingesting changes nothing).

    Example: rasd ingest reports/ feed.jsonl --org fctd --tlp AMBER
    """
    from rasd.batch.sources import count_records
    from rasd.engine import shared_pipeline
    from rasd.ingest import read_paths
    from rasd.service import ingest, open_store
    from rasd.store.markings import MarkingRule

    cfg = _config(config)
    pipeline = shared_pipeline(cfg)
    settings = _settings()
    with open_store(settings) as store, _progress() as progress:
        records = _owned_stream(store, read_paths(paths, cfg.input), org or settings.org, tlp)
        task = progress.add_task("ingesting", total=count_records(paths))
        rule = MarkingRule(explicit=tlp is not None, allow_downgrade=allow_downgrade)
        summary = ingest(pipeline, store, records, lambda _s: progress.advance(task), marking=rule)
    for p in summary.problems:
        _report_problem(p)
    out.print(
        f"{summary.documents} documents ({summary.new_documents} new), "
        f"{summary.events_added} events added, {summary.events_unchanged} unchanged, "
        f"{summary.events_removed} removed, {len(summary.problems)} skipped"
    )
    _nothing_read(summary.documents, len(summary.problems))


def _owned_stream(
    store: AccessStore, records: Iterable[Document | IngestProblem], org: str, tlp: str | None
) -> Iterator[Document | IngestProblem]:
    """``service.owned`` a few records at a time: documents stream through, never all
    in memory at once. The organisation and marking are checked before anything is read."""
    from rasd.service import owned

    owned(store, [], org, tlp)
    source = iter(records)
    while chunk := list(islice(source, 32)):
        yield from owned(store, chunk, org, tlp)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


@app.command()
def events(
    since: Annotated[str | None, typer.Option(help="Earliest event date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Latest event date, YYYY-MM-DD.")] = None,
    type_: Annotated[
        list[str], typer.Option("--type", help="Event type or sub-event type (repeatable).")
    ] = [],  # noqa: B006
    actor: Annotated[str | None, typer.Option(help="Actor name contains this text.")] = None,
    country: Annotated[str | None, typer.Option(help="Country name or ISO alpha-2 code.")] = None,
    admin1: Annotated[str | None, typer.Option(help="First-level region, e.g. Anbar.")] = None,
    near: Annotated[str | None, typer.Option(help="LAT,LON,KM: within KM of a point.")] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many events.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List stored events that match the filters.

    Example: rasd events --since 2023-09-01 --type Arrests --admin1 Kirkuk --format json
    """
    from rasd.service import open_store, parse_near, write_events
    from rasd.store.base import EventQuery
    from rasd.taxonomy import EVENT_TYPES

    types = tuple(t for t in type_ if t in EVENT_TYPES)
    subs = tuple(t for t in type_ if t not in EVENT_TYPES)
    query = EventQuery(
        since=_date_opt("--since", since),
        until=_date_opt("--until", until),
        event_types=types,
        sub_event_types=subs,
        actor=actor,
        country=country,
        admin1=admin1,
        near=_near_opt(near, parse_near),
        limit=limit,
    )
    with open_store(_settings()) as store:
        found = store.events(query)
        if fmt == "table":
            _print_table(list(found))
        else:
            write_events(found, fmt, sys.stdout)


def _near_opt(
    value: str | None, parse: Callable[[str], tuple[float, float, float]]
) -> tuple[float, float, float] | None:
    if value is None:
        return None
    lat, lon, km = parse(value)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= km <= 20_050):
        raise RasdError(
            f"--near {value!r}",
            "is out of range",
            "write LAT,LON,KM with LAT in -90..90, LON in -180..180 and KM in 0..20050, "
            "e.g. --near 35.47,44.39,25",
        )
    return lat, lon, km


def _date_opt(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RasdError(f"{name} {value!r}", "is not a date", "write it as YYYY-MM-DD") from None


@app.command()
def export(
    fmt: FormatOpt = "acled-csv",
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Export every stored event (streamed) as acled-csv, geojson, jsonl, json or stix
    (a STIX 2.1 bundle with the reports, for OpenCTI and MISP).

    Example: rasd export --format geojson --out events.geojson
    """
    from rasd.cli_exchange import export_writer
    from rasd.service import open_store

    write = export_writer(fmt)  # a bad --format fails before anything is opened or written
    with open_store(_settings()) as store:
        if output is None:
            write(store, sys.stdout)
            return
        tmp = output.with_suffix(output.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            result = write(store, fh)
        tmp.replace(output)
    skipped = f" ({result.skipped} without coordinates skipped)" if result.skipped else ""
    err.print(f"wrote {result.written} events to {output}{skipped}", markup=False)


@app.command()
def doctor(config: ConfigOpt = None) -> None:
    """Check the spaCy model, gazetteer, actor knowledge base and database, with fixes.

    Example: rasd doctor
    """
    from rasd.doctor import run_checks

    checks = run_checks(Settings(), _config(config))
    for c in checks:
        mark = "[green]ok[/]" if c.ok else "[red]FAIL[/]"
        out.print(f"{mark}  {escape(f'{c.name}: {c.detail}')}", highlight=False)
        if not c.ok:
            out.print(f"      fix: {c.fix}", highlight=False, markup=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@app.command("config")
def config_cmd() -> None:
    """Print the default pipeline configuration (commented TOML) to copy and edit.

    Example: rasd config > my-pipeline.toml
    """
    out.print(PipelineConfig.default_toml(), highlight=False, markup=False)


@app.command("eval")
def eval_cmd(
    dataset: Annotated[
        str, typer.Argument(help="geoparsing, re3d, case2021, acled, muc4, samples or all.")
    ],
    split: Annotated[str, typer.Option(help="dev or test (recorded in the report).")] = "dev",
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder holding the datasets (default ../shared/data).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N documents per corpus.")] = None,
    report: Annotated[Path | None, typer.Option(help="JSON report path.")] = None,
    errors: Annotated[Path | None, typer.Option(help="Errors JSONL path.")] = None,
    report_dir: Annotated[Path, typer.Option(help="Where reports go by default.")] = Path(
        "eval-reports"
    ),
) -> None:
    """Score rasd against human-annotated data and write a JSON report and an errors file.

    Example: rasd eval geoparsing --split dev --limit 50 --report geo.json
    """
    from rasd.eval.runner import run

    data = data_dir or Settings().shared_data_dir
    run(dataset, data, split, limit, report, errors, report_dir=report_dir)


@app.command()
def demo() -> None:
    """Ingest the built-in sample reports into the store and print what was found.

    Example: rasd demo
    """
    from rasd.demo import run_demo

    run_demo(out, err)


@app.command("batch")
def batch_cmd(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Files or directories: .jsonl(.gz), .parquet, .txt(.gz), .html."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Output directory (Parquet).")],
    engine: Annotated[str, typer.Option(help="local (processes) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start Ray locally).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Workers, one pipeline each (default: CPUs; 0: inline).")
    ] = None,
    shard_size: Annotated[int, typer.Option(help="Records per shard and checkpoint.")] = 500,
    fresh: Annotated[bool, typer.Option(help="Discard an earlier run in --out.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Extract events from a large archive in parallel into Parquet; rerun to resume.

    Example: rasd batch archive/ feed.jsonl.gz --out batch-out --engine local --workers 2
    """
    from rasd.batch import BatchOptions, make_engine, run_batch
    from rasd.batch.progress import BatchProgressBar

    cfg = _config(config)
    runner = make_engine(engine, cfg, workers, address=address)
    options = BatchOptions(out_dir, shard_size=shard_size, fresh=fresh)
    with BatchProgressBar(err) as bar:
        summary = run_batch(inputs, options, runner, cfg, on_progress=bar.update)
    for line in summary.lines():
        out.print(line, highlight=False, markup=False)


@app.command("load")
def load_cmd(
    directory: Annotated[Path, typer.Argument(help="The --out directory of `rasd batch`.")],
) -> None:
    """Load a `rasd batch` output into the store (idempotent: reloading changes nothing).

    Example: rasd load batch-out
    """
    from rasd.batch.load import load_dir, shard_names
    from rasd.service import open_store

    total = len(shard_names(directory))
    with open_store(_settings()) as store, _progress() as progress:
        task = progress.add_task("loading shards", total=total)
        summary = load_dir(directory, store, on_shard=lambda _s: progress.advance(task))
    for p in summary.problems:
        _report_problem(p)
    out.print(summary.line(), highlight=False)
    if summary.problems:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default RASD_HOST: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default RASD_PORT: 8000).")] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default RASD_DATABASE_URL).")
    ] = None,
) -> None:
    """Serve the web UI and the HTTP API (OpenAPI docs at /docs) on the store.

    Example: rasd serve --port 8000 --db sqlite:///.demo/rasd.sqlite
    """
    from rasd.api.server import serve as run_server

    settings = _settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    run_server(settings, host, port, announce=lambda line: out.print(line, highlight=False))


from rasd import cli_access, cli_exchange, cli_knowledge, cli_models  # noqa: E402, F401  (register commands)


def main() -> None:
    try:
        app()
    except RasdError as exc:
        err.print(describe(exc), highlight=False, markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
