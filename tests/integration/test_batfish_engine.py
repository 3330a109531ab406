"""The Batfish engine through real pybatfish calls, against the Batfish replay service.

The replay serves only answers Batfish produced (see netval/testing/batfish_replay.py), so
every expectation here is read independently out of the recorded .ref files with json.
Questions with no recording must come back as an EngineError naming the question.
"""

from __future__ import annotations

import json
import re
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pybatfish.client.session import Session

from netval.errors import EngineError
from netval.snapshot import read_device
from netval.static import open_engine
from netval.static.batfish import (
    BatfishEngine,
    BatfishSettings,
    default_snapshot_name,
    routes_to_state,
    wrap_frr_config,
)
from netval.static.engine import Engine, Headers, RouteInput
from netval.testing.batfish_replay import start_replay
from tests.conftest import BATFISH_DATA, ROOT

DATA = ROOT / "tests" / "data" / "batfish"
DC = DATA / "dc-as-reuse"
DC_ROUTES = DC / "routes.ref"
UNIT = DATA / "parsing-unit-tests"
UNIT_UNDEFINED = UNIT / "unit-tests-undefined.ref"
# Batfish's own unusedStructures answer for the same parsing-unit-tests configs (kept with the
# reference data outside the repository; the test using it skips when it is absent).
UNIT_UNUSED = BATFISH_DATA / "parsing-unit-tests" / "unit-tests-unused.ref"


def _ref(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        element: dict[str, Any] = json.load(f)[0]
    return element


def _columns(path: Path) -> list[str]:
    return [c["name"] for c in _ref(path)["metadata"]["columnMetadata"]]


@pytest.fixture(scope="module")
def replay_port() -> Iterator[int]:
    unit_answers: dict[str, Path] = {"undefinedReferences": UNIT_UNDEFINED}
    if UNIT_UNUSED.is_file():
        unit_answers["unusedStructures"] = UNIT_UNUSED
    server, port = start_replay([(DC, {"routes": DC_ROUTES}), (UNIT, unit_answers)])
    yield port
    server.stop()


@pytest.fixture(scope="module")
def dc(replay_port: int) -> BatfishEngine:
    return BatfishEngine(DC, BatfishSettings(host="127.0.0.1", port=replay_port))


@pytest.fixture(scope="module")
def unit(replay_port: int) -> BatfishEngine:
    return BatfishEngine(UNIT, BatfishSettings(host="127.0.0.1", port=replay_port))


def test_engine_satisfies_the_protocol(dc: BatfishEngine) -> None:
    assert isinstance(dc, Engine)
    assert dc.name == "batfish"


def test_snapshot_name_is_folder_content_hash_and_run_id(
    dc: BatfishEngine, replay_port: int, tmp_path: Path
) -> None:
    copy = tmp_path / "dc-as-reuse"
    copy.mkdir()
    for path in DC.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(DC)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    content = default_snapshot_name(copy)
    assert content.startswith("dc-as-reuse-")
    assert re.fullmatch(re.escape(content) + r"-[0-9a-f]{8}", dc.snapshot_name)
    # the same configs in a second run: a name of its own, so neither run touches the other's
    other = BatfishEngine(copy, BatfishSettings(host="127.0.0.1", port=replay_port))
    try:
        assert other.snapshot_name.startswith(content + "-")
        assert other.snapshot_name != dc.snapshot_name
    finally:
        other.close()
    (copy / "configs" / "pod_0_leaf_0").write_text("changed\n")
    assert default_snapshot_name(copy) != content


def test_routes_are_batfish_rows_and_columns(dc: BatfishEngine) -> None:
    answer = dc.routes()

    assert answer.question == "routes"
    assert answer.columns == _columns(DC_ROUTES)
    assert answer.rows == _ref(DC_ROUTES)["rows"]
    assert len(answer.rows) == 198


def test_routes_answer_is_not_shared_between_callers(dc: BatfishEngine) -> None:
    first = dc.routes()
    first.rows.clear()
    assert len(dc.routes().rows) == 198


def test_routes_to_state_keeps_ecmp_width(dc: BatfishEngine) -> None:
    rows = _ref(DC_ROUTES)["rows"]
    widths = Counter((r["Node"]["name"], r["VRF"], r["Network"]) for r in rows)
    ecmp = sorted(k for k, n in widths.items() if n > 1)
    assert ecmp, "the recording should hold ECMP routes"

    state = routes_to_state(dc.routes(), origin="dc")

    assert state.source == "predicted"
    assert sorted(state.nodes) == sorted({r["Node"]["name"] for r in rows})
    assert sum(len(r.next_hops) for n in state.nodes.values() for r in n.routes or []) == 198
    for node, vrf, network in ecmp[:5] + ecmp[-5:]:
        expected_hops = sorted(
            r["Next_Hop"]["ip"]
            for r in rows
            if (r["Node"]["name"], r["VRF"], r["Network"]) == (node, vrf, network)
        )
        routes = state.nodes[node].routes_for(network, vrf)
        assert len(routes) == 1
        route = routes[0]
        assert sorted(h.ip or "" for h in route.next_hops) == expected_hops
        assert len(route.next_hops) == widths[(node, vrf, network)]
        source = next(r for r in rows if (r["Node"]["name"], r["Network"]) == (node, network))
        assert route.protocol == source["Protocol"]
        assert route.admin_distance == source["Admin_Distance"]
        assert route.metric == source["Metric"]


def test_routes_to_state_maps_interface_next_hops(dc: BatfishEngine) -> None:
    rows = _ref(DC_ROUTES)["rows"]
    connected = next(r for r in rows if r["Next_Hop"]["type"] == "interface")

    state = routes_to_state(dc.routes())

    (route,) = state.nodes[connected["Node"]["name"]].routes_for(connected["Network"])
    assert [h.interface for h in route.next_hops] == [connected["Next_Hop"]["interface"]]
    assert route.next_hops[0].ip is None
    assert route.protocol == connected["Protocol"]


def test_undefined_references_are_batfish_rows(unit: BatfishEngine) -> None:
    answer = unit.undefined_references()

    assert answer.columns == _columns(UNIT_UNDEFINED)
    assert answer.rows == _ref(UNIT_UNDEFINED)["rows"]
    assert len(answer.rows) == 366


def test_unused_structures_are_batfish_rows(unit: BatfishEngine) -> None:
    answer = unit.unused_structures()

    assert answer.columns == _columns(UNIT_UNUSED)
    assert answer.rows == _ref(UNIT_UNUSED)["rows"]


@pytest.mark.parametrize(
    ("question", "ask"),
    [
        ("fileParseStatus", lambda e: e.file_parse_status()),
        ("initIssues", lambda e: e.init_issues()),
        ("bgpSessionStatus", lambda e: e.bgp_session_status()),
        ("bgpSessionCompatibility", lambda e: e.bgp_session_compatibility()),
        # recorded for the other snapshot only
        ("undefinedReferences", lambda e: e.undefined_references()),
        # recorded, but not with these parameters
        ("routes", lambda e: e.routes(nodes=["pod_0_leaf_0"])),
        (
            "testRoutePolicies",
            lambda e: e.test_route_policies(
                "pod_0_leaf_0", "any", "in", [RouteInput(network="10.0.0.0/8")]
            ),
        ),
        ("traceroute", lambda e: e.traceroute("pod_0_tor_0", Headers(dst_ip="4.1.1.1"))),
        # the replay has no template for these: still an EngineError, never AttributeError
        ("reachability", lambda e: e.reachability("pod_0_tor_0", Headers(dst_ip="4.1.1.1"))),
        (
            "searchRoutePolicies",
            lambda e: e.search_route_policies(
                "pod_0_leaf_0", "any", "in", ["10.0.0.0/8:8-32"], "permit"
            ),
        ),
        ("nodeProperties", lambda e: e.nodes()),
        ("routes (differential)", lambda e: e.differential_routes(DC)),
    ],
)
def test_question_without_recording_is_an_engine_error(
    dc: BatfishEngine, question: str, ask: Any
) -> None:
    with pytest.raises(EngineError) as excinfo:
        ask(dc)

    assert f"Batfish question {question} failed" in str(excinfo.value)
    assert excinfo.value.exit_code == 2


def test_state_leaves_unanswered_domains_uncollected(dc: BatfishEngine) -> None:
    # Only routes are recorded: the other domains must be None with the reason, not empty.
    state = dc.state()

    assert state.source == "predicted"
    leaf = state.nodes["pod_0_leaf_0"]
    assert leaf.routes
    assert leaf.bgp_peers is None
    assert "bgpSessionStatus" in leaf.errors["bgp"]
    assert leaf.vrrp is None and "vrrpProperties" in leaf.errors["vrrp"]
    assert leaf.interfaces is None and "interfaceProperties" in leaf.errors["interfaces"]
    assert "routes" not in leaf.errors


def test_bgp_route_and_anycast_on_batfish_are_errors_not_passes(dc: BatfishEngine) -> None:
    from netval.checks.anycast import Anycast
    from netval.checks.base import evaluate
    from netval.checks.bgp_route import BgpRoute
    from netval.results import Status

    # the routes answer is the recording's only one: it names the nodes
    state = dc.state({"pod_0_leaf_0": ("routes", "bgp_routes", "bgp")})
    leaf = state.nodes["pod_0_leaf_0"]
    assert leaf.bgp_routes is None and "--engine builtin" in leaf.errors["bgp_routes"]
    route = BgpRoute.model_validate({"kind": "bgp_route", "prefix": "10.0.0.0/8", "present": False})
    assert evaluate(route, state, "pod_0_leaf_0", ["pod_0_leaf_0"]).status is Status.ERROR
    anycast = Anycast.model_validate(
        {"kind": "anycast", "prefix": "10.0.0.0/8", "origin_devices": ["pod_0_leaf_0"]}
    )
    outcome = evaluate(anycast, state, anycast.group_target(), ["pod_0_leaf_0"])
    assert outcome.status is Status.ERROR, outcome.message


def test_bare_frr_is_uploaded_wrapped(
    replay_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frr_text = read_device(ROOT / "snapshots" / "base" / "configs" / "leaf1").frr_text
    snapshot = tmp_path / "bare-frr"
    (snapshot / "configs").mkdir(parents=True)
    (snapshot / "configs" / "leaf1").write_text(frr_text)
    uploaded: dict[str, str] = {}
    real_init = Session.init_snapshot

    def spy(self: Session, upload: str, *args: Any, **kwargs: Any) -> str:
        root = Path(upload)
        uploaded.update(
            {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
        )
        result: str = real_init(self, upload, *args, **kwargs)
        return result

    monkeypatch.setattr(Session, "init_snapshot", spy)

    engine = BatfishEngine(snapshot, BatfishSettings(host="127.0.0.1", port=replay_port))

    assert uploaded == {"configs/leaf1": wrap_frr_config(frr_text, "leaf1")}
    assert (snapshot / "configs" / "leaf1").read_text() == frr_text
    assert engine.snapshot_name.startswith("bare-frr-")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_unreachable_batfish_is_an_engine_error_with_the_fix() -> None:
    port = _free_port()

    with pytest.raises(EngineError) as excinfo:
        BatfishEngine(DC, BatfishSettings(host="127.0.0.1", port=port))

    message = str(excinfo.value)
    assert f"127.0.0.1:{port}" in message
    assert "batfish/allinone" in message
    assert "BATFISH_HOST" in message
    assert excinfo.value.exit_code == 2


def test_open_engine_uses_batfish_when_host_is_set(
    replay_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATFISH_HOST", "127.0.0.1")
    monkeypatch.setenv("BATFISH_PORT", str(replay_port))

    engine = open_engine(DC, "auto")

    assert isinstance(engine, BatfishEngine)
    assert engine.routes().rows == _ref(DC_ROUTES)["rows"]
