"""BGP intent checks on a real lab, broken for real: leaf2 stops originating the server
segment that leaf1 also announces (an anycast origin lost) and loses its outbound filter
toward spine1 (a leak), and spine1's bfdd freezes under a BGP session that runs BFD. Each
break is confirmed with FRR itself (vtysh) before netval's verdict is read. Then one end
of the leaf1 - spine1 link gets a smaller MTU."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import frr, manager, system
from tests.integration.labtools import ROOT, check_lab, poll, running_lab, vtysh_json

SEGMENT = "10.0.100.0/24"
CATALOG = f"""\
checks:
  - kind: anycast
    devices: [spine1]
    prefix: {SEGMENT}
    origin_asns: [65001, 65002]
    origin_devices: [leaf1, leaf2]
  - kind: bgp_advertised
    devices: [leaf2]
    peer: 10.10.254.2
    prefixes: [{SEGMENT}, 10.10.255.12/32]
    only: true
  - kind: bfd_peers
    devices: [leaf1, spine1]
"""


def bfd_snapshot(root: Path) -> Path:
    """snapshots/base with BFD on the leaf1 - spine1 session, configured on both ends."""
    shutil.copytree(ROOT / "snapshots" / "base", root)
    for device, peer in (("leaf1", "10.10.254.0"), ("spine1", "10.10.254.1")):
        path = root / "configs" / device
        text = path.read_text()
        line = next(x for x in text.splitlines() if x.startswith(f" neighbor {peer} remote-as"))
        path.write_text(text.replace(line + "\n", f"{line}\n neighbor {peer} bfd\n", 1))
    return root


def origin_asns(namespace: str) -> set[str]:
    table = vtysh_json(namespace, f"show bgp ipv4 unicast {SEGMENT} json")
    return {p["aspath"]["string"].split()[-1] for p in table.get("paths", [])}


def sent_to_spine1(namespace: str) -> set[str]:
    table = vtysh_json(
        namespace, "show bgp ipv4 unicast neighbors 10.10.254.2 advertised-routes json"
    )
    return set(table.get("advertisedRoutes", {}))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[manager.UpResult]:
    snapshot = bfd_snapshot(tmp_path_factory.mktemp("intent") / "snap")
    with running_lab(snapshot, "bi", ROOT / "inventory") as up:
        yield up


@pytest.mark.timeout(300)
def test_link_mtu_mismatch_fails(lab: manager.UpResult, tmp_path: Path) -> None:
    catalog = tmp_path / "mtu.yaml"
    catalog.write_text("checks:\n  - kind: link_mtu\n    devices: [leaf1, spine1, leaf2]\n")
    code, results = check_lab(lab.record.lab_id, catalog, tmp_path / "same.json")
    assert code == 0, results
    leaf1 = lab.record.node("leaf1")
    assert leaf1 is not None
    subprocess.run(
        ["ip", "-n", leaf1.namespace, "link", "set", "eth1", "mtu", "1400"],
        check=True, timeout=10,
    )  # fmt: skip
    code, results = check_lab(lab.record.lab_id, catalog, tmp_path / "smaller.json")
    assert code == 1
    item = results["link_mtu[links]"]
    assert item["status"] == "fail"
    assert "10.10.254.0/31: leaf1:eth1 MTU 1400, spine1:eth1 MTU 1500" in item["message"]


@pytest.mark.timeout(300)
def test_anycast_advertised_routes_and_bfd_fail_when_broken(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    catalog = tmp_path / "intent.yaml"
    catalog.write_text(CATALOG)
    record = lab.record
    assert manager.wait_converged(record, 90).converged
    spine1, leaf1, leaf2 = (record.node(d) for d in ("spine1", "leaf1", "leaf2"))
    assert spine1 is not None and leaf1 is not None and leaf2 is not None
    # FRR's own view before: spine1 hears the segment from both leaves, BFD is up
    assert poll(lambda: origin_asns(spine1.namespace) == {"65001", "65002"}, 30)
    assert poll(
        lambda: [s["status"] for s in vtysh_json(leaf1.namespace, "show bfd peers json")] == ["up"],
        30,
    )
    code, results = check_lab(record.lab_id, catalog, tmp_path / "before.json")
    assert code == 0, results
    assert {i: r["status"] for i, r in results.items()} == {
        f"anycast[{SEGMENT}]": "pass",
        "bgp_advertised[leaf2]": "pass",
        "bfd_peers[leaf1]": "pass",
        "bfd_peers[spine1]": "pass",
    }

    subprocess.run(
        ["vtysh", "-N", leaf2.namespace, "-c", "configure terminal", "-c", "router bgp 65002",
         "-c", "address-family ipv4 unicast", "-c", f"no network {SEGMENT}",
         "-c", "no neighbor 10.10.254.2 route-map to_spine out"],
        check=True, capture_output=True, timeout=20,
    )  # fmt: skip
    # leaf2 now passes on leaf1's segment (origin 65001) and everything else it has
    assert poll(lambda: origin_asns(spine1.namespace) == {"65001"}, 30)
    assert poll(lambda: "0.0.0.0/0" in sent_to_spine1(leaf2.namespace), 30)
    code, results = check_lab(record.lab_id, catalog, tmp_path / "withdrawn.json")
    assert code == 1
    anycast = results[f"anycast[{SEGMENT}]"]
    assert anycast["status"] == "fail"
    assert "leaf2 no longer originate(s) it" in anycast["message"]
    assert "spine1 does not see origin AS 65002" in anycast["message"]
    advertised = results["bgp_advertised[leaf2]"]
    assert advertised["status"] == "fail"
    assert "sent but must not be: 0.0.0.0/0" in advertised["message"]
    assert results["bfd_peers[leaf1]"]["status"] == "pass"

    pid = system.read_pidfile(frr.runtime_dir(spine1.namespace) / "bfdd.pid")
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # bfdd stops sending; leaf1 detects it in 0.9 s
    try:
        assert poll(
            lambda: (
                [s["status"] for s in vtysh_json(leaf1.namespace, "show bfd peers json")]
                == ["down"]
            ),
            15,
        )
        code, results = check_lab(record.lab_id, catalog, tmp_path / "frozen.json")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert code == 1
    bfd = results["bfd_peers[leaf1]"]
    assert bfd["status"] == "fail", bfd
    assert "BFD to 10.10.254.0 is down" in bfd["message"]
