"""What a user of the wheel meets: optional stacks named by their extra, hints that do not
point into a source checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, SNAPSHOTS

LAUNCHER = """
import sys
from importlib import metadata

module = sys.argv.pop(1)
sys.modules[module] = None  # an import of it fails, as when it is not installed
listed = metadata.entry_points


def entry_points(**kw):  # nor does it register plugins
    return [e for e in listed(**kw) if not e.value.startswith(module)]


metadata.entry_points = entry_points
sys.argv[0] = "netval"
from netval.cli import main

main()
"""


def _netval_without(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`netval ARGS` in a process where ``module`` is not installed."""
    return subprocess.run(
        [sys.executable, "-c", LAUNCHER, module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_batfish_engine_without_pybatfish_names_the_extra() -> None:
    proc = _netval_without(
        "pybatfish", "verify", str(SNAPSHOTS / "candidate-good"), "--engine", "batfish",
        "-c", str(ROOT / "checks" / "fabric.yaml"),
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "the batfish engine needs pybatfish, which is not installed" in proc.stderr
    assert "pip install 'netval[batfish]'" in proc.stderr
    assert "Traceback" not in proc.stderr
    # the built-in engine needs none of it
    builtin = _netval_without(
        "pybatfish", "verify", str(SNAPSHOTS / "candidate-good"), "--engine", "builtin",
        "--base", str(SNAPSHOTS / "base"), "-c", str(ROOT / "checks" / "pre-change.yaml"),
    )  # fmt: skip
    assert builtin.returncode == 0, builtin.stdout + builtin.stderr


def test_a_napalm_host_without_nornir_napalm_names_the_extra(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    inv.mkdir()
    host = {"hostname": "192.0.2.10", "platform": "eos", "data": {"collector": "napalm"}}
    (inv / "hosts.yaml").write_text(yaml.safe_dump({"eos1": host}))
    catalog = tmp_path / "c.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n")
    proc = _netval_without("nornir_napalm", "check", "-i", str(inv), "-c", str(catalog))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "host 'eos1' (collector: napalm) needs nornir_napalm" in proc.stderr
    assert "pip install 'netval[napalm]'" in proc.stderr


def test_a_catalog_mistake_points_at_netval_kinds_not_at_a_readme(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sesions\n")
    proc = subprocess.run(
        [sys.executable, "-m", "netval", "verify", str(SNAPSHOTS / "candidate-good"),
         "--engine", "builtin", "-c", str(catalog)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "README" not in proc.stderr and "netval kinds" in proc.stderr
