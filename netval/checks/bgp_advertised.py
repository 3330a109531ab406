"""What a device sends a BGP peer (live: its advertised-routes, after outbound policy)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec
from netval.results import Outcome
from netval.state import BgpState, Domain, State
from netval.types import Peer, Prefix


class BgpAdvertised(CheckSpec):
    """The routes a device advertises to ``peer``: the listed prefixes are sent, the
    forbidden ones are not, nothing else is sent (``only``), and the count is within
    bounds. This is what a leak looks like from the sending side."""

    kind: Literal["bgp_advertised"]
    peer: Peer = Field(description="neighbor address (or interface, for unnumbered peers)")
    vrf: str = "default"
    prefixes: list[Prefix] | None = Field(default=None, description="each of these is sent")
    not_prefixes: list[Prefix] | None = Field(default=None, description="none of these is sent")
    only: bool = Field(default=False, description="nothing beyond `prefixes` is sent")
    min_prefixes: int | None = Field(default=None, ge=0)
    max_prefixes: int | None = Field(default=None, ge=0)

    # the peer list comes from the BGP summary: advertised-routes is asked per peer
    domains: ClassVar[tuple[Domain, ...]] = ("bgp", "bgp_advertised")
    # the engines predict what a router selects, not its adj-RIB-out toward each peer
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    @model_validator(mode="after")
    def _consistent(self) -> BgpAdvertised:
        if self.only and self.prefixes is None:
            raise ValueError("only: true needs the list of `prefixes` that may be sent")
        clash = set(self.prefixes or []) & set(self.not_prefixes or [])
        if clash:
            raise ValueError(f"{', '.join(sorted(clash))} both required and forbidden")
        low, high = self.min_prefixes, self.max_prefixes
        if low is not None and high is not None and low > high:
            raise ValueError(f"min_prefixes: {low} is above max_prefixes: {high}")
        if self.only and high is not None and high < len(self.prefixes or []):
            raise ValueError(f"max_prefixes: {high} is fewer than the prefixes listed")
        if self.prefixes is None and self.not_prefixes is None and low is None and high is None:
            raise ValueError("give prefixes, not_prefixes, min_prefixes or max_prefixes")
        return self

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        session = next(
            (p for p in node.bgp_peers or [] if p.peer == self.peer and p.vrf == self.vrf), None
        )
        expected = {
            k: v
            for k, v in {
                "peer": self.peer,
                "prefixes": self.prefixes,
                "not_prefixes": self.not_prefixes,
                "only": self.only or None,
                "min_prefixes": self.min_prefixes,
                "max_prefixes": self.max_prefixes,
            }.items()
            if v is not None
        }
        if session is None:
            known = ", ".join(sorted(p.peer for p in node.bgp_peers or [] if p.vrf == self.vrf))
            return Outcome.failed(
                f"{target} has no BGP peer {self.peer} in vrf {self.vrf} "
                f"(peers: {known or 'none'})",
                expected=expected,
            )
        sent = sorted(
            r.prefix for r in node.bgp_advertised or [] if r.peer == self.peer and r.vrf == self.vrf
        )
        problems = []
        if session.state is not BgpState.ESTABLISHED:
            problems.append(f"the session is {session.state.value}")
        missing = [p for p in self.prefixes or [] if p not in sent]
        if missing:
            problems.append(f"not sent: {', '.join(missing)}")
        leaked = [p for p in self.not_prefixes or [] if p in sent]
        if self.only:
            leaked += [p for p in sent if p not in (self.prefixes or []) and p not in leaked]
        if leaked:
            problems.append(f"sent but must not be: {', '.join(leaked)}")
        if self.min_prefixes is not None and len(sent) < self.min_prefixes:
            problems.append(f"{len(sent)} prefixes sent, expected at least {self.min_prefixes}")
        if self.max_prefixes is not None and len(sent) > self.max_prefixes:
            problems.append(f"{len(sent)} prefixes sent, expected at most {self.max_prefixes}")
        observed: dict[str, Any] = {"state": session.state.value, "sent": sent}
        what = f"to {self.peer}"
        if problems:
            return Outcome.failed(
                f"{what}: " + "; ".join(problems), expected=expected, observed=observed
            )
        return Outcome.passed(
            f"{what}: {len(sent)} prefix(es) sent as expected", expected=expected, observed=observed
        )
