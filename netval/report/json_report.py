"""The JSON report: every result, with the run's summary. Written even on Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from netval import __version__, interrupts
from netval.interrupts import signal_label
from netval.results import Status

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

INTERRUPTED = False


def write(path: Path, ctx: RunContext, exitstatus: int) -> None:
    signum = interrupts.received()
    results = [r.model_dump(mode="json") for r in ctx.results.values()]
    counts = Counter(r.status.value for r in ctx.results.values())
    planned = len(ctx.runner.targets) if ctx.runner is not None else len(ctx.targets)
    doc = {
        "netval": __version__,
        "mode": ctx.mode,
        "source": ctx.description or None,
        "started": ctx.started,
        "duration": time.time() - ctx.started,
        "collect_seconds": ctx.runner.collect_seconds if ctx.runner else None,
        "interrupted": INTERRUPTED or signum is not None,
        "signal": signal_label(signum) if signum is not None else None,
        "exitstatus": int(exitstatus),
        "summary": {s.value: counts.get(s.value, 0) for s in Status}
        | {"total": len(results), "planned": planned},
        "results": results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
