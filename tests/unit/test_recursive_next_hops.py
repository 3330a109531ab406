"""Recursive next hops: the forwarding paths count, whichever source fed the State.

The observed side is FRR 8.4.4's real answer on r1 of tests/data/snapshots/ibgp-ospf (an
iBGP route to 192.168.4.0/24 whose next hop 10.0.0.4, r4's loopback, resolves over two OSPF
paths via r2 and r3); the predicted side is the built-in engine on the same snapshot.
"""

from __future__ import annotations

from pydantic import TypeAdapter

from netval.catalog import AnyCheck
from netval.checks.base import evaluate
from netval.compare import compare_states
from netval.live.parsers.frr import PARSER
from netval.results import Status
from netval.state import NextHop, NodeState, Route, State
from netval.static.builtin.engine import BuiltinEngine
from netval.static.resolve import resolve_routes
from tests.conftest import DATA

SNAPSHOT = DATA / "snapshots" / "ibgp-ospf"
CAPTURE = DATA / "parsers" / "frr" / "ip_route_recursive_ibgp_r1.json"
PREFIX = "192.168.4.0/24"


def _observed() -> State:
    routes = PARSER.parse("routes", CAPTURE.read_text())
    return State(source="observed", nodes={"r1": NodeState(name="r1", routes=routes)})


def _route(state: State) -> Route:
    routes = state.nodes["r1"].routes or []
    return next(r for r in routes if r.prefix == PREFIX)


def test_frr_recursive_entry_is_the_protocol_next_hop_not_a_path() -> None:
    route = _route(_observed())
    assert route.protocol_next_hops == ["10.0.0.4"]
    assert sorted((h.ip, h.interface) for h in route.next_hops) == [
        ("10.1.0.1", "eth1"),
        ("10.1.0.3", "eth2"),
    ]


def test_predicted_ibgp_route_resolves_to_the_same_paths() -> None:
    predicted = BuiltinEngine(SNAPSHOT).state()
    route = _route(predicted)
    assert (route.protocol_next_hops, route.bgp_kind) == (["10.0.0.4"], "ibgp")
    assert sorted(h.ip or "" for h in route.next_hops) == ["10.1.0.1", "10.1.0.3"]


def test_prediction_equals_frr_for_r1_ibgp_included() -> None:
    predicted = BuiltinEngine(SNAPSHOT).state()
    predicted.nodes = {"r1": predicted.nodes["r1"]}
    predicted.nodes["r1"].bgp_peers = None
    predicted.nodes["r1"].vrrp = None
    diffs, skipped = compare_states(predicted, _observed(), ["10.255.0.0/16"])
    assert (diffs, skipped) == ([], [])


def test_ecmp_counts_two_paths_in_both_gates() -> None:
    spec = TypeAdapter(AnyCheck).validate_python(
        {"kind": "ecmp", "prefix": PREFIX, "paths": 2, "fib": False}
    )
    for state in (_observed(), BuiltinEngine(SNAPSHOT).state()):
        outcome = evaluate(spec, state, "r1", ["r1"])
        assert outcome.status is Status.PASS, (state.source, outcome.message)


def test_routes_next_hop_may_name_the_protocol_next_hop() -> None:
    spec = TypeAdapter(AnyCheck).validate_python(
        {"kind": "routes", "prefix": PREFIX, "protocol": "bgp", "next_hop": "10.0.0.4"}
    )
    assert evaluate(spec, _observed(), "r1", ["r1"]).status is Status.PASS


def _r(prefix: str, protocol: str, *hops: NextHop) -> Route:
    return Route(prefix=prefix, protocol=protocol, next_hops=list(hops))


def test_resolution_follows_a_chain_and_leaves_connected_and_unresolvable_hops() -> None:
    routes = [
        _r("10.1.0.0/31", "connected", NextHop(interface="eth1")),
        _r("10.9.0.0/16", "static", NextHop(ip="10.1.0.1", interface="eth1")),
        _r("10.0.0.4/32", "static", NextHop(ip="10.9.0.9")),  # recursive static
        _r("192.168.4.0/24", "ibgp", NextHop(ip="10.0.0.4")),
        _r("192.168.5.0/24", "bgp", NextHop(ip="10.1.0.1")),  # eBGP, on a connected subnet
        _r("192.168.6.0/24", "ibgp", NextHop(ip="172.16.0.1")),  # no route to it
    ]
    resolve_routes(routes)
    by = {r.prefix: r for r in routes}
    assert [(h.ip, h.interface) for h in by["192.168.4.0/24"].next_hops] == [("10.1.0.1", "eth1")]
    assert by["192.168.4.0/24"].protocol_next_hops == ["10.0.0.4"]
    assert by["192.168.5.0/24"].next_hops == [NextHop(ip="10.1.0.1")]
    assert by["192.168.5.0/24"].protocol_next_hops == []
    assert by["192.168.6.0/24"].next_hops == [NextHop(ip="172.16.0.1")]


def test_resolution_loop_ends() -> None:
    routes = [
        _r("10.0.0.1/32", "static", NextHop(ip="10.0.0.2")),
        _r("10.0.0.2/32", "static", NextHop(ip="10.0.0.1")),
    ]
    resolve_routes(routes)
    assert {h.ip for r in routes for h in r.next_hops} <= {"10.0.0.1", "10.0.0.2"}
