"""OSPF adjacency checks (live: the neighbors a router has formed right now)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec
from netval.results import Outcome
from netval.state import Domain, State
from netval.types import IpAddress


class OspfNeighbors(CheckSpec):
    """Every OSPF neighbor is Full (2-Way between DROthers on a broadcast segment); the
    listed interfaces each have one, the listed router ids are all among them, and there are
    at least ``min_neighbors``. A neighbor that stops answering disappears from the router's
    list, so name what must be there."""

    kind: Literal["ospf_neighbors"]
    interfaces: list[str] | None = Field(
        default=None, min_length=1, description="each must have an adjacency that is up"
    )
    neighbors: list[IpAddress] | None = Field(
        default=None, min_length=1, description="router ids that must be adjacent and up"
    )
    min_neighbors: int = Field(default=1, ge=0, description="at least this many up")
    count: int | None = Field(default=None, ge=0, description="exactly this many up")
    vrf: str = "default"

    domains: ClassVar[tuple[Domain, ...]] = ("ospf",)
    # the built-in engine and Batfish do not compare hello/dead timers, MTU or
    # authentication: a predicted adjacency would claim more than was checked
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    @model_validator(mode="after")
    def _consistent(self) -> OspfNeighbors:
        named = len(self.neighbors or [])
        if self.count is not None and (self.count < named or self.count < self.min_neighbors):
            raise ValueError(
                f"count: {self.count} is fewer than the neighbors listed ({named}) or "
                f"min_neighbors ({self.min_neighbors})"
            )
        return self

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        seen = [n for n in state.nodes[target].ospf_neighbors or [] if n.vrf == self.vrf]
        up = [n for n in seen if n.up]
        observed = {
            f"{n.router_id}@{n.interface or '?'}": n.state + (f"/{n.role}" if n.role else "")
            for n in seen
        }
        problems = [f"{n.router_id} on {n.interface or '?'} is {n.state}" for n in seen if not n.up]
        for iface in self.interfaces or []:
            if not any(n.interface == iface for n in up):
                problems.append(f"no OSPF adjacency up on {iface}")
        for rid in self.neighbors or []:
            if not any(n.router_id == rid for n in up):
                problems.append(
                    f"neighbor {rid} is "
                    + ("not up" if any(n.router_id == rid for n in seen) else "missing")
                )
        if len(up) < self.min_neighbors:
            problems.append(f"{len(up)} adjacency(ies) up, expected at least {self.min_neighbors}")
        if self.count is not None and len(up) != self.count:
            problems.append(f"{len(up)} adjacency(ies) up, expected exactly {self.count}")
        expected = {
            k: v
            for k, v in {
                "interfaces": self.interfaces,
                "neighbors": self.neighbors,
                "min_neighbors": self.min_neighbors,
                "count": self.count,
            }.items()
            if v is not None
        }
        if problems:
            return Outcome.failed("; ".join(problems), expected=expected, observed=observed)
        return Outcome.passed(
            f"{len(up)} OSPF adjacency(ies) up: "
            + ", ".join(sorted(f"{n.router_id} on {n.interface}" for n in up)),
            expected=expected,
            observed=observed,
        )
