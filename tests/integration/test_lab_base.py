"""The example network (snapshots/base) as a lab, checked from outside netval.

Expectations come from snapshots/README.md (the network's design), and every probe asks FRR
or the kernel directly (vtysh -N, ip -n), not netval's own status code.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import manager
from tests.conftest import ROOT, SNAPSHOTS
from tests.integration.labtools import (
    poll,
    running_lab,
    scrapli_login,
    vtysh_json,
    wait_all_established,
)

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(SNAPSHOTS / "base", "base", ROOT / "inventory") as result:
        yield result


def _ns(lab: manager.UpResult, name: str) -> str:
    node = lab.record.node(name)
    assert node is not None
    return node.namespace


def test_every_configured_session_established(lab: manager.UpResult) -> None:
    routers = lab.record.router_names()
    assert sorted(routers) == ["border1", "isp1", "leaf1", "leaf2", "leaf3", "spine1", "spine2"]
    states = wait_all_established([_ns(lab, r) for r in routers])
    counts = {ns: len(s) for ns, s in states.items()}
    assert sum(counts.values()) == 18  # 9 sessions, seen from both ends
    assert all(v == "Established" for s in states.values() for v in s.values()), states


def test_leaf_has_multipath_routes_in_kernel_fib(lab: manager.UpResult) -> None:
    def hops(prefix: str) -> list[str]:
        out = subprocess.run(
            ["ip", "-n", _ns(lab, "leaf1"), "route", "show", prefix],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return sorted(line.split()[2] for line in out.splitlines() if "nexthop via" in line)

    assert poll(lambda: hops("10.10.3.0/24")) == ["10.10.254.0", "10.10.254.8"]
    assert poll(lambda: hops("default")) == ["10.10.254.0", "10.10.254.8"]


def test_vrrp_pair_has_exactly_one_master(lab: manager.UpResult) -> None:
    def roles() -> dict[str, str] | None:
        got = {
            d: vtysh_json(_ns(lab, d), "show vrrp json")[0]["v4"]["status"]
            for d in ("leaf1", "leaf2")
        }
        return got if sorted(got.values()) == ["Backup", "Master"] else None

    assert poll(roles, timeout=10) == {"leaf1": "Master", "leaf2": "Backup"}


def test_server1_reaches_server3_through_the_vip(lab: manager.UpResult) -> None:
    def ping() -> bool:
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                _ns(lab, "server1"),
                "ping",
                "-c",
                "1",
                "-W",
                "1",
                "10.10.3.10",
            ],
            capture_output=True,
        )
        return proc.returncode == 0

    assert poll(ping, timeout=30)
    neigh = subprocess.run(
        ["ip", "-n", _ns(lab, "server1"), "neigh", "show", "10.0.100.1"],
        capture_output=True,
        text=True,
    ).stdout
    assert "00:00:5e:00:01:0a" in neigh  # the gateway is the VRRP virtual MAC


def test_ssh_login_with_scrapli_returns_show_version(lab: manager.UpResult) -> None:
    with scrapli_login(lab.record, "spine1") as conn:
        result = conn.send_command("show version")
    assert result.result.startswith("FRRouting 8.") and "(spine1)" in result.result


def test_lab_inventory_keeps_roles_from_the_base_inventory(lab: manager.UpResult) -> None:
    import yaml

    hosts = yaml.safe_load((lab.inventory / "hosts.yaml").read_text())
    assert hosts["leaf1"]["groups"] == ["leaf"] and hosts["leaf1"]["data"]["asn"] == 65001
    assert hosts["leaf1"]["hostname"] == lab.record.node("leaf1").mgmt_ip  # type: ignore[union-attr]
    assert json.loads(json.dumps(hosts))  # plain data a Nornir user can load


def test_compare_prediction_with_the_running_network(lab: manager.UpResult, tmp_path: Path) -> None:
    """The built-in engine's prediction of base equals what the FRR lab does; the prediction
    of candidate-bad differs from it exactly where the change would act."""
    import sys

    cli = [sys.executable, "-m", "netval.cli", "compare"]
    wait_all_established([n.namespace for n in lab.record.nodes if n.kind == "router"])

    def agree() -> bool:
        proc = subprocess.run(
            [*cli, "snapshots/base", "--lab", lab.record.lab_id, "--engine", "builtin"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        return proc.returncode == 0 and "0 difference(s) over 7 device(s)" in proc.stdout

    assert poll(agree, timeout=30), "prediction of base differs from the running base lab"
    report = tmp_path / "diff.json"
    proc = subprocess.run(
        [
            *cli,
            "snapshots/candidate-bad",
            "--lab",
            lab.record.lab_id,
            "--engine",
            "builtin",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    diffs = json.loads(report.read_text())["differences"]
    keyed = {(d["node"], d["domain"], d["key"]): d for d in diffs}
    # leaf1's maximum-paths 1: one path predicted where the network has two
    leaf1 = keyed[("leaf1", "route", "0.0.0.0/0")]
    assert leaf1["predicted"].count(",") == 0 and leaf1["observed"].count(",") == 1
    assert keyed[("leaf3", "bgp", "10.10.254.12")]["predicted"] == "down"
