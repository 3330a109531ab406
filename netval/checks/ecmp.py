"""ECMP width checks."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec, rib_gap
from netval.results import Outcome
from netval.state import Domain, State
from netval.types import IpAddress, PathCount, Prefix


class Ecmp(CheckSpec):
    """A prefix has at least ``min_paths`` (or exactly ``paths``) active next hops, optionally
    exactly ``next_hops``, selected in the RIB and installed in the FIB."""

    kind: Literal["ecmp"]
    prefix: Prefix
    min_paths: PathCount | None = None
    paths: PathCount | None = Field(default=None, description="exact number of next hops")
    next_hops: list[IpAddress] | None = Field(default=None, description="exact next-hop set")
    vrf: str = "default"
    fib: bool = Field(default=True, description="also require the next hops in the FIB")

    domains: ClassVar[tuple[Domain, ...]] = ("routes",)

    def route_queries(self) -> tuple[tuple[str, str], ...] | None:
        return ((self.vrf, self.prefix),)

    @model_validator(mode="after")
    def _needs_a_width(self) -> Ecmp:
        if self.min_paths is None and self.paths is None and self.next_hops is None:
            raise ValueError("give min_paths, paths or next_hops")
        listed = len(set(self.next_hops)) if self.next_hops is not None else None
        if self.paths is not None and self.min_paths is not None and self.paths < self.min_paths:
            raise ValueError(
                f"paths: {self.paths} contradicts min_paths: {self.min_paths}; keep one of them"
            )
        if listed is not None and self.paths is not None and listed != self.paths:
            raise ValueError(f"paths: {self.paths} contradicts the {listed} next_hops listed")
        if listed is not None and self.min_paths is not None and listed < self.min_paths:
            raise ValueError(
                f"min_paths: {self.min_paths} contradicts the {listed} next_hops listed"
            )
        return self

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        gap = rib_gap(node, self.prefix, self.vrf, state)
        if gap:
            return Outcome.error(gap)
        routes = [r for r in node.routes_for(self.prefix, self.vrf) if r.selected]
        expected = {
            k: v
            for k, v in {
                "min_paths": self.min_paths,
                "paths": self.paths,
                "next_hops": self.next_hops,
            }.items()
            if v is not None
        }
        if not routes:
            return Outcome.failed(
                f"no selected route to {self.prefix} on {target}",
                expected=expected,
                observed={"paths": 0},
            )
        hops = sorted(
            {
                nh.key()
                for r in routes
                for nh in r.next_hops
                if nh.active and not (self.fib and nh.fib is False)
            }
        )
        not_in_fib = sorted(
            {nh.key() for r in routes for nh in r.next_hops if nh.active and nh.fib is False}
        )
        observed = {"paths": len(hops), "next_hops": hops, "protocol": routes[0].protocol}
        problems = []
        if self.min_paths is not None and len(hops) < self.min_paths:
            problems.append(f"{len(hops)} path(s), expected at least {self.min_paths}")
        if self.paths is not None and len(hops) != self.paths:
            problems.append(f"{len(hops)} path(s), expected exactly {self.paths}")
        if self.next_hops is not None and hops != sorted(self.next_hops):
            problems.append(f"next hops {hops}, expected {sorted(self.next_hops)}")
        if problems:
            extra = f" (not in FIB: {', '.join(not_in_fib)})" if self.fib and not_in_fib else ""
            return Outcome.failed(
                f"{self.prefix} on {target}: "
                + "; ".join(problems)
                + f" — via {', '.join(hops) or 'nothing'}{extra}",
                expected=expected,
                observed=observed,
            )
        return Outcome.passed(
            f"{self.prefix} via {len(hops)} paths: {', '.join(hops)}",
            expected=expected,
            observed=observed,
        )
