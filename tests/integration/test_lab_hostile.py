"""`netval lab up` on hostile snapshots: refused before anything runs, nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netval.lab import manager
from tests.hostile import PAYLOADS, hostile_snapshot
from tests.integration.labtools import leftovers, new_lab_id, require_lab_support

CLI = [sys.executable, "-m", "netval.cli"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_lab_up_refuses_hostile_snapshot_and_runs_nothing(tmp_path: Path, payload: str) -> None:
    require_lab_support()
    snap, canary = hostile_snapshot(tmp_path, payload)
    lab_id = new_lab_id("hx")
    try:
        proc = subprocess.run(
            [*CLI, "lab", "up", str(snap), "--id", lab_id, "--wait", "20"],
            capture_output=True,
            text=True,
            timeout=100,
        )
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        assert str(snap) in proc.stderr
        assert not canary.exists()
        assert leftovers(lab_id) == []
    finally:
        manager.down(lab_id)
    assert not canary.exists()


@pytest.mark.timeout(180)
def test_dotted_hostname_boots_and_peers(tmp_path: Path) -> None:
    import shutil

    from tests.hostile import MINI
    from tests.integration.labtools import running_lab, wait_all_established

    snap = tmp_path / "dotted"
    shutil.copytree(MINI, snap)
    name = "transit-ams-01.cdn.example"
    r1 = snap / "configs" / "r1"
    r1.write_text(r1.read_text().replace("r1\n", f"{name}\n", 1).replace("hostname r1", ""))
    topo = snap / "batfish" / "layer1_topology.json"
    topo.write_text(topo.read_text().replace('"r1"', f'"{name}"'))
    with running_lab(snap, "dot") as lab:
        node = lab.record.node(name)
        assert node is not None and "." not in node.namespace
        states = wait_all_established([n.namespace for n in lab.record.nodes if n.kind == "router"])
        assert states[node.namespace] == {"10.1.0.1": "Established", "10.1.0.3": "Established"}
        version = subprocess.run(
            ["vtysh", "-N", node.namespace, "-c", "show running-config"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
        assert f"hostname {name}" in version


@pytest.mark.timeout(180)
def test_lab_up_names_the_lines_frr_rejected(tmp_path: Path) -> None:
    import shutil

    from tests.hostile import MINI

    require_lab_support()
    snap = tmp_path / "typo"
    shutil.copytree(MINI, snap)
    r1 = snap / "configs" / "r1"
    r1.write_text(
        r1.read_text().replace(
            "hostname r1\n",
            "hostname r1\nroute-map TO_PEER permit 10\n match ip adress prefix-list CDN\n!\n",
        )
    )
    line = next(i for i, t in enumerate(r1.read_text().splitlines(), 1) if "adress" in t)
    lab_id = new_lab_id("ty")
    env = {**os.environ, "COLUMNS": "400"}
    try:
        # by default a rejected line is an input error, before anything is created
        proc = subprocess.run(
            [*CLI, "lab", "up", str(snap), "--id", lab_id],
            capture_output=True,
            text=True,
            timeout=150,
            env=env,
        )
        assert proc.returncode == 2, proc.stdout + proc.stderr
        stderr = " ".join(proc.stderr.split())
        assert "FRR rejects 1 config line(s)" in stderr
        assert f"{r1}:{line}: 'match ip adress prefix-list CDN'" in stderr
        assert "--allow-rejected" in stderr and "Traceback" not in stderr
        assert leftovers(lab_id) == []
        proc = subprocess.run(
            [*CLI, "lab", "up", str(snap), "--id", lab_id, "--allow-rejected"],
            capture_output=True,
            text=True,
            timeout=150,
            env=env,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        stderr = " ".join(proc.stderr.split())
        assert "FRR rejected 1 config line(s)" in stderr
        assert f"{r1}:{line}: 'match ip adress prefix-list CDN'" in stderr
        # the router runs, without the line
        node = manager.require(lab_id).node("r1")
        assert node is not None
        running = subprocess.run(
            ["vtysh", "-N", node.namespace, "-c", "show run"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
        assert "route-map TO_PEER permit 10" in running and "adress" not in running
    finally:
        manager.down(lab_id)
