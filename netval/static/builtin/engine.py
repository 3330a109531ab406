"""BuiltinEngine: the pure-Python static engine (no JVM), answering in Batfish's shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netval.errors import EngineError, InputError
from netval.static.builtin.dataplane.engine_glue import DataPlaneQuestions
from netval.static.builtin.loader import Loaded, load
from netval.static.builtin.model import DeviceModel, ParseStatus
from netval.static.builtin.questions import bgp, references, search
from netval.static.builtin.questions.policy import Evaluator
from netval.static.builtin.questions.route_json import policy_row, route_from_input
from netval.static.engine import Answer, RouteInput

POLICY_COLUMNS = [
    "Node",
    "Policy_Name",
    "Input_Route",
    "Action",
    "Output_Route",
    "Difference",
    "Trace",
]


class BuiltinEngine(DataPlaneQuestions):
    """Answers the engine protocol from configs alone: the questions on configuration here,
    the data-plane questions (routes, sessions, flows, predicted state) from the mixin."""

    name = "builtin"

    def __init__(self, snapshot_path: Path | str) -> None:
        self.path = Path(snapshot_path)
        self.snapshot = self.path
        self.loaded: Loaded = load(self.path)

    @property
    def devices(self) -> dict[str, DeviceModel]:
        return self.loaded.devices

    # -- initialization -------------------------------------------------------------------

    def file_parse_status(self) -> Answer:
        rows = [
            {
                "File_Name": f.filename,
                "Status": f.status.value,
                "File_Format": f.format,
                "Nodes": [{"name": n} for n in f.nodes],
            }
            for f in self.loaded.files
        ]
        return Answer("fileParseStatus", ["File_Name", "Status", "File_Format", "Nodes"], rows)

    def init_issues(self) -> Answer:
        rows: list[dict[str, Any]] = []
        for f in self.loaded.files:
            if f.status in (ParseStatus.FAILED, ParseStatus.UNSUPPORTED, ParseStatus.UNKNOWN):
                kind = "Parse error" if f.status is ParseStatus.FAILED else "Unsupported format"
                rows.append(_issue([], f.filename, f.lines, kind, f.reason or "failed", None, None))
        for dev in self.devices.values():
            for u in sorted(dev.unrecognized, key=lambda u: u.line):
                rows.append(
                    _issue(
                        [dev.hostname],
                        dev.filename,
                        [u.line],
                        "Parse warning",
                        f"{u.comment}",
                        u.text,
                        u.context,
                    )
                )
        return Answer(
            "initIssues",
            ["Nodes", "Source_Lines", "Type", "Details", "Line_Text", "Parser_Context"],
            rows,
        )

    def undefined_references(self) -> Answer:
        return Answer(
            "undefinedReferences",
            ["File_Name", "Struct_Type", "Ref_Name", "Context", "Lines"],
            references.undefined_rows(list(self.devices.values())),
        )

    def unused_structures(self) -> Answer:
        return Answer(
            "unusedStructures",
            ["Structure_Type", "Structure_Name", "Source_Lines"],
            references.unused_rows(list(self.devices.values())),
        )

    # -- BGP ------------------------------------------------------------------------------

    def bgp_session_compatibility(self) -> Answer:
        return Answer(
            "bgpSessionCompatibility",
            bgp.COMPATIBILITY_COLUMNS,
            bgp.compatibility_rows(self.devices, self.loaded.edges),
        )

    # -- routing policy -------------------------------------------------------------------

    def unparsed(self) -> dict[str, str]:
        return dict(self.loaded.unparsed)

    def _device(self, node: str) -> DeviceModel:
        dev = self.devices.get(node.lower())
        if dev is None and node.lower() in self.loaded.unparsed:
            raise EngineError(f"{node}: {self.loaded.unparsed[node.lower()]}")
        if dev is None:
            raise InputError(
                f"node {node!r} is not in snapshot {self.path}",
                hint=f"known nodes: {', '.join(self.nodes()) or 'none'}",
            )
        return dev

    def _policy(self, dev: DeviceModel, policy: str) -> str:
        if policy not in dev.route_maps:
            raise InputError(
                f"{dev.hostname} has no routing policy {policy!r}",
                hint=f"its route-maps: {', '.join(sorted(dev.route_maps)) or 'none'}",
            )
        return policy

    @staticmethod
    def _direction(direction: str) -> str:
        d = direction.lower()
        if d not in ("in", "out"):
            raise InputError(f"direction {direction!r} must be in or out", hint="use in or out")
        return d

    def test_route_policies(
        self, node: str, policy: str, direction: str, routes: list[RouteInput]
    ) -> Answer:
        dev = self._device(node)
        self._policy(dev, policy)
        d = self._direction(direction)
        ev = Evaluator(dev)
        rows = []
        for r in routes:
            route = route_from_input(r)
            rows.append(policy_row(dev.hostname, policy, route, d, ev.run(policy, route, d)))
        return Answer("testRoutePolicies", POLICY_COLUMNS, rows)

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
        dev = self._device(node)
        self._policy(dev, policy)
        d = self._direction(direction)
        if communities is not None:
            # validated and normalized like a test route's communities
            communities = sorted(
                route_from_input(RouteInput("0.0.0.0/0", tuple(communities))).communities
            )
        outcome = search.search(dev, policy, d, prefixes, action, communities, as_path_regex)
        rows = [policy_row(dev.hostname, policy, route, d, res) for route, res in outcome.found]
        notes = [
            f"sampled, not covered: {', '.join(outcome.sampled)} ({outcome.evaluated} routes tried)"
        ]
        return Answer(
            "searchRoutePolicies",
            POLICY_COLUMNS,
            rows,
            complete=outcome.complete,
            notes=[] if outcome.complete else notes,
        )

    def nodes(self) -> list[str]:
        return sorted(self.devices)

    def policies(self, node: str) -> list[str]:
        return sorted(self._device(node).route_maps)


def _issue(
    nodes: list[str],
    filename: str,
    lines: list[int],
    kind: str,
    details: str,
    text: str | None,
    context: str | None,
) -> dict[str, Any]:
    return {
        "Nodes": nodes,
        "Source_Lines": [{"filename": filename, "lines": lines}],
        "Type": kind,
        "Details": details,
        "Line_Text": text,
        "Parser_Context": context,
    }
