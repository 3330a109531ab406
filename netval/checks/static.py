"""Catalog entries of the pre-change (static) gate.

They ask an engine (Batfish or the built-in one) questions about a snapshot, not a State,
so they only run under `netval verify`; `netval check` reports them as skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from netval import frr_verdict
from netval.checks.base import CheckSpec, Gate, Scope
from netval.checks.static_eval import (
    eval_bgp_compatibility,
    eval_bgp_status,
    eval_differential,
    eval_parse,
    eval_route_policy,
    eval_route_policy_search,
    eval_undefined_references,
)
from netval.results import Outcome
from netval.snapshot import scan_unsafe_values
from netval.types import Asn, IpAddress, Pattern, Prefix, PrefixRange

if TYPE_CHECKING:
    from netval.static.engine import Engine


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaticCheck(CheckSpec):
    gates: ClassVar[frozenset[Gate]] = frozenset({"static"})

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        raise NotImplementedError


class Parse(StaticCheck):
    """Every config file parsed, with no unrecognized lines (unless allowed)."""

    kind: Literal["parse"]
    allow_partial: bool = False
    allow_unrecognized: list[Pattern] = Field(
        default_factory=list,
        description="regexes of line texts an engine may leave unrecognized (e.g. a feature "
        "it does not model); a file whose only unrecognized lines match still passes",
    )
    scope: ClassVar[Scope] = "network"

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_parse(
            engine,
            self.allow_partial,
            self.allow_unrecognized,
            scan_unsafe_values(engine.snapshot),
            frr_verdict.snapshot_rejections(engine.snapshot) or [],
        )


class UndefinedReferences(StaticCheck):
    """No structure (prefix-list, route-map, ACL...) is used without being defined."""

    kind: Literal["undefined_references"]
    scope: ClassVar[Scope] = "network"

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_undefined_references(engine, devices)


class BgpCompatibility(StaticCheck):
    """Every configured BGP session has a unique compatible peer."""

    kind: Literal["bgp_compatibility"]
    allow: list[str] = Field(
        default_factory=lambda: ["UNIQUE_MATCH", "DYNAMIC_MATCH"],
        description="Configured_Status values that pass",
    )
    scope: ClassVar[Scope] = "network"

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_bgp_compatibility(engine, devices, self.allow)


class BgpStatus(StaticCheck):
    """Every configured BGP session is predicted to come up."""

    kind: Literal["bgp_status"]
    scope: ClassVar[Scope] = "network"

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_bgp_status(engine, devices)


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
    """What a routing policy does to given routes (one item per device)."""

    kind: Literal["route_policy"]
    policy: str
    direction: Literal["in", "out"] = "in"
    cases: list[PolicyCase] = Field(min_length=1)

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_route_policy(engine, target, self.policy, self.direction, self.cases)


class PolicySpace(_Strict):
    prefixes: list[PrefixRange] = Field(
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

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_route_policy_search(
            engine,
            target,
            self.policy,
            self.direction,
            self.input.prefixes,
            self.forbid,
            self.input.communities,
            self.input.as_path,
        )


class Differential(StaticCheck):
    """Only the allowed route changes against the base snapshot."""

    kind: Literal["differential"]
    allow_added: list[Prefix] = Field(
        default_factory=list, description="prefixes (and their subnets) that may appear"
    )
    allow_removed: list[Prefix] = Field(default_factory=list)
    nodes: list[str] | None = None
    scope: ClassVar[Scope] = "network"

    def expected(self) -> dict[str, Any]:
        return {"added": self.allow_added, "removed": self.allow_removed}

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        if base is None:
            return Outcome.skipped("differential needs a base snapshot: pass --base SNAPSHOT")
        return eval_differential(engine, base, self.nodes, self.allow_added, self.allow_removed)
