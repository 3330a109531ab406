"""Device faults on a small real lab: a hung device (timeout), a refused port, a wrong
password, the wrong platform in the inventory (output the parser cannot use), and Ctrl-C or
SIGTERM in the middle of a run or right at its start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from netval.lab import manager, record
from tests.conftest import DATA, ROOT
from tests.integration.labtools import poll, running_lab

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CLI = [sys.executable, "-m", "netval.cli"]
CATALOG = "checks:\n  - kind: bgp_sessions\n  - kind: interfaces\n"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "flt") as result:
        conv = manager.wait_converged(result.record, 30)
        assert conv.converged, conv.moving
        yield result


def _inventory(
    lab: manager.UpResult,
    tmp: Path,
    timeout: float,
    eos_host: str | None = None,
    *,
    socket_timeout: float | None = None,
    port: dict[str, int] | None = None,
    wrong_key: bool = False,
) -> Path:
    """A copy of the lab's inventory with short timeouts (and optionally a wrong platform,
    port or login key)."""
    inv = tmp / "inv"
    inv.mkdir()
    hosts = yaml.safe_load((lab.inventory / "hosts.yaml").read_text())
    defaults = yaml.safe_load((lab.inventory / "defaults.yaml").read_text())
    extras = defaults["connection_options"]["scrapli"]["extras"]
    extras["timeout_socket"] = socket_timeout or timeout
    extras["timeout_transport"] = timeout
    extras["timeout_ops"] = timeout
    if eos_host:
        hosts[eos_host]["platform"] = "arista_eos"  # the connection stays FRR's
    for host, number in (port or {}).items():
        hosts[host]["port"] = number
    if wrong_key:
        # the lab accepts only its own key: any other key is refused at login
        key = tmp / "other_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        extras["auth_private_key"] = str(key)
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (inv / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    return inv


def _sshd_pid(lab: manager.UpResult, device: str) -> int:
    return int((record.lab_dir(lab.record.lab_id) / "ssh" / device / "sshd.pid").read_text())


def _check(
    inv: Path, tmp: Path, catalog: str = CATALOG, env: dict[str, str] | None = None
) -> tuple[int, dict, str]:
    cat = tmp / "cat.yaml"
    cat.write_text(catalog)
    report = tmp / "r.json"
    proc = subprocess.run(
        [*CLI, "check", "-c", str(cat), "-i", str(inv), "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    return proc.returncode, json.loads(report.read_text()), proc.stdout + proc.stderr


def test_hung_device_times_out_as_error(lab: manager.UpResult, tmp_path: Path) -> None:
    # the hung r2 fails on the 3 s connect timeout; r1 has more room on a busy machine
    inv = _inventory(lab, tmp_path, timeout=15, socket_timeout=3)
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
        # both logins are under way; r1 answers within a second or two, r2 hangs
        r1, r2 = _mgmt_ip(lab, "r1"), _mgmt_ip(lab, "r2")
        assert poll(lambda: _ssh_children(proc.pid, r1) and _ssh_children(proc.pid, r2), 60)
        time.sleep(3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert proc.returncode == 130, err
    doc = json.loads(report.read_text())
    assert doc["interrupted"] is True
    results = {r["id"]: r for r in doc["results"]}
    # what finished before Ctrl-C is reported; the interrupted device is an error
    assert results["bgp_sessions[r1]"]["status"] == "pass", results
    assert results["bgp_sessions[r2]"]["status"] == "error"
    assert "interrupted" in results["bgp_sessions[r2]"]["message"]
    assert ET.parse(junit).getroot().tag == "testsuites"


def _ssh_children(parent: int, address: str) -> list[int]:
    """ssh processes of ``parent`` that connect to ``address`` (scrapli's system transport)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        ours = parent == 0 or ppid == parent
        if ours and argv[0].endswith(b"ssh") and address.encode() in argv:
            found.append(int(entry.name))
    return found


def _mgmt_ip(lab: manager.UpResult, device: str) -> str:
    node = lab.record.node(device)
    assert node is not None and node.mgmt_ip
    return node.mgmt_ip


def _reports(tmp: Path) -> tuple[Path, Path, Path]:
    return tmp / "r.json", tmp / "j.xml", tmp / "r.html"


def _assert_reports_written(tmp: Path, items: set[str]) -> dict[str, dict]:
    """Every report exists, parses, and lists every item; returns the JSON results."""
    report, junit, page = _reports(tmp)
    doc = json.loads(report.read_text())
    assert doc["interrupted"] is True
    results = {r["id"]: r for r in doc["results"]}
    assert set(results) == items
    cases = {c.get("name") for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases == items
    text = page.read_text()

    class Checked(HTMLParser):
        pass

    Checked().feed(text)
    assert text.rstrip().endswith("</html>")
    for item in items:
        assert item in text
    return results


def _check_argv(cat: Path, inv: Path, tmp: Path) -> list[str]:
    report, junit, page = _reports(tmp)
    return [
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
        "--html",
        str(page),
    ]


ITEMS = {"bgp_sessions[r1]", "bgp_sessions[r2]", "interfaces[r1]", "interfaces[r2]"}


@pytest.mark.timeout(120)
def test_frozen_sshd_is_a_timeout_and_is_retried(lab: manager.UpResult, tmp_path: Path) -> None:
    # ssh's own connect timeout (3 s) fires in the banner exchange, long before scrapli's
    # (20 s): scrapli then raises its "authentication failed" exception with a timeout text
    inv = _inventory(lab, tmp_path, timeout=20, socket_timeout=3)
    catalog = "checks:\n  - kind: bgp_sessions\n    devices: [r2]\n    within: 8s\n"
    pid = _sshd_pid(lab, "r2")
    os.kill(pid, signal.SIGSTOP)
    try:
        code, report, output = _check(inv, tmp_path, catalog)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert code == 1, output
    result = report["results"][0]
    assert result["status"] == "error"
    assert result["problem"] == "timeout"
    assert "timed out" in result["message"].lower()
    assert "authentication failed" not in result["message"].lower()
    assert "attempts" in result["message"]  # a timeout is worth waiting for: it was retried


@pytest.mark.timeout(120)
def test_refused_port_is_unreachable_and_wrong_key_is_auth(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    inv = _inventory(lab, tmp_path, timeout=10, port={"r2": 2}, wrong_key=True)
    catalog = "checks:\n  - kind: bgp_sessions\n    within: 6s\n"
    code, report, output = _check(inv, tmp_path, catalog)
    assert code == 1, output
    results = {r["id"]: r for r in report["results"]}
    r1, r2 = results["bgp_sessions[r1]"], results["bgp_sessions[r2]"]
    assert (r1["status"], r1["problem"]) == ("error", "auth_failed"), r1
    assert "authentication failed" in r1["message"]
    assert "attempts" not in r1["message"]  # waiting cannot fix a credential: no retry
    assert (r2["status"], r2["problem"]) == ("error", "unreachable"), r2
    assert "refused" in r2["message"].lower()


@pytest.mark.timeout(90)
def test_sigterm_stops_a_hung_collection_and_writes_every_report(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    # timeouts longer than this test's guard: waiting for the hung device cannot pass
    inv = _inventory(lab, tmp_path, timeout=300)
    cat = tmp_path / "cat.yaml"
    cat.write_text(CATALOG)
    r2 = _mgmt_ip(lab, "r2")
    pid = _sshd_pid(lab, "r2")
    os.kill(pid, signal.SIGSTOP)
    try:
        proc = subprocess.Popen(
            _check_argv(cat, inv, tmp_path),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # collection has started once the login to the frozen r2 is under way
        assert poll(lambda: _ssh_children(proc.pid, r2), timeout=60), "no login to r2"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate()
    finally:
        os.kill(pid, signal.SIGCONT)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    results = _assert_reports_written(tmp_path, ITEMS)
    for item in ("bgp_sessions[r2]", "interfaces[r2]"):
        assert results[item]["status"] == "error"
        assert results[item]["problem"] == "interrupted"
        assert "interrupted (SIGTERM)" in results[item]["message"]
    assert json.loads(_reports(tmp_path)[0].read_text())["signal"] == "SIGTERM"
    # the abandoned login ends with the process
    assert poll(lambda: not _ssh_children(0, r2), timeout=20)


def _handles_sigterm(pid: int) -> bool:
    """True once the process has installed its own SIGTERM handler."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.timeout(90)
def test_ctrl_c_at_once_still_writes_every_report(lab: manager.UpResult, tmp_path: Path) -> None:
    inv = _inventory(lab, tmp_path, timeout=20)
    cat = tmp_path / "cat.yaml"
    cat.write_text(CATALOG)
    proc = subprocess.Popen(
        _check_argv(cat, inv, tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # the earliest moment netval can answer a signal: it is still reading its inputs (a
    # netval that never installs a handler gets the signal a little later, still loading)
    poll(lambda: _handles_sigterm(proc.pid), timeout=1.5, interval=0.005)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    results = _assert_reports_written(tmp_path, ITEMS)
    for item, result in results.items():
        assert result["status"] == "error", item
        assert "interrupted (Ctrl-C) before collection started" in result["message"]
