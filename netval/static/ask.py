"""Ask an engine one question by its Batfish name, and show the answer.

This is what ``netval ask SNAPSHOT QUESTION --param k=v ...`` runs: ``parse_params`` turns the
``k=v`` strings into a dict, ``ask`` checks them against the question's parameters and calls
the engine, ``render`` prints the answer as a table, as Batfish's JSON rows, or as CSV.
Question and parameter names are Batfish's, so a Batfish user needs nothing new.
"""

from __future__ import annotations

import io
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from netval.errors import InputError
from netval.report.escape import printable
from netval.static.engine import Answer, Engine, Headers, RouteInput, cell_text

__all__ = [
    "FORMATS",
    "QUESTIONS",
    "Param",
    "Question",
    "ask",
    "heading",
    "parse_params",
    "render",
    "table",
]

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")


@dataclass(frozen=True)
class Param:
    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class Question:
    """One askable question: its parameters and how it maps onto the engine."""

    name: str
    description: str
    params: tuple[Param, ...]
    run: Callable[[Engine, Mapping[str, str]], Answer]

    def usage(self) -> str:
        if not self.params:
            return f"{self.name} takes no parameters"
        return ", ".join(
            f"{p.name}{'' if p.required else ' (optional)'}: {p.help}" for p in self.params
        )


# --------------------------------------------------------------------------------------------
# Parameter values


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]


def _prefix(value: str, param: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise InputError(
            f"{param}: {value!r} is not a prefix", hint="write prefixes as A.B.C.D/LEN"
        ) from exc
    return value


def _prefix_range(value: str, param: str) -> str:
    prefix, _, lengths = value.partition(":")
    _prefix(prefix, param)
    if lengths and not re.fullmatch(r"\d+(-\d+)?", lengths):
        raise InputError(
            f"{param}: {value!r} has a bad length range",
            hint="write a prefix range as 10.0.0.0/8:8-32",
        )
    return value


def _as_path(value: str, param: str) -> tuple[int, ...]:
    try:
        return tuple(int(a) for a in value.replace(",", " ").split())
    except ValueError as exc:
        raise InputError(
            f"{param}: {value!r} is not a list of AS numbers",
            hint="write the AS path as numbers separated by spaces: 65001 44",
        ) from exc


def _protocol(value: str) -> str:
    proto = value.strip().upper()
    if proto not in ("TCP", "UDP", "ICMP"):
        raise InputError(
            f"protocol: {value!r} is not tcp, udp or icmp",
            hint="use protocol=tcp, protocol=udp or protocol=icmp",
        )
    return proto


def _port(value: str) -> int:
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise InputError(f"port: {value!r} is not a port number", hint="use a number 1-65535")
    return int(value)


def _nodes(params: Mapping[str, str]) -> list[str]:
    nodes = _split(params.get("nodes", ""))
    if not nodes:
        raise InputError("nodes: give at least one node", hint="e.g. nodes=border1")
    return nodes


def _headers(params: Mapping[str, str]) -> Headers:
    dst = params["dst"].strip()
    _prefix(dst, "dst")
    src = params.get("src")
    if src:
        _prefix(src, "src")
    return Headers(
        dst_ip=dst,
        src_ip=src or None,
        ip_protocol=_protocol(params["protocol"]) if params.get("protocol") else None,
        dst_port=_port(params["port"]) if params.get("port") else None,
    )


def _per_node(question: str, nodes: list[str], ask_one: Callable[[str], Answer]) -> Answer:
    # The engine asks about one node at a time; several nodes are their answers' rows in turn.
    answers = [ask_one(node) for node in nodes]
    return Answer(question, answers[0].columns, [r for a in answers for r in a.rows])


# --------------------------------------------------------------------------------------------
# Questions


def _routes(engine: Engine, params: Mapping[str, str]) -> Answer:
    if params.get("reference"):
        if params.get("nodes"):
            raise InputError(
                "routes: nodes and reference cannot be combined",
                hint="a differential routes answer covers every node",
            )
        return engine.differential_routes(Path(params["reference"]))
    return engine.routes(nodes=_split(params.get("nodes", "")) or None)


def _test_route_policies(engine: Engine, params: Mapping[str, str]) -> Answer:
    communities = tuple(_split(params.get("communities", "")))
    as_path = _as_path(params.get("as_path", ""), "as_path")
    routes = [
        RouteInput(network=_prefix(p, "routes"), communities=communities, as_path=as_path)
        for p in _split(params["routes"])
    ]
    if not routes:
        raise InputError("routes: give at least one prefix", hint="e.g. routes=10.0.0.0/8")
    return _per_node(
        "testRoutePolicies",
        _nodes(params),
        lambda node: engine.test_route_policies(
            node, params["policy"], params["direction"], routes
        ),
    )


def _search_route_policies(engine: Engine, params: Mapping[str, str]) -> Answer:
    prefixes = [_prefix_range(p, "prefixes") for p in _split(params.get("prefixes", ""))]
    return _per_node(
        "searchRoutePolicies",
        _nodes(params),
        lambda node: engine.search_route_policies(
            node,
            params["policy"],
            params.get("direction", "in"),
            prefixes,
            params.get("action", "permit"),
            communities=_split(params.get("communities", "")) or None,
            as_path_regex=params.get("as_path") or None,
        ),
    )


def _reachability(engine: Engine, params: Mapping[str, str]) -> Answer:
    return engine.reachability(
        params["start"], _headers(params), actions=params.get("actions", "SUCCESS").upper()
    )


_FLOW = (
    Param("dst", "destination IP or prefix, e.g. 10.10.3.10", required=True),
    Param("src", "source IP or prefix"),
    Param("protocol", "tcp, udp or icmp"),
    Param("port", "destination port, e.g. 443"),
)
_NODES = Param("nodes", "node name(s), comma-separated", required=True)
_POLICY = Param("policy", "route policy (route-map) name", required=True)
_COMMUNITIES = Param("communities", "communities, ';'-separated, e.g. 65000:1")


def _dataplane_issues(engine: Engine) -> Answer:
    method = getattr(engine, "dataplane_issues", None)
    if method is None:
        raise InputError(
            f"dataplaneIssues is a question of the built-in engine, not of {engine.name}",
            hint="pass --engine builtin",
        )
    answer: Answer = method()
    return answer


def _no_params(method: Callable[[Engine], Answer]) -> Callable[[Engine, Mapping[str, str]], Answer]:
    return lambda engine, _params: method(engine)


QUESTIONS: dict[str, Question] = {
    q.name: q
    for q in (
        Question(
            "fileParseStatus",
            "how each file was parsed",
            (),
            _no_params(lambda e: e.file_parse_status()),
        ),
        Question(
            "initIssues",
            "issues found while loading the snapshot",
            (),
            _no_params(lambda e: e.init_issues()),
        ),
        Question(
            "undefinedReferences",
            "structures used but never defined",
            (),
            _no_params(lambda e: e.undefined_references()),
        ),
        Question(
            "unusedStructures",
            "structures defined but never used",
            (),
            _no_params(lambda e: e.unused_structures()),
        ),
        Question(
            "bgpSessionCompatibility",
            "whether each BGP session has a compatible peer",
            (),
            _no_params(lambda e: e.bgp_session_compatibility()),
        ),
        Question(
            "bgpSessionStatus",
            "whether each BGP session is predicted to come up",
            (),
            _no_params(lambda e: e.bgp_session_status()),
        ),
        Question(
            "dataplaneIssues",
            "built-in engine: what the data plane could not settle (BGP oscillation stopped "
            "at the iteration bound, unresolvable next hops)",
            (),
            _no_params(_dataplane_issues),
        ),
        Question(
            "routes",
            "the predicted RIBs; with reference=, the difference against that snapshot",
            (
                Param("nodes", "node name(s), comma-separated"),
                Param("reference", "snapshot to compare against, e.g. snapshots/base"),
            ),
            _routes,
        ),
        Question(
            "testRoutePolicies",
            "what a route policy does to given routes",
            (
                _NODES,
                _POLICY,
                Param("direction", "in or out", required=True),
                Param(
                    "routes", "prefixes, ';'-separated, e.g. 10.0.0.0/8;2.0.0.0/8", required=True
                ),
                _COMMUNITIES,
                Param("as_path", "AS path of the routes, e.g. '65001 44'"),
            ),
            _test_route_policies,
        ),
        Question(
            "searchRoutePolicies",
            "a route in the given space that the policy permits (or denies), if one exists",
            (
                _NODES,
                _POLICY,
                Param("direction", "in or out (default in)"),
                Param("prefixes", "prefix ranges, ';'-separated, e.g. 10.0.0.0/8:8-32"),
                Param("action", "permit or deny (default permit)"),
                _COMMUNITIES,
                Param("as_path", "AS-path regex"),
            ),
            _search_route_policies,
        ),
        Question(
            "traceroute",
            "the paths of one flow",
            (Param("start", "start location, e.g. leaf1", required=True), *_FLOW),
            lambda engine, params: engine.traceroute(params["start"], _headers(params)),
        ),
        Question(
            "reachability",
            "flows from a start location that end with the given action",
            (
                Param("start", "start location, e.g. leaf1", required=True),
                *_FLOW,
                Param("actions", "dispositions to search for (default SUCCESS)"),
            ),
            _reachability,
        ),
        Question(
            "differentialReachability",
            "flows whose outcome differs from the reference snapshot",
            (
                Param(
                    "reference", "snapshot to compare against, e.g. snapshots/base", required=True
                ),
                *_FLOW,
            ),
            lambda engine, params: engine.differential_reachability(
                Path(params["reference"]), _headers(params)
            ),
        ),
    )
}


# --------------------------------------------------------------------------------------------
# Entry points


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``["nodes=leaf1", "port=443"]`` as a dict; each key at most once."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(
                f"parameter {item!r} is not KEY=VALUE",
                hint="write parameters as --param nodes=leaf1",
            )
        if key in params:
            raise InputError(
                f"parameter {key!r} is given twice",
                hint="give each parameter once; list values are ';'-separated",
            )
        params[key] = value.strip()
    return params


def ask(engine: Engine, question: str, params: Mapping[str, str]) -> Answer:
    """Ask ``engine`` the Batfish question ``question`` with ``--param`` values ``params``."""
    spec = QUESTIONS.get(question)
    if spec is None:
        raise InputError(
            f"unknown question {question!r}", hint=f"ask one of: {', '.join(QUESTIONS)}"
        )
    known = {p.name for p in spec.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise InputError(
            f"{question} has no parameter {', '.join(repr(u) for u in unknown)}",
            hint=f"valid parameters: {spec.usage()}" if spec.params else spec.usage(),
        )
    missing = [p.name for p in spec.params if p.required and not params.get(p.name)]
    if missing:
        raise InputError(
            f"{question} needs {', '.join(missing)}", hint=f"parameters: {spec.usage()}"
        )
    return spec.run(engine, params)


def heading(answer: Answer) -> str:
    count = len(answer.rows)
    return f"{answer.question}: {count} row{'' if count == 1 else 's'}"


def table(answer: Answer) -> Table:
    """The answer as a rich Table, each cell as Batfish's own frame display shows it.

    It has no title: a title wraps to the table's width, which for a narrow answer splits
    the question's name; ``heading`` gives the line to print above it.
    """
    out = Table()
    for column in answer.columns:
        out.add_column(column, overflow="fold")
    for row in answer.rows:
        # Text, not markup: a config line may hold "[...]" or control characters
        out.add_row(*(Text(printable(cell_text(row.get(c)))) for c in answer.columns))
    return out


def render(answer: Answer, fmt: str, *, width: int = 160) -> str:
    """The answer as text: ``table``, ``json`` (Batfish's rows) or ``csv``."""
    if fmt == "json":
        return answer.to_json() + "\n"
    if fmt == "csv":
        return answer.to_csv()
    if fmt == "table":
        buf = io.StringIO()
        console = Console(file=buf, width=width, no_color=True, highlight=False)
        console.print(heading(answer))
        console.print(table(answer))
        return buf.getvalue()
    raise InputError(f"unknown output format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
