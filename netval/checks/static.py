"""Catalog entries of the pre-change (static) gate.

They ask an engine (Batfish or the built-in one) questions about a snapshot, not a State,
so they only run under `netval verify`; `netval check` reports them as skipped.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from netval.checks.base import CheckSpec, Gate, Scope
from netval.types import Asn, IpAddress, Prefix


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaticCheck(CheckSpec):
    gates: ClassVar[frozenset[Gate]] = frozenset({"static"})


class Parse(StaticCheck):
    """Every config file parsed, with no unrecognized lines (unless allowed)."""

    kind: Literal["parse"]
    allow_partial: bool = False
    scope: ClassVar[Scope] = "network"


class UndefinedReferences(StaticCheck):
    """No structure (prefix-list, route-map, ACL...) is used without being defined."""

    kind: Literal["undefined_references"]
    scope: ClassVar[Scope] = "network"


class BgpCompatibility(StaticCheck):
    """Every configured BGP session has a unique compatible peer."""

    kind: Literal["bgp_compatibility"]
    allow: list[str] = Field(
        default_factory=lambda: ["UNIQUE_MATCH", "DYNAMIC_MATCH"],
        description="Configured_Status values that pass",
    )
    scope: ClassVar[Scope] = "network"


class BgpStatus(StaticCheck):
    """Every configured BGP session is predicted to come up."""

    kind: Literal["bgp_status"]
    scope: ClassVar[Scope] = "network"


class RouteSpec(_Strict):
    prefix: Prefix
    communities: list[str] = Field(default_factory=list)
    as_path: list[Asn] = Field(default_factory=list)
    local_preference: int | None = None
    metric: int | None = None
    next_hop: IpAddress | None = None


class RouteOutput(_Strict):
    communities: list[str] | None = None
    local_preference: int | None = None
    metric: int | None = None
    as_path: list[Asn] | None = None
    next_hop: IpAddress | None = None


class PolicyCase(_Strict):
    route: RouteSpec
    expect: Literal["permit", "deny"]
    output: RouteOutput | None = None


class RoutePolicy(StaticCheck):
    """What a routing policy does to given routes."""

    kind: Literal["route_policy"]
    policy: str
    direction: Literal["in", "out"] = "in"
    cases: list[PolicyCase] = Field(min_length=1)


class PolicySpace(_Strict):
    prefixes: list[str] = Field(
        min_length=1, description="prefix ranges like '10.0.0.0/8:8-32' (prefix:min-max length)"
    )
    communities: list[str] | None = None
    as_path: str | None = Field(default=None, description="AS-path regex")


class RoutePolicySearch(StaticCheck):
    """No route in the input space may get the forbidden action (a counterexample is shown)."""

    kind: Literal["route_policy_search"]
    policy: str
    direction: Literal["in", "out"] = "in"
    input: PolicySpace
    forbid: Literal["permit", "deny"] = "permit"


class Reachability(StaticCheck):
    """A flow from a device to a destination succeeds (or fails), with a traceroute shown."""

    kind: Literal["reachability"]
    from_: str = Field(alias="from")
    to: IpAddress
    protocol: Literal["tcp", "udp", "icmp"] = "icmp"
    port: int | None = Field(default=None, ge=1, le=65535)
    expect: Literal["success", "failure"] = "success"
    scope: ClassVar[Scope] = "network"

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Differential(StaticCheck):
    """Only the allowed route changes against the base snapshot."""

    kind: Literal["differential"]
    allow_added: list[str] = Field(default_factory=list, description="prefixes that may appear")
    allow_removed: list[str] = Field(default_factory=list)
    nodes: list[str] | None = None
    scope: ClassVar[Scope] = "network"

    def expected(self) -> dict[str, Any]:
        return {"added": self.allow_added, "removed": self.allow_removed}
