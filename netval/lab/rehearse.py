"""A change rehearsed on the digital twin: boot the base, take a baseline, send traffic,
apply the candidate, wait for convergence, and record what the traffic saw.

The catalog and the baseline comparison then run as in `netval check`, with one more item
per probe and one for convergence, so every report of a check run carries the rehearsal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from netval import interrupts
from netval.errors import LabError
from netval.lab import apply as lab_apply
from netval.lab import manager, traffic
from netval.snapshot import load_snapshot

Progress = Callable[[str], None]


@dataclass
class Rehearsal:
    lab_id: str
    baseline: Path
    record: Path
    apply: lab_apply.ApplyResult | None = None
    convergence: dict[str, object] = field(default_factory=dict)
    probes: list[traffic.ProbeResult] = field(default_factory=list)
    boot_seconds: float = 0.0


def run_change(
    lab_id: str,
    base: Path,
    candidate: Path,
    workdir: Path,
    *,
    probe_texts: list[str],
    interval: float,
    timeout: float,
    settle: float,
    order: list[str] | None,
    allow_rejected: bool,
    progress: Progress,
    base_inventory: Path | None = None,
) -> Rehearsal:
    """Everything up to the checks; the lab stays up for them (the caller takes it down)."""
    from netval.live.source import LiveSource
    from netval.state import State

    base_snap = load_snapshot(base)
    load_snapshot(candidate)  # an unreadable candidate is an input error before any boot
    out = Rehearsal(lab_id, workdir / "baseline.json", workdir / "rehearsal.json")
    progress(f"booting {base} as lab {lab_id}")
    up = manager.up(
        base,
        lab_id,
        progress=progress,
        allow_rejected=allow_rejected,
        base_inventory=base_inventory,
    )
    rec = up.record
    booted = manager.wait_converged(rec, timeout, progress, settle=settle, since=up.started)
    out.boot_seconds = booted.seconds
    if not booted.converged:
        raise LabError(
            f"the base snapshot {base} did not converge in the lab within {timeout:g} s "
            "(still moving: "
            + "; ".join(f"{k}: {v}" for k, v in sorted(booted.moving.items()))
            + "): nothing to rehearse against",
            hint="fix the base, or raise --wait",
        )
    progress("capturing the baseline")
    source = LiveSource(lab=lab_id)
    state: State = source.collect(
        {n: {"bgp", "routes", "vrrp", "interfaces", "ospf"} for n in rec.router_names()}, None
    )
    state.dump(out.baseline)
    specs = (
        [traffic.parse_probe(t, base_snap, rec.mgmt_net) for t in probe_texts]
        if probe_texts
        else traffic.default_probes(base_snap)
    )
    progress(f"starting {len(specs)} traffic probe(s), one packet every {interval:g} s")
    probes = traffic.Probes(rec, specs, interval)
    interrupted = ""
    try:
        time.sleep(1.0)  # traffic flows before the change: a probe that never worked shows
        progress(f"applying {candidate}")
        out.apply = lab_apply.apply(
            lab_id, candidate, order=order, allow_rejected=allow_rejected, progress=progress
        )
        conv = manager.wait_converged(
            manager.require(lab_id),
            timeout,
            progress,
            settle=max(settle, out.apply.min_settle),
            since=out.apply.started,
        )
        out.convergence = {
            "converged": conv.converged,
            "seconds": conv.seconds,
            "waited": conv.waited,
            "moving": conv.moving,
        }
        time.sleep(1.0)
    except lab_apply.PartialApply as exc:
        if not exc.interrupted:
            raise
        interrupted = exc.message
        raise
    except KeyboardInterrupt as exc:
        interrupted = f"interrupted ({interrupts.label_of(exc)}) while waiting for convergence"
        raise
    finally:
        out.probes = probes.stop()
        _write_record(out, base, candidate, interrupted)
    return out


def _write_record(out: Rehearsal, base: Path, candidate: Path, interrupted: str) -> None:
    """The rehearsal's own record, also when it was interrupted: the reports read it."""
    applied = out.apply
    out.record.write_text(
        json.dumps(
            {
                "lab": out.lab_id,
                "base": str(base),
                "candidate": str(candidate),
                "interrupted": interrupted,
                "boot_converged_s": out.boot_seconds,
                "apply": {
                    "changed": applied.changed if applied else {},
                    "wiring": applied.wiring if applied else [],
                    "rejected": applied.rejected if applied else [],
                    "seconds": applied.seconds if applied else None,
                },
                "convergence": out.convergence,
                "probes": [p.to_json() for p in out.probes],
            },
            indent=2,
        )
        + "\n"
    )
