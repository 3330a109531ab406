"""The post-change gate against a real lab of the example network, healthy and broken.

Each test breaks the running network for real (vtysh, ip link, kill), runs `netval check`
as a user would (a subprocess, JSON and JUnit reports), asserts the right items fail with
clear messages, then repairs the network and waits until it has converged again.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netval.lab import manager, naming, record, sshd
from tests.conftest import ROOT, SNAPSHOTS
from tests.integration.labtools import poll, running_lab, vtysh_json, wait_all_established
from tests.junit_schema import assert_valid_junit

pytestmark = pytest.mark.lab
CLI = [sys.executable, "-m", "netval.cli"]
FABRIC = ROOT / "checks" / "fabric.yaml"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(SNAPSHOTS / "base", "lc", ROOT / "inventory") as result:
        conv = manager.wait_converged(result.record, 60)
        assert conv.converged, conv.moving
        yield result


@pytest.fixture(scope="module")
def catalog_now(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """checks/fabric.yaml without its `within:` retries, so a broken network fails at once."""
    text = re.sub(r"^\s+within: .*$\n", "", FABRIC.read_text(), flags=re.M)
    path = tmp_path_factory.mktemp("cat") / "fabric-now.yaml"
    path.write_text(text)
    return path


def ns(lab: manager.UpResult, device: str) -> str:
    node = lab.record.node(device)
    assert node is not None
    return node.namespace


def vtysh(lab: manager.UpResult, device: str, *commands: str) -> None:
    args = ["vtysh", "-N", ns(lab, device)]
    for c in commands:
        args += ["-c", c]
    subprocess.run(args, check=True, capture_output=True)


def run_check(
    lab: manager.UpResult,
    catalog: Path,
    tmp_path: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    inventory: Path | None = None,
) -> tuple[int, dict[str, Any], str]:
    """`netval check` on the lab (``inventory``: through that folder instead of --lab)."""
    report = tmp_path / "report.json"
    where = ["-i", str(inventory)] if inventory else ["--lab", lab.record.lab_id]
    proc = subprocess.run(
        [
            *CLI,
            "check",
            "-c",
            str(catalog),
            *where,
            "--json",
            str(report),
            "--junitxml",
            str(tmp_path / "junit.xml"),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert report.is_file(), proc.stdout + proc.stderr
    return proc.returncode, json.loads(report.read_text()), proc.stdout + proc.stderr


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report["results"]}


def converged(lab: manager.UpResult) -> None:
    conv = manager.wait_converged(lab.record, 60)
    assert conv.converged, conv.moving

    # and the ECMP the catalog relies on is back
    def ecmp_back() -> bool:
        out = subprocess.run(
            ["ip", "-n", ns(lab, "leaf1"), "route", "show", "10.10.3.0/24"],
            capture_output=True,
            text=True,
        ).stdout
        return out.count("nexthop via") == 2

    assert poll(ecmp_back, timeout=30)


def test_healthy_network_passes(lab: manager.UpResult, tmp_path: Path) -> None:
    code, report, output = run_check(lab, FABRIC, tmp_path)
    assert code == 0, output
    assert report["summary"]["fail"] == 0 and report["summary"]["error"] == 0
    assert report["summary"]["pass"] == report["summary"]["total"] >= 20
    ids = by_id(report)
    assert ids["bgp_sessions[leaf1]"]["observed"]["10.10.254.0"]["remote_as"] == 65101
    assert ids["ecmp[leaf3]"]["observed"]["paths"] == 2
    assert_valid_junit(tmp_path / "junit.xml")
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests", "0")) == report["summary"]["total"]
    case = next(c for c in suite.iter("testcase") if c.get("name") == "ecmp[leaf1]")
    out = case.find("system-out")
    assert out is not None and out.text is not None
    details = dict(line.split(": ", 1) for line in out.text.splitlines())
    assert details["device"] == "leaf1" and details["kind"] == "ecmp"
    assert float(details["check_seconds"]) >= 0


def test_shut_bgp_neighbor(lab: manager.UpResult, catalog_now: Path, tmp_path: Path) -> None:
    vtysh(lab, "leaf1", "configure terminal", "router bgp 65001", "neighbor 10.10.254.0 shutdown")
    try:

        def down() -> bool:
            out = subprocess.run(
                ["ip", "-n", ns(lab, "leaf1"), "route", "show", "10.10.3.0/24"],
                capture_output=True,
                text=True,
            ).stdout
            return "nexthop" not in out

        assert poll(down)
        code, report, _ = run_check(lab, catalog_now, tmp_path)
        ids = by_id(report)
        assert code == 1
        bgp = ids["bgp_sessions[leaf1]"]
        assert bgp["status"] == "fail"
        assert "10.10.254.0 (AS 65101) is admin_down, expected established" in bgp["message"]
        assert ids["ecmp[leaf1]"]["status"] == "fail"
        assert "1 path(s), expected exactly 2" in ids["ecmp[leaf1]"]["message"]
        assert ids["bgp_sessions[leaf2]"]["status"] == "pass"
        assert ids["ecmp[leaf2]"]["status"] == "pass"
    finally:
        vtysh(
            lab,
            "leaf1",
            "configure terminal",
            "router bgp 65001",
            "no neighbor 10.10.254.0 shutdown",
        )
        converged(lab)


def test_link_down_shrinks_ecmp(lab: manager.UpResult, catalog_now: Path, tmp_path: Path) -> None:
    subprocess.run(["ip", "-n", ns(lab, "leaf3"), "link", "set", "eth2", "down"], check=True)
    try:
        code, report, _ = run_check(lab, catalog_now, tmp_path, "--limit", "leaf3")
        ids = by_id(report)
        assert code == 1
        assert set(ids) <= {i for i in ids if i.endswith("[leaf3]")}, "--limit leaf3 only"
        assert ids["interfaces[leaf3]"]["status"] == "fail"
        assert "eth2 is admin down" in ids["interfaces[leaf3]"]["message"]
        ecmp = ids["ecmp[leaf3]"]
        assert ecmp["status"] == "fail" and ecmp["observed"]["paths"] == 1
        assert ecmp["observed"]["next_hops"] == ["10.10.254.4"]
    finally:
        subprocess.run(["ip", "-n", ns(lab, "leaf3"), "link", "set", "eth2", "up"], check=True)
        converged(lab)


def test_vrrp_shutdown_on_master(lab: manager.UpResult, catalog_now: Path, tmp_path: Path) -> None:
    vtysh(lab, "leaf1", "configure terminal", "interface eth3", "vrrp 10 shutdown")
    try:

        def leaf2_master() -> bool:
            out = subprocess.run(
                ["vtysh", "-N", ns(lab, "leaf2"), "-c", "show vrrp json"],
                capture_output=True,
                text=True,
            ).stdout
            return json.loads(out)[0]["v4"]["status"] == "Master"

        assert poll(leaf2_master, timeout=10)
        code, report, _ = run_check(lab, catalog_now, tmp_path, "-k", "vrrp")
        vrrp = by_id(report)["vrrp[eth3/10]"]
        assert code == 1 and vrrp["status"] == "fail"
        assert "master is leaf2, expected leaf1" in vrrp["message"]
        assert vrrp["observed"]["leaf2"]["role"] == "master"
    finally:
        vtysh(lab, "leaf1", "configure terminal", "interface eth3", "no vrrp 10 shutdown")


def test_killed_bgpd_is_caught_and_within_sees_recovery(
    lab: manager.UpResult, catalog_now: Path, tmp_path: Path
) -> None:
    def kill_bgpd(device: str) -> tuple[Path, int]:
        pidfile = Path("/var/run/frr") / ns(lab, device) / "bgpd.pid"
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGKILL)
        return pidfile, pid

    # a check without `within` sees the dead daemon
    kill_bgpd("leaf3")
    code, report, _ = run_check(lab, catalog_now, tmp_path, "--limit", "leaf3")
    ids = by_id(report)
    assert code == 1
    assert ids["bgp_sessions[leaf3]"]["status"] in ("error", "fail")
    # watchfrr restarts bgpd; the shipped catalog's `within: 30s` waits for the sessions. A
    # daemon of its own: watchfrr backs off before restarting one it restarted a moment ago
    pidfile, old = kill_bgpd("leaf2")
    code, report, output = run_check(
        lab, FABRIC, tmp_path, "--limit", "leaf2,spine1", "-k", "bgp_sessions"
    )
    ids = by_id(report)
    assert code == 0, output
    assert ids["bgp_sessions[leaf2]"]["converged_after"] is not None
    assert int(pidfile.read_text()) != old
    converged(lab)


def test_baseline_catches_lost_session_and_ecmp(
    lab: manager.UpResult, catalog_now: Path, tmp_path: Path
) -> None:
    def paths() -> int:
        routes = vtysh_json(ns(lab, "leaf2"), "show ip route 10.10.3.0/24 json")
        hops = [h for r in routes.get("10.10.3.0/24", []) for h in r.get("nexthops", [])]
        return len([h for h in hops if h.get("active")])

    # the baseline is the converged fabric: both spines' paths to leaf3's server subnet
    assert poll(lambda: paths() == 2, timeout=30)
    state = tmp_path / "before.json"
    proc = subprocess.run(
        [*CLI, "capture", "--lab", lab.record.lab_id, "-o", str(state)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    before = json.loads(state.read_text())
    assert len(before["nodes"]) == 7
    subprocess.run(["ip", "-n", ns(lab, "leaf2"), "link", "set", "eth1", "down"], check=True)
    try:
        # zebra drops the path through the downed link a moment later: assert that state
        assert poll(lambda: paths() == 1, timeout=20)
        code, report, _ = run_check(
            lab, catalog_now, tmp_path, "--baseline", str(state), "-k", "baseline"
        )
        ids = by_id(report)
        assert code == 1
        assert ids["baseline_bgp[leaf2]"]["status"] == "fail"
        assert "10.10.254.2 was established and is now" in ids["baseline_bgp[leaf2]"]["message"]
        assert ids["baseline_ecmp[leaf2]"]["status"] == "fail"
        assert "10.10.3.0/24 2 -> 1 paths" in ids["baseline_ecmp[leaf2]"]["message"]
        # the downed link's own subnet was a single-path route: its loss is caught too
        assert ids["baseline_routes[leaf2]"]["status"] == "fail"
        assert "10.10.254.2/31" in ids["baseline_routes[leaf2]"]["message"]
        # leaf1 keeps its sessions; what spine1 sends it dips while paths are hunted (via
        # leaf3 it learns leaf2's routes back), so only the sessions are asserted
        assert "was established and is now" not in ids["baseline_bgp[leaf1]"]["message"]
        assert ids["baseline_bgp[spine2]"]["status"] == "pass"
        assert ids["baseline_bgp[isp1]"]["status"] == "pass"
    finally:
        subprocess.run(["ip", "-n", ns(lab, "leaf2"), "link", "set", "eth1", "up"], check=True)
        converged(lab)


def test_stopped_sshd_errors_that_device_only(lab: manager.UpResult, tmp_path: Path) -> None:
    ssh_dir = record.lab_dir(lab.record.lab_id) / "ssh" / "leaf3"
    pid = int((ssh_dir / "sshd.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    poll(lambda: not Path(f"/proc/{pid}").exists(), timeout=5)
    try:
        code, report, _ = run_check(lab, FABRIC, tmp_path)
        ids = by_id(report)
        assert code == 1
        leaf3 = {i: r for i, r in ids.items() if i.endswith("[leaf3]")}
        assert leaf3 and all(r["status"] == "error" for r in leaf3.values()), leaf3
        assert "cannot collect from leaf3" in ids["bgp_sessions[leaf3]"]["message"]
        others = [r for i, r in ids.items() if not i.endswith("[leaf3]")]
        assert others and all(r["status"] == "pass" for r in others), [
            (r["id"], r["message"]) for r in others if r["status"] != "pass"
        ]
        junit = (tmp_path / "junit.xml").read_text()
        assert junit.count("<error") == len(leaf3)
        assert_valid_junit(tmp_path / "junit.xml")
    finally:
        node = lab.record.node("leaf3")
        assert node is not None
        sshd.start(naming.mgmt_namespace(node.namespace), ssh_dir)


def test_wrong_login_and_password_never_leak(lab: manager.UpResult, tmp_path: Path) -> None:
    # the lab's inventory as a plain folder: unlike --lab, -i takes the environment's login
    secret = "Sup3r-Secret-pw"
    code, report, output = run_check(
        lab,
        FABRIC,
        tmp_path,
        "--limit",
        "leaf1",
        env={"NETVAL_USERNAME": "nv-nosuchuser", "NETVAL_PASSWORD": secret},
        inventory=lab.inventory,
    )
    assert code == 1
    # vrrp[eth3/10] needs leaf2 too, which --limit leaves out: it is skipped, the rest error
    statuses = {r["id"]: r["status"] for r in report["results"]}
    assert statuses.pop("vrrp[eth3/10]") == "skip"
    assert_valid_junit(tmp_path / "junit.xml")
    assert statuses and set(statuses.values()) == {"error"}
    assert "authentication failed" in report["results"][0]["message"]
    for text in (
        output,
        (tmp_path / "junit.xml").read_text(),
        (tmp_path / "report.json").read_text(),
    ):
        assert secret not in text


def test_catalog_and_inventory_errors_exit_2(lab: manager.UpResult, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "checks:\n  - kind: ecmp\n    devices: [leaf9]\n    prefix: 10.0.0.0/8\n    paths: 2\n"
    )
    proc = subprocess.run(
        [*CLI, "check", "-c", str(bad), "--lab", lab.record.lab_id],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert f"{bad}:2: unknown device(s) 'leaf9'" in proc.stderr.replace("\n", " ")
    assert "Traceback" not in proc.stderr
    bad.write_text("checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/8\n    pathz: 2\n")
    proc = subprocess.run(
        [*CLI, "check", "-c", str(bad), "--lab", lab.record.lab_id],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "unknown key 'pathz'" in proc.stderr
    proc = subprocess.run(
        [*CLI, "check", "-c", str(FABRIC), "-i", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "no Nornir inventory" in proc.stderr


def test_everything_converged_at_the_end(lab: manager.UpResult) -> None:
    states = wait_all_established([n.namespace for n in lab.record.nodes if n.kind == "router"])
    assert all(v == "Established" for s in states.values() for v in s.values())
