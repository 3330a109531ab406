"""The Batfish engine against a real Batfish service (skipped unless BATFISH_HOST is set).

Start one with ``docker run -d -p 9996:9996 batfish/allinone`` and run
``BATFISH_HOST=localhost pytest -m batfish tests/integration/test_batfish_live.py``.
The example snapshots' expected behaviour is documented in snapshots/README.md.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pybatfish.client.session import Session

from netval.errors import EngineError
from netval.snapshot import load_snapshot
from netval.state import BgpState
from netval.static.batfish import BatfishEngine, BatfishSettings
from netval.static.engine import Answer, Headers, RouteInput
from tests.conftest import SNAPSHOTS

pytestmark = [
    pytest.mark.batfish,
    pytest.mark.skipif(not os.environ.get("BATFISH_HOST"), reason="BATFISH_HOST is not set"),
]

BASE = SNAPSHOTS / "base"
GOOD = SNAPSHOTS / "candidate-good"
ROUTERS = sorted(load_snapshot(BASE).devices)

# Columns every Batfish version since netval's minimum answers with (a subset: newer
# versions add columns, which is fine).
COLUMNS = {
    "fileParseStatus": {"File_Name", "Status", "File_Format", "Nodes"},
    "initIssues": {"Nodes", "Source_Lines", "Type", "Details", "Line_Text", "Parser_Context"},
    "undefinedReferences": {"File_Name", "Struct_Type", "Ref_Name", "Context", "Lines"},
    "unusedStructures": {"Structure_Type", "Structure_Name", "Source_Lines"},
    "bgpSessionCompatibility": {
        "Node",
        "VRF",
        "Local_AS",
        "Local_IP",
        "Remote_AS",
        "Remote_Node",
        "Remote_IP",
        "Session_Type",
        "Configured_Status",
    },
    "bgpSessionStatus": {
        "Node",
        "VRF",
        "Local_AS",
        "Local_IP",
        "Remote_AS",
        "Remote_Node",
        "Remote_IP",
        "Session_Type",
        "Established_Status",
    },
    "routes": {"Node", "VRF", "Network", "Next_Hop", "Protocol", "Metric", "Admin_Distance"},
    "testRoutePolicies": {"Node", "Policy_Name", "Input_Route", "Action", "Output_Route"},
    "searchRoutePolicies": {"Node", "Policy_Name", "Input_Route", "Action", "Output_Route"},
    "traceroute": {"Flow", "Traces", "TraceCount"},
    "reachability": {"Flow", "Traces", "TraceCount"},
    "differentialReachability": {
        "Flow",
        "Snapshot_Traces",
        "Snapshot_TraceCount",
        "Reference_Traces",
        "Reference_TraceCount",
    },
    "interfaceProperties": {"Interface", "Admin_Up", "Active", "All_Prefixes"},
    "vrrpProperties": {"Interface", "Group_Id", "Virtual_Addresses", "Priority"},
}


def _check_columns(answer: Answer) -> None:
    assert COLUMNS[answer.question] <= set(answer.columns), answer.columns
    for row in answer.rows:
        assert set(answer.columns) >= set(row), row


@pytest.fixture(scope="module")
def base() -> Iterator[BatfishEngine]:
    engine = BatfishEngine(BASE, BatfishSettings.from_env())
    yield engine
    assert engine.close() == []


@pytest.fixture(scope="module")
def good() -> Iterator[BatfishEngine]:
    engine = BatfishEngine(GOOD, BatfishSettings.from_env())
    yield engine
    assert engine.close() == []


def _node(row: dict[str, object]) -> str:
    node = row["Node"]
    assert isinstance(node, dict)
    return str(node["name"])


def test_every_config_file_is_parsed(base: BatfishEngine) -> None:
    answer = base.file_parse_status()
    _check_columns(answer)
    files = {str(r["File_Name"]) for r in answer.rows}
    assert {f"configs/{name}" for name in ROUTERS} <= files
    assert all(r["Status"] in ("PASSED", "PARTIALLY_UNRECOGNIZED") for r in answer.rows)


@pytest.mark.parametrize(
    "method",
    [
        "init_issues",
        "undefined_references",
        "unused_structures",
        "interface_properties",
        "vrrp_properties",
    ],
)
def test_parameterless_questions_have_their_columns(base: BatfishEngine, method: str) -> None:
    _check_columns(getattr(base, method)())


def test_base_has_no_undefined_references(base: BatfishEngine) -> None:
    assert base.undefined_references().rows == []


def test_bgp_sessions_are_compatible_and_established(base: BatfishEngine) -> None:
    compatibility = base.bgp_session_compatibility()
    status = base.bgp_session_status()
    _check_columns(compatibility)
    _check_columns(status)
    assert len(status.rows) == 18  # 9 sessions, both ends
    assert {r["Configured_Status"] for r in compatibility.rows} == {"UNIQUE_MATCH"}
    assert {r["Established_Status"] for r in status.rows} == {"ESTABLISHED"}
    assert {_node(r) for r in status.rows} == set(ROUTERS)


def test_routes(base: BatfishEngine) -> None:
    everything = base.routes()
    _check_columns(everything)
    assert set(ROUTERS) <= {_node(r) for r in everything.rows}

    leaf1 = base.routes(nodes=["leaf1"])
    _check_columns(leaf1)
    assert {_node(r) for r in leaf1.rows} == {"leaf1"}


def test_route_policies(base: BatfishEngine) -> None:
    assert {"from_isp", "to_isp"} <= set(base.policies("border1"))

    tested = base.test_route_policies(
        "border1",
        "from_isp",
        "in",
        [
            RouteInput(network="10.0.0.0/8", as_path=(64500,)),
            RouteInput(network="198.51.100.0/24", as_path=(64500,)),
        ],
    )
    _check_columns(tested)
    actions = {r["Input_Route"]["network"]: r["Action"] for r in tested.rows}
    assert actions == {"10.0.0.0/8": "DENY", "198.51.100.0/24": "PERMIT"}

    # base's from_isp denies every bogon, so no route in that space is permitted.
    searched = base.search_route_policies(
        "border1", "from_isp", "in", ["10.0.0.0/8:8-32", "192.168.0.0/16:16-32"], "permit"
    )
    _check_columns(searched)
    assert searched.rows == []


def test_flows(base: BatfishEngine) -> None:
    headers = Headers(dst_ip="10.10.3.10", ip_protocol="TCP", dst_port=443)
    traced = base.traceroute("leaf1", headers)
    _check_columns(traced)
    assert traced.rows

    reached = base.reachability("leaf1", headers)
    _check_columns(reached)
    assert reached.rows


def test_differential_questions(good: BatfishEngine) -> None:
    routes = good.differential_routes(BASE)
    assert {"Node", "VRF", "Network"} <= set(routes.columns)
    assert "10.10.4.0/24" in {r["Network"] for r in routes.rows}

    flows = good.differential_reachability(BASE, Headers(dst_ip="10.10.4.10"))
    _check_columns(flows)
    assert flows.rows


def test_state_has_bgp_peers_for_every_router(base: BatfishEngine) -> None:
    state = base.state()

    assert state.source == "predicted"
    assert set(ROUTERS) <= set(state.nodes)
    for router in ROUTERS:
        node = state.nodes[router]
        assert not node.errors, node.errors
        assert node.bgp_peers, router
        assert all(p.state is BgpState.ESTABLISHED for p in node.bgp_peers), router
        assert all(p.remote_as is not None and p.local_as is not None for p in node.bgp_peers)
        assert node.routes, router
        assert node.interfaces is not None
    # each leaf reaches the default route through both spines
    for leaf in ("leaf1", "leaf2", "leaf3"):
        hops = {h.key() for r in state.nodes[leaf].routes_for("0.0.0.0/0") for h in r.next_hops}
        assert len(hops) == 2, (leaf, hops)


def test_snapshot_path_is_kept(base: BatfishEngine) -> None:
    assert base.snapshot == Path(BASE)
    assert base.snapshot_name.startswith("base-")


def _session(settings: BatfishSettings) -> Session:
    args: dict[str, object] = {"ssl": settings.ssl, "verify_ssl_certs": settings.verify_certs}
    if settings.api_key:
        args["api_key"] = settings.api_key
    return Session(host=settings.host, port=settings.port, **args)


def test_two_runs_on_one_network_keep_apart_and_clean_up() -> None:
    settings = replace(BatfishSettings.from_env(), network=f"netval-live-{uuid.uuid4().hex[:8]}")
    first = BatfishEngine(BASE, settings)
    second = BatfishEngine(BASE, settings)
    bf = _session(settings)
    try:
        assert first.snapshot_name != second.snapshot_name
        assert first.created_network and not second.created_network
        bf.set_network(settings.network)
        assert {first.snapshot_name, second.snapshot_name} <= set(bf.list_snapshots())
        assert first.close() == []
        # the other run's snapshot is untouched, and so is the network it still uses
        assert second.file_parse_status().rows
        assert bf.list_snapshots() == [second.snapshot_name]
        assert second.close() == []
        assert bf.list_snapshots() == []
    finally:
        first.close()
        second.close()
        if settings.network in bf.list_networks():
            bf.delete_network(settings.network)


def test_a_network_the_run_created_goes_with_its_last_snapshot() -> None:
    settings = replace(BatfishSettings.from_env(), network=f"netval-live-{uuid.uuid4().hex[:8]}")
    engine = BatfishEngine(GOOD, settings)
    assert engine.created_network
    assert engine.close() == []
    assert settings.network not in _session(settings).list_networks()


def test_a_question_past_its_timeout_is_an_engine_error() -> None:
    # the first routes question makes Batfish compute the data plane: far longer than this
    engine = BatfishEngine(GOOD, replace(BatfishSettings.from_env(), question_timeout=0.05))
    try:
        with pytest.raises(EngineError, match=r"routes failed: .* no answer within 0\.05 s"):
            engine.routes()
    finally:
        assert engine.close() == []
