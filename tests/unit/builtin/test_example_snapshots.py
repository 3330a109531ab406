"""The example network: every documented candidate-bad mistake is found, base/good are clean."""

from __future__ import annotations

from functools import cache

import pytest

from netval.static.builtin import BuiltinEngine
from netval.static.engine import RouteInput
from tests.unit.builtin.conftest import SNAPSHOTS

BOGONS = ["10.0.0.0/8:8-32", "192.168.0.0/16:16-32", "172.16.0.0/12:12-32", "127.0.0.0/8:8-32"]


@cache
def engine(name: str) -> BuiltinEngine:
    return BuiltinEngine(SNAPSHOTS / name)


@pytest.mark.parametrize("snap", ["base", "candidate-good", "candidate-bad"])
def test_every_file_parses(snap: str) -> None:
    rows = engine(snap).file_parse_status().rows
    assert len(rows) == 7
    assert {r["Status"] for r in rows} == {"PASSED"}
    assert {r["File_Format"] for r in rows} == {"CUMULUS_CONCATENATED"}
    assert engine(snap).init_issues().rows == []


def test_candidate_bad_undefined_bogon() -> None:
    rows = engine("candidate-bad").undefined_references().rows
    assert rows == [
        {
            "File_Name": "configs/border1",
            "Struct_Type": "ip prefix-list",
            "Ref_Name": "BOGON",
            "Context": "route-map match ip prefix-list",
            "Lines": {"filename": "configs/border1", "lines": [86]},
        }
    ]
    unused = engine("candidate-bad").unused_structures().rows
    assert [(r["Structure_Type"], r["Structure_Name"]) for r in unused] == [
        ("ip prefix-list", "BOGONS")
    ]


@pytest.mark.parametrize("snap", ["base", "candidate-good"])
def test_good_snapshots_have_no_reference_problems(snap: str) -> None:
    assert engine(snap).undefined_references().rows == []
    assert engine(snap).unused_structures().rows == []


def _status(snap: str) -> dict[tuple[str, str], str]:
    return {
        (r["Node"]["name"], r["Remote_IP"]["value"]): r["Configured_Status"]
        for r in engine(snap).bgp_session_compatibility().rows
    }


def test_candidate_bad_leaf3_spine2_not_compatible() -> None:
    status = _status("candidate-bad")
    assert len(status) == 18
    assert status[("leaf3", "10.10.254.12")] != "UNIQUE_MATCH"
    assert status[("spine2", "10.10.254.13")] != "UNIQUE_MATCH"
    assert status[("leaf3", "10.10.254.12")] == "HALF_OPEN"
    others = {
        k: v
        for k, v in status.items()
        if k not in {("leaf3", "10.10.254.12"), ("spine2", "10.10.254.13")}
    }
    assert set(others.values()) == {"UNIQUE_MATCH"}


@pytest.mark.parametrize("snap", ["base", "candidate-good"])
def test_good_snapshots_all_sessions_unique(snap: str) -> None:
    status = _status(snap)
    assert len(status) == 18 and set(status.values()) == {"UNIQUE_MATCH"}


def test_unique_match_row_shape() -> None:
    row = next(
        r
        for r in engine("base").bgp_session_compatibility().rows
        if r["Node"]["name"] == "leaf1" and r["Remote_IP"]["value"] == "10.10.254.0"
    )
    assert row == {
        "Node": {"name": "leaf1"},
        "VRF": "default",
        "Local_AS": 65001,
        "Local_Interface": None,
        "Local_IP": "10.10.254.1",
        "Remote_AS": "65101",
        "Remote_Node": {"name": "spine1"},
        "Remote_Interface": None,
        "Remote_IP": {"schema": "Ip", "value": "10.10.254.0"},
        "Address_Families": ["IPV4_UNICAST"],
        "Session_Type": "EBGP_SINGLEHOP",
        "Configured_Status": "UNIQUE_MATCH",
    }


def _actions(snap: str, policy: str, direction: str, routes: list[RouteInput]) -> list[str]:
    answer = engine(snap).test_route_policies("border1", policy, direction, routes)
    return [r["Action"] for r in answer.rows]


@pytest.mark.parametrize(
    "snap,expected", [("base", "DENY"), ("candidate-good", "DENY"), ("candidate-bad", "PERMIT")]
)
def test_to_isp_more_specific(snap: str, expected: str) -> None:
    routes = [RouteInput("10.10.3.0/24"), RouteInput("10.0.100.0/24"), RouteInput("10.10.0.0/16")]
    actions = _actions(snap, "to_isp", "out", routes)
    assert actions == [expected, expected, "PERMIT"]


@pytest.mark.parametrize(
    "snap,expected", [("base", "DENY"), ("candidate-good", "DENY"), ("candidate-bad", "PERMIT")]
)
def test_from_isp_bogons(snap: str, expected: str) -> None:
    routes = [
        RouteInput("10.0.0.0/8", as_path=(64500,)),
        RouteInput("192.168.0.0/16", as_path=(64500,)),
    ]
    assert _actions(snap, "from_isp", "in", routes) == [expected, expected]


def test_from_isp_documented_table() -> None:
    # README: what border1 must do with isp1's routes (base), entry by entry.
    cases = [
        (RouteInput("0.0.0.0/0", as_path=(64500,)), "PERMIT"),
        (RouteInput("198.51.100.0/24", as_path=(64500,)), "PERMIT"),
        (RouteInput("203.0.113.0/24", as_path=(64500,)), "PERMIT"),
        (RouteInput("10.0.0.0/8", as_path=(64500,)), "DENY"),
        (RouteInput("198.18.0.0/24", as_path=(64500, 65222)), "DENY"),
        (RouteInput("198.19.0.0/24", as_path=(64500,), communities=("64500:666",)), "DENY"),
        (RouteInput("192.0.2.255/32", as_path=(64500,)), "DENY"),
    ]
    answer = engine("base").test_route_policies("border1", "from_isp", "in", [c[0] for c in cases])
    assert [r["Action"] for r in answer.rows] == [c[1] for c in cases]
    permitted = answer.rows[0]
    assert permitted["Output_Route"]["localPreference"] == 150
    assert permitted["Difference"] == {
        "diffs": [{"fieldName": "localPreference", "oldValue": "100", "newValue": "150"}]
    }
    assert "from_isp clause 40" in permitted["Trace"][0]["traceElement"]["fragments"][0]["text"]


@pytest.mark.parametrize("snap", ["base", "candidate-good", "candidate-bad"])
def test_search_to_isp_more_specifics(snap: str) -> None:
    e = engine(snap)
    answer = e.search_route_policies("border1", "to_isp", "out", ["10.0.0.0/8:17-32"], "permit")
    rows = answer.rows
    if snap == "candidate-bad":
        assert len(rows) == 1 and rows[0]["Action"] == "PERMIT"
        net = rows[0]["Input_Route"]["network"]
        check = e.test_route_policies("border1", "to_isp", "out", [RouteInput(net)]).rows
        assert check[0]["Action"] == "PERMIT"
    else:
        assert rows == [] and answer.complete  # a proof: no prefix in the space


@pytest.mark.parametrize("snap", ["base", "candidate-good", "candidate-bad"])
def test_search_from_isp_bogons(snap: str) -> None:
    e = engine(snap)
    answer = e.search_route_policies("border1", "from_isp", "in", BOGONS, "permit")
    rows = answer.rows
    if snap == "candidate-bad":
        assert rows and rows[0]["Output_Route"]["localPreference"] == 150
    else:
        # clause 10 denies every bogon on its prefix alone, before the clauses that match
        # AS paths and communities: a proof, not a sample
        assert rows == [] and answer.complete, answer.notes
