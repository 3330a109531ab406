"""The static-engine extension point.

An engine answers questions about a snapshot (a folder in Batfish's layout) in Batfish's
own answer shape: the same question names, column names and status values, and rows as
Batfish's JSON rows (``Node`` as ``{"name": ...}``, ``Next_Hop`` as a typed object such as
``{"type": "ip", "ip": "10.0.0.1"}``). Two engines' answers can then be compared row by row,
and checks are written once against the answers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from netval.state import Domain, State

#: device -> the State domains a run's checks read on it
Needs = Mapping[str, Collection[Domain]]

Row = dict[str, Any]


@dataclass
class Answer:
    """One question's answer: Batfish's column names and JSON rows."""

    question: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    #: False when the rows may miss results (a sampled search): an empty answer is then
    #: no proof, and no check may pass on it
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.rows, indent=2, sort_keys=False, default=str)

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([cell_text(row.get(c)) for c in self.columns])
        return buf.getvalue()


def cell_text(value: Any) -> str:
    """A cell as Batfish's own frame display shows it (names, IPs, lists joined)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "schema" in value and "value" in value:
            return cell_text(value["value"])  # Batfish's SelfDescribingObject (e.g. Remote_IP)
        if "name" in value and len(value) <= 2:
            return str(value["name"])
        if value.get("type") == "ip":
            return str(value.get("ip"))
        if value.get("type") == "interface":
            return str(value.get("interface"))
        if value.get("type") == "discard":
            return "discard"
        if "hostname" in value and "interface" in value:
            return f"{value['hostname']}[{value['interface']}]"
        return json.dumps(value, sort_keys=True)
    if isinstance(value, list):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class RouteInput:
    """A route given to testRoutePolicies (Batfish's BgpRoute fields)."""

    network: str
    communities: tuple[str, ...] = ()
    as_path: tuple[int, ...] = ()
    local_preference: int = 100
    metric: int = 0
    next_hop_ip: str = "0.0.0.0"
    origin_type: str = "igp"
    protocol: str = "bgp"


@dataclass(frozen=True)
class Headers:
    """The flow of a traceroute / reachability question."""

    dst_ip: str
    src_ip: str | None = None
    ip_protocol: str | None = None  # TCP, UDP, ICMP
    dst_port: int | None = None


@runtime_checkable
class Engine(Protocol):
    """What every static engine answers. Each method returns Batfish's answer shape."""

    name: str
    #: the snapshot folder the engine answers about
    snapshot: Path

    def file_parse_status(self) -> Answer: ...

    def init_issues(self) -> Answer: ...

    def undefined_references(self) -> Answer: ...

    def unused_structures(self) -> Answer: ...

    def bgp_session_compatibility(self) -> Answer: ...

    def bgp_session_status(self) -> Answer: ...

    def test_route_policies(
        self, node: str, policy: str, direction: str, routes: list[RouteInput]
    ) -> Answer: ...

    def search_route_policies(
        self,
        node: str,
        policy: str,
        direction: str,
        prefixes: list[str],
        action: str,
        communities: list[str] | None = None,
        as_path_regex: str | None = None,
    ) -> Answer: ...

    def routes(self, nodes: list[str] | None = None) -> Answer: ...

    def traceroute(self, start: str, headers: Headers) -> Answer: ...

    def reachability(self, start: str, headers: Headers, actions: str = "SUCCESS") -> Answer: ...

    def differential_routes(self, reference: Path) -> Answer: ...

    def differential_reachability(self, reference: Path, headers: Headers) -> Answer: ...

    def state(self, needs: Needs | None = None) -> State:
        """The predicted State of the devices and domains in ``needs`` (all when None). The
        fixed point is always the whole network's; only what a check reads becomes objects."""
        ...

    def nodes(self) -> list[str]: ...

    def unparsed(self) -> dict[str, str]:
        """Devices of the snapshot the engine has no model of, with the reason (a vendor it
        does not parse, a file that failed): checks on them are errors that say why."""
        ...

    def policies(self, node: str) -> list[str]: ...
