"""Commands for knowledge across reports: corrections, re-processing, de-duplication,
profiles. Registered on :data:`rasd.cli.app`; each calls a plain function."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from rasd.cli import ConfigOpt, _config, _progress, _settings, app, err, out
from rasd.records import Correction
from rasd.render import add_plain_row

ByOpt = Annotated[str, typer.Option("--by", help="Who makes the correction (name or login).")]
WhyOpt = Annotated[
    str, typer.Option("--why", help="Why: the source or reasoning, for the audit log.")
]

correct_app = typer.Typer(
    help=(
        "Record an analyst correction (append-only audit log; survives re-extraction).\n\n"
        "Example: rasd correct set 3f2a9c fatalities 4 --by rana --why 'hospital toll, AFP 26 Sep'"
    ),
    no_args_is_help=True,
)
app.add_typer(correct_app, name="correct")


def _record(action: str, target: str, by: str, why: str, **extra: object) -> None:
    from rasd.knowledge.write import Knowledge, correct
    from rasd.service import open_store

    with open_store(_settings()) as store:
        knowledge = Knowledge.from_config(_config(None))
        if action == "set_field":
            from rasd.knowledge.write import parse_value

            extra["value"] = parse_value(store, str(extra["field"]), str(extra["value"]))
        recorded = correct(
            store,
            Correction(action=action, target=target, analyst=by, reason=why, **extra),  # type: ignore[arg-type]
            knowledge,
        )
    out.print(
        f"correction #{recorded.id} recorded: {action} {target}", highlight=False, markup=False
    )


@correct_app.command("set")
def correct_set(
    event: Annotated[str, typer.Argument(help="Event id.")],
    field: Annotated[str, typer.Argument(help="Coded field, e.g. fatalities, event_date, actor1.")],
    value: Annotated[str, typer.Argument(help="New value: 4, 2023-09-26, an actor id, null.")],
    by: ByOpt,
    why: WhyOpt,
) -> None:
    """Set one coded field of an event.

    Example: rasd correct set 3f2a9c event_date 2023-09-26 --by rana --why 'date in the AFP wire'
    """
    _record("set_field", event, by, why, field=field, value=value)


@correct_app.command("not-event")
def correct_not_event(event: str, by: ByOpt, why: WhyOpt) -> None:
    """Mark an extracted event as not an event.

    Example: rasd correct not-event 3f2a9c --by rana --why 'a budget dispute, not a clash'
    """
    _record("not_event", event, by, why)


@correct_app.command("merge-events")
def correct_merge_events(event: str, other: str, by: ByOpt, why: WhyOpt) -> None:
    """Say two events (of different reports) are one incident.

    Example: rasd correct merge-events 3f2a9c 77b1e0 --by rana --why 'same convoy, two outlets'
    """
    _record("merge_events", event, by, why, other=other)


@correct_app.command("split-events")
def correct_split_events(event: str, other: str, by: ByOpt, why: WhyOpt) -> None:
    """Say two events are different incidents (undoes a de-duplication merge).

    Example: rasd correct split-events 3f2a9c 77b1e0 --by rana --why 'two IEDs, two districts'
    """
    _record("split_events", event, by, why, other=other)


@correct_app.command("merge-actors")
def correct_merge_actors(actor: str, into: str, by: ByOpt, why: WhyOpt) -> None:
    """Fold one actor into another everywhere it is coded.

    Example: rasd correct merge-actors unidentified-armed-group-iraq islamic-state --by rana --why 'IS claim'
    """
    _record("merge_actors", actor, by, why, other=into)


@correct_app.command("merge-persons")
def correct_merge_persons(person: str, into: str, by: ByOpt, why: WhyOpt) -> None:
    """Say two person entities are one person.

    Example: rasd correct merge-persons p-1a2b p-3c4d --by rana --why 'Abu Hafs is his kunya'
    """
    _record("merge_persons", person, by, why, other=into)


@correct_app.command("split-person")
def correct_split_person(person: str, event: str, by: ByOpt, why: WhyOpt) -> None:
    """Detach the person's mention in one event into a person of its own.

    Example: rasd correct split-person p-1a2b 3f2a9c --by rana --why 'a namesake in Basra'
    """
    _record("split_person", person, by, why, other=event)


@correct_app.command("revert")
def correct_revert(number: int, by: ByOpt, why: WhyOpt) -> None:
    """Undo correction NUMBER (itself recorded; a revert can be reverted).

    Example: rasd correct revert 12 --by rana --why 'the second source was wrong'
    """
    _record("revert", "", by, why, reverts=number)


@correct_app.command("log")
def correct_log(
    subject: Annotated[str | None, typer.Option(help="Only corrections of this id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show the audit log of corrections, oldest first.

    Example: rasd correct log --subject 3f2a9c
    """
    from rasd.knowledge.corrections import cancelled
    from rasd.service import open_store

    with open_store(_settings()) as store:
        log = store.corrections(subject=subject)
        undone = cancelled(store.corrections())
    if as_json:
        for c in log:
            out.print(c.model_dump_json(), highlight=False, soft_wrap=True, markup=False)
        return
    table = Table("#", "when", "who", "action", "target", "detail", "why", "in force")
    for c in log:
        detail = " ".join(
            x for x in (c.other, c.field, c.value, f"#{c.reverts}" if c.reverts else None) if x
        )
        when = c.created_at.strftime("%Y-%m-%d %H:%M") if c.created_at else ""
        add_plain_row(
            table,
            str(c.id),
            when,
            c.analyst,
            c.action,
            c.target,
            detail,
            c.reason,
            "no" if c.id in undone else "yes",
        )
    out.print(table)


@app.command("reprocess")
def reprocess_cmd(
    since: Annotated[
        str | None, typer.Option(help="Only reports published on or after this date (YYYY-MM-DD).")
    ] = None,
    config: ConfigOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the change report as JSON.")
    ] = False,
) -> None:
    """Re-run the current pipeline over stored reports, keeping corrections; report changes.

    Example: rasd reprocess --since 2024-01-01
    """
    from rasd.cli import _date_opt
    from rasd.engine import shared_pipeline
    from rasd.knowledge.reprocess import reprocess
    from rasd.knowledge.write import Knowledge
    from rasd.service import open_store

    cfg = _config(config)
    start = _date_opt("--since", since)
    pipeline = shared_pipeline(cfg)
    with open_store(_settings()) as store, _progress() as progress:
        total = sum(
            1 for d in store.documents() if start is None or (d.published_at or date.min) >= start
        )
        task = progress.add_task("reprocessing", total=total)
        report = reprocess(
            pipeline, store, Knowledge.from_config(cfg), start, lambda _s: progress.advance(task)
        )
    if as_json:
        out.print(
            json.dumps(_report_json(report), default=str, indent=2), highlight=False, markup=False
        )
        return
    out.print(
        f"{report.documents} documents: {len(report.added)} events added, "
        f"{len(report.removed)} removed, {report.changed_events()} changed, "
        f"{len(report.orphans)} corrections without their event",
        highlight=False,
    )
    for name, count in report.by_field().items():
        out.print(f"  {name}: {count} changed", highlight=False)
    for c in report.orphans:
        err.print(
            f"[yellow]orphaned[/] correction #{c.id} "
            f"{escape(f'({c.action} {c.target})')}: its event is gone"
        )


def _report_json(report: object) -> dict[str, object]:
    from rasd.knowledge.reprocess import ReprocessReport

    assert isinstance(report, ReprocessReport)
    return {
        "documents": report.documents,
        "added": report.added,
        "removed": report.removed,
        "changed": [vars(c) for c in report.changes],
        "by_field": report.by_field(),
        "orphaned_corrections": [c.id for c in report.orphans],
        "problems": [p.model_dump() for p in report.problems],
    }


@app.command("dedup")
def dedup_cmd(config: ConfigOpt = None) -> None:
    """Re-link every stored event across reports from scratch (after changing the dedup settings).

    Example: rasd dedup --config my-pipeline.toml
    """
    from rasd.knowledge.dedup import relink_all
    from rasd.knowledge.write import Knowledge
    from rasd.service import open_store

    knowledge = Knowledge.from_config(_config(config))
    with open_store(_settings()) as store:
        summary = relink_all(store, knowledge.dedup, knowledge.similarity)
    out.print(summary.line(), highlight=False)


@app.command("profile")
def profile_cmd(
    kind: Annotated[str, typer.Argument(help="actor or person.")],
    ident: Annotated[str, typer.Argument(help="The actor id or person id.")],
) -> None:
    """Print an actor's or a person's profile as JSON.

    Example: rasd profile actor islamic-state
    """
    from rasd.exceptions import RasdError
    from rasd.knowledge.profiles import actor_profile, person_profile
    from rasd.service import open_store

    if kind not in ("actor", "person"):
        raise RasdError(
            f"profile kind {kind!r}", "is not actor or person", "write `rasd profile actor ID`"
        )
    with open_store(_settings()) as store:
        profile = actor_profile(store, ident) if kind == "actor" else person_profile(store, ident)
    out.print(profile.model_dump_json(indent=2), highlight=False, soft_wrap=True, markup=False)


@app.command("persons")
def persons_cmd(
    name: Annotated[str, typer.Argument(help="Part of a name (any case).")] = "",
    limit: int = 50,
) -> None:
    """List persons known across reports, with their ids.

    Example: rasd persons bukhari
    """
    from rasd.service import open_store

    with open_store(_settings()) as store:
        found = store.search_persons(name, limit)
    table = Table("person id", "name", "match key")
    for p in found:
        add_plain_row(table, p.id, p.name, p.key)
    out.print(table)
