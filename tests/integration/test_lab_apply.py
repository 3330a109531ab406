"""`netval lab apply` and `netval rehearse` on real labs, judged with vtysh, ip and ping."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netval.lab import manager
from tests.integration.labtools import (
    leftovers,
    new_lab_id,
    require_lab_support,
    run_netval,
    running_lab,
    vtysh_json,
)

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots"
CLI = [sys.executable, "-m", "netval.cli"]
ENV = {**os.environ, "COLUMNS": "300"}


def ip(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20).stdout


def pings(namespace: str, address: str) -> bool:
    proc = subprocess.run(
        ["ip", "netns", "exec", namespace, "ping", "-c", "3", "-i", "0.2", "-W", "1", address],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.returncode == 0


def bgp_route(namespace: str, prefix: str) -> list[Any]:
    found = vtysh_json(namespace, f"show ip route {prefix} json")
    return [r for r in found.get(prefix, []) if r.get("protocol") == "bgp"]


@pytest.mark.timeout(300)
def test_apply_candidate_then_roll_back(tmp_path: Path) -> None:
    with running_lab(SNAPSHOTS / "base", "ap", ROOT / "inventory") as lab:
        lab_id = lab.record.lab_id
        assert manager.wait_converged(lab.record, 60).converged
        ns = {n.name: n.namespace for n in lab.record.nodes}
        assert "10.10.4.1" not in ip("-n", ns["leaf3"], "addr")

        proc = run_netval("lab", "apply", "snapshots/candidate-good", "--id", lab_id)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "converged" in proc.stdout
        assert "unchanged: border1, isp1, leaf1, leaf2, spine1, spine2" in proc.stdout
        server4 = manager.require(lab_id).node("server4")
        assert server4 is not None
        # the new server port, its cable and host exist; the spine learned the subnet over BGP
        assert "10.10.4.1/24" in ip("-n", ns["leaf3"], "addr", "show", "eth4")
        assert bgp_route(ns["spine1"], "10.10.4.0/24")
        assert pings(server4.namespace, "10.10.3.10")
        assert (
            "network 10.10.4.0/24"
            in subprocess.run(
                ["vtysh", "-N", ns["leaf3"], "-c", "show running-config"],
                capture_output=True,
                text=True,
                timeout=20,
            ).stdout
        )

        proc = run_netval("lab", "apply", "snapshots/base", "--id", lab_id)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "eth4" not in ip("-n", ns["leaf3"], "link")
        assert not bgp_route(ns["spine1"], "10.10.4.0/24")
        assert server4.namespace not in ip("netns", "list")
        assert pings(ns["server1"], "10.10.3.10")

        # a candidate with a router the lab does not run is an input error that says so
        extra = tmp_path / "extra"
        shutil.copytree(SNAPSHOTS / "base", extra)
        leaf3 = (extra / "configs" / "leaf3").read_text()
        (extra / "configs" / "leaf4").write_text(leaf3.replace("leaf3", "leaf4"))
        proc = run_netval("lab", "apply", str(extra), "--id", lab_id)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "added leaf4" in proc.stderr and "Traceback" not in proc.stderr
        proc = run_netval("lab", "apply", str(tmp_path / "nothing"), "--id", lab_id)
        assert proc.returncode == 2 and str(tmp_path / "nothing") in proc.stderr
    proc = run_netval("lab", "apply", "snapshots/base", "--id", lab_id)
    assert proc.returncode == 2 and "netval lab status" in proc.stderr
    assert leftovers(lab_id) == []


def _results(report: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(report.read_text())
    return {r["id"].split("::")[-1]: r for r in data["results"]}


@pytest.mark.timeout(400)
def test_rehearsal_of_the_good_candidate_passes_and_the_bad_one_fails(tmp_path: Path) -> None:
    require_lab_support()
    lab_id = new_lab_id("rg")
    good = tmp_path / "good.json"
    proc = run_netval(
        "rehearse", "snapshots/base", "snapshots/candidate-good", "-c", "checks/fabric.yaml",
        "--id", lab_id, "--json", str(good), "--junitxml", str(tmp_path / "good.xml"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = _results(good)
    probes = {k: v for k, v in results.items() if k.startswith("rehearsal_probe[")}
    assert set(probes) == {
        "rehearsal_probe[server1->10.10.3.10]",
        "rehearsal_probe[server3->10.0.100.10]",
    }
    assert all(p["status"] == "pass" and p["observed"]["lost"] == 0 for p in probes.values())
    assert results[f"rehearsal_convergence[{lab_id}]"]["status"] == "pass"
    assert all(r["status"] == "pass" for r in results.values())
    assert leftovers(lab_id) == []

    bad = tmp_path / "bad.json"
    proc = run_netval(
        "rehearse", "snapshots/base", "snapshots/candidate-bad", "-c", "checks/fabric.yaml",
        "--id", lab_id, "--json", str(bad), "--wait", "15", "--md", str(tmp_path / "bad.md"),
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = _results(bad)
    page = (tmp_path / "bad.md").read_text()
    # markdown escapes the item ids
    assert r"rehearsal\_convergence" in page and r"vrrp\[eth3/10\]" in page
    failed = {k for k, v in results.items() if v["status"] == "fail"}
    assert {"vrrp[eth3/10]", "bgp_sessions[leaf3]", "baseline_bgp[leaf3]"} <= failed
    assert f"rehearsal_convergence[{lab_id}]" in failed
    assert leftovers(lab_id) == []


@pytest.mark.timeout(300)
def test_rehearsal_probes_lose_packets_while_a_change_resets_the_sessions(
    tmp_path: Path,
) -> None:
    """A new BGP router-id on leaf3 resets both its sessions: its server subnet is withdrawn
    until they are back, and traffic to it is lost for that long."""
    require_lab_support()
    candidate = tmp_path / "new-router-id"
    shutil.copytree(SNAPSHOTS / "base", candidate)
    leaf3 = candidate / "configs" / "leaf3"
    leaf3.write_text(
        leaf3.read_text().replace("bgp router-id 10.10.255.13", "bgp router-id 10.10.255.113")
    )
    lab_id = new_lab_id("rl")
    report = tmp_path / "r.json"
    proc = run_netval(
        "rehearse", "snapshots/base", str(candidate), "-c", "checks/fabric.yaml",
        "--id", lab_id, "--json", str(report), "--probe", "server1:10.10.3.10",
        "--interval", "0.02", "--keep",
    )  # fmt: skip
    try:
        assert proc.returncode == 1, proc.stdout + proc.stderr
        probe = _results(report)["rehearsal_probe[server1->10.10.3.10]"]
        assert probe["status"] == "fail"
        assert probe["observed"]["lost"] > 0 and probe["observed"]["longest_outage"] > 0.1
        assert probe["observed"]["received"] > 0  # traffic came back after the change
        ns = {n.name: n.namespace for n in manager.require(lab_id).nodes}
        summary = vtysh_json(ns["leaf3"], "show bgp summary json")
        assert summary["ipv4Unicast"]["routerId"] == "10.10.255.113"
        assert pings(ns["server1"], "10.10.3.10")
    finally:
        manager.down(lab_id)


@pytest.mark.timeout(300)
def test_ctrl_c_during_a_rehearsal_writes_every_report_and_removes_the_lab(
    tmp_path: Path,
) -> None:
    import signal
    import time

    require_lab_support()
    lab_id = new_lab_id("rc")
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    proc = subprocess.Popen(
        [
            *CLI,
            "rehearse",
            "snapshots/base",
            "snapshots/candidate-bad",
            "-c",
            "checks/fabric.yaml",
            "--id",
            lab_id,
            "--json",
            str(report),
            "--junitxml",
            str(junit),
            "--wait",
            "60",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            # candidate-bad never converges: the wait after the apply is where we stop it
            if "applying" in line:
                time.sleep(2)
                proc.send_signal(signal.SIGINT)
                break
        _, rest = proc.communicate(timeout=120)
        stderr = "".join(seen) + rest
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr
        results = json.loads(report.read_text())["results"]
        interrupted = [r for r in results if "interrupted" in r["message"]]
        assert interrupted and all(r["status"] == "error" for r in interrupted)
        messages = " | ".join(r["message"] for r in results)
        assert "while waiting for convergence" in messages or "partially applied" in messages, (
            messages
        )
        assert "<testcase" in junit.read_text()
        assert leftovers(lab_id) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        manager.down(lab_id)


@pytest.mark.timeout(300)
def test_apply_refuses_rejected_lines_unless_allowed_and_keeps_vrrp_steady(
    tmp_path: Path,
) -> None:
    from tests.hostile import MINI

    candidate = tmp_path / "typo"
    shutil.copytree(MINI, candidate)
    r1 = candidate / "configs" / "r1"
    r1.write_text(
        r1.read_text().replace(
            "hostname r1\n",
            "hostname r1\nroute-map TO_PEER permit 10\n match ip adress prefix-list CDN\n!\n",
        )
    )
    with running_lab(MINI, "ar") as lab:
        lab_id = lab.record.lab_id
        assert manager.wait_converged(lab.record, 60).converged
        ns = lab.record.node("r1")
        assert ns is not None

        def vrrp_uptime_marker() -> Any:
            groups = vtysh_json(ns.namespace, "show vrrp json")
            return [(g["vrid"], g["v4"]["status"], g["v4"]["stats"]["transitions"]) for g in groups]

        before = vrrp_uptime_marker()
        proc = run_netval("lab", "apply", str(candidate), "--id", lab_id)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert f"{r1}:" in proc.stderr and "--allow-rejected" in proc.stderr
        proc = run_netval("lab", "apply", str(candidate), "--id", lab_id, "--allow-rejected")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        running = subprocess.run(
            ["vtysh", "-N", ns.namespace, "-c", "show running-config"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
        assert "route-map TO_PEER permit 10" in running and "adress" not in running
        # a change elsewhere in the config leaves the VRRP group alone: FRR's reload does
        # not re-create it, and it made no new transition
        assert "vrrp" not in proc.stdout
        assert vrrp_uptime_marker() == before
