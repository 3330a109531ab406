"""Hostile snapshots: the mini example with one value that, unchecked, runs code as root.

Each payload writes a canary file when a shell or FRR's start script interprets it; the
tests that use them assert that the canary never appears.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import DATA

MINI = DATA / "snapshots" / "mini"


def _frr_defaults(snap: Path, canary: Path) -> None:
    r1 = snap / "configs" / "r1"
    r1.write_text(
        r1.read_text().replace("frr defaults datacenter", f"frr defaults datacenter$(id>{canary})")
    )


def _hostname(snap: Path, canary: Path) -> None:
    r1 = snap / "configs" / "r1"
    text = r1.read_text().replace("hostname r1\n", "")
    r1.write_text(text.replace("r1\n", f"r1;id>{canary};true\n", 1))


def _host_newline(snap: Path, canary: Path) -> None:
    h1 = snap / "hosts" / "h1.json"
    doc = json.loads(h1.read_text())
    doc["hostname"] = f'h1\nnetns exec nv-x-r1 sh -c "id > {canary}"'
    h1.write_text(json.dumps(doc))


def _scope_id(snap: Path, canary: Path) -> None:
    r1 = snap / "configs" / "r1"
    r1.write_text(
        r1.read_text().replace("  address 10.1.0.0/31", f"  address fe80::1%$(id>{canary})/64")
    )


def _frr_hostname(snap: Path, canary: Path) -> None:
    r1 = snap / "configs" / "r1"
    r1.write_text(r1.read_text().replace("hostname r1\n", f"hostname r1$(id>{canary})\n"))


PAYLOADS: dict[str, Callable[[Path, Path], None]] = {
    "frr_defaults": _frr_defaults,
    "hostname": _hostname,
    "frr_part_hostname": _frr_hostname,
    "host_name_newline": _host_newline,
    "ipv6_scope_id": _scope_id,
}


def hostile_snapshot(tmp_path: Path, payload: str) -> tuple[Path, Path]:
    """(snapshot, canary): a copy of the mini snapshot carrying one payload."""
    snap = tmp_path / f"hostile-{payload}"
    shutil.copytree(MINI, snap)
    canary = tmp_path / f"PWNED-{payload}"
    PAYLOADS[payload](snap, canary)
    return snap, canary
