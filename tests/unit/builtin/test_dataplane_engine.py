"""The data-plane questions through the engine protocol (DataPlaneQuestions / attach), judged
by the same static checks `netval verify` runs: the example catalog's reachability,
differential, ECMP and BGP items pass on base and candidate-good and catch candidate-bad."""

from __future__ import annotations

import pytest

from netval.checks.ecmp import Ecmp
from netval.checks.static_eval import eval_bgp_status, eval_differential, eval_reachability
from netval.errors import InputError
from netval.results import Status
from netval.static.builtin import BuiltinEngine
from netval.static.builtin.dataplane.engine_glue import DataPlaneQuestions, attach
from netval.static.engine import Engine, Headers
from tests.unit.builtin.conftest import SNAPSHOTS

BASE = SNAPSHOTS / "base"


def engine(name: str) -> Engine:
    eng = BuiltinEngine(SNAPSHOTS / name)
    assert isinstance(eng, Engine)
    return eng


@pytest.mark.parametrize("snap", ["base", "candidate-good", "candidate-bad"])
def test_reachability_item(snap: str) -> None:
    # reachability is not what candidate-bad breaks (README: ping works in the lab)
    outcome = eval_reachability(engine(snap), "leaf1", "10.10.3.10", "tcp", 443, "success")
    assert outcome.status is Status.PASS, outcome.message


def test_differential_item() -> None:
    good = eval_differential(engine("candidate-good"), BASE, None, ["10.10.4.0/24"], [])
    assert good.status is Status.PASS, good.message
    bad = eval_differential(engine("candidate-bad"), BASE, None, ["10.10.4.0/24"], [])
    assert bad.status is Status.FAIL
    for change in (
        "border1: +10.0.0.0/8",
        "border1: +192.168.0.0/16",
        "isp1: +10.10.3.0/24",
        "isp1: +10.0.100.0/24",
        "leaf1: -0.0.0.0/0",
    ):
        assert change in bad.message


def test_bgp_sessions_item() -> None:
    devices = ["leaf1", "leaf2", "leaf3", "spine1", "spine2", "border1"]
    assert eval_bgp_status(engine("base"), devices).status is Status.PASS
    bad = eval_bgp_status(engine("candidate-bad"), devices)
    assert bad.status is Status.FAIL
    assert "leaf3" in bad.message and "spine2" in bad.message


def test_ecmp_items_on_the_predicted_state() -> None:
    spec = Ecmp(kind="ecmp", prefix="0.0.0.0/0", min_paths=2)
    good = engine("candidate-good").state()
    assert all(
        spec.evaluate(good, d, []).status is Status.PASS for d in ("leaf1", "leaf2", "leaf3")
    )
    bad = engine("candidate-bad").state()
    assert {d: spec.evaluate(bad, d, []).status for d in ("leaf1", "leaf2", "leaf3")} == {
        "leaf1": Status.FAIL,
        "leaf2": Status.PASS,
        "leaf3": Status.FAIL,
    }


def test_the_engine_answers_every_data_plane_question() -> None:
    eng = BuiltinEngine(SNAPSHOTS / "candidate-good")
    assert isinstance(eng, DataPlaneQuestions)
    assert eng.routes(["leaf3"]).rows
    assert eng.bgp_routes(["leaf3"]).columns[3] == "Status"
    assert {r["Established_Status"] for r in eng.bgp_session_status().rows} == {"ESTABLISHED"}
    assert eng.traceroute("server1", Headers("10.10.4.10")).rows[0]["TraceCount"] == 2
    assert eng.reachability("leaf1", Headers("10.10.4.0/24")).rows
    assert eng.differential_routes(BASE).rows
    assert eng.differential_reachability(BASE, Headers("10.10.4.10")).rows
    assert set(eng.state().nodes) >= {"leaf1", "server4"}


def test_attach_gives_any_snapshot_holder_the_questions() -> None:
    class Holder:
        def __init__(self) -> None:
            plain = BuiltinEngine(BASE)
            self.path = plain.path
            self.loaded = plain.loaded

    holder = Holder()
    attach(holder)
    assert holder.routes(["leaf1"]).rows  # type: ignore[attr-defined]


def test_unknown_start_and_reference_are_input_errors() -> None:
    eng = engine("base")
    with pytest.raises(InputError, match="matches no node"):
        eng.traceroute("nosuchnode", Headers("10.10.3.10"))
    with pytest.raises(InputError, match="not a directory"):
        eng.differential_routes(SNAPSHOTS / "nope")
    with pytest.raises(InputError, match="not an IPv4"):
        eng.traceroute("leaf1", Headers("not-an-ip"))


def test_state_on_demand_builds_only_what_is_needed() -> None:
    """The predicted State of the devices and domains a run reads equals that part of the
    whole network's State; nothing else becomes objects."""
    whole = engine("base").state()
    part = engine("base").state({"leaf1": {"routes"}, "spine1": {"bgp", "vrrp"}})
    assert set(part.nodes) == {"leaf1", "spine1"}
    leaf1, spine1 = part.nodes["leaf1"], part.nodes["spine1"]
    assert leaf1.routes and leaf1.routes == whole.nodes["leaf1"].routes
    assert leaf1.bgp_peers is None and spine1.routes is None
    assert spine1.bgp_peers == whole.nodes["spine1"].bgp_peers
    assert spine1.vrrp == whole.nodes["spine1"].vrrp == []
