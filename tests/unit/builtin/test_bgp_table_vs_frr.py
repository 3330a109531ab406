"""The built-in engine's predicted BGP tables against FRR's own, recorded in a lab of
snapshots/base whose isp1 tagged its routes to border1 with community 64500:100 no-export,
large community 64500:1:1 and MED 50 (tests/data/parsers/frr/bgp_vrf_all_*, the tables
tests/unit/test_bgp_route.py reads). The snapshot is rebuilt with that isp1 policy.

Every path FRR holds is predicted, and every predicted path is one FRR holds, with the
same attributes; what the engine cannot know (which of two eBGP paths equal up to their
age is best, large communities, a received MED of 0 against no MED) is allowed to differ
only where the prediction says so, and a check on it is an error."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from netval.checks.anycast import Anycast
from netval.checks.base import evaluate
from netval.checks.bgp_route import BgpRoute
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import BgpRoute as Path_
from netval.state import State
from netval.static.builtin.engine import BuiltinEngine
from tests.conftest import DATA, SNAPSHOTS

FRR = DATA / "parsers" / "frr"
RECORDED = ("spine1", "border1", "leaf1")
PLAIN = "route-map to_customer permit 30\n match ip address prefix-list ISP_ORIGINATED\n"
TAGGED = (
    f"{PLAIN} set community 64500:100 no-export\n set large-community 64500:1:1\n set metric 50\n"
)


@pytest.fixture(scope="module")
def predicted(tmp_path_factory: pytest.TempPathFactory) -> State:
    snap = tmp_path_factory.mktemp("tagged") / "snap"
    shutil.copytree(SNAPSHOTS / "base", snap)
    isp1 = snap / "configs" / "isp1"
    text = isp1.read_text()
    assert PLAIN in text
    isp1.write_text(text.replace(PLAIN, TAGGED))
    engine = BuiltinEngine(snap)
    return engine.state({d: ("bgp_routes", "bgp") for d in engine.nodes()})


def observed(device: str) -> list[Path_]:
    text = (FRR / f"bgp_vrf_all_ipv4_unicast_json_detail_{device}.json").read_text()
    return FrrParser().parse("bgp_routes", text)  # type: ignore[return-value]


def _key(p: Path_) -> tuple[str, str, str | None]:
    return (p.vrf, p.prefix, p.peer)


@pytest.mark.parametrize("device", RECORDED)
def test_every_path_and_attribute_frr_holds_is_predicted(predicted: State, device: str) -> None:
    seen = {_key(p): p for p in observed(device)}
    node = predicted.nodes[device]
    assert node.errors == {} and node.bgp_routes is not None
    pred = {_key(p): p for p in node.bgp_routes}
    assert sorted(pred, key=str) == sorted(seen, key=str)
    for key, want in seen.items():
        got = pred[key]
        assert got.tied or got.best == want.best, key
        for field in ("next_hop", "as_path", "origin", "local_pref", "communities", "valid"):
            assert getattr(got, field) == getattr(want, field), (key, field)
        # the engine keeps an unsent MED as 0 (best-path treats both alike)
        assert got.med == want.med or (got.med == 0 and want.med is None and got.peer), key
        assert got.large_communities == [], "large communities are not modelled"


def test_a_tie_frr_broke_by_age_is_predicted_as_a_tie(predicted: State) -> None:
    # leaf1 chose spine2's path to border1's loopback as the "Older Path"
    want = {p.peer: p.best for p in observed("leaf1") if p.prefix == "10.10.255.21/32"}
    assert want == {"10.10.254.0": False, "10.10.254.8": True}
    paths = [p for p in predicted.nodes["leaf1"].bgp_routes or [] if p.prefix == "10.10.255.21/32"]
    assert {p.peer for p in paths} == set(want) and all(p.tied for p in paths)


def _judge(state: State, device: str, **keys: Any) -> Any:
    spec = BgpRoute.model_validate({"kind": "bgp_route", **keys})
    return evaluate(spec, state, device, [device])


CASES: dict[str, tuple[dict[str, Any], Status, str]] = {
    "the transit's attributes": (
        {
            "prefix": "0.0.0.0/0",
            "peer": "192.0.2.1",
            "communities": ["64500:100", "no-export"],
            "local_pref": 150,
            "med": 50,
            "as_path": [64500],
            "origin": "igp",
            "next_hop": "192.0.2.1",
            "best": True,
        },
        Status.PASS,
        "AS path 64500, local-pref 150, MED 50",
    ),
    "a community the path lacks": (
        {"prefix": "0.0.0.0/0", "peer": "192.0.2.1", "communities": ["64500:200"]},
        Status.FAIL,
        "lacks communit(ies) 64500:200",
    ),
    "a wrong local-pref": (
        {"prefix": "0.0.0.0/0", "local_pref": 100},
        Status.FAIL,
        "local-pref is 150, expected 100",
    ),
    "an AS path regex": (
        {"prefix": "0.0.0.0/0", "as_path_regex": "^64500$"},
        Status.PASS,
        "AS path 64500",
    ),
    "a large community is not modelled": (
        {"prefix": "0.0.0.0/0", "communities": ["64500:1:1"]},
        Status.ERROR,
        "does not model large communities",
    ),
    "a path that is not there": (
        {"prefix": "10.99.0.0/16"},
        Status.FAIL,
        "no best path to 10.99.0.0/16",
    ),
    "absence": ({"prefix": "10.99.0.0/16", "present": False}, Status.PASS, "no best path"),
}


@pytest.mark.parametrize("case", CASES)
def test_bgp_route_on_the_prediction(predicted: State, case: str) -> None:
    keys, status, message = CASES[case]
    outcome = _judge(predicted, "border1", **keys)
    assert outcome.status is status, outcome.message
    assert message in outcome.message


def test_which_tied_path_is_best_is_an_error_unless_both_agree(predicted: State) -> None:
    prefix = "10.10.255.21/32"
    both = _judge(predicted, "leaf1", prefix=prefix, as_path_regex="_65000$")
    assert both.status is Status.PASS, both.message
    one = _judge(predicted, "leaf1", prefix=prefix, next_hop="10.10.254.8")
    assert one.status is Status.ERROR and "tie up to their age" in one.message
    best = _judge(predicted, "leaf1", prefix=prefix, peer="10.10.254.8", best=True)
    assert best.status is Status.ERROR, best.message
    # the path itself is known, whichever is best
    there = _judge(predicted, "leaf1", prefix=prefix, peer="10.10.254.8", as_path=[65102, 65000])
    assert there.status is Status.PASS, there.message


def test_a_received_med_of_zero_is_unknown(predicted: State) -> None:
    # FRR shows no MED here (spine1 does not pass leaf2's on): the engine keeps it as 0
    assert [p.med for p in observed("leaf1") if p.prefix == "10.10.255.12/32"] == [None, None]
    outcome = _judge(predicted, "leaf1", prefix="10.10.255.12/32", med=0)
    assert outcome.status is Status.ERROR and "MED of 0" in outcome.message


def test_an_ipv6_prefix_is_an_error_not_an_absence(predicted: State) -> None:
    outcome = _judge(predicted, "border1", prefix="2001:db8::/32", present=False)
    assert outcome.status is Status.ERROR and "does not model IPv6" in outcome.message


@pytest.mark.parametrize(
    ("keys", "status", "message"),
    [
        ({"origin_asns": [65001, 65002]}, Status.PASS, "origin AS 65001, 65002 seen from spine1"),
        ({"origin_asns": [65001]}, Status.FAIL, "spine1 sees unexpected origin AS 65002"),
        ({"origin_asns": [65001, 65002, 65003]}, Status.FAIL, "does not see origin AS 65003"),
        # FRR's border1 hears only the spines' best path, which each spine chose between
        # leaf1's and leaf2's by age (FRR's table: from leaf1): no prediction can say which
        (
            {"origin_asns": [65001, 65002], "vantages": ["border1"]},
            Status.ERROR,
            "spine1 chooses by age among paths with different attributes",
        ),
        ({"origin_devices": ["leaf1", "leaf2"]}, Status.PASS, "originated by leaf1, leaf2"),
        ({"origin_devices": ["leaf1"]}, Status.FAIL, "leaf2 also originate(s) it"),
    ],
)
def test_anycast_on_the_prediction(
    predicted: State, keys: dict[str, Any], status: Status, message: str
) -> None:
    spec = Anycast.model_validate({"kind": "anycast", "prefix": "10.0.100.0/24", **keys})
    members = spec.members(["spine1", "leaf1", "leaf2"])
    outcome = evaluate(spec, predicted, spec.group_target(), members)
    assert outcome.status is status, outcome.message
    assert message in outcome.message


def test_a_peer_sending_more_than_its_best_path_is_an_error(tmp_path: Path) -> None:
    # with add-path spine1 sends border1 both origins of the segment; the engine models a
    # peer's best path only, so border1's table is unknown rather than one origin short
    snap = tmp_path / "addpath"
    shutil.copytree(SNAPSHOTS / "base", snap)
    spine1 = snap / "configs" / "spine1"
    anchor = "  neighbor 10.10.254.7 route-map from_border in\n"
    text = spine1.read_text()
    assert anchor in text
    spine1.write_text(
        text.replace(anchor, anchor + "  neighbor 10.10.254.7 addpath-tx-all-paths\n")
    )
    state = BuiltinEngine(snap).state({"border1": ("bgp_routes", "bgp"), "leaf1": ("bgp_routes",)})
    assert state.nodes["border1"].bgp_routes is None
    assert state.nodes["leaf1"].bgp_routes, "leaf1 has no add-path peer"
    spec = Anycast.model_validate(
        {
            "kind": "anycast",
            "prefix": "10.0.100.0/24",
            "origin_asns": [65001],
            "vantages": ["border1"],
        }
    )
    outcome = evaluate(spec, state, spec.group_target(), ["border1"])
    assert outcome.status is Status.ERROR and "addpath-tx" in outcome.message


def test_a_path_an_upstream_tie_decides_is_an_error(predicted: State) -> None:
    # spine2 sends border1 leaf1's or leaf2's path to the segment, whichever is older
    outcome = _judge(
        predicted, "border1", prefix="10.0.100.0/24", peer="10.10.254.14", as_path=[65102, 65001]
    )
    assert outcome.status is Status.ERROR and "chooses by age" in outcome.message
