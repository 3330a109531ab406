"""Baseline rules on states as a capture gives them: a leak, a lost single-path route."""

from __future__ import annotations

from typing import Any

from netval.checks.baseline import BaselineBgp, BaselineRoutes
from netval.results import Status
from netval.state import State


def _state(node: dict[str, Any]) -> State:
    return State.model_validate({"source": "observed", "nodes": {"r1": {"name": "r1", **node}}})


def _peer(received: int) -> dict[str, Any]:
    return {
        "peer": "10.0.0.1",
        "remote_as": 64500,
        "state": "established",
        "prefixes_received": received,
    }


def test_prefix_growth_beyond_the_tolerance_fails_as_a_leak() -> None:
    check = BaselineBgp().with_base(_state({"bgp_peers": [_peer(100)]}))
    leaked = check.evaluate(_state({"bgp_peers": [_peer(900)]}), "r1", ["r1"])
    assert leaked.status is Status.FAIL
    assert "100 -> 900 (+800%" in leaked.message and "leak" in leaked.message
    assert check.evaluate(_state({"bgp_peers": [_peer(120)]}), "r1", ["r1"]).status is Status.PASS


def test_a_few_new_prefixes_are_a_change_not_a_leak() -> None:
    # a leaf that announced 2 prefixes announces its new server subnet: +50 %, +1 prefix
    check = BaselineBgp().with_base(_state({"bgp_peers": [_peer(2)]}))
    assert check.evaluate(_state({"bgp_peers": [_peer(3)]}), "r1", ["r1"]).status is Status.PASS
    leaked = check.evaluate(_state({"bgp_peers": [_peer(40)]}), "r1", ["r1"])
    assert leaked.status is Status.FAIL and "2 -> 40" in leaked.message


def _route(prefix: str) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "protocol": "bgp",
        "selected": True,
        "next_hops": [{"ip": "10.0.0.1"}],
    }


def test_a_lost_single_path_route_fails() -> None:
    before = _state({"routes": [_route("192.0.2.0/24"), _route("198.51.100.0/24")]})
    check = BaselineRoutes().with_base(before)
    after = check.evaluate(_state({"routes": [_route("198.51.100.0/24")]}), "r1", ["r1"])
    assert after.status is Status.FAIL
    assert "1 prefix(es) of the baseline gone: 192.0.2.0/24" in after.message
    assert check.evaluate(before, "r1", ["r1"]).status is Status.PASS
