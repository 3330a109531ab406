"""Routes asked per prefix against the whole table, on a lab router with a big table.

    sudo .venv/bin/python bench/route_prefix.py [--routes 50000]

Boots the two-router `mini` test snapshot with ``--routes`` (at most 65536) extra static
routes on r1 (blackhole /28s out of 172.16.0.0/12, in r1's own namespace: no traffic),
checks the table holds them, then times on r1: collection of the routes domain asked for
one prefix, collection of the whole table, and a whole `netval check` process whose
catalog is one `routes` check on one prefix.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netval.lab import manager  # noqa: E402
from netval.live.source import LiveSource  # noqa: E402

PREFIX = "10.1.255.2/32"  # r2's loopback, learned over BGP


def snapshot(out: Path, routes: int) -> Path:
    shutil.copytree(ROOT / "tests" / "data" / "snapshots" / "mini", out)
    r1 = out / "configs" / "r1"
    nets = ipaddress.ip_network("172.16.0.0/12").subnets(new_prefix=28)
    statics = "".join(f"ip route {next(nets)} blackhole\n" for _ in range(routes))
    text = r1.read_text()
    assert text.endswith("end\n")
    r1.write_text(text[: -len("end\n")] + statics + "!\nend\n")
    return out


def timed(fn: object, runs: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--routes", type=int, default=50_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()} "
        f"python={platform.python_version()}"
    )
    lab_id = f"brp{os.getpid() % 100000}"
    with tempfile.TemporaryDirectory() as tmp:
        snap = snapshot(Path(tmp) / "snap", args.routes)
        try:
            up = manager.up(snap, lab_id)
            # "converged" also waits for every route in the FIB; the BGP route is what counts
            manager.wait_converged(up.record, 60)
            source = LiveSource(lab=lab_id)
            whole_time, whole = timed(lambda: source.collect({"r1": {"routes"}}, None))
            table = whole.nodes["r1"].routes or []  # type: ignore[attr-defined]
            assert len(table) > args.routes, f"only {len(table)} routes on r1"
            queries = {"r1": {("default", PREFIX)}}
            one_time, one = timed(lambda: source.collect({"r1": {"routes"}}, None, queries))
            node = one.nodes["r1"]  # type: ignore[attr-defined]
            assert [r.prefix for r in node.routes] == [PREFIX], node.errors
            catalog = Path(tmp) / "one.yaml"
            catalog.write_text(
                f"checks:\n  - kind: ecmp\n    devices: [r1]\n    prefix: {PREFIX}\n    paths: 2\n"
            )
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "netval.cli", "check", "-c", str(catalog),
                 "--lab", lab_id],
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            check_time = time.perf_counter() - started
            assert proc.returncode == 0, proc.stdout + proc.stderr
            print(
                f"r1 table: {len(table)} routes; routes domain collected (best of 3): "
                f"whole table {whole_time:.2f} s, one prefix {one_time:.3f} s; "
                f"`netval check` (one ecmp check on one prefix) {check_time:.2f} s"
            )
        finally:
            manager.down(lab_id)


if __name__ == "__main__":
    main()
