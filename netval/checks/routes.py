"""Route presence checks."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from netval.checks.base import CheckSpec, rib_gap
from netval.protocols import normalize_protocol
from netval.results import Outcome
from netval.state import Domain, Route, State
from netval.types import IpAddress, Prefix


def _shown(route: Route) -> str:
    return route.bgp_kind or normalize_protocol(route.protocol)


def protocol_matches(wanted: str, route: Route) -> bool | None:
    """Whether ``route`` is of protocol ``wanted``, or None when the source cannot tell.

    Names mean the same whichever source fed the State: ``bgp`` is any BGP route, ``ebgp``
    and ``ibgp`` one kind of it, ``ospf`` any OSPF route (intra-area, inter-area or external).
    """
    want = wanted.strip().lower()
    family = normalize_protocol(route.protocol)
    if want in ("ebgp", "ibgp"):
        if family != "bgp":
            return False
        return None if route.bgp_kind is None else route.bgp_kind == want
    return family == normalize_protocol(want)


class Routes(CheckSpec):
    """A prefix is present (or absent) in the RIB, with the given protocol and next hop."""

    kind: Literal["routes"]
    prefix: Prefix
    present: bool = True
    protocol: str | None = Field(default=None, description="e.g. bgp, static, connected, ospf")
    next_hop: IpAddress | list[IpAddress] | None = Field(
        default=None, description="one next hop that must be used, or a list that must all be"
    )
    vrf: str = "default"

    domains: ClassVar[tuple[Domain, ...]] = ("routes",)

    def route_queries(self) -> tuple[tuple[str, str], ...] | None:
        return ((self.vrf, self.prefix),)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        gap = rib_gap(node, self.prefix, self.vrf, state)
        if gap:
            return Outcome.error(gap)
        routes = [r for r in node.routes_for(self.prefix, self.vrf) if r.selected]
        observed = [
            {"protocol": r.protocol, "next_hops": [nh.key() for nh in r.next_hops]} for r in routes
        ]
        if not self.present:
            if routes:
                return Outcome.failed(
                    f"{self.prefix} is present on {target} ({routes[0].protocol}), expected absent",
                    expected={"present": False},
                    observed=observed,
                )
            return Outcome.passed(f"{self.prefix} is absent", observed=observed)
        expected: dict[str, object] = {"present": True}
        if not routes:
            return Outcome.failed(
                f"no route to {self.prefix} on {target}", expected=expected, observed=observed
            )
        problems = []
        if self.protocol is not None:
            expected["protocol"] = self.protocol
            matches = [protocol_matches(self.protocol, r) for r in routes]
            if True not in matches and None in matches:
                return Outcome.error(
                    f"{target} does not show whether its BGP route to {self.prefix} is iBGP or "
                    f"eBGP, so protocol: {self.protocol} cannot be checked",
                    expected=expected,
                    observed=observed,
                )
            if True not in matches:
                protocols = "/".join(sorted({_shown(r) for r in routes}))
                problems.append(f"protocol {protocols}, expected {self.protocol}")
        if self.next_hop is not None:
            wanted = [self.next_hop] if isinstance(self.next_hop, str) else self.next_hop
            expected["next_hop"] = wanted
            have = {nh.ip for r in routes for nh in r.next_hops if nh.active}
            have |= {ip for r in routes for ip in r.protocol_next_hops}
            missing = [w for w in wanted if w not in have]
            if missing:
                problems.append(
                    f"next hop(s) {', '.join(missing)} not used (via "
                    f"{', '.join(sorted(h for h in have if h)) or 'no IP next hop'})"
                )
        if problems:
            return Outcome.failed(
                f"{self.prefix} on {target}: " + "; ".join(problems),
                expected=expected,
                observed=observed,
            )
        return Outcome.passed(f"{self.prefix} via {routes[0].protocol}", observed=observed)
