"""The JSON report: every result, with the run's summary. Written even on Ctrl-C or SIGTERM.

Its shape is documented in docs/reports.md and by the JSON Schema ``report.schema.json``
beside this module; ``SCHEMA_VERSION`` changes when a key is removed or changes meaning.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netval import interrupts
from netval.interrupts import signal_label
from netval.report.run import iso_time, run_info
from netval.results import Status

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

SCHEMA_VERSION = 1
INTERRUPTED = False


def schema() -> dict[str, Any]:
    """The JSON Schema every report validates against."""
    text = resources.files("netval.report").joinpath("report.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def document(ctx: RunContext, exitstatus: int) -> dict[str, Any]:
    signum = interrupts.received()
    results = [r.model_dump(mode="json") for r in ctx.results.values()]
    counts = Counter(r.status.value for r in ctx.results.values())
    planned = ctx.planned_count
    info = run_info(ctx)
    finished = time.time()
    return {
        "schema_version": SCHEMA_VERSION,
        "netval": info.netval,
        "gate": info.gate,
        "mode": ctx.mode,
        "source": ctx.description or None,
        "engine": info.engine,
        "snapshot": info.snapshot,
        "base": info.base,
        "inventory": info.inventory,
        "lab": info.lab,
        "limit": info.limit,
        "baseline": info.baseline,
        "catalogs": info.catalogs,
        "started": iso_time(ctx.started),
        "finished": iso_time(finished),
        "duration": finished - ctx.started,
        "collect_seconds": ctx.collect_seconds,
        "interrupted": INTERRUPTED or signum is not None,
        "signal": signal_label(signum) if signum is not None else None,
        "exitstatus": int(exitstatus),
        "shard": ctx.shard_info,
        "summary": {s.value: counts.get(s.value, 0) for s in Status}
        | {"total": len(results), "planned": planned},
        "results": results,
    }


def write(path: Path, ctx: RunContext, exitstatus: int) -> None:
    doc = document(ctx, exitstatus)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
