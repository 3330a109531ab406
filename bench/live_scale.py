"""`netval check` on 50, 100 and 200 lab routers: how time and memory grow.

    sudo .venv/bin/python bench/live_scale.py [--sizes 50,100,200] [--workers 32]
        [--runners threaded,dask]

For each size, boots a generated leaf-spine fabric (4 spines, the rest leaves, a VRRP group
per leaf pair; `bench/gen_fabric.py`), waits until it has converged, and runs the catalog of
`bench/live_check.py` (bgp_sessions, interfaces, ecmp, vrrp) as a user would: one
`netval check` process, JSON report. Inputs are asserted valid first: the lab converged and
every item passes (an error or fail would time a different run). Prints the process's wall
time, its collection time, and its peak RSS (getrusage of that process alone). With
``--runners threaded,dask`` each lab is checked through a nornir config with each runner
(`dask`: a LocalCluster of 2 worker processes, needs netval[dask]), one after the other.
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
from live_check import catalog  # noqa: E402

from netval.lab import manager  # noqa: E402

SPINES = 4


def _config(lab_id: str, runner: str, workers: int, tmp: Path) -> Path:
    import yaml

    from netval.lab import record

    inv = Path(record.inventory_dir(lab_id))
    options: dict[str, object] = {"num_workers": workers}
    if runner == "dask":
        options = {"n_workers": 2, "threads_per_worker": max(1, workers // 2)}
    config = tmp / f"{lab_id}-{runner}.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {
                    "plugin": "SimpleInventory",
                    "options": {
                        "host_file": str(inv / "hosts.yaml"),
                        "defaults_file": str(inv / "defaults.yaml"),
                    },
                },
                "runner": {"plugin": runner, "options": options},
                "logging": {"enabled": False},
            }
        )
    )
    return config


def _check(where: list[str], cat: Path, report: Path) -> tuple[float, float, float, int]:
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netval.cli", "check", "-c", str(cat), *where,
         "--json", str(report)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    doc = json.loads(report.read_text())
    summary = doc["summary"]
    assert os.waitstatus_to_exitcode(status) == 0, summary
    assert summary["pass"] == summary["total"], summary
    return wall, float(doc["collect_seconds"]), usage.ru_maxrss / 1024, summary["total"]


def measure(
    size: int, workers: int, runners: list[str], tmp: Path
) -> dict[str, tuple[float, float, float, int]]:
    leaves = size - SPINES
    lab_id = f"bsc{size}{os.getpid() % 10000}"
    snap = generate(tmp / f"fabric{size}", SPINES, leaves)
    cat = tmp / f"catalog{size}.yaml"
    cat.write_text(catalog(SPINES, leaves))
    out = {}
    try:
        up = manager.up(snap, lab_id)
        assert manager.wait_converged(up.record, 300).converged, f"{size}: no convergence"
        for runner in runners:
            if runner == "lab":
                where = ["--lab", lab_id, "--workers", str(workers)]
            else:
                where = ["--nornir-config", str(_config(lab_id, runner, workers, tmp))]
            out[runner] = _check(where, cat, tmp / f"report{size}-{runner}.json")
        return out
    finally:
        manager.down(lab_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,100,200")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument(
        "--runners", default="lab", help="lab (--lab, threaded), threaded, dask; comma-separated"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()} "
        f"python={platform.python_version()} load={os.getloadavg()[0]:.1f}"
    )
    runners = args.runners.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            for runner, (wall, collect, rss, items) in measure(
                size, args.workers, runners, Path(tmp)
            ).items():
                print(
                    f"{size} routers, {runner}, {items} items all pass: `netval check` "
                    f"{wall:.1f} s wall (collection {collect:.1f} s), peak RSS {rss:.0f} MB "
                    f"(the check process), {wall / size * 1000:.0f} ms per router"
                )


if __name__ == "__main__":
    main()
