from __future__ import annotations

from typing import Any

from netval.compare import compare_states
from netval.state import State


def _state(source: str, nodes: dict[str, dict[str, Any]]) -> State:
    return State.model_validate(
        {"source": source, "nodes": {n: {"name": n, **v} for n, v in nodes.items()}}
    )


def _route(prefix: str, protocol: str, *hops: str) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "protocol": protocol,
        "selected": True,
        "next_hops": [{"ip": h, "active": True} for h in hops],
    }


def test_agreeing_states_have_no_difference() -> None:
    nodes = {
        "leaf1": {
            "routes": [_route("10.10.3.0/24", "bgp", "10.0.0.1", "10.0.0.3")],
            "bgp_peers": [{"peer": "10.0.0.1", "state": "established"}],
        }
    }
    diffs, skipped = compare_states(_state("predicted", nodes), _state("observed", nodes))
    assert diffs == [] and skipped == []


def test_lost_ecmp_path_session_and_vrrp_role_are_reported() -> None:
    pred = _state(
        "predicted",
        {
            "leaf1": {
                "routes": [_route("10.10.3.0/24", "bgp", "10.0.0.1", "10.0.0.3")],
                "bgp_peers": [{"peer": "10.0.0.3", "state": "established"}],
                "vrrp": [{"interface": "eth3", "vrid": 10, "role": "master"}],
            }
        },
    )
    obs = _state(
        "observed",
        {
            "leaf1": {
                "routes": [
                    _route("10.10.3.0/24", "bgp", "10.0.0.1"),
                    _route("10.255.0.0/31", "connected"),
                ],  # lab management: ignored
                "bgp_peers": [{"peer": "10.0.0.3", "state": "idle"}],
                "vrrp": [{"interface": "eth3", "vrid": 10, "role": "backup"}],
            }
        },
    )
    diffs, _ = compare_states(pred, obs, ["10.255.0.0/16"])
    assert [(d.domain, d.key, d.predicted, d.observed) for d in diffs] == [
        ("route", "10.10.3.0/24", "bgp via 10.0.0.1, 10.0.0.3", "bgp via 10.0.0.1"),
        ("bgp", "10.0.0.3", "established", "down"),
        ("vrrp", "eth3/10", "master", "backup"),
    ]


def test_unreachable_device_is_not_compared_but_reported() -> None:
    pred = _state("predicted", {"leaf1": {"routes": []}})
    obs = _state("observed", {"leaf1": {"errors": {"device": "cannot collect: timed out"}}})
    diffs, skipped = compare_states(pred, obs)
    assert diffs == [] and skipped == ["leaf1: cannot collect: timed out"]


def test_a_family_the_prediction_lacks_is_left_out_and_named() -> None:
    """The devices route IPv6 (FRR lists fe80::/64 on every interface); the built-in
    engine predicts none: IPv6 is not compared, and the comparison says so."""
    from netval.state import NextHop, NodeState, Route, State

    v4 = Route(prefix="10.0.0.0/24", protocol="connected", selected=True,
               next_hops=[NextHop(interface="eth1")])  # fmt: skip
    v6 = Route(prefix="fe80::/64", protocol="connected", selected=True,
               next_hops=[NextHop(interface="eth1")])  # fmt: skip
    pred = State(source="predicted", origin="snapshot s (builtin engine)",
                 nodes={"r1": NodeState(name="r1", routes=[v4])})  # fmt: skip
    obs = State(source="observed", nodes={"r1": NodeState(name="r1", routes=[v4, v6])})
    diffs, skipped = compare_states(pred, obs)
    assert diffs == [] and skipped == []
    from netval.compare import uncompared_families

    assert uncompared_families(pred, obs) == [
        "IPv6 routes: the prediction has none (snapshot s (builtin engine))"
    ]
    # a family both sides have is compared
    obs.nodes["r1"].routes = [v6]
    pred.nodes["r1"].routes = [v4, v6.model_copy(update={"prefix": "2001:db8::/64"})]
    diffs, _ = compare_states(pred, obs)
    assert {d.key for d in diffs} == {"10.0.0.0/24", "2001:db8::/64", "fe80::/64"}
