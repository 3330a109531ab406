from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netval.errors import InputError, LabError
from netval.lab import naming
from netval.lab.plan import build_plan, frr_config_for_lab, frr_daemons
from netval.snapshot import load_snapshot
from tests.conftest import BATFISH_DATA, DATA

MINI = DATA / "snapshots" / "mini"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "snap"
    shutil.copytree(MINI, dst)
    return dst


def test_mini_plan_segments_and_stubs() -> None:
    plan = build_plan(load_snapshot(MINI), "t1", slot=3)
    sizes = sorted(len(s.members) for s in plan.segments)
    # two point-to-point links and one shared segment (r1, r2, h1 on eth3/eth0)
    assert sizes == [2, 2, 3]
    shared = next(s for s in plan.segments if len(s.members) == 3)
    assert {str(m) for m in shared.members} == {"r1:eth3", "r2:eth3", "h1:eth0"}
    # r2's eth4 has an address but no cable: it gets a stub port
    assert [str(s) for s in plan.stubs] == ["r2:eth4"]
    assert plan.nodes["h1"].kind == "host"
    assert plan.nodes["h1"].gateways == ["10.1.100.1"]
    assert plan.nodes["r1"].namespace == "nv-t1-r1"
    assert plan.namespaces()[-1] == "nv-t1+fabric"


def test_vrrp_macvlan_takes_prefix_of_parent_subnet() -> None:
    plan = build_plan(load_snapshot(MINI), "t1", slot=0)
    [mv] = plan.nodes["r1"].macvlans
    assert (mv.parent, mv.vrid, mv.vips, mv.mac) == (
        "eth3",
        10,
        ["10.1.100.1/24"],
        "00:00:5e:00:01:0a",
    )


def test_management_addresses_differ_per_slot() -> None:
    snap = load_snapshot(MINI)
    a = build_plan(snap, "a", slot=0)
    b = build_plan(snap, "b", slot=1)
    a_ips = {n.mgmt_ip for n in a.routers} | {n.mgmt_root_ip for n in a.routers}
    b_ips = {n.mgmt_ip for n in b.routers} | {n.mgmt_root_ip for n in b.routers}
    assert len(a_ips) == 4 and not a_ips & b_ips
    assert {n.mgmt_root_ifname for n in a.routers} == {"nv0m0", "nv0m1"}
    assert all(len(n.mgmt_root_ifname) <= 15 for n in b.routers)
    assert naming.slot_network(naming.DEFAULT_MGMT_NET, 1).network_address.packed[2] == 4


def test_interface_name_too_long(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    cfg = snap / "configs" / "r2"
    cfg.write_text(cfg.read_text().replace("eth4", "Ethernet1/1/1/100"))
    with pytest.raises(InputError, match=r"'Ethernet1/1/1/100' has 17 characters") as exc:
        build_plan(load_snapshot(snap), "t1", 0)
    assert "configs/r2:" in str(exc.value)


def test_unknown_device_in_topology(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    topo = snap / "batfish" / "layer1_topology.json"
    raw = json.loads(topo.read_text())
    raw["edges"][0]["node2"]["hostname"] = "r9"
    topo.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"edges\[0\] names device 'r9', which is not in the"):
        build_plan(load_snapshot(snap), "t1", 0)


def test_unknown_interface_in_topology(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    topo = snap / "batfish" / "layer1_topology.json"
    raw = json.loads(topo.read_text())
    raw["edges"][0]["node1"]["interfaceName"] = "eth9"
    topo.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"names interface r1:eth9 but .*r1 has no interface"):
        build_plan(load_snapshot(snap), "t1", 0)


def test_unbootable_config(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    eos = BATFISH_DATA / "dc-as-reuse" / "configs" / "pod_0_tor_1"
    shutil.copy(eos, snap / "configs" / "tor")
    with pytest.raises(InputError, match=r"configs/tor: the lab boots FRR configs only"):
        build_plan(load_snapshot(snap), "t1", 0)


def test_snapshot_address_inside_management_network() -> None:
    with pytest.raises(InputError, match=r"inside the lab's management network"):
        build_plan(load_snapshot(MINI), "t1", 0, mgmt_net="10.1.0.0/16")


@pytest.mark.parametrize("bad", ["", "UPPER", "has-dash", "waytoolonglabid1"])
def test_bad_lab_id(bad: str) -> None:
    with pytest.raises(InputError, match="is not valid"):
        naming.check_lab_id(bad)


def test_daemons_follow_config() -> None:
    assert frr_daemons("frr version 8\n!\n") == ["zebra", "staticd"]
    text = "router bgp 1\n!\ninterface eth3\n vrrp 10 ip 1.1.1.1\nrouter ospf\n"
    assert frr_daemons(text) == ["zebra", "staticd", "bgpd", "ospfd", "vrrpd"]


def test_hostname_inserted_after_frr_lines() -> None:
    snap = load_snapshot(BATFISH_DATA / "frr-snapshots" / "default-originate")
    text = frr_config_for_lab(snap.devices["frr-originator"], "nv-t1-frr-originator")
    lines = text.splitlines()
    assert lines[:3] == ["frr version", "frr defaults datacenter", "hostname frr-originator"]


def test_unusable_line_blocks_boot_with_file_and_line(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    path = snap / "configs" / "r1"
    text = path.read_text().replace("address 10.1.0.2/31", "address 10.1.0.300/31")
    path.write_text(text)
    line = text.splitlines().index("  address 10.1.0.300/31") + 1
    with pytest.raises(InputError, match=rf"configs/r1:{line}: .*the lab cannot boot"):
        build_plan(load_snapshot(snap), "t1", 0)


def test_management_blocks_are_unique_by_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from netval.lab import manager, record, system

    first = record.LabRecord(
        lab_id="a", slot=0, mgmt_net="10.255.4.0/22", snapshot="s", mgmt_block="10.255.4.0/22"
    )
    monkeypatch.setattr(record, "all_records", lambda: [first])
    monkeypatch.setattr(system, "root_ipv4_networks", lambda: [])
    slot, block = manager._allocate("10.255.0.0/16")
    assert slot != first.slot
    assert block == "10.255.0.0/22"
    second = record.LabRecord(
        lab_id="b", slot=slot, mgmt_net="10.255.0.0/16", snapshot="s", mgmt_block=block
    )
    monkeypatch.setattr(record, "all_records", lambda: [first, second])
    assert manager._allocate("10.255.0.0/16")[1] == "10.255.8.0/22"
    with pytest.raises(LabError, match="every management block"):
        manager._allocate("10.255.4.0/22")


def test_management_network_used_by_the_machine_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ipaddress

    from netval.lab import manager, record, system

    monkeypatch.setattr(record, "all_records", lambda: [])
    monkeypatch.setattr(
        system,
        "root_ipv4_networks",
        lambda: [
            ("nv3m0", ipaddress.IPv4Network("10.255.0.0/31")),
            ("eth0", ipaddress.IPv4Network("10.255.128.0/24")),
        ],
    )
    with pytest.raises(InputError, match=r"overlaps 10\.255\.128\.0/24 .* eth0"):
        manager._allocate("10.255.0.0/16")
    assert manager._allocate("10.254.0.0/16") == (0, "10.254.0.0/22")
