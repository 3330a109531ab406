"""The example network (snapshots/README.md): what the data plane predicts for base,
candidate-good and candidate-bad, against what the README documents from the FRR lab."""

from __future__ import annotations

from functools import cache

import pytest

from netval.state import BgpState, VrrpRole
from netval.static.builtin import BuiltinEngine
from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.answers import (
    answer_bgp_rib,
    answer_bgp_session_status,
    answer_routes,
)
from netval.static.builtin.dataplane.diff import answer_differential_routes
from netval.static.builtin.dataplane.flow_answers import (
    answer_differential_reachability,
    answer_reachability,
    answer_traceroute,
)
from netval.static.builtin.dataplane.state import predicted_state
from netval.static.builtin.prefix import parse_key
from netval.static.engine import Headers
from tests.unit.builtin.conftest import SNAPSHOTS

SPINE1_FROM = {"leaf1": "10.10.254.0", "leaf2": "10.10.254.2", "leaf3": "10.10.254.4"}
SPINE2_FROM = {"leaf1": "10.10.254.8", "leaf2": "10.10.254.10", "leaf3": "10.10.254.12"}


@cache
def dp(name: str) -> DataPlane:
    return DataPlane.from_loaded(BuiltinEngine(SNAPSHOTS / name).loaded)


def hops(snap: str, node: str, prefix: str) -> set[str]:
    rib = dp(snap).rib(node)
    assert rib is not None
    route = rib.get(parse_key(prefix))
    if route is None:
        return set()
    return {h.ip or h.iface or "discard" for h in route.hops}


@pytest.mark.parametrize("snap", ["base", "candidate-good", "candidate-bad"])
def test_converges_without_issues(snap: str) -> None:
    assert dp(snap).issues == []


@pytest.mark.parametrize("snap", ["base", "candidate-good"])
def test_leaves_have_two_paths_everywhere(snap: str) -> None:
    for leaf in ("leaf1", "leaf2"):
        both = {SPINE1_FROM[leaf], SPINE2_FROM[leaf]}
        for prefix in ("0.0.0.0/0", "10.10.3.0/24", "10.10.255.13/32", "10.10.255.21/32"):
            assert hops(snap, leaf, prefix) == both, (leaf, prefix)
    assert hops(snap, "leaf3", "10.0.100.0/24") == {"10.10.254.4", "10.10.254.12"}
    # one path to each spine's loopback (leaves do not re-advertise)
    assert hops(snap, "leaf1", "10.10.255.1/32") == {"10.10.254.0"}


def test_candidate_good_adds_the_new_subnet_with_ecmp() -> None:
    assert hops("base", "leaf1", "10.10.4.0/24") == set()
    for leaf in ("leaf1", "leaf2"):
        assert hops("candidate-good", leaf, "10.10.4.0/24") == {
            SPINE1_FROM[leaf],
            SPINE2_FROM[leaf],
        }
    assert hops("candidate-good", "border1", "10.10.4.0/24") == {"10.10.254.6", "10.10.254.14"}


def test_candidate_bad_leaf1_maximum_paths_1_loses_ecmp() -> None:
    # mistake 4: one next hop for every remote prefix (router-id breaks the tie: spine1)
    for prefix in ("0.0.0.0/0", "10.10.255.12/32", "10.10.3.0/24", "10.10.255.13/32"):
        assert hops("candidate-bad", "leaf1", prefix) == {"10.10.254.0"}, prefix
    assert len(hops("candidate-bad", "leaf2", "0.0.0.0/0")) == 2


def test_candidate_bad_wrong_remote_as_costs_leaf3_its_second_path() -> None:
    # mistake 2: leaf3 <-> spine2 never comes up
    assert hops("candidate-bad", "leaf3", "0.0.0.0/0") == {"10.10.254.4"}
    assert hops("candidate-bad", "leaf3", "10.0.100.0/24") == {"10.10.254.4"}
    for node, via in (("leaf2", "10.10.254.2"), ("border1", "10.10.254.6")):
        for prefix in ("10.10.255.13/32", "10.10.3.0/24", "10.10.4.0/24"):
            assert hops("candidate-bad", node, prefix) == {via}, (node, prefix)


def test_session_status() -> None:
    def statuses(snap: str) -> dict[tuple[str, str], str]:
        return {
            (r["Node"]["name"], r["Remote_IP"]["value"]): r["Established_Status"]
            for r in answer_bgp_session_status(dp(snap)).rows
        }

    base = statuses("base")
    assert len(base) == 18 and set(base.values()) == {"ESTABLISHED"}
    bad = statuses("candidate-bad")
    assert bad.pop(("leaf3", "10.10.254.12")) == "NOT_COMPATIBLE"
    assert bad.pop(("spine2", "10.10.254.13")) == "NOT_COMPATIBLE"
    assert set(bad.values()) == {"ESTABLISHED"}


def _received(snap: str, node: str, peer: str) -> set[str]:
    return {
        r["Network"] for r in answer_bgp_rib(dp(snap), [node]).rows if r["Received_From_IP"] == peer
    }


def test_border1_and_isp1_exchange_what_the_readme_says() -> None:
    accepted = {"0.0.0.0/0", "198.51.100.0/24", "203.0.113.0/24"}
    assert _received("base", "border1", "192.0.2.1") == accepted
    assert _received("candidate-good", "border1", "192.0.2.1") == accepted
    assert _received("candidate-bad", "border1", "192.0.2.1") == accepted | {
        "10.0.0.0/8",
        "192.168.0.0/16",
    }
    aggregates = {"10.0.0.0/16", "10.10.0.0/16"}
    assert _received("base", "isp1", "192.0.2.0") == aggregates
    assert _received("candidate-good", "isp1", "192.0.2.0") == aggregates
    assert _received("candidate-bad", "isp1", "192.0.2.0") == aggregates | {
        "10.0.100.0/24",
        "10.10.3.0/24",
        "10.10.4.0/24",
    }


def test_bgp_rib_carries_attributes() -> None:
    rows = [r for r in answer_bgp_rib(dp("base"), ["border1"]).rows if r["Network"] == "0.0.0.0/0"]
    assert len(rows) == 1
    row = rows[0]
    assert row["AS_Path"] == "64500" and row["Local_Pref"] == 150
    assert row["Protocol"] == "bgp" and row["Status"] == ["BEST"]
    assert row["Next_Hop"] == {"type": "ip", "ip": "192.0.2.1"}


def _changes(snap: str) -> dict[str, set[tuple[str, str]]]:
    rows = answer_differential_routes(dp(snap), dp("base")).rows
    out: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(r["Entry_Presence"], set()).add((r["Node"]["name"], r["Network"]))
    return out


def test_differential_candidate_good_only_adds_the_new_subnet() -> None:
    changes = _changes("candidate-good")
    assert set(changes) == {"Only in Snapshot"}
    assert {net for _, net in changes["Only in Snapshot"]} == {"10.10.4.0/24", "10.10.4.1/32"}


def test_differential_candidate_bad_shows_leaks_bogons_and_ecmp_loss() -> None:
    changes = _changes("candidate-bad")
    added = changes["Only in Snapshot"]
    assert {("border1", "10.0.0.0/8"), ("border1", "192.168.0.0/16")} <= added
    assert {("isp1", "10.0.100.0/24"), ("isp1", "10.10.3.0/24"), ("isp1", "10.10.4.0/24")} <= added
    removed = changes["Only in Reference"]  # the second next hops that are gone
    assert ("leaf1", "0.0.0.0/0") in removed and ("leaf3", "0.0.0.0/0") in removed


def test_differential_row_shape() -> None:
    row = next(
        r
        for r in answer_differential_routes(dp("candidate-bad"), dp("base")).rows
        if r["Node"]["name"] == "leaf1" and r["Network"] == "0.0.0.0/0"
    )
    assert row["Entry_Presence"] == "Only in Reference"
    assert row["Reference_Next_Hop"] == {"type": "ip", "ip": "10.10.254.8"}
    assert row["Snapshot_Next_Hop"] is None and row["Reference_Protocol"] == "bgp"


@pytest.mark.parametrize("snap", ["base", "candidate-good"])
def test_reachability_leaf1_to_server3_https(snap: str) -> None:
    answer = answer_traceroute(
        dp(snap), "leaf1", Headers("10.10.3.10", ip_protocol="TCP", dst_port=443)
    )
    traces = answer.rows[0]["Traces"]
    assert answer.rows[0]["TraceCount"] == 2
    assert {t["disposition"] for t in traces} == {"ACCEPTED"}
    paths = {tuple(h["node"]["name"] for h in t["hops"]) for t in traces}
    assert paths == {
        ("leaf1", "spine1", "leaf3", "server3"),
        ("leaf1", "spine2", "leaf3", "server3"),
    }
    flow = answer.rows[0]["Flow"]
    assert flow["dstPort"] == 443 and flow["ipProtocol"] == "TCP"
    assert flow["srcIp"] == "10.10.255.11"


def test_hosts_are_nodes_with_a_default_route() -> None:
    assert hops("base", "server1", "0.0.0.0/0") == {"10.0.100.1"}
    answer = answer_traceroute(dp("candidate-good"), "server1", Headers("10.10.4.10"))
    traces = answer.rows[0]["Traces"]
    # the VRRP master (leaf1) owns the gateway address
    assert {t["hops"][1]["node"]["name"] for t in traces} == {"leaf1"}
    assert {t["disposition"] for t in traces} == {"ACCEPTED"}
    bad = answer_traceroute(dp("candidate-bad"), "server1", Headers("10.10.4.10")).rows[0]
    assert {t["hops"][1]["node"]["name"] for t in bad["Traces"]} == {"leaf2"}


def test_null_routed_outside_the_fabric() -> None:
    # base has no 10.10.4.0/24: border1's aggregate discard route catches it
    traces = answer_traceroute(dp("base"), "server1", Headers("10.10.4.10")).rows[0]["Traces"]
    assert {t["disposition"] for t in traces} == {"NULL_ROUTED"}
    assert {t["hops"][-1]["node"]["name"] for t in traces} == {"border1"}


def test_reachability_and_differential_reachability() -> None:
    ok = answer_reachability(dp("base"), "leaf1,leaf2", Headers("10.10.3.0/24"))
    assert {r["Flow"]["ingressNode"] for r in ok.rows} == {"leaf1", "leaf2"}
    failing = answer_reachability(dp("base"), "server1", Headers("10.10.4.10"), "FAILURE")
    assert failing.rows and failing.rows[0]["Traces"][0]["disposition"] == "NULL_ROUTED"
    diff = answer_differential_reachability(dp("candidate-good"), dp("base"), Headers("10.10.4.10"))
    starts = {r["Flow"]["ingressNode"] for r in diff.rows}
    assert "server1" in starts and "leaf1" in starts
    row = next(r for r in diff.rows if r["Flow"]["ingressNode"] == "server1")
    assert {t["disposition"] for t in row["Snapshot_Traces"]} == {"ACCEPTED"}
    assert {t["disposition"] for t in row["Reference_Traces"]} == {"NULL_ROUTED"}


def test_predicted_state() -> None:
    base = predicted_state(dp("base"))
    leaf1 = base.nodes["leaf1"]
    assert {p.peer: p.state for p in leaf1.bgp_peers or []} == {
        "10.10.254.0": BgpState.ESTABLISHED,
        "10.10.254.8": BgpState.ESTABLISHED,
    }
    default = leaf1.routes_for("0.0.0.0/0")
    assert len(default) == 1 and len(default[0].next_hops) == 2
    assert [(g.interface, g.vrid, g.role) for g in leaf1.vrrp or []] == [
        ("eth3", 10, VrrpRole.MASTER)
    ]
    assert [(g.role) for g in base.nodes["leaf2"].vrrp or []] == [VrrpRole.BACKUP]
    bad = predicted_state(dp("candidate-bad"))
    assert [(g.role) for g in bad.nodes["leaf2"].vrrp or []] == [VrrpRole.MASTER]
    states = {p.peer: p.state for p in bad.nodes["leaf3"].bgp_peers or []}
    assert states["10.10.254.12"] is BgpState.IDLE
    assert {i.name for i in base.nodes["server1"].interfaces or []} == {"eth0"}


def test_routes_answer_covers_every_node() -> None:
    answer = answer_routes(dp("base"))
    nodes = {r["Node"]["name"] for r in answer.rows}
    assert nodes == {
        "border1",
        "isp1",
        "leaf1",
        "leaf2",
        "leaf3",
        "spine1",
        "spine2",
        "server1",
        "server3",
    }
    assert answer_routes(dp("base"), ["leaf1"]).rows == [
        r for r in answer.rows if r["Node"]["name"] == "leaf1"
    ]
