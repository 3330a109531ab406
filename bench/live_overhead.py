"""What netval costs over a hand-written Nornir script, on the same lab and commands.

    sudo .venv/bin/python bench/live_overhead.py [--runs 5] [--spines 4 --leaves 46]
        [--only example|fabric]

For the example lab (``snapshots/base``, ``checks/fabric.yaml``) and a generated leaf-spine
fabric (default 50 routers, the catalog of bench/live_check.py), boots the lab with ``netval
lab up``, then runs, alternating and each as a fresh process:

- ``netval check --lab ID -c CATALOG``;
- bench/plain_nornir.py: InitNornir, the threaded runner with netval's worker count, and
  nornir_scrapli ``send_commands`` with exactly the show commands netval sends to each host.

Before timing anything it checks its input: the lab is up and converged, netval's run
passes every item, and the plain script gets a JSON answer to every command from every
host. Prints wall and CPU (user + system of the process and its ssh children) medians, their
ratios, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen_fabric import generate  # noqa: E402
from live_check import catalog as fabric_catalog  # noqa: E402

from netval.catalog import load_catalogs  # noqa: E402
from netval.live.inventory import open_nornir  # noqa: E402
from netval.live.parsers.registry import get_parser  # noqa: E402
from netval.runner import plan_catalog  # noqa: E402

NETVAL = [sys.executable, "-m", "netval"]
WORKERS = 32  # LiveSource's default


def timed(cmd: list[str], out: Path) -> tuple[int, float, float]:
    """Exit code, wall seconds and CPU seconds (the process and the children it waited for)."""
    with out.open("w") as sink:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime


def lab_up(snapshot: Path, lab_id: str, wait: int) -> Path:
    proc = subprocess.run(
        [*NETVAL, "lab", "up", str(snapshot), "--id", lab_id, "--wait", str(wait)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    # --wait exits 1 unless every configured BGP session is Established
    assert proc.returncode == 0, f"lab up failed or did not converge:\n{proc.stdout}{proc.stderr}"
    inv = subprocess.run(
        [*NETVAL, "lab", "inventory", "--id", lab_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(inv.stdout.strip())


def commands_netval_sends(catalog: Path, lab_id: str) -> dict[str, list[str]]:
    """The distinct show commands per host that a check of ``catalog`` runs."""
    nr = open_nornir(lab=lab_id)
    hosts = dict(nr.inventory.hosts)
    planned = plan_catalog(load_catalogs([catalog]), hosts, "live")
    plan: dict[str, set[str]] = {}
    for targets in planned.values():
        for target in targets:
            for device, domains in target.needs().items():
                commands = get_parser(hosts[device].platform).commands
                plan.setdefault(device, set()).update(commands[d] for d in domains)
    return {device: sorted(cmds) for device, cmds in sorted(plan.items())}


def measure(name: str, snapshot: Path, catalog: Path, runs: int, wait: int, tmp: Path) -> None:
    lab_id = f"ovh{os.getpid() % 100000}{name[0]}"  # never the id of a lab someone else runs
    try:
        inventory = lab_up(snapshot, lab_id, wait)
        time.sleep(3)  # VRRP elections and ECMP settle after the sessions are up
        plan = commands_netval_sends(catalog, lab_id)
        plan_file = tmp / f"{name}-plan.json"
        plan_file.write_text(json.dumps(plan))
        report = tmp / f"{name}-report.json"
        check = [*NETVAL, "check", "--lab", lab_id, "-c", str(catalog), "--json", str(report)]
        plain = [sys.executable, str(ROOT / "bench" / "plain_nornir.py"), str(inventory)]
        plain += [str(plan_file), "--workers", str(WORKERS)]
        log = tmp / f"{name}.log"

        # the input is valid: netval passes every item, the script gets every answer
        code, _, _ = timed(check, log)
        summary = json.loads(report.read_text())["summary"]
        assert code == 0 and summary["pass"] == summary["total"] > 0, log.read_text()
        code, _, _ = timed(plain, log)
        answer = json.loads(log.read_text().strip().splitlines()[-1])
        expected = sum(len(c) for c in plan.values())
        assert code == 0 and answer["outputs"] == expected, log.read_text()

        load_before = os.getloadavg()
        times: dict[str, list[tuple[float, float]]] = {"netval": [], "plain": []}
        for i in range(runs):
            order = [("netval", check), ("plain", plain)]
            for side, cmd in order if i % 2 == 0 else order[::-1]:
                code, wall, cpu = timed(cmd, log)
                assert code == 0, log.read_text()
                times[side].append((wall, cpu))
        load_after = os.getloadavg()
    finally:
        subprocess.run([*NETVAL, "lab", "down", "--id", lab_id], cwd=ROOT, capture_output=True)

    med = {
        side: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for side, v in times.items()
    }
    commands = sum(len(c) for c in plan.values())
    print(
        f"{name}: {len(plan)} routers, {summary['total']} items, {commands} commands, "
        f"{runs} runs each, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print("| network | netval wall | plain wall | ratio | netval CPU | plain CPU | ratio |")
    print(
        f"| {name} ({len(plan)} routers) | {med['netval'][0]:.2f} s | {med['plain'][0]:.2f} s "
        f"| {med['netval'][0] / med['plain'][0]:.2f} | {med['netval'][1]:.2f} s "
        f"| {med['plain'][1]:.2f} s | {med['netval'][1] / med['plain'][1]:.2f} |"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spines", type=int, default=4)
    parser.add_argument("--leaves", type=int, default=46)
    parser.add_argument("--only", choices=["example", "fabric"])
    args = parser.parse_args()
    assert args.runs >= 1 and args.spines >= 1 and args.leaves >= 2, "nothing to measure"
    print(
        f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()} "
        f"python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if args.only in (None, "example"):
            measure(
                "example", ROOT / "snapshots" / "base", ROOT / "checks" / "fabric.yaml",
                args.runs, 60, tmp,
            )  # fmt: skip
        if args.only in (None, "fabric"):
            snap = generate(tmp / "fabric", args.spines, args.leaves)
            cat = tmp / "fabric.yaml"
            cat.write_text(fabric_catalog(args.spines, args.leaves))
            measure("fabric", snap, cat, args.runs, 180, tmp)


if __name__ == "__main__":
    main()
