"""The check extension point.

A check is a declarative pydantic model (what the user writes in the catalog, validated
with ``extra="forbid"``) plus class data saying which State domains it reads, whether it
judges one device or a group, and in which gate it runs. ``evaluate`` sees only a
``State``: it never knows whether the state was observed or predicted.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from netval.results import Outcome
from netval.state import DOMAIN_FIELDS, Domain, NodeState, Problem, State
from netval.types import Duration

DOMAIN_WORDS: dict[Domain, str] = {
    "bgp": "BGP",
    "routes": "routing table",
    "vrrp": "VRRP",
    "interfaces": "interface",
    "ospf": "OSPF",
    "bgp_routes": "BGP table",
    "bfd": "BFD",
    "bgp_neighbors": "BGP neighbor",
    "bgp_advertised": "advertised-routes",
}

Scope = Literal["device", "group", "network"]
Gate = Literal["live", "static"]


class CheckSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    name: str | None = Field(default=None, description="label used in item ids and reports")
    devices: list[str] | dict[str, Any] | None = Field(
        default=None,
        description="device names, or a filter on host data and groups such as {role: leaf}; "
        "default: every device",
    )
    within: Duration | None = Field(
        default=None, description="retry until the check passes or this much time has passed"
    )

    domains: ClassVar[tuple[Domain, ...]] = ()
    scope: ClassVar[Scope] = "device"
    gates: ClassVar[frozenset[Gate]] = frozenset({"live", "static"})

    def label(self) -> str:
        return self.name or self.kind

    def needed_domains(self) -> tuple[Domain, ...]:
        """The domains this check, as written, reads (some keys turn a domain off)."""
        return self.domains

    def route_queries(self) -> tuple[tuple[str, str], ...] | None:
        """The (VRF, prefix) pairs this check reads from the routing table, when it reads
        only those; None when it needs the whole table (or reads no routes)."""
        return None

    def group_target(self) -> str:
        """The item id suffix of a group or network check."""
        return self.kind

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        raise NotImplementedError


def missing_data(node: NodeState | None, device: str, domains: tuple[Domain, ...]) -> str | None:
    """Why a device's data cannot be judged, or None when every needed domain is there."""
    if node is None:
        return f"no data was collected from {device}"
    if "device" in node.errors:
        return node.errors["device"]
    for domain in domains:
        if getattr(node, DOMAIN_FIELDS[domain]) is None:
            why = node.errors.get(domain, "not collected")
            return f"no {DOMAIN_WORDS[domain]} data from {device}: {why}"
    return None


def data_problem(node: NodeState | None, domains: tuple[Domain, ...]) -> Problem | None:
    """The kind of the error ``missing_data`` reports, when the collector recorded one."""
    if node is None:
        return None
    if "device" in node.errors:
        return node.problems.get("device")
    for domain in domains:
        if getattr(node, DOMAIN_FIELDS[domain]) is None:
            return node.problems.get(domain)
    return None


def evaluate(spec: CheckSpec, state: State, target: str, devices: list[str]) -> Outcome:
    """Run a check with the rule that missing data is an error, never a pass or a fail."""
    node = state.nodes.get(target) if spec.scope == "device" else None
    if spec.scope == "device":
        why = missing_data(node, target, spec.needed_domains())
        if why:
            return Outcome.error(why, problem=data_problem(node, spec.needed_domains()))
    try:
        outcome = spec.evaluate(state, target, devices)
    except NotImplementedError:
        return Outcome.error(f"{spec.kind} cannot be evaluated on {state.source} state")
    if node is not None and node.connect_attempts > 1:
        outcome.message += f" (the device answered login attempt {node.connect_attempts})"
    return outcome


def rib_gap(node: NodeState, prefix: str, vrf: str, state: State | None = None) -> str | None:
    """Why a routing table cannot say anything about ``prefix`` in ``vrf`` (no data for
    that address family or VRF): absence there is unknown, never 'absent'."""
    import ipaddress

    version = ipaddress.ip_network(prefix).version
    if node.routes_asked is not None:
        # the device was asked about this prefix alone: an empty answer means absent
        if prefix in node.routes_asked.get(vrf, []):
            return None
        asked = ", ".join(
            f"{p} (vrf {v})" for v, ps in sorted(node.routes_asked.items()) for p in ps
        )
        return (
            f"only {asked} were collected from {node.name}'s routing table, not {prefix} "
            f"(vrf {vrf})"
        )
    routes = node.routes or []
    if not any(ipaddress.ip_network(r.prefix).version == version for r in routes):
        if state is not None and "builtin engine" in state.origin and version == 6:
            return (
                f"{state.origin or 'the engine'} predicts no IPv6 routes for {node.name}: "
                "the built-in engine does not model IPv6 (Batfish does: --engine batfish)"
            )
        return (
            f"no IPv{version} routing table data from {node.name} (only "
            f"IPv{6 if version == 4 else 4} routes were collected)"
        )
    if not any(r.vrf == vrf for r in routes):
        vrfs = ", ".join(sorted({r.vrf for r in routes}))
        return f"no routes of vrf {vrf!r} were collected from {node.name} (vrfs: {vrfs})"
    return None


def bgp_table_gap(state: State, prefix: str) -> str | None:
    """Why a predicted BGP table says nothing about ``prefix``: the built-in engine models
    IPv4 only, so an IPv6 path missing there is unknown, never absent."""
    import ipaddress

    if "builtin engine" in state.origin and ipaddress.ip_network(prefix).version == 6:
        return (
            f"{state.origin} predicts no IPv6 BGP paths: the built-in engine does not model "
            "IPv6 (Batfish does: --engine batfish)"
        )
    return None
