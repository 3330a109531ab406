"""Shared test fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SNAPSHOTS = ROOT / "snapshots"
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture
def mini_snapshot() -> Path:
    return DATA / "snapshots" / "mini"
