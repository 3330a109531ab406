"""What a netval run imports: only the stacks it uses (no root, no lab).

Each run is a fresh ``python -m netval`` process that lists, at exit, every module it
loaded. A device on a local port nobody listens on gives a check run with a
real collection attempt and no device.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SNAPSHOTS

#: stacks a plain check (Scrapli hosts, no HTML report) or a built-in verify never uses
HEAVY = {"hypothesis", "_hypothesis_pytestplugin", "napalm", "nornir_napalm", "netmiko"}
HEAVY |= {"pybatfish", "pandas", "numpy", "pytest_timeout", "pytest_html", "xdist"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: runs netval as ``python -m netval`` does and, at exit, lists every module it loaded
_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
sys.argv[0] = "netval"
runpy.run_module("netval", run_name="__main__", alter_sys=True)
"""


def _run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "BATFISH"))}
    listing = cwd / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(listing), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    imported = {name.split(".")[0] for name in listing.read_text().split()}
    assert "netval" in imported, proc.stderr[-2000:]
    return proc, imported


def _lab_less_check(tmp_path: Path) -> Path:
    inv = tmp_path / "inventory"
    inv.mkdir()
    hosts = {"r1": {"hostname": "127.0.0.1", "port": _free_port(), "platform": "cumulus_vtysh"}}
    defaults = {
        "username": "nobody",
        "password": "not-used",
        "connection_options": {
            "scrapli": {
                "extras": {
                    "auth_strict_key": False,
                    "ssh_config_file": False,
                    "timeout_socket": 5,
                    "timeout_transport": 10,
                    "timeout_ops": 10,
                }
            }
        },
    }
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (inv / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    (tmp_path / "checks.yaml").write_text(
        "checks:\n  - kind: bgp_sessions\n    expect: {state: established}\n"
    )
    return tmp_path


@pytest.mark.timeout(180)
def test_check_imports_no_napalm_hypothesis_or_batfish(tmp_path: Path) -> None:
    work = _lab_less_check(tmp_path)
    proc, imported = _run(["check", "-i", "inventory", "-c", "checks.yaml"], work)
    # the device error is reported and the run says so: a real run, not a usage error
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "r1" in proc.stdout
    assert {"scrapli", "nornir_scrapli", "pytest"} <= imported
    assert imported & HEAVY == set()


@pytest.mark.timeout(180)
def test_html_report_loads_pytest_html_and_nothing_else(tmp_path: Path) -> None:
    work = _lab_less_check(tmp_path)
    # netval's own page needs no pytest-html
    proc, imported = _run(
        ["check", "-i", "inventory", "-c", "checks.yaml", "--html", "own.html"], work
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "bgp_sessions" in (work / "own.html").read_text()
    assert imported & HEAVY == set()
    # pytest-html's page loads pytest-html, and netval's columns show its hooks ran
    proc, imported = _run(
        ["check", "-i", "inventory", "-c", "checks.yaml", "--pytest-html", "report.html"], work
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    page = (work / "report.html").read_text()
    assert "Device / target" in page and "bgp_sessions" in page
    assert "pytest_html" in imported
    assert imported & (HEAVY - {"pytest_html"}) == set()


@pytest.mark.timeout(180)
def test_builtin_verify_imports_no_live_or_batfish_stack(tmp_path: Path) -> None:
    proc, imported = _run(
        [
            "verify",
            str(SNAPSHOTS / "candidate-good"),
            "--base",
            str(SNAPSHOTS / "base"),
            "--engine",
            "builtin",
            "-c",
            str(ROOT / "checks" / "pre-change.yaml"),
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert imported & (HEAVY | {"scrapli", "nornir_scrapli"}) == set()


def _have_plugin(name: str) -> bool:
    return any(e.name == name for e in entry_points(group="pytest11"))


@pytest.mark.timeout(180)
def test_timeout_option_loads_pytest_timeout(tmp_path: Path) -> None:
    if not _have_plugin("timeout"):
        pytest.skip("needs pytest-timeout")
    work = _lab_less_check(tmp_path)
    proc, imported = _run(
        ["check", "-i", "inventory", "-c", "checks.yaml", "--timeout", "60"], work
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "pytest_timeout" in imported
    assert imported & (HEAVY - {"pytest_timeout"}) == set()


@pytest.mark.timeout(180)
def test_a_plugin_named_with_p_is_loaded(tmp_path: Path) -> None:
    if not _have_plugin("hypothesispytest"):
        pytest.skip("needs hypothesis")
    work = _lab_less_check(tmp_path)
    proc, imported = _run(
        ["check", "-i", "inventory", "-c", "checks.yaml", "-p", "hypothesispytest"], work
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
    assert "hypothesis" in imported
    assert imported & (HEAVY - {"hypothesis", "_hypothesis_pytestplugin"}) == set()


def test_an_option_of_a_missing_plugin_names_the_package(tmp_path: Path) -> None:
    if _have_plugin("xdist"):
        pytest.skip("pytest-xdist is installed here")
    work = _lab_less_check(tmp_path)
    proc, _ = _run(["check", "-i", "inventory", "-c", "checks.yaml", "-n", "2"], work)
    assert proc.returncode == 2
    assert "pytest-xdist" in proc.stderr and "Traceback" not in proc.stderr
