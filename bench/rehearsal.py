"""Rehearse the example network's candidates on the lab and record what traffic saw.

For each candidate (candidate-good, candidate-bad, and a copy of base whose leaf3 gets a
new BGP router-id, which resets its sessions) this runs the whole `netval rehearse`
process: boot base, baseline, probes every 20 ms between the hosts, apply, wait, checks,
teardown. Before timing, base and candidate must parse PASSED with the built-in engine and
FRR must reject no line. Prints wall time, time to converge after the apply, and per probe
the packets lost and the longest outage.

    sudo .venv/bin/python bench/rehearsal.py
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def check_input(snapshot: Path) -> None:
    from netval.lab import manager
    from netval.snapshot import load_snapshot
    from netval.static.builtin.loader import load

    statuses = {f.filename: f.status.value for f in load(snapshot).files}
    bad = {k: v for k, v in statuses.items() if v != "PASSED"}
    assert not bad, f"{snapshot}: {bad}"
    assert not manager.rejected_lines(load_snapshot(snapshot)), snapshot


def rehearse(candidate: Path, tag: str, wait: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        lab_id = f"{tag}{os.getpid() % 10000}"
        started = time.monotonic()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "netval.cli",
                "rehearse",
                "snapshots/base",
                str(candidate),
                "-c",
                "checks/fabric.yaml",
                "--id",
                lab_id,
                "--json",
                str(report),
                "--interval",
                "0.02",
                "--wait",
                str(wait),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
        results = json.loads(report.read_text())["results"]
    by_id = {r["id"].split("::")[-1]: r for r in results}
    conv = next(v for k, v in by_id.items() if k.startswith("rehearsal_convergence"))
    probes = {k: v for k, v in by_id.items() if k.startswith("rehearsal_probe")}
    return {
        "exit": proc.returncode,
        "wall_s": wall,
        "failed": sum(1 for r in results if r["status"] != "pass"),
        "items": len(results),
        "convergence": conv["message"],
        "probes": {k: v["message"] for k, v in probes.items()},
    }


def main() -> None:
    print(f"machine: {platform.node()} cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        reset = Path(tmp) / "new-router-id"
        shutil.copytree(ROOT / "snapshots" / "base", reset)
        leaf3 = reset / "configs" / "leaf3"
        leaf3.write_text(
            leaf3.read_text().replace("router-id 10.10.255.13", "router-id 10.10.255.113")
        )
        runs = [
            ("candidate-good", ROOT / "snapshots" / "candidate-good", "bg", 60),
            ("candidate-bad", ROOT / "snapshots" / "candidate-bad", "bb", 20),
            ("base + leaf3 router-id change", reset, "br", 60),
        ]
        check_input(ROOT / "snapshots" / "base")
        for label, candidate, tag, wait in runs:
            check_input(candidate)
            r = rehearse(candidate, tag, wait)
            print(
                f"{label}: exit {r['exit']}, {r['failed']} of {r['items']} items not passed, "
                f"whole rehearsal {r['wall_s']:.1f} s; {r['convergence']}"
            )
            for probe, message in dict(r["probes"]).items():  # type: ignore[call-overload]
                print(f"    {probe}: {message}")


if __name__ == "__main__":
    main()
