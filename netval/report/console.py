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


#: passed items are listed when there are at most this many; past it only their count is
#: (an 8,000-item run must not print 8,000 rows to find the three that failed)
PASSED_LISTED = 20
ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.SKIP: 2, Status.PASS: 3}


def summary_table(ctx: RunContext, *, show_passed: bool = False) -> None:
    """Every failure, error and skip; passed items too unless there are many of them."""
    from netval.report.run import GATES

    console = Console()
    results = list(ctx.results.values())
    counts = Counter(r.status for r in results)
    fold = not show_passed and counts.get(Status.PASS, 0) > PASSED_LISTED
    rows = [r for r in results if not (fold and r.status is Status.PASS)]
    gate = GATES.get(ctx.mode, ctx.mode)
    if rows:
        table = Table(
            title=f"netval {gate} — {escape(printable(ctx.description))}", show_lines=False
        )
        table.add_column("item", overflow="fold")
        table.add_column("status")
        table.add_column("details", overflow="fold")
        for r in sorted(rows, key=lambda r: (ORDER[r.status], r.id)):
            table.add_row(
                escape(printable(r.id, lines=False)),
                f"[{STYLE[r.status]}]{r.status.value}[/]",
                escape(printable(r.message)),
            )
        console.print(table)
    else:
        console.print(f"[bold]netval {gate}[/] — {escape(printable(ctx.description))}")
    console.print(
        " ".join(f"[{STYLE[s]}]{counts.get(s, 0)} {s.value}[/]" for s in Status),
        highlight=False,
    )
    if fold:
        console.print(
            f"[dim]{counts[Status.PASS]:,} passed items not listed "
            "(--show-passed lists them; the JSON and JUnit reports hold them all)[/]",
            highlight=False,
        )
