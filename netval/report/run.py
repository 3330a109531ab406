"""What a run checked and against what: the facts every report shows in its header.

JUnit carries them as suite properties, JSON as top-level keys, the markdown and HTML
summaries as their header, so a report read on its own says which gate ran, on which source,
with which engine, snapshot, lab or inventory, and which catalogs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netval import __version__

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

#: pytest's --netval mode -> the netval command (and gate) it is
GATES = {"static": "verify", "live": "check"}


def shown_path(path: str | Path) -> str:
    """A path as a user wrote it: relative to the working directory when under it."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()


def iso_time(epoch: float) -> str:
    """ISO 8601 in UTC with the offset written out, to the millisecond."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


@dataclass
class RunInfo:
    gate: str
    mode: str
    source: str
    started: float
    engine: str | None = None
    snapshot: str | None = None
    base: str | None = None
    inventory: str | None = None
    lab: str | None = None
    limit: str | None = None
    baseline: str | None = None
    catalogs: list[str] = field(default_factory=list)
    netval: str = __version__

    def source_facts(self) -> list[tuple[str, str | None]]:
        """What the run looked at, in the order the HTML and markdown reports show it."""
        return [
            ("source", self.source),
            ("engine", self.engine),
            ("snapshot", self.snapshot),
            ("base", self.base),
            ("lab", self.lab),
            ("inventory", self.inventory),
            ("limit", self.limit),
            ("baseline", self.baseline),
            ("catalogs", ", ".join(self.catalogs)),
        ]

    def properties(self) -> dict[str, str]:
        """The facts that are known, as strings (JUnit suite properties, table rows)."""
        props = {
            "gate": self.gate,
            "mode": self.mode,
            "source": self.source,
            "engine": self.engine,
            "snapshot": self.snapshot,
            "base": self.base,
            "inventory": self.inventory,
            "lab": self.lab,
            "limit": self.limit,
            "baseline": self.baseline,
            "catalogs": ", ".join(self.catalogs),
            "started": iso_time(self.started),
            "netval": self.netval,
        }
        return {k: v for k, v in props.items() if v}


def run_info(ctx: RunContext) -> RunInfo:
    opt = ctx.config.getoption
    # the source that ran, never one opened for the report
    source = ctx.opened
    engine = getattr(getattr(source, "engine", None), "name", None)
    if engine is None and ctx.mode == "static":
        engine = opt("netval_engine")
    catalogs: list[str] = []
    baseline = opt("netval_baseline")
    for t in ctx.targets:
        name = shown_path(t.entry.file)
        if name not in catalogs and not (
            baseline and Path(t.entry.file).resolve() == Path(baseline).resolve()
        ):
            catalogs.append(name)
    for out in ctx.remote:  # xdist: the controller plans nothing, its workers did
        catalogs += [c for c in out.get("catalogs", []) if c not in catalogs]
    if not catalogs:  # interrupted before planning: the files named on the command line
        catalogs = [shown_path(a) for a in ctx.config.args if a.endswith((".yaml", ".yml"))]
    inventory = opt("netval_inventory")
    lab = opt("netval_lab")
    if ctx.mode == "live" and not lab and not inventory:
        inventory = "inventory"
    elif ctx.mode == "static" and not inventory and os.path.isfile("inventory/hosts.yaml"):
        inventory = "inventory"  # the static source reads host data from there
    snapshot = opt("netval_snapshot")
    base = opt("netval_base")
    return RunInfo(
        gate=GATES.get(ctx.mode, ctx.mode),
        mode=ctx.mode,
        source=ctx.description,
        started=ctx.started,
        engine=engine,
        snapshot=shown_path(snapshot) if snapshot else None,
        base=shown_path(base) if base else None,
        inventory=shown_path(inventory) if inventory else None,
        lab=lab,
        limit=opt("netval_limit"),
        baseline=shown_path(baseline) if baseline else None,
        catalogs=catalogs,
    )
