"""What the replay-backed `verify --engine batfish` tests share: Batfish's recorded `routes`
answer for dc-as-reuse served by the replay, ECMP catalog entries whose verdicts are read out
of that recording, and the environment pointing netval at the replay alone."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from netval.testing.batfish_replay import ReplayServer, start_replay
from tests.conftest import BATFISH_DATA

DC = BATFISH_DATA / "dc-as-reuse"
DC_ROUTES = DC / "routes.ref"
CLI = [sys.executable, "-m", "netval.cli"]


def serve_dc_routes(**options: Any) -> tuple[ReplayServer, int]:
    """A replay serving Batfish's dc-as-reuse `routes` answer and nothing else; `options` go
    to start_replay (faults, tls)."""
    return start_replay([(DC, {"routes": DC_ROUTES})], **options)


def ecmp_entries() -> tuple[str, str, str]:
    """Catalog entries (under `checks:`) with one ECMP item Batfish's routes pass and one they
    fail, and the two items' ids."""
    rows = json.loads(DC_ROUTES.read_text())[0]["rows"]
    widths: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["Node"]["name"], r["Network"])
        widths[key] = widths.get(key, 0) + 1
    node_a, prefix_a = sorted(k for k, v in widths.items() if v >= 2)[0]
    node_b, prefix_b = sorted(k for k, v in widths.items() if v == 1 and k[1].endswith("/32"))[0]
    text = (
        f"  - kind: ecmp\n    name: wide\n    devices: [{node_a}]\n    prefix: {prefix_a}\n"
        f"    paths: {widths[(node_a, prefix_a)]}\n"
        f"  - kind: ecmp\n    name: narrow\n    devices: [{node_b}]\n    prefix: {prefix_b}\n"
        "    min_paths: 2\n"
    )
    return text, f"wide[{node_a}]", f"narrow[{node_b}]"


def replay_env(port: int, **extra: str) -> dict[str, str]:
    """This process's environment with netval pointed at the replay on `port` and no other
    BATFISH_ setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATFISH_")}
    env.update({"BATFISH_HOST": "127.0.0.1", "BATFISH_PORT": str(port)}, **extra)
    return env
