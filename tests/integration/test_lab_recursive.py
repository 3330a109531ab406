"""iBGP over OSPF in a real lab: recursive next hops count as their forwarding paths in both
gates, and `compare` includes iBGP routes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT
from tests.integration.labtools import poll, running_lab

pytestmark = pytest.mark.lab
SNAPSHOT = DATA / "snapshots" / "ibgp-ospf"
CLI = [sys.executable, "-m", "netval.cli"]
CATALOG = (
    "checks:\n"
    "  - kind: ecmp\n    devices: [r1]\n    prefix: 192.168.4.0/24\n    paths: 2\n"
    "  - kind: routes\n    devices: [r1]\n    prefix: 192.168.4.0/24\n    protocol: ibgp\n"
    "    next_hop: 10.0.0.4\n"
)


@pytest.mark.timeout(240)
def test_ibgp_over_ospf_agrees_in_both_gates(tmp_path: Path) -> None:
    catalog = tmp_path / "recursive.yaml"
    catalog.write_text(CATALOG)
    with running_lab(SNAPSHOT, "rec") as lab:
        lab_id = lab.record.lab_id

        def compared() -> str:
            proc = subprocess.run(
                [*CLI, "compare", str(SNAPSHOT), "--lab", lab_id, "--engine", "builtin"],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            return proc.stdout if proc.returncode == 0 else ""

        out = poll(compared, timeout=60)
        assert "0 difference(s) over 4 device(s)" in out
        static = tmp_path / "static.json"
        proc = subprocess.run(
            [
                *CLI,
                "verify",
                str(SNAPSHOT),
                "--engine",
                "builtin",
                "-c",
                str(catalog),
                "--json",
                str(static),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        live = tmp_path / "live.json"
        proc = subprocess.run(
            [*CLI, "check", "--lab", lab_id, "-c", str(catalog), "--json", str(live)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results = json.loads(live.read_text())["results"]
        statuses = {r["id"]: (r["status"], r["message"]) for r in results}
        # FRR does not show iBGP vs eBGP in its RIB: that one item is an error, never a guess
        assert [s for s, _ in statuses.values()].count("pass") == 1, statuses
        assert any(s == "error" and "iBGP or eBGP" in m for s, m in statuses.values()), statuses
