"""Device faults on a small real lab: a hung device (timeout), a refused port, a wrong
password, the wrong platform in the inventory (output the parser cannot use), a slow and
lossy management link, FRR daemons killed while a device is being collected, and Ctrl-C or
SIGTERM in the middle of a run or right at its start.

This kernel has no netem qdisc (``tc ... netem`` answers "Specified qdisc kind is unknown"),
so the slow, lossy link is a token bucket (``tbf``) with a queue of one packet: it sends
what the device's sshd writes at a few kbit/s and drops what overflows, and TCP resends it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from netval.lab import manager, naming, record
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
        # r2's login hangs; r1 answers within a second or two, and its session is closed by
        # the worker that used it as soon as it is done, so its ssh may already be gone
        r1, r2 = _mgmt_ip(lab, "r1"), _mgmt_ip(lab, "r2")
        assert poll(lambda: _ssh_children(proc.pid, r2), 60)
        # both logins start together: once r1's ssh is gone, r1 is done
        time.sleep(1)
        assert poll(lambda: not _ssh_children(proc.pid, r1), 30)
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
    assert "connection refused" in r2["message"].lower()
    assert "eof" not in r2["message"].lower()
    _clean(r1["message"])
    _clean(r2["message"])


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


def _mgmt_link(lab: manager.UpResult, device: str) -> tuple[str, str]:
    """The namespace of the device's sshd and its management interface."""
    ns = naming.mgmt_namespace(naming.namespace(lab.record.lab_id, device))
    links = subprocess.run(
        ["ip", "-n", ns, "-o", "link", "show"], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split(":")[1].strip().split("@")[0] for line in links.splitlines()]
    return ns, next(n for n in names if n != "lo")


@contextmanager
def _slow_link(lab: manager.UpResult, device: str, rate: str) -> Iterator[None]:
    """What the device's sshd sends goes out at ``rate``, and a burst beyond one packet is
    dropped (a slow, lossy link)."""
    ns, dev = _mgmt_link(lab, device)
    tc = ["tc", "-n", ns, "qdisc"]
    subprocess.run(
        [*tc, "add", "dev", dev, "root", "tbf", "rate", rate, "burst", "1600", "limit", "1600"],
        check=True,
    )
    try:
        yield
        sent = subprocess.run(
            ["tc", "-n", ns, "-s", "qdisc", "show", "dev", dev], capture_output=True, text=True
        ).stdout
        assert "tbf" in sent and " 0 pkt" not in sent, sent  # the link was used as it was
    finally:
        subprocess.run([*tc, "del", "dev", dev, "root"], check=False)


def _clean(message: str) -> None:
    """A message a user reads: no Python reprs of bytes, no doubled words, no traceback."""
    assert "b'" not in message and 'b"' not in message, message
    assert "timed out: timed out" not in message.lower(), message
    assert "Traceback" not in message, message


@pytest.mark.timeout(120)
def test_slow_lossy_link_past_the_command_timeout_names_the_command(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    # the login (a few kB, in-channel authentication included) fits in the 3 s scrapli gives
    # an operation at 8 kbit/s; the interface table (several kB, resent after each drop) does
    # not
    inv = _inventory(lab, tmp_path, timeout=30)
    defaults = yaml.safe_load((inv / "defaults.yaml").read_text())
    defaults["connection_options"]["scrapli"]["extras"]["timeout_ops"] = 3
    (inv / "defaults.yaml").write_text(yaml.safe_dump(defaults))
    with _slow_link(lab, "r2", "8kbit"):
        code, report, output = _check(inv, tmp_path)
    results = {r["id"]: r for r in report["results"]}
    assert code == 1, output
    assert results["bgp_sessions[r1]"]["status"] == "pass"
    assert results["interfaces[r1]"]["status"] == "pass"
    for item in ("bgp_sessions[r2]", "interfaces[r2]"):
        result = results[item]
        assert (result["status"], result["problem"]) == ("error", "timeout"), result
        assert "timed out" in result["message"]
        assert "(waiting for `show " in result["message"], result  # which command hung
        assert "authentication" not in result["message"]
        _clean(result["message"])


def _daemon_pids(namespace: str, daemon: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(b"/" + daemon.encode()) and namespace.encode() in argv:
            pids.append(int(entry.name))
    return pids


@pytest.mark.timeout(180)
def test_daemons_killed_mid_collection_are_errors_that_say_so(tmp_path: Path) -> None:
    """watchfrr, then zebra and bgpd of r2 are killed while netval's login to r2 is under
    way: r2's checks are errors that name the dead daemon, r1's pass, the run ends."""
    with running_lab(MINI, "kil") as lab:
        conv = manager.wait_converged(lab.record, 30)
        assert conv.converged, conv.moving
        ns = naming.namespace(lab.record.lab_id, "r2")
        inv = _inventory(lab, tmp_path, timeout=30)
        cat = tmp_path / "cat.yaml"
        cat.write_text(CATALOG)
        report = tmp_path / "r.json"
        # without watchfrr nothing restarts the daemons before the commands run
        for pid in _daemon_pids(ns, "watchfrr"):
            os.kill(pid, signal.SIGKILL)
        with _slow_link(lab, "r2", "16kbit"):
            proc = subprocess.Popen(
                [*CLI, "check", "-c", str(cat), "-i", str(inv), "--json", str(report)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            r2 = _mgmt_ip(lab, "r2")
            assert poll(lambda: _ssh_children(proc.pid, r2), timeout=60, interval=0.02)
            killed = _daemon_pids(ns, "zebra") + _daemon_pids(ns, "bgpd")
            assert len(killed) == 2, killed
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            out, err = proc.communicate(timeout=90)
        assert proc.returncode == 1, out + err
        assert "Traceback" not in err
        results = {r["id"]: r for r in json.loads(report.read_text())["results"]}
        # r1 answers: its session to the dead bgpd is down (a failure it observed) or not yet
        assert results["bgp_sessions[r1]"]["status"] in ("pass", "fail"), results
        assert results["interfaces[r1]"]["status"] == "pass", results
        interfaces, bgp = results["interfaces[r2]"], results["bgp_sessions[r2]"]
        assert interfaces["status"] == "error", interfaces
        assert "zebra is not running" in interfaces["message"], interfaces
        assert "JSON" not in interfaces["message"]
        assert bgp["status"] == "error", bgp
        assert "r2" in bgp["message"]
        _clean(interfaces["message"])
        _clean(bgp["message"])


@pytest.mark.timeout(120)
def test_a_login_that_fails_for_a_moment_is_retried(lab: manager.UpResult, tmp_path: Path) -> None:
    import threading

    # r2's sshd stopped for 7 s (netval takes 2-3 s to start): the first login (2 s to
    # the banner) times out, a later
    # one, after a backoff, is answered once sshd runs again
    inv = _inventory(lab, tmp_path, timeout=15, socket_timeout=2)
    pid = _sshd_pid(lab, "r2")
    os.kill(pid, signal.SIGSTOP)
    resume = threading.Timer(7.0, os.kill, (pid, signal.SIGCONT))
    resume.start()
    try:
        code, report, output = _check(
            inv, tmp_path, env={**os.environ, "NETVAL_CONNECT_RETRIES": "5"}
        )
    finally:
        resume.cancel()
        os.kill(pid, signal.SIGCONT)
    assert code == 0, output
    results = {r["id"]: r for r in report["results"]}
    r2 = results["bgp_sessions[r2]"]
    assert r2["status"] == "pass", r2
    attempt = re.search(r"the device answered login attempt (\d+)", r2["message"])
    assert attempt is not None and int(attempt.group(1)) >= 2, r2["message"]
    assert "login attempt" not in results["bgp_sessions[r1]"]["message"]


@pytest.mark.timeout(120)
def test_refused_logins_are_retried_and_a_wrong_key_is_not(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    inv = _inventory(lab, tmp_path, timeout=10, port={"r2": 2}, wrong_key=True)
    started = time.monotonic()
    code, report, output = _check(
        inv, tmp_path, "checks:\n  - kind: bgp_sessions\n",
        env={**os.environ, "NETVAL_CONNECT_RETRIES": "2"},
    )  # fmt: skip
    assert code == 1, output
    results = {r["id"]: r for r in report["results"]}
    r1, r2 = results["bgp_sessions[r1]"], results["bgp_sessions[r2]"]
    assert r1["problem"] == "auth_failed" and "login attempt" not in r1["message"], r1
    assert r2["problem"] == "unreachable", r2
    assert "(3 login attempts)" in r2["message"], r2
    assert time.monotonic() - started < 60


def test_a_bad_retry_count_is_an_input_error(lab: manager.UpResult, tmp_path: Path) -> None:
    inv = _inventory(lab, tmp_path, timeout=10)
    cat = tmp_path / "cat.yaml"
    cat.write_text(CATALOG)
    proc = subprocess.run(
        [*CLI, "check", "-c", str(cat), "-i", str(inv)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "NETVAL_CONNECT_RETRIES": "many"},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "NETVAL_CONNECT_RETRIES" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
