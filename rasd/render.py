"""Terminal rendering of events (shared by the CLI commands and the demo)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text

from rasd.records import Event

COLUMNS = ("event_date", "sub_event_type", "actor1", "actor2", "location", "admin1", "geo", "fat.")


def add_plain_row(table: Table, *cells: object) -> None:
    """A row whose cells print as they are: ``[input]`` in a name is not Rich markup."""
    table.add_row(*(Text(str(c)) for c in cells))


def events_table(events: Iterable[Event], title: str | None = None) -> Table:
    """One row per event: date, sub-event type, actors, place, geo_precision, fatalities."""
    table = Table(title=title)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for e in events:
        add_plain_row(
            table,
            str(e.event_date or ""),
            e.sub_event_type,
            e.actor1.name if e.actor1 else "",
            e.actor2.name if e.actor2 else "",
            e.location,
            e.place.admin1 if e.place else "",
            str(e.geo_precision),
            str(e.fatalities),
        )
    return table
