"""Live `reachability` on ping and traceroute output captured in a lab of snapshots/base:
server1 to server3, healthy and with leaf3's server port (eth3) down, and leaf1 to an
address nothing routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netval.checks.reachability import Reachability
from netval.lab.reach import parse_ping, parse_traceroute
from netval.results import Status
from netval.state import NodeState, Probe, State

DATA = Path(__file__).parents[1] / "data" / "probes"


def read(name: str) -> str:
    return (DATA / name).read_text()


def captured(source: str, destination: str, ping: str, trace: str | None) -> Probe:
    probe = parse_ping(source, destination, read(ping))
    if trace is not None:
        probe.hops = parse_traceroute(read(trace))
        probe.reached = bool(probe.hops) and probe.hops[-1] == destination
    return probe


HEALTHY = (
    "server1",
    "10.10.3.10",
    "ping_q_server1_to_server3.txt",
    "traceroute_server1_to_server3.txt",
)
BROKEN = (
    "server1", "10.10.3.10", "ping_q_server1_to_server3_leaf3_eth3_down.txt",
    "traceroute_server1_to_server3_leaf3_eth3_down.txt",
)  # fmt: skip
UNROUTED = (
    "leaf1",
    "10.99.0.1",
    "ping_q_leaf1_to_unrouted.txt",
    "traceroute_leaf1_to_unrouted.txt",
)


def test_ping_totals_and_path_come_from_the_captures() -> None:
    ok = captured(*HEALTHY)
    assert (ok.sent, ok.received, ok.rtt_avg_ms) == (5, 5, 0.161)
    assert ok.hops == ["10.0.100.2", "10.10.254.8", "10.10.254.13", "10.10.3.10"]
    assert ok.reached is True
    broken = captured(*BROKEN)
    assert (broken.sent, broken.received, broken.loss_percent) == (5, 0, 100.0)
    # the silent hops after spine2 fold into one: lost from there on
    assert broken.hops == ["10.0.100.2", "10.10.254.8", None]
    assert broken.reached is False


def judge(probe: Probe, **keys: Any) -> Any:
    spec = Reachability.model_validate(
        {"kind": "reachability", "from": probe.source, "to": probe.destination, **keys}
    )
    state = State(
        source="observed", nodes={probe.source: NodeState(name=probe.source, probes=[probe])}
    )
    return spec.evaluate(state, spec.group_target(), [])


CASES: dict[str, tuple[tuple[str, str, str, str], dict[str, Any], Status, str]] = {
    "healthy": (HEALTHY, {}, Status.PASS, "5 of 5 answered, 0.16 ms average; path 10.0.100.2 > "),
    "port down": (
        BROKEN, {}, Status.FAIL,
        "0 of 5 answered (100% loss, at most 0% allowed); path 10.0.100.2 > 10.10.254.8 > * "
        "(destination not reached)",
    ),
    "must not answer": (
        UNROUTED, {"expect": "failure"}, Status.PASS, "10.99.0.1 does not answer leaf1"
    ),
    "answers though it must not": (HEALTHY, {"expect": "failure"}, Status.FAIL, "answered 5 of 5"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_live_reachability_on_captures(case: str) -> None:
    capture, keys, status, text = CASES[case]
    outcome = judge(captured(*capture), **keys)
    assert outcome.status is status, outcome.message
    assert text in outcome.message


def test_no_route_on_the_source_is_a_failure_not_an_error() -> None:
    probe = parse_ping("leaf1", "10.99.0.1", "ping: connect: Network is unreachable\n")
    outcome = judge(probe)
    assert outcome.status is Status.FAIL
    assert "leaf1 has no route to 10.99.0.1" in outcome.message


def test_garbage_or_no_probe_is_an_error() -> None:
    assert judge(parse_ping("leaf1", "10.0.0.1", "")).status is Status.ERROR
    spec = Reachability.model_validate({"kind": "reachability", "from": "leaf1", "to": "10.0.0.1"})
    outcome = spec.evaluate(State(source="observed"), spec.group_target(), [])
    assert outcome.status is Status.ERROR and "no reachability data from leaf1" in outcome.message


def test_tcp_flows_are_left_to_the_static_gate() -> None:
    spec = Reachability.model_validate(
        {"kind": "reachability", "from": "leaf1", "to": "10.0.0.1", "protocol": "tcp", "port": 443}
    )
    assert spec.probe_request() is None
    outcome = spec.evaluate(State(source="observed"), spec.group_target(), [])
    assert outcome.status is Status.ERROR and "checked by `netval verify`" in outcome.message
