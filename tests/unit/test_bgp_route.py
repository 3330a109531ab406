"""`bgp_route` on FRR's `show bgp vrf all ipv4 unicast json detail`, recorded in a lab of
snapshots/base whose isp1 sets community 64500:100 no-export, large community 64500:1:1 and
MED 50 toward border1 (tests/data/parsers/frr/bgp_vrf_all_*)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from netval.checks.bgp_route import BgpRoute
from netval.live.parsers.base import ParseError
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import BgpRoute as Path_
from netval.state import NodeState, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"


def table(device: str) -> list[Path_]:
    text = (DATA / f"bgp_vrf_all_ipv4_unicast_json_detail_{device}.json").read_text()
    return FrrParser().parse("bgp_routes", text)  # type: ignore[return-value]


def test_paths_carry_every_attribute_frr_shows() -> None:
    default = [p for p in table("border1") if p.prefix == "0.0.0.0/0"]
    assert len(default) == 1
    p = default[0]
    assert (p.peer, p.best, p.next_hop, p.as_path, p.origin) == (
        "192.0.2.1", True, "192.0.2.1", [64500], "igp"
    )  # fmt: skip
    assert (p.med, p.local_pref) == (50, 150)
    assert p.communities == ["64500:100", "no-export"]
    assert p.large_communities == ["64500:1:1"]
    local = next(p for p in table("border1") if p.prefix == "10.10.0.0/16")
    assert local.peer is None and local.best and local.as_path == []


def test_ecmp_paths_are_all_listed_with_the_best_marked() -> None:
    paths = [p for p in table("leaf1") if p.prefix == "10.10.3.0/24"]
    assert len(paths) == 2 and sum(p.best for p in paths) == 1
    assert all(p.multipath for p in paths)
    assert {p.local_pref for p in paths} == {100}  # the table's default, not printed by FRR


@pytest.mark.parametrize("output", ["", "{", '{"routes": []}', '{"default": {"x": 1}}'])
def test_garbage_is_an_error(output: str) -> None:
    with pytest.raises(ParseError):
        FrrParser().parse("bgp_routes", output)


def _judge(device: str, **keys: Any) -> Any:
    spec = BgpRoute.model_validate({"kind": "bgp_route", **keys})
    state = State(
        source="observed", nodes={device: NodeState(name=device, bgp_routes=table(device))}
    )
    return spec.evaluate(state, device, [device])


CASES: dict[str, tuple[str, dict[str, Any], Status, str]] = {
    "attributes hold": (
        "border1",
        {
            "prefix": "0.0.0.0/0",
            "communities": ["64500:100", "NO-EXPORT", "64500:1:1"],
            "local_pref": 150,
            "med": 50,
            "origin": "igp",
            "as_path": [64500],
            "next_hop": "192.0.2.1",
            "peer": "192.0.2.1",
        },
        Status.PASS,
        "AS path 64500",
    ),
    "community missing": (
        "border1",
        {"prefix": "0.0.0.0/0", "communities": ["64500:200"]},
        Status.FAIL,
        "lacks communit(ies) 64500:200",
    ),
    "forbidden community": (
        "border1",
        {"prefix": "0.0.0.0/0", "no_communities": ["no-export"]},
        Status.FAIL,
        "carries forbidden communit(ies) no-export",
    ),
    "local-pref": (
        "border1",
        {"prefix": "0.0.0.0/0", "local_pref": 200},
        Status.FAIL,
        "local-pref is 150, expected 200",
    ),
    "as-path regex": (
        "leaf1",
        {"prefix": "10.10.3.0/24", "as_path_regex": "_65003$"},
        Status.PASS,
        "AS path",
    ),
    "as-path regex fails": (
        "leaf1",
        {"prefix": "10.10.3.0/24", "as_path_regex": "^64500_"},
        Status.FAIL,
        "does not match",
    ),
    "path from an unknown peer": (
        "leaf1",
        {"prefix": "10.10.3.0/24", "peer": "10.10.254.99"},
        Status.FAIL,
        "paths from: 10.10.254.0, 10.10.254.8",
    ),
    "absent as expected": ("border1", {"prefix": "10.0.0.0/8", "present": False}, Status.PASS, ""),
    "present when it must not be": (
        "border1",
        {"prefix": "0.0.0.0/0", "present": False},
        Status.FAIL,
        "is in border1's BGP table",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bgp_route_on_recorded_tables(case: str) -> None:
    device, keys, status, text = CASES[case]
    outcome = _judge(device, **keys)
    assert outcome.status is status, outcome.message
    assert text in outcome.message


@pytest.mark.parametrize(
    "keys",
    [
        {"communities": ["65000"]},
        {"communities": ["70000:1"]},
        {"communities": ["a:b"]},
        {"communities": ["64500:1"], "no_communities": ["64500:1"]},
        {"present": False, "local_pref": 100},
        {"as_path_regex": "(("},
    ],
)
def test_bad_expectations_are_input_errors(keys: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        BgpRoute.model_validate({"kind": "bgp_route", "prefix": "10.0.0.0/8", **keys})
