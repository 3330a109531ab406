"""IPv6 on the live side, on FRR output recorded in a dual-stack lab: snapshots/base plus an
IPv6 session between leaf1 (2001:db8:254::1) and spine1 (2001:db8:254::) over which leaf1
announces 2001:db8:255::11/128 (tests/integration/test_live_ipv6.py builds that network)."""

from __future__ import annotations

import json
from pathlib import Path

from netval.checks.bgp import BgpSessions
from netval.checks.bgp_advertised import BgpAdvertised
from netval.checks.ecmp import Ecmp
from netval.checks.routes import Routes
from netval.live.parsers.frr import CMD_ROUTES6, FrrParser
from netval.results import Status
from netval.state import BgpPeer, NodeState, Route, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"
PARSER = FrrParser()
LOOPBACK6 = "2001:db8:255::11/128"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_ipv6_routes_come_from_their_own_command_in_the_same_shape() -> None:
    assert "ipv6" in CMD_ROUTES6 and "routes" in PARSER.extra_commands
    routes = [
        r
        for r in PARSER.parse_command(
            "routes", CMD_ROUTES6, read("ipv6_route_dual_stack_spine1.json")
        )
        if isinstance(r, Route)
    ]
    raw = json.loads(read("ipv6_route_dual_stack_spine1.json"))[LOOPBACK6][0]
    bgp = next(r for r in routes if r.prefix == LOOPBACK6)
    assert bgp.protocol == "bgp" and bgp.fib is raw["installed"]
    # eBGP over IPv6 resolves to the peer's link-local address on the interface
    assert [(h.ip, h.interface) for h in bgp.next_hops] == [
        (h.get("ip"), h.get("interfaceName")) for h in raw["nexthops"]
    ]
    assert bgp.next_hops[0].ip is not None and bgp.next_hops[0].ip.startswith("fe80::")


def test_routes_and_ecmp_on_an_ipv6_prefix() -> None:
    routes = PARSER.parse("routes", read("ip_route_leaf1.json")) + PARSER.parse_command(
        "routes", CMD_ROUTES6, read("ipv6_route_dual_stack_spine1.json")
    )
    state = State(source="observed", nodes={"spine1": NodeState(name="spine1", routes=routes)})  # type: ignore[arg-type]
    present = Routes.model_validate({"kind": "routes", "prefix": LOOPBACK6, "protocol": "bgp"})
    assert present.evaluate(state, "spine1", ["spine1"]).status is Status.PASS
    ecmp = Ecmp.model_validate({"kind": "ecmp", "prefix": LOOPBACK6, "paths": 2})
    outcome = ecmp.evaluate(state, "spine1", ["spine1"])
    assert outcome.status is Status.FAIL
    assert "1 path(s), expected exactly 2 — via fe80::" in outcome.message


def test_a_device_without_ipv6_data_is_an_error_not_absent() -> None:
    state = State(
        source="observed",
        nodes={
            "leaf1": NodeState(
                name="leaf1", routes=PARSER.parse("routes", read("ip_route_leaf1.json"))
            )
        },  # type: ignore[arg-type]
    )
    absent = Routes.model_validate({"kind": "routes", "prefix": LOOPBACK6, "present": False})
    outcome = absent.evaluate(state, "leaf1", ["leaf1"])
    assert outcome.status is Status.ERROR
    assert "no IPv6 routing table data" in outcome.message


def test_ipv6_session_counts_and_peer_spelling() -> None:
    peers = [
        p
        for p in PARSER.parse("bgp", read("bgp_summary_dual_stack_leaf1.json"))
        if isinstance(p, BgpPeer)
    ]
    state = State(source="observed", nodes={"leaf1": NodeState(name="leaf1", bgp_peers=peers)})
    spec = BgpSessions.model_validate(
        {"kind": "bgp_sessions", "peers": ["2001:DB8:254::0"],
         "remote_as": {"2001:db8:254:0::": 65101}, "expect": {"min_prefixes_sent": 1}}
    )  # fmt: skip
    assert spec.peers == ["2001:db8:254::"]
    assert spec.evaluate(state, "leaf1", ["leaf1"]).status is Status.PASS


def test_advertised_over_ipv6_and_a_session_that_is_down() -> None:
    peer = "2001:db8:254::"
    assert "ipv6 unicast" in PARSER.peer_command("bgp_advertised", peer)
    assert "ipv4 unicast" in PARSER.peer_command("bgp_advertised", "10.10.254.0")
    sent = PARSER.parse_peer(
        "bgp_advertised", peer, read("bgp_advertised_dual_stack_leaf1_to_spine1_v6.json")
    )
    assert [r.prefix for r in sent] == [LOOPBACK6]  # type: ignore[union-attr]
    down = PARSER.parse_peer(
        "bgp_advertised", peer, read("bgp_advertised_dual_stack_leaf1_session_down.json")
    )
    assert down == []
    peers = PARSER.parse("bgp", read("bgp_summary_dual_stack_leaf1_v6_down.json"))
    state = State(
        source="observed",
        nodes={"leaf1": NodeState(name="leaf1", bgp_peers=peers, bgp_advertised=down)},  # type: ignore[arg-type]
    )
    spec = BgpAdvertised.model_validate(
        {"kind": "bgp_advertised", "peer": peer, "prefixes": [LOOPBACK6]}
    )
    outcome = spec.evaluate(state, "leaf1", ["leaf1"])
    assert outcome.status is Status.FAIL
    assert f"not sent: {LOOPBACK6}" in outcome.message and "the session is" in outcome.message
