"""A small real lab (two FRR routers, one host, one VRRP group) checked from outside."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from netval.lab import manager
from tests.conftest import DATA
from tests.integration.labtools import (
    poll,
    running_lab,
    scrapli_login,
    vtysh_json,
    wait_all_established,
)

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "mini") as result:
        yield result


def _ns(lab: manager.UpResult, name: str) -> str:
    node = lab.record.node(name)
    assert node is not None
    return node.namespace


def test_every_session_established(lab: manager.UpResult) -> None:
    namespaces = [_ns(lab, n) for n in lab.record.router_names()]
    states = wait_all_established(namespaces)
    assert states == {
        _ns(lab, "r1"): {"10.1.0.1": "Established", "10.1.0.3": "Established"},
        _ns(lab, "r2"): {"10.1.0.0": "Established", "10.1.0.2": "Established"},
    }


def test_kernel_fib_has_multipath_route(lab: manager.UpResult) -> None:
    def hops() -> list[str]:
        out = subprocess.run(
            ["ip", "-n", _ns(lab, "r1"), "route", "show", "10.1.2.0/24"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = sorted(line.split()[2] for line in out.splitlines() if "nexthop via" in line)
        return found if len(found) == 2 else []

    assert poll(hops) == ["10.1.0.1", "10.1.0.3"]


def test_vrrp_exactly_one_master(lab: manager.UpResult) -> None:
    import time

    deadline = time.monotonic() + 10
    while True:
        roles = {
            name: vtysh_json(_ns(lab, name), "show vrrp json")[0]["v4"]["status"]
            for name in ("r1", "r2")
        }
        if sorted(roles.values()) == ["Backup", "Master"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert roles == {"r1": "Master", "r2": "Backup"}


def test_host_reaches_remote_subnet_through_vip(lab: manager.UpResult) -> None:
    def ping() -> subprocess.CompletedProcess[str] | None:
        proc = subprocess.run(
            ["ip", "netns", "exec", _ns(lab, "h1"), "ping", "-c", "1", "-W", "1", "10.1.2.1"],
            capture_output=True,
            text=True,
        )
        return proc if proc.returncode == 0 else None

    assert poll(ping) is not None, "h1 cannot ping 10.1.2.1 through the VIP"


def test_scrapli_ssh_login_lands_in_vtysh(lab: manager.UpResult) -> None:
    with scrapli_login(lab.record, "r2") as conn:
        assert conn.get_prompt().strip() == "r2#"
        result = conn.send_command("show version")
    assert not result.failed
    assert result.result.startswith("FRRouting 8.")
    assert "(r2)" in result.result


def test_nornir_reaches_lab_through_its_inventory(lab: manager.UpResult) -> None:
    from nornir import InitNornir
    from nornir_scrapli.tasks import send_command

    inv = lab.inventory
    hosts = yaml.safe_load((inv / "hosts.yaml").read_text())
    assert {h["hostname"] for h in hosts.values()} == {
        n.mgmt_ip for n in lab.record.nodes if n.kind == "router"
    }
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": 4}},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(inv / "hosts.yaml"),
                "defaults_file": str(inv / "defaults.yaml"),
            },
        },
        logging={"enabled": False},
    )
    results = nr.run(task=send_command, command="show bgp summary json")
    assert sorted(results) == ["r1", "r2"]
    for host, multi in results.items():
        assert not multi.failed, multi[0].exception
        assert '"peers"' in multi[0].result, host


def test_cli_exec_and_inventory(lab: manager.UpResult) -> None:
    lab_id = lab.record.lab_id
    poll(
        lambda: "10.1.0.3" in manager.exec_command(lab.record, "r1", "show ip route 10.1.2.0/24")[0]
    )
    exe = [sys.executable, "-m", "netval.cli"]
    proc = subprocess.run(
        [*exe, "lab", "exec", "r1", "show ip route 10.1.2.0/24", "--id", lab_id],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "10.1.0.1" in proc.stdout and "10.1.0.3" in proc.stdout
    proc = subprocess.run(
        [*exe, "lab", "inventory", "--id", lab_id], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert Path(proc.stdout.strip()) == lab.inventory
    proc = subprocess.run(
        [*exe, "lab", "exec", "nosuch", "show version", "--id", lab_id],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "has no device 'nosuch'" in proc.stderr and "Traceback" not in proc.stderr
    # a host runs a shell: its exit status is the command's
    proc = subprocess.run(
        [*exe, "lab", "exec", "h1", "false", "--id", lab_id], capture_output=True, text=True
    )
    assert proc.returncode == 1
    proc = subprocess.run(
        [*exe, "lab", "exec", "r1", "show nonsense", "--id", lab_id], capture_output=True, text=True
    )
    assert proc.returncode != 0 and "Unknown command" in proc.stdout
