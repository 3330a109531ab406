"""`netval lab up` on hostile snapshots: refused before anything runs, nothing left behind."""

from __future__ import annotations

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
