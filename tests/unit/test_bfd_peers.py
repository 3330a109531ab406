"""`bfd_peers` on FRR output recorded in a lab of snapshots/base with BFD on leaf1's session
to spine1: up, then with spine1's bfdd frozen (SIGSTOP), when leaf1 saw the session go down
("control detection time expired") while BGP stayed Established."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netval.checks.bfd import BfdPeers
from netval.live.parsers.base import ParseError
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import NodeState, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"
PARSER = FrrParser()


def leaf1(down: bool) -> NodeState:
    bfd = "bfd_peers_leaf1_peer_down.json" if down else "bfd_peers_leaf1.json"
    bgp = (
        "bgp_vrf_all_neighbors_leaf1_bfd_down.json" if down else "bgp_vrf_all_neighbors_leaf1.json"
    )
    return NodeState(
        name="leaf1",
        bfd_peers=PARSER.parse("bfd", (DATA / bfd).read_text()),  # type: ignore[arg-type]
        bgp_neighbors=PARSER.parse("bgp_neighbors", (DATA / bgp).read_text()),  # type: ignore[arg-type]
    )


def judge(node: NodeState, **keys: Any) -> Any:
    spec = BfdPeers.model_validate({"kind": "bfd_peers", **keys})
    return spec.evaluate(State(source="observed", nodes={node.name: node}), node.name, [node.name])


def test_frr_sessions_and_bgps_view_are_read() -> None:
    up, down = leaf1(False), leaf1(True)
    assert [(s.peer, s.status, s.interface) for s in up.bfd_peers or []] == [
        ("10.10.254.0", "up", "eth1")
    ]
    assert (down.bfd_peers or [])[0].diagnostic == "control detection time expired"
    assert {n.peer: n.bfd for n in down.bgp_neighbors or []} == {
        "10.10.254.0": "down",
        "10.10.254.8": None,
    }


def test_session_up() -> None:
    outcome = judge(leaf1(False), peers=["10.10.254.0"])
    assert outcome.status is Status.PASS, outcome.message
    assert "1 BFD session(s) up: 10.10.254.0" in outcome.message


def test_session_down_fails_with_the_reason() -> None:
    outcome = judge(leaf1(True))
    assert outcome.status is Status.FAIL
    assert "BFD to 10.10.254.0 is down (control detection time expired)" in outcome.message


def test_bfdd_not_running_fails_on_bgps_configuration() -> None:
    node = leaf1(True)
    node.bfd_peers = PARSER.parse("bfd", "bfdd is not running")  # type: ignore[assignment]
    assert node.bfd_peers == []
    outcome = judge(node, min_peers=0)
    assert outcome.status is Status.FAIL
    assert "BGP neighbor 10.10.254.0 has BFD configured but bfdd has no session" in outcome.message


def test_a_listed_peer_without_a_session_fails() -> None:
    outcome = judge(leaf1(False), peers=["10.10.254.8"])
    assert outcome.status is Status.FAIL
    assert "no BFD session to 10.10.254.8" in outcome.message


def test_no_session_at_all_is_not_a_pass() -> None:
    outcome = judge(NodeState(name="leaf2", bfd_peers=[], bgp_neighbors=[]))
    assert outcome.status is Status.FAIL
    assert "0 BFD session(s) up, expected at least 1" in outcome.message


@pytest.mark.parametrize("output", ["", "[", "{}", '[{"peer": "10.0.0.1"}]'])
def test_garbage_is_an_error(output: str) -> None:
    with pytest.raises(ParseError):
        PARSER.parse("bfd", output)


@pytest.mark.parametrize("output", ["", "[]", '{"default": {"10.0.0.1": {"x": 1}}}'])
def test_bgp_neighbors_garbage_is_an_error(output: str) -> None:
    with pytest.raises(ParseError):
        PARSER.parse("bgp_neighbors", output)
