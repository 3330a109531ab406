"""`anycast` on BGP tables recorded in a lab of snapshots/base, where leaf1 (AS 65001) and
leaf2 (AS 65002) both announce the server segment 10.0.100.0/24: spine1 hears both, border1
only the spines' best path (from leaf1), and leaf1 holds its own path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from netval.checks.anycast import Anycast
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import NodeState, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"
SEGMENT = "10.0.100.0/24"


def node(device: str) -> NodeState:
    parser = FrrParser()
    table = (DATA / f"bgp_vrf_all_ipv4_unicast_json_detail_{device}.json").read_text()
    summary = DATA / f"bgp_summary_{device}.json"
    return NodeState(
        name=device,
        bgp_routes=parser.parse("bgp_routes", table),  # type: ignore[arg-type]
        bgp_peers=parser.parse("bgp", summary.read_text()) if summary.exists() else [],  # type: ignore[arg-type]
    )


def judge(devices: list[str], **keys: Any) -> Any:
    spec = Anycast.model_validate({"kind": "anycast", "prefix": SEGMENT, **keys})
    members = spec.members(devices)
    state = State(source="observed", nodes={d: node(d) for d in members})
    return spec.evaluate(state, spec.group_target(), members)


CASES: dict[str, tuple[list[str], dict[str, Any], Status, str]] = {
    "both origins heard": (
        ["spine1"], {"origin_asns": [65001, 65002]}, Status.PASS, "65001, 65002"
    ),
    "a new origin appears": (
        ["spine1"], {"origin_asns": [65001]}, Status.FAIL, "spine1 sees unexpected origin AS 65002"
    ),
    "an origin is missing": (
        ["spine1"],
        {"origin_asns": [65001, 65002, 65003]},
        Status.FAIL,
        "spine1 does not see origin AS 65003",
    ),
    # border1 hears only the spines' best path: naming it a vantage of both origins is wrong
    "a vantage behind a best-path choice": (
        ["border1"],
        {"origin_asns": [65001, 65002]},
        Status.FAIL,
        "border1 does not see origin AS 65002",
    ),
    "originating devices": (
        ["spine1"], {"origin_devices": ["leaf1"]}, Status.PASS, "originated by leaf1"
    ),
    "a device that does not originate it": (
        ["spine1"],
        {"origin_devices": ["leaf1", "border1"]},
        Status.FAIL,
        "border1 no longer originate(s) it",
    ),
    "an unexpected originator": (
        ["spine1", "leaf1"], {"origin_devices": ["border1"]}, Status.FAIL, "leaf1 also originate"
    ),
    # leaf1's own path has an empty AS path: its origin is leaf1's own AS, from the summary
    "own path counts as the local AS": (
        [], {"vantages": ["leaf1"], "origin_asns": [65001]}, Status.PASS, "seen from leaf1"
    ),
    "a vantage without the prefix": (
        [],
        {"prefix": "203.0.113.0/24", "vantages": ["spine1"], "origin_asns": [65001]},
        Status.FAIL,
        "spine1 has no path to 203.0.113.0/24",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_anycast_on_recorded_tables(case: str) -> None:
    devices, keys, status, text = CASES[case]
    outcome = judge(devices, **keys)
    assert outcome.status is status, outcome.message
    assert text in outcome.message


def test_a_device_without_data_is_an_error() -> None:
    spec = Anycast.model_validate(
        {"kind": "anycast", "prefix": SEGMENT, "origin_asns": [65001], "vantages": ["spine1"]}
    )
    state = State(source="observed", nodes={"spine1": NodeState(name="spine1")})
    state.nodes["spine1"].fail("device", "timeout", "cannot collect from spine1: timed out")  # type: ignore[arg-type]
    outcome = spec.evaluate(state, spec.group_target(), ["spine1"])
    assert outcome.status is Status.ERROR
    assert "timed out" in outcome.message


def test_named_vantages_and_origins_are_collected() -> None:
    spec = Anycast.model_validate(
        {"kind": "anycast", "prefix": SEGMENT, "origin_asns": [1], "origin_devices": ["leaf2"],
         "vantages": ["spine2"]}
    )  # fmt: skip
    assert spec.members(["border1"]) == ["border1", "spine2", "leaf2"]


@pytest.mark.parametrize(
    "keys",
    [{}, {"vantages": ["spine1"], "origin_devices": ["leaf1"]}, {"origin_asns": []}],
)
def test_incomplete_expectations_are_input_errors(keys: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Anycast.model_validate({"kind": "anycast", "prefix": SEGMENT, **keys})
