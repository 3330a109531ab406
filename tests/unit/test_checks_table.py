"""Check kinds as data tables: (catalog entry, state, expected status, message fragment).

Each row is one behaviour a network engineer would state in words; the expected status
comes from that statement, not from running the code.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from netval.catalog import AnyCheck
from netval.checks.base import evaluate
from netval.results import Status
from netval.state import State

PEER_UP = {
    "peer": "10.0.0.1",
    "remote_as": 65101,
    "state": "established",
    "prefixes_received": 5,
    "uptime_seconds": 3600,
}
PEER_IDLE = {"peer": "10.0.0.3", "remote_as": 65102, "state": "idle"}
ECMP2 = {
    "prefix": "10.10.3.0/24",
    "protocol": "bgp",
    "selected": True,
    "next_hops": [
        {"ip": "10.0.0.1", "active": True, "fib": True},
        {"ip": "10.0.0.3", "active": True, "fib": True},
    ],
}
ECMP_HALF_FIB = {
    **ECMP2,
    "next_hops": [
        {"ip": "10.0.0.1", "active": True, "fib": True},
        {"ip": "10.0.0.3", "active": True, "fib": False},
    ],
}
DEFAULT = {
    "prefix": "0.0.0.0/0",
    "protocol": "bgp",
    "selected": True,
    "next_hops": [{"ip": "192.0.2.1", "active": True, "fib": True}],
}

# as the engines predict them (Batfish's protocol names)
PREDICTED_IBGP = {**DEFAULT, "protocol": "ibgp", "bgp_kind": "ibgp"}
PREDICTED_EBGP = {**DEFAULT, "protocol": "bgp", "bgp_kind": "ebgp"}
PREDICTED_OSPF_E2 = {**DEFAULT, "protocol": "ospfE2"}


def _route_row(
    name: str, protocol: str, route: dict[str, Any], status: Status, message: str = ""
) -> tuple[str, dict[str, Any], dict[str, dict[str, Any]], str, Status, str]:
    check = {"kind": "routes", "prefix": "0.0.0.0/0", "protocol": protocol}
    return (name, check, {"r1": {"routes": [route]}}, "r1", status, message)


# (id, check, {device: node fields}, target, expected status, message fragment)
CASES: list[tuple[str, dict[str, Any], dict[str, dict[str, Any]], str, Status, str]] = [
    (
        "bgp all up",
        {"kind": "bgp_sessions"},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.PASS,
        "1 session(s) established",
    ),
    (
        "bgp one idle",
        {"kind": "bgp_sessions"},
        {"r1": {"bgp_peers": [PEER_UP, PEER_IDLE]}},
        "r1",
        Status.FAIL,
        "10.0.0.3 (AS 65102) is idle, expected established",
    ),
    (
        "bgp remote_as naming a peer the device lacks",
        {"kind": "bgp_sessions", "remote_as": {"10.0.0.1": 65101, "10.9.9.9": 65109}},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "peer 10.9.9.9 (named in remote_as) is not configured",
    ),
    _route_row("bgp covers a predicted ibgp route", "bgp", PREDICTED_IBGP, Status.PASS),
    _route_row("ibgp matches a predicted ibgp route", "ibgp", PREDICTED_IBGP, Status.PASS),
    _route_row("ebgp matches a predicted ebgp route", "ebgp", PREDICTED_EBGP, Status.PASS),
    _route_row("ibgp is not an ebgp route", "ibgp", PREDICTED_EBGP, Status.FAIL, "expected ibgp"),
    _route_row(
        "ibgp cannot be told on a device that does not show it",
        "ibgp",
        DEFAULT,
        Status.ERROR,
        "is iBGP or eBGP",
    ),
    _route_row("ospf covers a predicted external route", "ospf", PREDICTED_OSPF_E2, Status.PASS),
    _route_row("static is not ospf", "static", PREDICTED_OSPF_E2, Status.FAIL, "expected static"),
    (
        "bgp no peers is no data",
        {"kind": "bgp_sessions"},
        {"r1": {"bgp_peers": []}},
        "r1",
        Status.ERROR,
        "reports no BGP peers",
    ),
    (
        "bgp not collected",
        {"kind": "bgp_sessions"},
        {"r1": {"errors": {"bgp": "output unusable"}}},
        "r1",
        Status.ERROR,
        "output unusable",
    ),
    (
        "bgp device unreachable",
        {"kind": "bgp_sessions"},
        {"r1": {"errors": {"device": "cannot collect from r1: timed out"}}},
        "r1",
        Status.ERROR,
        "timed out",
    ),
    (
        "bgp listed peer missing",
        {"kind": "bgp_sessions", "peers": ["10.0.0.9"]},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "peer 10.0.0.9 is not configured",
    ),
    (
        "bgp wrong remote as",
        {"kind": "bgp_sessions", "remote_as": {"10.0.0.1": 65999}},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "remote AS 65101, expected 65999",
    ),
    (
        "bgp too few prefixes",
        {"kind": "bgp_sessions", "expect": {"min_prefixes_received": 10}},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "sent 5 prefixes, expected at least",
    ),
    (
        "bgp too many prefixes",
        {"kind": "bgp_sessions", "expect": {"max_prefixes_received": 4}},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "expected at most 4",
    ),
    (
        "bgp recent reset",
        {"kind": "bgp_sessions", "expect": {"no_reset_within": "2h"}},
        {"r1": {"bgp_peers": [PEER_UP]}},
        "r1",
        Status.FAIL,
        "was reset 3600 s ago",
    ),
    (
        "ecmp two paths",
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "min_paths": 2},
        {"r1": {"routes": [ECMP2]}},
        "r1",
        Status.PASS,
        "via 2 paths",
    ),
    (
        "ecmp exact next hops",
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "next_hops": ["10.0.0.3", "10.0.0.1"]},
        {"r1": {"routes": [ECMP2]}},
        "r1",
        Status.PASS,
        "",
    ),
    (
        "ecmp one not in fib",
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "paths": 2},
        {"r1": {"routes": [ECMP_HALF_FIB]}},
        "r1",
        Status.FAIL,
        "not in FIB: 10.0.0.3",
    ),
    (
        "ecmp rib only passes",
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "paths": 2, "fib": False},
        {"r1": {"routes": [ECMP_HALF_FIB]}},
        "r1",
        Status.PASS,
        "",
    ),
    (
        "ecmp no route",
        {"kind": "ecmp", "prefix": "10.10.9.0/24", "min_paths": 1},
        {"r1": {"routes": [ECMP2]}},
        "r1",
        Status.FAIL,
        "no selected route to 10.10.9.0/24",
    ),
    (
        "routes present",
        {"kind": "routes", "prefix": "0.0.0.0/0", "protocol": "bgp", "next_hop": "192.0.2.1"},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.PASS,
        "",
    ),
    (
        "routes wrong protocol",
        {"kind": "routes", "prefix": "0.0.0.0/0", "protocol": "static"},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.FAIL,
        "protocol bgp, expected static",
    ),
    (
        "routes must be absent",
        {"kind": "routes", "prefix": "0.0.0.0/0", "present": False},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.FAIL,
        "expected absent",
    ),
    (
        "routes absent ok",
        {"kind": "routes", "prefix": "10.0.0.0/8", "present": False},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.PASS,
        "",
    ),
    (
        "interfaces admin down",
        {"kind": "interfaces"},
        {
            "r1": {
                "interfaces": [
                    {"name": "eth1", "admin_up": True, "oper_up": True},
                    {"name": "eth2", "admin_up": False, "oper_up": False},
                ]
            }
        },
        "r1",
        Status.FAIL,
        "eth2 is admin down",
    ),
    (
        "interfaces oper down",
        {"kind": "interfaces", "interfaces": ["eth1"]},
        {"r1": {"interfaces": [{"name": "eth1", "admin_up": True, "oper_up": False}]}},
        "r1",
        Status.FAIL,
        "eth1 is oper down",
    ),
    (
        "interfaces excluded vrrp macvlan",
        {"kind": "interfaces"},
        {
            "r1": {
                "interfaces": [
                    {"name": "eth1", "admin_up": True, "oper_up": True},
                    {"name": "vrrp4-4-10", "admin_up": True, "oper_up": False},
                ]
            }
        },
        "r1",
        Status.PASS,
        "1 interface(s) up",
    ),
]

CASES += [
    (
        "routes v6 absent is unknown on a v4-only table",
        {"kind": "routes", "prefix": "2001:db8:99::/48", "present": False},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.ERROR,
        "no IPv6 routing table data",
    ),
    (
        "routes unknown vrf is no data",
        {"kind": "routes", "prefix": "0.0.0.0/0", "vrf": "red"},
        {"r1": {"routes": [DEFAULT]}},
        "r1",
        Status.ERROR,
        "no routes of vrf 'red'",
    ),
    (
        "ecmp unknown vrf is no data",
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "min_paths": 2, "vrf": "blue"},
        {"r1": {"routes": [ECMP2]}},
        "r1",
        Status.ERROR,
        "no routes of vrf 'blue'",
    ),
]

VRRP_M = {
    "interface": "eth3",
    "vrid": 10,
    "role": "master",
    "priority": 200,
    "vips": ["10.0.100.1"],
}
VRRP_B = {**VRRP_M, "role": "backup", "priority": 100}
VRRP_CHECK = {
    "kind": "vrrp",
    "interface": "eth3",
    "vrid": 10,
    "master": "leaf1",
    "backups": ["leaf2"],
    "vips": ["10.0.100.1"],
}
CASES += [
    (
        "vrrp expected master",
        VRRP_CHECK,
        {"leaf1": {"vrrp": [VRRP_M]}, "leaf2": {"vrrp": [VRRP_B]}},
        "eth3/10",
        Status.PASS,
        "master leaf1",
    ),
    (
        "vrrp master moved",
        VRRP_CHECK,
        {"leaf1": {"vrrp": [VRRP_B]}, "leaf2": {"vrrp": [VRRP_M]}},
        "eth3/10",
        Status.FAIL,
        "master is leaf2, expected leaf1",
    ),
    (
        "vrrp two masters",
        VRRP_CHECK,
        {"leaf1": {"vrrp": [VRRP_M]}, "leaf2": {"vrrp": [VRRP_M]}},
        "eth3/10",
        Status.FAIL,
        "2 masters",
    ),
    (
        "vrrp wrong vip",
        {**VRRP_CHECK, "vips": ["10.0.100.254"]},
        {"leaf1": {"vrrp": [VRRP_M]}, "leaf2": {"vrrp": [VRRP_B]}},
        "eth3/10",
        Status.FAIL,
        "expected ['10.0.100.254']",
    ),
    (
        "vrrp priority",
        {**VRRP_CHECK, "priority": {"leaf1": 250}},
        {"leaf1": {"vrrp": [VRRP_M]}, "leaf2": {"vrrp": [VRRP_B]}},
        "eth3/10",
        Status.FAIL,
        "leaf1 has priority 200, expected 250",
    ),
    (
        "vrrp member unreachable",
        VRRP_CHECK,
        {"leaf1": {"vrrp": [VRRP_M]}, "leaf2": {"errors": {"device": "refused"}}},
        "eth3/10",
        Status.ERROR,
        "refused",
    ),
]


@pytest.mark.parametrize(
    ("check", "nodes", "target", "status", "fragment"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_check_table(
    check: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    target: str,
    status: Status,
    fragment: str,
) -> None:
    spec = TypeAdapter(AnyCheck).validate_python(check)
    state = State.model_validate(
        {"source": "observed", "nodes": {n: {"name": n, **v} for n, v in nodes.items()}}
    )
    devices = sorted(nodes) if spec.scope == "group" else [target]
    outcome = evaluate(spec, state, target, devices)
    assert outcome.status is status, outcome.message
    assert fragment in outcome.message


def test_same_check_on_predicted_state() -> None:
    """Checks never know the source: a predicted state gives the same verdict."""
    spec = TypeAdapter(AnyCheck).validate_python(
        {"kind": "ecmp", "prefix": "10.10.3.0/24", "min_paths": 2}
    )
    for source in ("observed", "predicted"):
        state = State.model_validate(
            {"source": source, "nodes": {"r1": {"name": "r1", "routes": [ECMP2]}}}
        )
        assert evaluate(spec, state, "r1", ["r1"]).status is Status.PASS


class _ParseEngine:
    """Batfish's answer shapes for fileParseStatus/initIssues, as the tests set them."""

    name = "table"

    def __init__(self, status: list[dict[str, Any]], issues: list[dict[str, Any]]) -> None:
        self._status, self._issues = status, issues

    def file_parse_status(self) -> Any:
        from netval.static.engine import Answer

        return Answer("fileParseStatus", ["File_Name", "Status"], self._status)

    def init_issues(self) -> Any:
        from netval.static.engine import Answer

        return Answer("initIssues", ["Source_Lines", "Line_Text"], self._issues)


@pytest.mark.parametrize(
    ("patterns", "line_texts", "status"),
    [
        ([], [" vrrp 10 priority 200"], Status.FAIL),
        ([r"^\s*vrrp \d+"], [" vrrp 10 priority 200", " vrrp 10 ip 10.0.100.1"], Status.PASS),
        ([r"^\s*vrrp \d+"], [" vrrp 10 priority 200", " bogus command"], Status.FAIL),
    ],
)
def test_parse_tolerates_only_listed_unrecognized_lines(
    patterns: list[str], line_texts: list[str], status: Status
) -> None:
    from netval.checks.static_eval import eval_parse

    engine = _ParseEngine(
        [
            {"File_Name": "configs/leaf1", "Status": "PARTIALLY_UNRECOGNIZED"},
            {"File_Name": "configs/leaf2", "Status": "PASSED"},
        ],
        [
            {"Source_Lines": [{"filename": "configs/leaf1", "lines": [27 + i]}], "Line_Text": t}
            for i, t in enumerate(line_texts)
        ],
    )
    outcome = eval_parse(engine, False, patterns, [], [])  # type: ignore[arg-type]
    assert outcome.status is status, outcome.message
    if status is Status.FAIL:
        assert "configs/leaf1" in outcome.message


@pytest.mark.parametrize(
    ("source", "status", "fragment"),
    [
        ("observed", Status.ERROR, "did not report the received-prefix count of 10.0.0.1"),
        ("predicted", Status.SKIP, "the engine does not predict received-prefix count"),
    ],
)
def test_unknown_prefix_counts_are_no_data_never_a_failure(
    source: str, status: Status, fragment: str
) -> None:
    spec = TypeAdapter(AnyCheck).validate_python(
        {"kind": "bgp_sessions", "expect": {"min_prefixes_received": 1}}
    )
    peer = {**PEER_UP, "prefixes_received": None}
    state = State.model_validate(
        {"source": source, "nodes": {"r1": {"name": "r1", "bgp_peers": [peer]}}}
    )
    outcome = evaluate(spec, state, "r1", ["r1"])
    assert outcome.status is status, outcome.message
    assert fragment in outcome.message


def test_unknown_prefix_counts_do_not_hide_a_down_session() -> None:
    spec = TypeAdapter(AnyCheck).validate_python(
        {"kind": "bgp_sessions", "expect": {"min_prefixes_received": 1}}
    )
    state = State.model_validate(
        {"source": "predicted", "nodes": {"r1": {"name": "r1", "bgp_peers": [PEER_IDLE]}}}
    )
    assert evaluate(spec, state, "r1", ["r1"]).status is Status.FAIL


class _SearchEngine:
    """A searchRoutePolicies answer as an engine gives it: no rows, complete or not."""

    name = "table"

    def __init__(self, complete: bool) -> None:
        self.complete = complete

    def policies(self, node: str) -> list[str]:
        return ["from_isp"]

    def search_route_policies(self, *args: Any) -> Any:
        from netval.static.engine import Answer

        notes = [] if self.complete else ["sampled, not covered: communities"]
        return Answer("searchRoutePolicies", [], [], complete=self.complete, notes=notes)


@pytest.mark.parametrize(("complete", "status"), [(True, Status.PASS), (False, Status.ERROR)])
def test_an_empty_sampled_search_is_never_a_pass(complete: bool, status: Status) -> None:
    from netval.checks.static_eval import eval_route_policy_search

    outcome = eval_route_policy_search(
        _SearchEngine(complete),  # type: ignore[arg-type]
        "border1",
        "from_isp",
        "in",
        ["10.0.0.0/8:8-32"],
        "permit",
        None,
        None,
    )
    assert outcome.status is status, outcome.message
    if not complete:
        assert "not exhaustive" in outcome.message and "communities" in outcome.message
