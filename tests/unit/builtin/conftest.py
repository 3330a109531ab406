"""Helpers: tiny snapshots written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from netval.static.builtin import BuiltinEngine

REPO = Path(__file__).resolve().parents[3]
SNAPSHOTS = REPO / "snapshots"

MakeEngine = Callable[[dict[str, str]], BuiltinEngine]


def frr_device(hostname: str, interfaces: dict[str, str], frr: str) -> str:
    """A device file in Batfish's Cumulus-concatenated format."""
    parts = [hostname, "# This file describes the network interfaces"]
    for name, addr in interfaces.items():
        parts += [f"auto {name}", f"iface {name}", f"  address {addr}", ""]
    parts += [
        "# ports.conf --",
        "frr version 8.4.4",
        "frr defaults datacenter",
        f"hostname {hostname}",
        textwrap.dedent(frr).strip(),
        "end",
        "",
    ]
    return "\n".join(parts)


@pytest.fixture
def make_engine(tmp_path: Path) -> MakeEngine:
    def build(files: dict[str, str]) -> BuiltinEngine:
        configs = tmp_path / "snap" / "configs"
        configs.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (configs / name).write_text(text)
        return BuiltinEngine(tmp_path / "snap")

    return build
