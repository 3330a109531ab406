"""Live-check benchmark: a full catalog (BGP, ECMP, VRRP, interfaces) on a generated lab.

    sudo .venv/bin/python bench/live_check.py [--spines 4 --leaves 46] [--workers 32]

Boots a generated leaf-spine fabric (default 50 routers), runs `netval check` on it as a
user would (a subprocess, JSON report), and prints the wall time, devices per second, and
the ratio to a floor: one device's connect + commands time x devices / workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_fabric import generate  # noqa: E402

from netval.lab import manager  # noqa: E402
from netval.live.source import LiveSource  # noqa: E402


def catalog(spines: int, leaves: int) -> str:
    pairs = leaves // 2
    lines = [
        "checks:",
        "  - kind: bgp_sessions",
        "    expect: {min_prefixes_received: 1}",
        "  - kind: interfaces",
    ]
    remote = [f"leaf{i}" for i in range(3, leaves + 1)]
    lines += [
        "  - kind: ecmp",
        f"    devices: [{', '.join(remote)}]",
        "    prefix: 10.100.0.0/24",
        f"    paths: {spines}",
    ]
    for p in range(pairs):
        lines += [
            "  - kind: vrrp",
            f"    interface: eth{spines + 1}",
            f"    vrid: {p + 1}",
            f"    master: leaf{2 * p + 1}",
            f"    backups: [leaf{2 * p + 2}]",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spines", type=int, default=4)
    parser.add_argument("--leaves", type=int, default=46)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()
    lab_id = f"bchk{os.getpid() % 100000}"  # never the id of a lab someone else runs
    print(f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        snap = generate(Path(tmp) / "fabric", args.spines, args.leaves)
        cat = Path(tmp) / "catalog.yaml"
        cat.write_text(catalog(args.spines, args.leaves))
        manager.down(lab_id)
        try:
            result = manager.up(snap, lab_id)
            assert manager.wait_converged(result.record, 120).converged, "no convergence"
            source = LiveSource(lab=lab_id)
            t = time.monotonic()
            source.collect({"leaf1": {"bgp", "routes", "vrrp", "interfaces"}}, None)
            one = time.monotonic() - t
            report = Path(tmp) / "report.json"
            t = time.monotonic()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "netval.cli",
                    "check",
                    "-c",
                    str(cat),
                    "--lab",
                    lab_id,
                    "--json",
                    str(report),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            wall = time.monotonic() - t
            doc = json.loads(report.read_text())
            routers = len(result.record.router_names())
            floor = one * routers / min(args.workers, routers)
            print(
                f"{routers} routers, {doc['summary']['total']} items "
                f"({doc['summary']['pass']} pass, {doc['summary']['fail']} fail, "
                f"{doc['summary']['error']} error), exit {proc.returncode}"
            )
            print(
                f"netval check wall {wall:.2f} s (collection {doc['collect_seconds']:.2f} s), "
                f"{routers / wall:.1f} devices/s"
            )
            print(
                f"floor: one device {one:.2f} s x {routers} / {min(args.workers, routers)} "
                f"workers = {floor:.2f} s; wall/floor = {wall / floor:.1f}, "
                f"collection/floor = {doc['collect_seconds'] / floor:.1f}"
            )
        finally:
            manager.down(lab_id)


if __name__ == "__main__":
    main()
