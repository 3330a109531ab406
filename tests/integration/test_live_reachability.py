"""Live `reachability` in a lab: pings and traceroutes from a host and from a router, in
their own namespaces, judged before and after leaf3's server port goes down for real."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import ROOT, check_lab, poll, run_netval, running_lab

CATALOG = """\
checks:
  - kind: reachability
    from: server1
    to: 10.10.3.10
  - kind: reachability
    from: leaf1
    to: 10.10.3.10
  - kind: reachability
    name: unrouted
    from: leaf1
    to: 10.99.0.1
    expect: failure
    count: 2
"""


def pings(namespace: str, address: str) -> bool:
    proc = subprocess.run(
        ["ip", "netns", "exec", namespace, "ping", "-c", "1", "-W", "1", address],
        capture_output=True, timeout=10,
    )  # fmt: skip
    return proc.returncode == 0


@pytest.mark.timeout(300)
def test_live_reachability_from_hosts_and_routers(tmp_path: Path) -> None:
    catalog = tmp_path / "reach.yaml"
    catalog.write_text(CATALOG)
    with running_lab(ROOT / "snapshots" / "base", "rc", ROOT / "inventory") as lab:
        record = lab.record
        assert manager.wait_converged(record, 90).converged
        server1, leaf3 = record.node("server1"), record.node("leaf3")
        assert server1 is not None and leaf3 is not None
        code, results = check_lab(record.lab_id, catalog, tmp_path / "up.json")
        assert code == 0, results
        host = results["reachability[server1->10.10.3.10]"]
        assert host["status"] == "pass" and "5 of 5 answered" in host["message"]
        assert "path 10.0.100.2 > " in host["message"]  # leaf1's server port is hop 1
        router = results["reachability[leaf1->10.10.3.10]"]
        assert router["status"] == "pass"
        assert "from leaf1 (10.10.255.11)" in router["message"]  # sent from its loopback
        assert results["unrouted[leaf1->10.99.0.1]"]["status"] == "pass"

        subprocess.run(["ip", "-n", leaf3.namespace, "link", "set", "eth3", "down"], check=True)
        assert poll(lambda: not pings(server1.namespace, "10.10.3.10"), 20)
        code, results = check_lab(record.lab_id, catalog, tmp_path / "down.json")
        assert code == 1
        broken = results["reachability[server1->10.10.3.10]"]
        assert broken["status"] == "fail"
        assert "0 of 5 answered (100% loss" in broken["message"]
        assert "(destination not reached)" in broken["message"]

        stray = tmp_path / "stray.yaml"
        stray.write_text("checks:\n  - kind: reachability\n    from: nosuch\n    to: 10.0.0.1\n")
        proc = run_netval("check", "-c", str(stray), "--lab", record.lab_id)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "'from: nosuch' is not a device" in proc.stdout + proc.stderr
        assert "hosts: server1, server3" in proc.stdout + proc.stderr
