"""`netval ask`: parameters to engine calls, and rendering of Batfish's answers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from netval.errors import InputError
from netval.state import State
from netval.static.ask import QUESTIONS, ask, heading, parse_params, render, table
from netval.static.engine import Answer, Headers, RouteInput, cell_text
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "batfish"
DC_ROUTES = DATA / "dc-as-reuse" / "routes.ref"
UNIT_UNDEFINED = DATA / "parsing-unit-tests" / "unit-tests-undefined.ref"


class RecordingEngine:
    """Records how it was called; its answers carry only the call, no network facts."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Answer:
        self.calls.append((method, args, kwargs))
        return Answer(method, ["Call"], [{"Call": method}])

    def file_parse_status(self) -> Answer:
        return self._call("file_parse_status")

    def init_issues(self) -> Answer:
        return self._call("init_issues")

    def undefined_references(self) -> Answer:
        return self._call("undefined_references")

    def unused_structures(self) -> Answer:
        return self._call("unused_structures")

    def bgp_session_compatibility(self) -> Answer:
        return self._call("bgp_session_compatibility")

    def bgp_session_status(self) -> Answer:
        return self._call("bgp_session_status")

    def test_route_policies(
        self, node: str, policy: str, direction: str, routes: list[RouteInput]
    ) -> Answer:
        return self._call("test_route_policies", node, policy, direction, routes)

    def search_route_policies(
        self,
        node: str,
        policy: str,
        direction: str,
        prefixes: list[str],
        action: str,
        communities: list[str] | None = None,
        as_path_regex: str | None = None,
    ) -> Answer:
        return self._call(
            "search_route_policies",
            node,
            policy,
            direction,
            prefixes,
            action,
            communities=communities,
            as_path_regex=as_path_regex,
        )

    def routes(self, nodes: list[str] | None = None) -> Answer:
        return self._call("routes", nodes=nodes)

    def traceroute(self, start: str, headers: Headers) -> Answer:
        return self._call("traceroute", start, headers)

    def reachability(self, start: str, headers: Headers, actions: str = "SUCCESS") -> Answer:
        return self._call("reachability", start, headers, actions=actions)

    def differential_routes(self, reference: Path) -> Answer:
        return self._call("differential_routes", reference)

    def differential_reachability(self, reference: Path, headers: Headers) -> Answer:
        return self._call("differential_reachability", reference, headers)

    def state(self) -> State:
        return State(source="predicted")

    def nodes(self) -> list[str]:
        return []

    def unparsed(self) -> dict[str, str]:
        return {}

    def policies(self, node: str) -> list[str]:
        return []


def _ref_answer(path: Path, question: str) -> Answer:
    element = json.loads(path.read_text())[0]
    return Answer(
        question, [c["name"] for c in element["metadata"]["columnMetadata"]], element["rows"]
    )


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


# ---- parameters


def test_parse_params() -> None:
    assert parse_params(["nodes=leaf1", "routes=10.0.0.0/8;2.0.0.0/8", "x= a=b "]) == {
        "nodes": "leaf1",
        "routes": "10.0.0.0/8;2.0.0.0/8",
        "x": "a=b",
    }


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["nodes"], "not KEY=VALUE"),
        (["=leaf1"], "not KEY=VALUE"),
        (["nodes=a", "nodes=b"], "given twice"),
    ],
)
def test_parse_params_errors(items: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_params(items)


def test_the_question_table_holds_the_batfish_questions() -> None:
    assert set(QUESTIONS) == {
        "routes",
        "bgpSessionCompatibility",
        "bgpSessionStatus",
        "undefinedReferences",
        "unusedStructures",
        "fileParseStatus",
        "initIssues",
        "testRoutePolicies",
        "searchRoutePolicies",
        "traceroute",
        "reachability",
        "differentialReachability",
        "dataplaneIssues",  # the built-in engine's own question
    }


@pytest.mark.parametrize(
    ("question", "method"),
    [
        ("fileParseStatus", "file_parse_status"),
        ("initIssues", "init_issues"),
        ("undefinedReferences", "undefined_references"),
        ("unusedStructures", "unused_structures"),
        ("bgpSessionCompatibility", "bgp_session_compatibility"),
        ("bgpSessionStatus", "bgp_session_status"),
    ],
)
def test_parameterless_questions(engine: RecordingEngine, question: str, method: str) -> None:
    answer = ask(engine, question, {})
    assert engine.calls == [(method, (), {})]
    assert answer.rows == [{"Call": method}]


def test_routes(engine: RecordingEngine) -> None:
    ask(engine, "routes", {})
    ask(engine, "routes", {"nodes": "leaf1, leaf2"})
    ask(engine, "routes", {"reference": "snapshots/base"})
    assert engine.calls == [
        ("routes", (), {"nodes": None}),
        ("routes", (), {"nodes": ["leaf1", "leaf2"]}),
        ("differential_routes", (Path("snapshots/base"),), {}),
    ]


def test_routes_nodes_and_reference_do_not_combine(engine: RecordingEngine) -> None:
    with pytest.raises(InputError, match="cannot be combined"):
        ask(engine, "routes", {"nodes": "leaf1", "reference": "snapshots/base"})


def test_test_route_policies(engine: RecordingEngine) -> None:
    ask(
        engine,
        "testRoutePolicies",
        {
            "nodes": "border1",
            "policy": "from_isp",
            "direction": "in",
            "routes": "10.0.0.0/8;2.0.0.0/8",
            "communities": "65000:1",
            "as_path": "65001 44",
        },
    )
    ((method, args, _kw),) = engine.calls
    assert method == "test_route_policies"
    assert args[:3] == ("border1", "from_isp", "in")
    assert args[3] == [
        RouteInput(network="10.0.0.0/8", communities=("65000:1",), as_path=(65001, 44)),
        RouteInput(network="2.0.0.0/8", communities=("65000:1",), as_path=(65001, 44)),
    ]


def test_test_route_policies_on_two_nodes_concatenates_rows(engine: RecordingEngine) -> None:
    answer = ask(
        engine,
        "testRoutePolicies",
        {"nodes": "border1,isp1", "policy": "p", "direction": "out", "routes": "10.0.0.0/8"},
    )
    assert [c[1][0] for c in engine.calls] == ["border1", "isp1"]
    assert answer.question == "testRoutePolicies"
    assert len(answer.rows) == 2


def test_search_route_policies(engine: RecordingEngine) -> None:
    ask(
        engine,
        "searchRoutePolicies",
        {
            "nodes": "border1",
            "policy": "from_isp",
            "prefixes": "10.0.0.0/8:8-32;192.168.0.0/16:16-32",
            "action": "permit",
        },
    )
    assert engine.calls == [
        (
            "search_route_policies",
            ("border1", "from_isp", "in", ["10.0.0.0/8:8-32", "192.168.0.0/16:16-32"], "permit"),
            {"communities": None, "as_path_regex": None},
        )
    ]


def test_flow_questions(engine: RecordingEngine) -> None:
    flow = {"dst": "10.10.3.10", "protocol": "tcp", "port": "443"}
    headers = Headers(dst_ip="10.10.3.10", ip_protocol="TCP", dst_port=443)
    ask(engine, "traceroute", {"start": "leaf1", **flow})
    ask(engine, "reachability", {"start": "leaf1", **flow})
    ask(engine, "differentialReachability", {"reference": "snapshots/base", **flow})
    assert engine.calls == [
        ("traceroute", ("leaf1", headers), {}),
        ("reachability", ("leaf1", headers), {"actions": "SUCCESS"}),
        ("differential_reachability", (Path("snapshots/base"), headers), {}),
    ]


def test_unknown_question_lists_the_questions(engine: RecordingEngine) -> None:
    with pytest.raises(InputError) as excinfo:
        ask(engine, "bgpPeers", {})
    assert "unknown question 'bgpPeers'" in str(excinfo.value)
    for name in QUESTIONS:
        assert name in str(excinfo.value)
    assert engine.calls == []


def test_unknown_parameter_lists_the_parameters(engine: RecordingEngine) -> None:
    with pytest.raises(InputError) as excinfo:
        ask(engine, "traceroute", {"start": "leaf1", "dst": "10.0.0.1", "dport": "22"})
    message = str(excinfo.value)
    assert "traceroute has no parameter 'dport'" in message
    for name in ("start", "dst", "src", "protocol", "port"):
        assert name in message
    assert engine.calls == []


def test_parameter_on_parameterless_question(engine: RecordingEngine) -> None:
    with pytest.raises(InputError, match="takes no parameters"):
        ask(engine, "fileParseStatus", {"nodes": "leaf1"})


@pytest.mark.parametrize(
    ("question", "params", "message"),
    [
        ("testRoutePolicies", {"nodes": "b", "policy": "p", "direction": "in"}, "needs routes"),
        ("traceroute", {"dst": "10.0.0.1"}, "needs start"),
        ("differentialReachability", {"dst": "10.0.0.1"}, "needs reference"),
        (
            "testRoutePolicies",
            {"nodes": "b", "policy": "p", "direction": "in", "routes": "10.0.0.300/8"},
            "not a prefix",
        ),
        (
            "testRoutePolicies",
            {
                "nodes": "b",
                "policy": "p",
                "direction": "in",
                "routes": "10.0.0.0/8",
                "as_path": "65001 x",
            },
            "AS numbers",
        ),
        (
            "searchRoutePolicies",
            {"nodes": "b", "policy": "p", "prefixes": "10.0.0.0/8:a-b"},
            "length range",
        ),
        ("traceroute", {"start": "leaf1", "dst": "server3"}, "not a prefix"),
        ("traceroute", {"start": "leaf1", "dst": "10.0.0.1", "protocol": "sctp"}, "tcp, udp"),
        ("traceroute", {"start": "leaf1", "dst": "10.0.0.1", "port": "99999"}, "port number"),
    ],
)
def test_bad_values_are_input_errors(
    engine: RecordingEngine, question: str, params: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ask(engine, question, params)
    assert engine.calls == []


# ---- rendering (real Batfish answers)


@pytest.mark.parametrize(
    ("path", "question"), [(DC_ROUTES, "routes"), (UNIT_UNDEFINED, "undefinedReferences")]
)
def test_json_render_is_the_rows(path: Path, question: str) -> None:
    answer = _ref_answer(path, question)
    assert json.loads(render(answer, "json")) == answer.rows


def test_csv_render() -> None:
    answer = _ref_answer(DC_ROUTES, "routes")
    rows = list(csv.reader(io.StringIO(render(answer, "csv"))))
    assert rows[0] == answer.columns
    assert len(rows) == 1 + len(answer.rows)
    first = answer.rows[0]
    assert rows[1] == [cell_text(first.get(c)) for c in answer.columns]
    assert rows[1][:4] == [
        first["Node"]["name"],
        first["VRF"],
        first["Network"],
        first["Next_Hop"]["interface"],
    ]


def test_table_render() -> None:
    answer = _ref_answer(DC_ROUTES, "routes")
    rich_table = table(answer)
    assert [c.header for c in rich_table.columns] == answer.columns
    assert rich_table.row_count == len(answer.rows)
    assert heading(answer) == "routes: 198 rows"

    text = render(answer, "table", width=200)
    assert "routes: 198 rows" in text
    assert "plane_0_spine_0" in text and "Next_Hop" in text


def test_empty_answer_renders() -> None:
    empty = Answer("undefinedReferences", ["File_Name", "Ref_Name"], [])
    assert json.loads(render(empty, "json")) == []
    assert render(empty, "csv").splitlines() == ["File_Name,Ref_Name"]
    assert "undefinedReferences: 0 rows" in render(empty, "table")


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown output format 'yaml'"):
        render(Answer("routes", [], []), "yaml")
