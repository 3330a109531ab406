"""Shared test fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SNAPSHOTS = ROOT / "snapshots"
# Batfish reference data, copied from ../shared/reference/batfish (Apache 2.0): CI clones
# have no ../shared
BATFISH_DATA = DATA / "batfish"


@pytest.fixture
def mini_snapshot() -> Path:
    return DATA / "snapshots" / "mini"
