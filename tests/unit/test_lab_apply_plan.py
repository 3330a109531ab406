"""What `lab apply` changes, from two plans (no machine needed): address and VRRP deltas,
and how FRR's reload output is read."""

from __future__ import annotations

import copy
from pathlib import Path

from netval.lab import apply
from netval.lab.plan import Macvlan, PlannedNode, build_plan
from netval.snapshot import load_snapshot

ROOT = Path(__file__).parents[2]


def test_candidate_good_adds_one_cable_a_host_and_an_address() -> None:
    old = build_plan(load_snapshot(ROOT / "snapshots" / "base"), "t1", 0)
    new = build_plan(load_snapshot(ROOT / "snapshots" / "candidate-good"), "t1", 0)
    added = set(apply._segments(new)) - set(apply._segments(old))
    assert [sorted(map(str, seg)) for seg in added] == [["leaf3:eth4", "server4:eth0"]]
    lines = apply._node_delta(old.nodes["leaf3"], new.nodes["leaf3"], {"eth4"})
    assert lines == ["ip addr add 10.10.4.1/24 dev eth4", "ip link set eth4 up"]
    # nothing else on any router changes
    for name in ("leaf1", "leaf2", "spine1", "border1"):
        assert apply._node_delta(old.nodes[name], new.nodes[name], set()) == []


def _node(**kw: object) -> PlannedNode:
    return PlannedNode(name="r1", kind="router", namespace="nv-t1-r1", **kw)  # type: ignore[arg-type]


def test_address_and_vrrp_changes_become_del_then_add() -> None:
    old = _node(
        interfaces={"eth1": ["10.0.0.1/31"]},
        loopback=["10.255.0.1/32"],
        macvlans=[Macvlan("eth1", 10, ["10.0.0.254/31"])],
    )
    new = _node(
        interfaces={"eth1": ["10.0.0.3/31"]},
        loopback=["10.255.0.1/32", "10.255.1.1/32"],
        macvlans=[Macvlan("eth1", 10, ["10.0.0.253/31"])],
    )
    lines = apply._node_delta(old, new, set())
    assert lines[:3] == [
        "ip addr del 10.0.0.1/31 dev eth1",
        "ip addr add 10.0.0.3/31 dev eth1",
        "ip addr add 10.255.1.1/32 dev lo",
    ]
    assert any(line.startswith('ip link del "vrrp4-') for line in lines)
    assert 'ip addr add 10.0.0.253/31 dev "$mv"' in lines
    # an unchanged group on a re-created parent is made again, never deleted by name first
    same = apply._node_delta(old, copy.deepcopy(old), {"eth1"})
    assert not any(line.startswith("ip link del") for line in same)
    assert any("type macvlan" in line for line in same)


def test_reload_output_is_read_as_removed_and_added_lines_without_vtyshs_hostname() -> None:
    text = (
        "2026-12-03 INFO: Called via ...\n\nLines To Delete\n===============\n"
        "no hostname vm\ninterface eth3\n no vrrp 10 priority 200\n\n"
        "Lines To Add\n============\nrouter bgp 65003\n  network 10.10.4.0/24\n"
    )
    assert apply._reload_delta(text) == [
        "- interface eth3",
        "-  no vrrp 10 priority 200",
        "+ router bgp 65003",
        "+   network 10.10.4.0/24",
    ]


def test_vrrp_version_3_is_written_as_frr_prints_it() -> None:
    conf = "interface eth3\n vrrp 10 version 3\n vrrp 10 priority 200\n vrrp 11 version 2\n"
    assert apply._as_frr_prints(conf) == (
        "interface eth3\n vrrp 10\n vrrp 10 priority 200\n vrrp 11 version 2\n"
    )


def test_a_policy_change_waits_for_bgpds_route_map_delay_timer() -> None:
    delta = ["+ route-map to_customer permit 30", "+  set community 64500:100"]
    assert apply.policy_delay("router bgp 1\n", delta) == 5.0  # FRR's default
    assert apply.policy_delay(" bgp route-map delay-timer 12\n", delta) == 12.0
    assert apply.policy_delay("", ["+ router bgp 65003", "+   network 10.10.4.0/24"]) == 0.0
    assert apply.policy_delay("", ["- no ip prefix-list LOCAL_NETS seq 15 permit 10.0.0.0/8"])
