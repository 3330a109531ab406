"""Helpers for tests that boot real labs: unique ids, teardown, and direct FRR probes.

Probes here ask FRR and the kernel directly (vtysh -N, ip -n), independently of netval's
own status code, so a bug in netval's probe cannot make a lab test pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from netval.lab import manager, naming

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "netval.cli"]

_counter = iter(range(1000))


def run_netval(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The netval command line, from the repository root, with room for wide tables."""
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "300"},
        cwd=ROOT,
    )


def check_lab(
    lab_id: str, catalog: Path, report: Path, *extra: str
) -> tuple[int, dict[str, dict[str, Any]]]:
    """`netval check` on a lab: its exit code and its JSON results by item id."""
    proc = run_netval("check", "-c", str(catalog), "--lab", lab_id, "--json", str(report), *extra)
    results = json.loads(report.read_text())["results"]
    return proc.returncode, {r["id"].split("::")[-1]: r for r in results}


def new_lab_id(tag: str) -> str:
    return f"{tag}{os.getpid() % 100000}{next(_counter)}"[:12]


def require_lab_support() -> None:
    if os.geteuid() != 0:
        pytest.skip("lab tests need root (network namespaces)")
    for tool in ("/usr/lib/frr/frrinit.sh", "/usr/sbin/sshd"):
        if not Path(tool).exists():
            pytest.fail(f"{tool} missing: apt-get install -y frr openssh-server")


@contextmanager
def running_lab(
    snapshot: Path, tag: str, inventory: Path | None = None
) -> Iterator[manager.UpResult]:
    """A lab that is taken down whatever happens inside the block."""
    require_lab_support()
    lab_id = new_lab_id(tag)
    try:
        yield manager.up(snapshot, lab_id, base_inventory=inventory)
    finally:
        manager.down(lab_id)


def vtysh_json(namespace: str, command: str) -> Any:
    proc = subprocess.run(
        ["vtysh", "-N", namespace, "-c", command], capture_output=True, text=True, timeout=20
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def bgp_peer_states(namespace: str) -> dict[str, str]:
    summary = vtysh_json(namespace, "show bgp summary json")
    states: dict[str, str] = {}
    for afi in summary.values():
        for peer, info in afi.get("peers", {}).items():
            states[peer] = info["state"]
    return states


def wait_all_established(namespaces: list[str], timeout: float = 45) -> dict[str, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        states = {ns: bgp_peer_states(ns) for ns in namespaces}
        if all(s and all(v == "Established" for v in s.values()) for s in states.values()):
            return states
        if time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def leftovers(lab_id: str) -> list[str]:
    """Everything of this lab id that still exists on the machine."""
    found: list[str] = []
    prefix = naming.namespace_prefix(lab_id)
    netns = Path("/run/netns")
    if netns.is_dir():
        found += [
            f"netns {p.name}"
            for p in netns.iterdir()
            if p.name.startswith(prefix) or p.name == naming.fabric_namespace(lab_id)
        ]
    for base in (Path("/etc/frr"), Path("/var/run/frr")):
        if base.is_dir():
            found += [f"dir {p}" for p in base.iterdir() if p.name.startswith(prefix)]
    from netval.lab import frr, record

    if not record.all_records():  # with no lab left, FRR's shared state files must be gone
        found += [f"file {p}" for p in frr.SHARED_STATE if p.exists()]
    if Path(naming.RUN_ROOT, lab_id).exists():
        found.append(f"dir {naming.RUN_ROOT}/{lab_id}")
    return found


def root_links() -> list[str]:
    return sorted(p.name for p in Path("/sys/class/net").iterdir())


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def poll(fn: Any, timeout: float = 20, interval: float = 0.3) -> Any:
    """Call ``fn`` until it returns something truthy or ``timeout`` passes; return the last value.

    Convergence takes a moment after sessions come up; the assertion is on the value, so a
    network that never converges still fails.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def scrapli_login(record: Any, device: str, key: Path | None = None) -> Any:
    """A real SSH login (scrapli, cumulus_vtysh) to a lab router, as a Nornir user would,
    with the lab's key pair (or ``key``)."""
    from scrapli import Scrapli

    node = record.node(device)
    assert node is not None, device
    return Scrapli(
        host=node.mgmt_ip,
        auth_username=record.username,
        auth_private_key=str(key or manager.login_key(record.lab_id)),
        auth_strict_key=False,
        ssh_config_file=False,
        platform="cumulus_vtysh",
        transport="system",
    )
