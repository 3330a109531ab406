"""`lab up --wait` and `lab wait` return only once the lab has converged, judged by FRR and
the kernel directly: every router's FIB holds its BGP routes and stays as it is."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import leftovers, new_lab_id, require_lab_support, run_netval

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots"


def kernel_routes(namespace: str) -> str:
    out = []
    for family in ("-4", "-6"):
        proc = subprocess.run(
            ["ip", "-n", namespace, family, "route", "show"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert proc.returncode == 0, proc.stderr
        out.append(proc.stdout)
    return "".join(out)


def router_namespaces(lab_id: str) -> dict[str, str]:
    rec = manager.require(lab_id)
    return {n.name: n.namespace for n in rec.nodes if n.kind == "router"}


@pytest.mark.timeout(240)
def test_up_wait_returns_with_every_fib_complete_and_still() -> None:
    require_lab_support()
    lab_id = new_lab_id("cv")
    try:
        proc = run_netval(
            "lab", "up", str(SNAPSHOTS / "base"), "--id", lab_id, "--wait", "90", timeout=200
        )
        # read the kernel at once: a check run right after --wait sees this
        right_after = {name: kernel_routes(ns) for name, ns in router_namespaces(lab_id).items()}
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "converged" in proc.stdout
        # every router of the example fabric learns the other racks and the default over BGP
        for name, routes in right_after.items():
            assert "proto bgp" in routes, f"{name} has no BGP route right after --wait"
        assert right_after["leaf1"].count("nexthop via") >= 2  # ECMP already formed
        time.sleep(5)
        later = {name: kernel_routes(ns) for name, ns in router_namespaces(lab_id).items()}
        assert later == right_after
    finally:
        manager.down(lab_id)
    assert leftovers(lab_id) == []


@pytest.mark.timeout(240)
def test_lab_wait_fails_naming_the_routers_that_never_settle() -> None:
    """candidate-bad gives leaf3 a wrong remote AS toward spine2: that session never comes up."""
    require_lab_support()
    lab_id = new_lab_id("cw")
    try:
        proc = run_netval(
            "lab", "up", str(SNAPSHOTS / "candidate-bad"), "--id", lab_id, timeout=200
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        proc = run_netval("lab", "wait", "--id", lab_id, "--timeout", "12", timeout=100)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        stderr = " ".join(proc.stderr.split())
        assert "not converged" in stderr
        assert "leaf3: BGP 1/2 (down: 10.10.254.12)" in stderr
        assert "Traceback" not in stderr
    finally:
        manager.down(lab_id)


@pytest.mark.timeout(240)
def test_snapshot_without_layer1_file_boots_with_inferred_links(tmp_path: Path) -> None:
    require_lab_support()
    snap = tmp_path / "nolayer1"
    shutil.copytree(SNAPSHOTS / "base", snap)
    (snap / "batfish" / "layer1_topology.json").unlink()
    lab_id = new_lab_id("nl")
    try:
        proc = run_netval("lab", "up", str(snap), "--id", lab_id, "--wait", "90", timeout=200)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        stderr = " ".join(proc.stderr.split())
        assert "no batfish/layer1_topology.json in the snapshot: 11 link(s) inferred" in stderr
        assert "leaf1:eth3 <-> leaf2:eth3 <-> server1:eth0" in stderr
        namespaces = router_namespaces(lab_id)
        # the spine really reaches leaf3's server subnet through the inferred cables
        assert "10.10.3.0/24" in kernel_routes(namespaces["spine1"])
    finally:
        manager.down(lab_id)
