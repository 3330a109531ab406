"""Many unreachable devices: how long `netval check` takes to report them all.

    sudo .venv/bin/python bench/unreachable.py [--devices 2000] [--workers 32]

Runs `netval check` (one `bgp_sessions` check) inside a network namespace this script
creates and deletes, on an inventory of ``--devices`` hosts that nothing answers:
- ``unreachable``: addresses of 198.18.0.0/15 (RFC 2544's benchmark range), which the
  namespace routes as `unreachable` (the kernel refuses at once; nothing is sent);
- ``refused``: 127.0.0.1 on ports nothing listens on in the namespace.
The namespace holds only its loopback, so no packet can leave it. Every item must be an
error (never a pass); prints the wall time of the whole process and netval's own split.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = """\
username: nobody
password: not-a-secret
platform: cumulus_vtysh
connection_options:
  scrapli:
    platform: cumulus_vtysh
    extras:
      transport: system
      auth_strict_key: false
      ssh_config_file: false
      timeout_socket: 5
      timeout_ops: 10
"""


def inventory(folder: Path, devices: int, mode: str) -> Path:
    folder.mkdir()
    (folder / "defaults.yaml").write_text(DEFAULTS)
    (folder / "groups.yaml").write_text("{}\n")
    hosts = []
    addresses = ipaddress.ip_network("198.18.0.0/15").hosts()
    for n in range(devices):
        if mode == "unreachable":
            hosts.append(f"d{n}:\n  hostname: {next(addresses)}\n")
        else:
            hosts.append(f"d{n}:\n  hostname: 127.0.0.1\n  port: {20000 + n}\n")
    (folder / "hosts.yaml").write_text("".join(hosts))
    return folder


def run(namespace: str, devices: int, mode: str, workers: int, tmp: Path) -> None:
    inv = inventory(tmp / f"inv-{mode}", devices, mode)
    catalog = tmp / "checks.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n")
    report = tmp / f"{mode}.json"
    started = time.perf_counter()
    proc = subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "netval.cli", "check",
         "-c", str(catalog), "-i", str(inv), "--workers", str(workers), "--json", str(report)],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - started
    data = json.loads(report.read_text())
    statuses = {r["status"] for r in data["results"]}
    assert proc.returncode == 1 or proc.returncode == 2, proc.returncode
    assert statuses == {"error"}, statuses
    assert len(data["results"]) == devices, len(data["results"])
    print(f"{mode}: {devices} devices, {workers} workers: `netval check` {wall:.1f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--mode", choices=["unreachable", "refused", "both"], default="both")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} cpus={os.cpu_count()} "
        f"python={platform.python_version()}"
    )
    namespace = f"nvbu{os.getpid() % 100000}"
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        ns = ["ip", "netns", "exec", namespace]
        subprocess.run([*ns, "ip", "link", "set", "lo", "up"], check=True)
        subprocess.run([*ns, "ip", "route", "add", "unreachable", "198.18.0.0/15"], check=True)
        modes = ["unreachable", "refused"] if args.mode == "both" else [args.mode]
        with tempfile.TemporaryDirectory() as tmp:
            for mode in modes:
                run(namespace, args.devices, mode, args.workers, Path(tmp))
    finally:
        subprocess.run(["ip", "netns", "del", namespace], check=False)


if __name__ == "__main__":
    main()
