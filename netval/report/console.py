"""Console output: a progress bar while devices are collected, a summary table at the end."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netval.report.escape import printable
from netval.results import Status

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext
    from netval.runner import Progress as ProgressFn

STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.ERROR: "magenta", Status.SKIP: "yellow"}


@contextmanager
def collection_progress(description: str) -> Iterator[ProgressFn]:
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("[bold]collecting[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(name: str, done: int, total: int) -> None:
            shown = escape(printable(f"{description}: {name}", lines=False))
            bar.update(task, total=total, completed=done, description=shown)

        yield advance


def summary_table(ctx: RunContext) -> None:
    console = Console()
    results = list(ctx.results.values())
    table = Table(
        title=f"netval {ctx.mode} — {escape(printable(ctx.description))}", show_lines=False
    )
    table.add_column("item", overflow="fold")
    table.add_column("status")
    table.add_column("details", overflow="fold")
    order = {Status.ERROR: 0, Status.FAIL: 1, Status.SKIP: 2, Status.PASS: 3}
    for r in sorted(results, key=lambda r: (order[r.status], r.id)):
        table.add_row(
            escape(printable(r.id, lines=False)),
            f"[{STYLE[r.status]}]{r.status.value}[/]",
            escape(printable(r.message)),
        )
    console.print(table)
    counts = Counter(r.status for r in results)
    console.print(
        " ".join(f"[{STYLE[s]}]{counts.get(s, 0)} {s.value}[/]" for s in Status),
        highlight=False,
    )
