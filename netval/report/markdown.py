"""A short markdown summary for CI job pages (``--md "$GITHUB_STEP_SUMMARY"``).

A job page shows it above the logs: the verdict, what ran against what, the counts, and the
items that did not pass. Passed items are only counted; the JSON and JUnit reports list them.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from netval import interrupts
from netval.report import json_report
from netval.report.escape import printable
from netval.report.run import run_info
from netval.results import Status

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

#: rows of not-passing items at most; GitHub cuts a step summary at 1 MiB
MAX_ROWS = 200
MAX_MESSAGE = 400
ICON = {Status.PASS: "✅", Status.FAIL: "❌", Status.ERROR: "⚠️", Status.SKIP: "⏭️"}
ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.SKIP: 2, Status.PASS: 3}
# characters that mean something to markdown (or end a table cell)
_MARKUP = {c: "\\" + c for c in "\\`*_[]|~"} | {"<": "&lt;", ">": "&gt;"}


def cell(text: str, limit: int | None = None) -> str:
    """Text from configs, devices and catalogs, safe inside one table cell."""
    text = printable(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(_MARKUP.get(c, c) for c in text.replace("&", "&amp;"))
    return "<br>".join(line.strip() for line in text.splitlines()) or " "


def render(ctx: RunContext, exitstatus: int) -> str:
    info = run_info(ctx)
    results = list(ctx.results.values())
    counts = Counter(r.status for r in results)
    bad = counts.get(Status.FAIL, 0) + counts.get(Status.ERROR, 0)
    interrupted = json_report.INTERRUPTED or interrupts.received() is not None
    if interrupted:
        verdict = "⚠️ interrupted"
    elif bad:
        verdict = "❌ " + ", ".join(
            f"{counts[s]} {word}"
            for s, word in ((Status.FAIL, "failed"), (Status.ERROR, "errors"))
            if counts.get(s)
        )
    elif counts.get(Status.PASS):
        verdict = f"✅ all {counts[Status.PASS]} checks passed"
    else:
        verdict = "⚠️ no check ran"
    lines = [f"### netval {info.gate}: {verdict}", ""]
    facts = [
        *info.source_facts(),
        ("duration", f"{time.time() - ctx.started:.1f} s"),
    ]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {name} | {cell(value)} |" for name, value in facts if value]
    lines += ["", "| " + " | ".join(f"{ICON[s]} {s.value}" for s in Status) + " | total |"]
    lines += ["|" + "---:|" * (len(Status) + 1)]
    lines += ["| " + " | ".join(str(counts.get(s, 0)) for s in Status) + f" | {len(results)} |"]
    shown = sorted(
        (r for r in results if r.status is not Status.PASS), key=lambda r: (ORDER[r.status], r.id)
    )
    if shown:
        lines += ["", "| status | item | kind | catalog | details |", "|---|---|---|---|---|"]
        for r in shown[:MAX_ROWS]:
            where = r.catalog.rsplit("/", 1)[-1]
            lines.append(
                f"| {ICON[r.status]} {r.status.value} | <code>{cell(r.id)}</code> "
                f"| {cell(r.kind)} | {cell(where)} | {cell(r.message, MAX_MESSAGE)} |"
            )
        if len(shown) > MAX_ROWS:
            lines += ["", f"… and {len(shown) - MAX_ROWS} more not passing (see the JSON report)"]
    return "\n".join(lines) + "\n\n"


def write(path: Path, ctx: RunContext, exitstatus: int) -> None:
    text = render(ctx, exitstatus)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a job's step summary collects every step's part; any other file holds this run only
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    append = step_summary is not None and Path(step_summary).resolve() == path.resolve()
    with path.open("a" if append else "w", encoding="utf-8") as f:
        f.write(text)
