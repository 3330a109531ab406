"""OSPF neighbors: FRR's answers as recorded in a lab (tests/data/parsers/frr/ip_ospf_*),
and the `ospf_neighbors` check on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval.catalog import load_catalog_file
from netval.checks.ospf import OspfNeighbors
from netval.errors import InputError
from netval.live.parsers.base import ParseError
from netval.live.parsers.frr import FrrParser
from netval.results import Status
from netval.state import NodeState, OspfNeighbor, State

DATA = Path(__file__).parents[1] / "data" / "parsers" / "frr"


def parsed(name: str) -> list[OspfNeighbor]:
    items = FrrParser().parse("ospf", (DATA / name).read_text())
    assert all(isinstance(i, OspfNeighbor) for i in items)
    return items  # type: ignore[return-value]


def test_both_shapes_frr_prints_give_the_same_neighbors() -> None:
    one_vrf = parsed("ip_ospf_neighbor_full_r1.json")
    all_vrfs = parsed("ip_ospf_vrf_all_neighbor_r1.json")
    key = [(n.router_id, n.interface, n.address, n.state, n.vrf) for n in one_vrf]
    assert key == [
        ("10.0.0.2", "eth1", "10.1.0.1", "full", "default"),
        ("10.0.0.3", "eth2", "10.1.0.3", "full", "default"),
    ]
    assert [(n.router_id, n.interface, n.state) for n in all_vrfs] == [(*k[:2], k[3]) for k in key]
    assert all(n.role is None for n in one_vrf)  # point-to-point: "Full/-"


@pytest.mark.parametrize(
    "output",
    ["", "{", '{"neighbors": {"10.0.0.2": [{"priority": 1}]}}', '{"neighbors": []}'],
)
def test_garbage_is_an_error_not_an_empty_answer(output: str) -> None:
    with pytest.raises(ParseError):
        FrrParser().parse("ospf", output)


def test_ospfd_not_running_means_no_ospf() -> None:
    assert FrrParser().parse("ospf", "ospfd is not running\n") == []


def _state(neighbors: list[OspfNeighbor] | None) -> State:
    return State(source="observed", nodes={"r1": NodeState(name="r1", ospf_neighbors=neighbors)})


CASES = {
    "all full": ("ip_ospf_neighbor_full_r1.json", {}, Status.PASS, "2 OSPF adjacency"),
    "interface lost": (
        "ip_ospf_neighbor_one_lost_r1.json",
        {"interfaces": ["eth1", "eth2"]},
        Status.FAIL,
        "no OSPF adjacency up on eth1",
    ),
    "neighbor lost": (
        "ip_ospf_neighbor_one_lost_r1.json",
        {"neighbors": ["10.0.0.2"]},
        Status.FAIL,
        "neighbor 10.0.0.2 is missing",
    ),
    "count": ("ip_ospf_neighbor_one_lost_r1.json", {"count": 2}, Status.FAIL, "expected exactly 2"),
    "default passes with one": ("ip_ospf_neighbor_one_lost_r1.json", {}, Status.PASS, "10.0.0.3"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_on_recorded_answers(case: str) -> None:
    fixture, keys, status, text = CASES[case]
    spec = OspfNeighbors.model_validate({"kind": "ospf_neighbors", **keys})
    outcome = spec.evaluate(_state(parsed(fixture)), "r1", ["r1"])
    assert outcome.status is status, outcome.message
    assert text in outcome.message


def test_a_neighbor_stuck_before_full_fails() -> None:
    stuck = [OspfNeighbor(router_id="10.0.0.9", interface="eth1", state="exstart")]
    out = OspfNeighbors(kind="ospf_neighbors").evaluate(_state(stuck), "r1", ["r1"])
    assert out.status is Status.FAIL and "10.0.0.9 on eth1 is exstart" in out.message
    drother = [OspfNeighbor(router_id="10.0.0.9", state="2-way", role="DROther")]
    ok = OspfNeighbors(kind="ospf_neighbors").evaluate(_state(drother), "r1", ["r1"])
    assert ok.status is Status.PASS


def test_contradictory_expectations_are_an_input_error(tmp_path: Path) -> None:
    text = "checks:\n  - kind: ospf_neighbors\n    neighbors: [10.0.0.1, 10.0.0.2]\n    count: 1\n"
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="count"):
        load_catalog_file(path)


def test_baseline_flags_the_adjacency_the_change_lost() -> None:
    from netval.checks.baseline import BaselineOspf

    check = BaselineOspf().with_base(_state(parsed("ip_ospf_neighbor_full_r1.json")))
    after = check.evaluate(_state(parsed("ip_ospf_neighbor_one_lost_r1.json")), "r1", ["r1"])
    assert after.status is Status.FAIL
    assert after.message == "OSPF adjacency(ies) lost: 10.0.0.2 on eth1"
    same = check.evaluate(_state(parsed("ip_ospf_vrf_all_neighbor_r1.json")), "r1", ["r1"])
    assert same.status is Status.PASS
