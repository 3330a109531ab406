"""`bgp_advertised` on FRR's `show bgp vrf all ipv4 unicast neighbors X advertised-routes
json`, recorded in a lab of snapshots/base: leaf1 sends spine1 its loopback and server
segment (route-map to_spine), border1 sends isp1 the fabric's aggregate and loopback, and
spine1 sends leaf1 everything it has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from netval.checks.bgp_advertised import BgpAdvertised
from netval.live.parsers.base import ParseError
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import BgpPeer, BgpState, NodeState, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"
PARSER = FrrParser()
SENT = {
    "leaf1": ("10.10.254.0", "bgp_advertised_leaf1_to_spine1.json"),
    "border1": ("192.0.2.1", "bgp_advertised_border1_to_isp1.json"),
    "spine1": ("10.10.254.1", "bgp_advertised_spine1_to_leaf1.json"),
}


def node(device: str, state: BgpState = BgpState.ESTABLISHED) -> NodeState:
    peer, fixture = SENT[device]
    return NodeState(
        name=device,
        bgp_peers=[BgpPeer(peer=peer, state=state)],
        bgp_advertised=PARSER.parse_peer(  # type: ignore[arg-type]
            "bgp_advertised", peer, (DATA / fixture).read_text()
        ),
    )


def judge(n: NodeState, **keys: Any) -> Any:
    spec = BgpAdvertised.model_validate({"kind": "bgp_advertised", **keys})
    return spec.evaluate(State(source="observed", nodes={n.name: n}), n.name, [n.name])


def test_routes_carry_what_frr_prints() -> None:
    routes = {r.prefix: r for r in node("spine1").bgp_advertised or []}
    assert routes["0.0.0.0/0"].as_path == [65000, 64500]
    assert routes["0.0.0.0/0"].origin == "igp"
    assert routes["10.0.100.0/24"].as_path == [65002]
    assert {r.prefix for r in node("leaf1").bgp_advertised or []} == {
        "10.0.100.0/24",
        "10.10.255.11/32",
    }


CASES: dict[str, tuple[str, dict[str, Any], Status, str]] = {
    "exactly the local nets": (
        "leaf1", {"peer": "10.10.254.0", "prefixes": ["10.0.100.0/24", "10.10.255.11/32"],
                  "only": True}, Status.PASS, "2 prefix(es) sent",
    ),
    "a leak beyond the list": (
        "spine1", {"peer": "10.10.254.1", "prefixes": ["0.0.0.0/0"], "only": True},
        Status.FAIL, "sent but must not be: 10.0.100.0/24",
    ),
    "a forbidden prefix": (
        "spine1", {"peer": "10.10.254.1", "not_prefixes": ["0.0.0.0/0"]}, Status.FAIL,
        "sent but must not be: 0.0.0.0/0",
    ),
    "a prefix not sent": (
        "border1", {"peer": "192.0.2.1", "prefixes": ["10.0.100.0/24"]}, Status.FAIL,
        "not sent: 10.0.100.0/24",
    ),
    "count bounds": (
        "spine1", {"peer": "10.10.254.1", "max_prefixes": 5}, Status.FAIL,
        "8 prefixes sent, expected at most 5",
    ),
    "an unknown peer": (
        "leaf1", {"peer": "10.10.254.99", "min_prefixes": 1}, Status.FAIL,
        "leaf1 has no BGP peer 10.10.254.99 in vrf default (peers: 10.10.254.0)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bgp_advertised_on_recorded_tables(case: str) -> None:
    device, keys, status, text = CASES[case]
    outcome = judge(node(device), **keys)
    assert outcome.status is status, outcome.message
    assert text in outcome.message


def test_a_session_that_is_down_fails() -> None:
    outcome = judge(node("leaf1", BgpState.ACTIVE), peer="10.10.254.0", min_prefixes=0)
    assert outcome.status is Status.FAIL
    assert "the session is active" in outcome.message


def test_frr_warning_is_an_error() -> None:
    text = (DATA / "bgp_advertised_leaf1_no_such_neighbor.json").read_text()
    with pytest.raises(ParseError, match="No such neighbor"):
        PARSER.parse_peer("bgp_advertised", "10.10.254.99", text)


@pytest.mark.parametrize("output", ["", "{", "[]", '{"default": {"x": 1}}'])
def test_garbage_is_an_error(output: str) -> None:
    with pytest.raises(ParseError):
        PARSER.parse_peer("bgp_advertised", "10.0.0.1", output)


@pytest.mark.parametrize(
    "keys",
    [
        {},
        {"only": True},
        {"prefixes": ["10.0.0.0/8"], "not_prefixes": ["10.0.0.0/8"]},
        {"min_prefixes": 3, "max_prefixes": 2},
        {"prefixes": ["10.0.0.0/8", "10.1.0.0/16"], "only": True, "max_prefixes": 1},
    ],
)
def test_contradictions_are_input_errors(keys: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        BgpAdvertised.model_validate({"kind": "bgp_advertised", "peer": "10.0.0.1", **keys})
