"""`netval verify --max-memory`: a snapshot too big for the budget stops with exit 2 and an
error naming its size, on a real generated fabric (bench/dataplane_scale.py's generator) and
a real verify process."""

from __future__ import annotations

import importlib.util
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.verifytools import CLI

CATALOG = "checks:\n  - kind: bgp_sessions\n    devices: [leaf1]\n"
# every device's routing table: the whole predicted State is built
EVERY_TABLE = "checks:\n  - kind: routes\n    prefix: 0.0.0.0/0\n"


def _generate(out: Path, devices: int) -> None:
    spec = importlib.util.spec_from_file_location(
        "dataplane_scale", ROOT / "bench" / "dataplane_scale.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(out, devices, 4)


def _verify(
    snapshot: Path, tmp_path: Path, *extra: str, catalog: str = CATALOG
) -> subprocess.CompletedProcess[str]:
    cat = tmp_path / "catalog.yaml"
    cat.write_text(catalog)
    return subprocess.run(
        [*CLI, "verify", str(snapshot), "--engine", "builtin", "-c", str(cat), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.timeout(120)
def test_a_fabric_over_the_budget_stops_with_its_size(tmp_path: Path) -> None:
    # measured: verify of this 100-device fabric with every routing table read peaks at
    # 188 MiB; at 100 MiB it stops while the engine converts the predicted state, and its
    # peak stays within a few MiB of it
    fabric = tmp_path / "fabric"
    _generate(fabric, 100)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = _verify(
        fabric, tmp_path, "--max-memory", "100M", "--json", str(tmp_path / "r.json"),
        catalog=EVERY_TABLE,
    )  # fmt: skip
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr
    assert "over its memory budget of 100.0 MiB (--max-memory)" in err
    assert f"on snapshot {fabric} (100 devices, " in err
    assert "--engine batfish" in err and "--max-memory" in err.split("fix:")[1]
    assert "Traceback" not in err
    assert not (tmp_path / "r.json").exists()  # an input error, not a run with results
    if peak_kb > before:  # this child set a new high: it is its own peak
        assert peak_kb * 1024 < 100 * 2**20 * 1.25


def test_a_budget_the_run_fits_in_changes_nothing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/candidate-good", "--base", "snapshots/base",
         "--engine", "builtin", "--max-memory", "1G"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("12X", "--max-memory '12X' is not a size"),
        ("800", "--max-memory '800' is not a size"),
        ("1M", "--max-memory 1M: below 64 MiB"),
    ],
)
def test_a_bad_budget_is_an_input_error(value: str, says: str, tmp_path: Path) -> None:
    proc = _verify(ROOT / "snapshots" / "base", tmp_path, "--max-memory", value)
    assert proc.returncode == 2
    assert says in proc.stderr and "Traceback" not in proc.stderr


def test_help_explains_the_budget() -> None:
    proc = subprocess.run([*CLI, "verify", "--help"], capture_output=True, text=True, cwd=ROOT)
    text = " ".join(proc.stdout.split())
    assert "--max-memory" in text and "/proc/meminfo" in text and "OOM" in text


@pytest.mark.parametrize(
    ("text", "size"),
    [("800M", 800 * 2**20), ("800MB", 800 * 2**20), ("1.5GiB", 3 * 2**29), ("4g", 4 * 2**30)],
)
def test_sizes_read_as_binary_units(text: str, size: int) -> None:
    from netval.memory_budget import parse_size

    assert parse_size(text) == size


def test_off_means_no_budget(tmp_path: Path) -> None:
    from netval.memory_budget import parse_size

    assert parse_size("off") is None
    proc = _verify(ROOT / "snapshots" / "base", tmp_path, "--max-memory", "off")
    assert proc.returncode == 0, proc.stdout + proc.stderr
