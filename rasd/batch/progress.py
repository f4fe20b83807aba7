"""The batch progress bar (rich): records done of total, documents/s, words/s and ETA.

Rates and the ETA count only work done by this run after start-up, so shards
kept from a killed run do not make the rates look faster than they are.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from rasd.batch.runner import BatchSummary


def _eta(summary: BatchSummary) -> str:
    if summary.total_items is None or not summary.seconds:
        return "ETA -"
    new_items = summary.items - summary.resumed_items
    if new_items <= 0:
        return "ETA -"
    remaining = max(summary.total_items - summary.items, 0)
    seconds = remaining * summary.seconds / new_items
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"ETA {h}:{m:02d}:{s:02d}"


class BatchProgressBar:
    """Context manager; pass :meth:`update` as ``run_batch(on_progress=...)``."""

    def __init__(self, console: Console, description: str = "batch") -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"),
            TextColumn("{task.fields[eta]}"),
            console=console,
            transient=False,
        )
        self.description = description
        self.task: TaskID | None = None

    def __enter__(self) -> BatchProgressBar:
        self.progress.__enter__()
        self.task = self.progress.add_task(self.description, total=None, rates="", eta="")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.progress.__exit__(exc_type, exc, tb)

    def update(self, summary: BatchSummary) -> None:
        assert self.task is not None
        rates = (
            f"{summary.docs_per_second:.1f} docs/s  {summary.words_per_second:,.0f} words/s"
            if summary.seconds
            else "starting workers..."
        )
        self.progress.update(
            self.task,
            total=summary.total_items,
            completed=summary.items,
            rates=rates,
            eta=_eta(summary),
        )
