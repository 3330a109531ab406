"""Device faults on a small real lab: a hung device (timeout), the wrong platform in the
inventory (output the parser cannot use), and Ctrl-C in the middle of a run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from netval.lab import manager, record
from tests.conftest import DATA, ROOT
from tests.integration.labtools import running_lab

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CLI = [sys.executable, "-m", "netval.cli"]
CATALOG = "checks:\n  - kind: bgp_sessions\n  - kind: interfaces\n"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "flt") as result:
        ok, states, _ = manager.wait_converged(result.record, 30)
        assert ok, states
        yield result


def _inventory(
    lab: manager.UpResult, tmp: Path, timeout: float, eos_host: str | None = None
) -> Path:
    """A copy of the lab's inventory with short timeouts (and optionally a wrong platform)."""
    inv = tmp / "inv"
    inv.mkdir()
    hosts = yaml.safe_load((lab.inventory / "hosts.yaml").read_text())
    defaults = yaml.safe_load((lab.inventory / "defaults.yaml").read_text())
    extras = defaults["connection_options"]["scrapli"]["extras"]
    extras["timeout_socket"] = timeout
    extras["timeout_transport"] = timeout
    extras["timeout_ops"] = timeout
    if eos_host:
        hosts[eos_host]["platform"] = "arista_eos"  # the connection stays FRR's
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (inv / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return inv


def _sshd_pid(lab: manager.UpResult, device: str) -> int:
    return int((record.lab_dir(lab.record.lab_id) / "ssh" / device / "sshd.pid").read_text())


def _check(inv: Path, tmp: Path, catalog: str = CATALOG) -> tuple[int, dict, str]:
    cat = tmp / "cat.yaml"
    cat.write_text(catalog)
    report = tmp / "r.json"
    proc = subprocess.run(
        [*CLI, "check", "-c", str(cat), "-i", str(inv), "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return proc.returncode, json.loads(report.read_text()), proc.stdout + proc.stderr


def test_hung_device_times_out_as_error(lab: manager.UpResult, tmp_path: Path) -> None:
    inv = _inventory(lab, tmp_path, timeout=3)
    pid = _sshd_pid(lab, "r2")
    os.kill(pid, signal.SIGSTOP)  # TCP connects (kernel backlog) but no SSH banner ever comes
    try:
        code, report, output = _check(inv, tmp_path)
    finally:
        os.kill(pid, signal.SIGCONT)
    results = {r["id"]: r for r in report["results"]}
    assert code == 1, output
    assert results["bgp_sessions[r1]"]["status"] == "pass"
    assert results["interfaces[r1]"]["status"] == "pass"
    for item in ("bgp_sessions[r2]", "interfaces[r2]"):
        assert results[item]["status"] == "error"
        assert "cannot collect from r2" in results[item]["message"]
        assert "timed out" in results[item]["message"].lower()


def test_wrong_platform_output_is_an_error(lab: manager.UpResult, tmp_path: Path) -> None:
    inv = _inventory(lab, tmp_path, timeout=10, eos_host="r1")
    code, report, _ = _check(inv, tmp_path)
    results = {r["id"]: r for r in report["results"]}
    assert code == 1
    for item in ("bgp_sessions[r1]", "interfaces[r1]"):
        assert results[item]["status"] == "error"
        assert "show ip bgp summary" in results["bgp_sessions[r1]"]["message"]
    assert results["bgp_sessions[r2]"]["status"] == "pass"


def test_ctrl_c_still_writes_reports(lab: manager.UpResult, tmp_path: Path) -> None:
    inv = _inventory(lab, tmp_path, timeout=20)
    cat = tmp_path / "cat.yaml"
    cat.write_text(CATALOG)
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    pid = _sshd_pid(lab, "r2")
    os.kill(pid, signal.SIGSTOP)
    try:
        proc = subprocess.Popen(
            [
                *CLI,
                "check",
                "-c",
                str(cat),
                "-i",
                str(inv),
                "--json",
                str(report),
                "--junitxml",
                str(junit),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(4)  # r1 is collected, r2 hangs
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert proc.returncode == 130, err
    doc = json.loads(report.read_text())
    assert doc["interrupted"] is True
    results = {r["id"]: r for r in doc["results"]}
    # what finished before Ctrl-C is reported; the interrupted device is an error
    assert results["bgp_sessions[r1]"]["status"] == "pass"
    assert results["bgp_sessions[r2]"]["status"] == "error"
    assert "interrupted" in results["bgp_sessions[r2]"]["message"]
    assert ET.parse(junit).getroot().tag == "testsuites"
