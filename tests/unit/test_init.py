"""`netval init`: a user with only the package gets the example network and can run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CLI = [sys.executable, "-m", "netval"]


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATFISH_")}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_init_writes_an_example_that_verify_runs_with_its_defaults(tmp_path: Path) -> None:
    proc = _run(tmp_path, "init", "net")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    net = tmp_path / "net"
    for rel in (
        "snapshots/base/configs/leaf1",
        "snapshots/candidate-bad/batfish/layer1_topology.json",
        "checks/pre-change.yaml",
        "checks/fabric.yaml",
        "inventory/hosts.yaml",
        ".github/workflows/pre-change.yml",
        ".github/workflows/post-change.yml",
    ):
        assert (net / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert "netval verify snapshots/candidate-bad --base snapshots/base" in proc.stdout
    # the default catalog and engine, from the example folder: no checkout needed
    good = _run(net, "verify", "snapshots/candidate-good", "--base", "snapshots/base")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _run(net, "verify", "snapshots/candidate-bad", "--base", "snapshots/base")
    assert bad.returncode == 1, bad.stdout + bad.stderr


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    assert _run(tmp_path, "init", "net").returncode == 0
    edited = tmp_path / "net" / "checks" / "fabric.yaml"
    edited.write_text("checks: []\n")
    again = _run(tmp_path, "init", "net")
    assert again.returncode == 2
    assert "already holds" in again.stderr and "--force" in again.stderr
    assert edited.read_text() == "checks: []\n"
    assert _run(tmp_path, "init", "net", "--force").returncode == 0
    assert edited.read_bytes() == (ROOT / "checks" / "fabric.yaml").read_bytes()


def test_a_missing_default_catalog_points_at_init(tmp_path: Path) -> None:
    proc = _run(tmp_path, "verify", str(ROOT / "snapshots" / "base"))
    assert proc.returncode == 2
    assert "netval init" in proc.stdout + proc.stderr
