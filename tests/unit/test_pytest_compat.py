"""pytest's own options on netval items, on the pytest versions netval allows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import ROOT, SNAPSHOTS
from tests.verifytools import CLI


def _verify(tmp_path: Path, *extra: str) -> dict[str, str]:
    report = tmp_path / "r.json"
    proc = subprocess.run(
        [
            *CLI,
            "verify",
            str(SNAPSHOTS / "candidate-bad"),
            "--base",
            str(SNAPSHOTS / "base"),
            "--engine",
            "builtin",
            "-c",
            str(ROOT / "checks" / "pre-change.yaml"),
            "--json",
            str(report),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # pytest's cache (--lf's list) lives in the working directory
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return {r["id"]: r["status"] for r in json.loads(report.read_text())["results"]}


def test_last_failed_reruns_every_failed_item_device_ids_included(tmp_path: Path) -> None:
    first = _verify(tmp_path)
    failed = {i for i, s in first.items() if s == "fail"}
    assert "bgp_sessions[leaf3]" in failed and "ecmp#2[leaf1]" in failed
    again = _verify(tmp_path, "--lf")
    assert set(again) == failed
