"""Lab benchmark: time from `up` to every BGP session Established, memory per router, `down`.

    sudo .venv/bin/python bench/lab_boot.py [--leaves 46 --spines 4] [--skip-example]

Runs the example network (snapshots/base) and a generated leaf-spine fabric. Memory is the
RSS sum of every process in the lab's namespaces (FRR daemons, watchfrr, and sshd in the
router's management namespace) per router.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_fabric import generate  # noqa: E402

from netval.lab import manager, naming, system  # noqa: E402


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(snapshot: Path, lab_id: str, timeout: float) -> dict[str, float]:
    manager.down(lab_id)
    t0 = time.monotonic()
    result = manager.up(snapshot, lab_id)
    booted = time.monotonic() - t0
    conv = manager.wait_converged(result.record, timeout, interval=0.25, since=t0)
    ok, states, established = conv.converged, conv.states, conv.seconds
    routers = [n for n in result.record.nodes if n.kind == "router"]
    spaces = [ns for n in routers for ns in (n.namespace, naming.mgmt_namespace(n.namespace))]
    pids = [p for ns in spaces for p in system.netns_pids(ns)]
    total_kb = sum(rss_kb(p) for p in pids)
    sessions = sum(h.sessions_total for h in states)
    t1 = time.monotonic()
    manager.down(lab_id)
    down = time.monotonic() - t1
    return {
        "routers": len(routers),
        "sessions": sessions,
        "converged": float(ok),
        "up_s": booted,
        "established_s": established,
        "rss_mb_per_router": total_kb / 1024 / len(routers),
        "down_s": down,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spines", type=int, default=4)
    parser.add_argument("--leaves", type=int, default=46)
    parser.add_argument("--skip-example", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()} "
        f"kernel={platform.release()}"
    )
    runs = []
    tag = os.getpid() % 100000  # never the id of a lab someone else runs on this machine
    if not args.skip_example:
        runs.append(("example (snapshots/base)", ROOT / "snapshots" / "base", f"bex{tag}"))
    with tempfile.TemporaryDirectory() as tmp:
        fabric = generate(Path(tmp) / "fabric", args.spines, args.leaves)
        runs.append((f"generated fabric {args.spines}x{args.leaves}", fabric, f"bfab{tag}"))
        for label, snap, lab_id in runs:
            r = measure(snap, lab_id, timeout=120)
            print(
                f"{label}: {int(r['routers'])} routers, {int(r['sessions'])} BGP peer entries, "
                f"converged={bool(r['converged'])}, up {r['up_s']:.1f} s, "
                f"converged (sessions, queues, FIB) {r['established_s']:.1f} s after `up` "
                "started, "
                f"{r['rss_mb_per_router']:.1f} MB RSS per router, down {r['down_s']:.1f} s"
            )


if __name__ == "__main__":
    main()
