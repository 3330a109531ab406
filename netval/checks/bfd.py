"""BFD checks (live: the sessions bfdd runs, and BGP's view of the ones it asked for)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from netval.checks.base import CheckSpec
from netval.results import Outcome
from netval.state import Domain, State
from netval.types import IpAddress


class BfdPeers(CheckSpec):
    """Every BFD session is up; the listed peers each have one that is up; and (``bgp``,
    the default) every BGP neighbor configured with BFD has its session up, both in bfdd's
    list and in BGP's own view of it. A session bfdd dropped is missing from its list, so
    BGP's configuration says what must be there."""

    kind: Literal["bfd_peers"]
    peers: list[IpAddress] | None = Field(
        default=None, min_length=1, description="addresses that must have a BFD session up"
    )
    min_peers: int = Field(default=1, ge=0, description="at least this many sessions up")
    bgp: bool = Field(
        default=True,
        description="every BGP neighbor with BFD configured has its session up (FRR; other "
        "platforms do not report BGP's view of BFD: set false there)",
    )
    vrf: str = "default"

    domains: ClassVar[tuple[Domain, ...]] = ("bfd", "bgp_neighbors")
    # neither engine models BFD: a prediction would claim more than was checked
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    def needed_domains(self) -> tuple[Domain, ...]:
        return self.domains if self.bgp else ("bfd",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        sessions = [s for s in node.bfd_peers or [] if s.vrf == self.vrf]
        up = {s.peer for s in sessions if s.up}
        problems = [
            f"BFD to {s.peer} is {s.status}" + (f" ({s.diagnostic})" if s.diagnostic else "")
            for s in sessions
            if not s.up
        ]
        for peer in self.peers or []:
            if peer not in up and all(s.peer != peer for s in sessions):
                problems.append(f"no BFD session to {peer}")
        with_bfd = [n for n in node.bgp_neighbors or [] if n.vrf == self.vrf and n.bfd]
        if self.bgp:
            for n in with_bfd:
                if all(s.peer != n.peer for s in sessions):
                    problems.append(
                        f"BGP neighbor {n.peer} has BFD configured but bfdd has no session "
                        "to it (is bfdd running?)"
                    )
                elif n.bfd != "up" and n.peer in up:
                    problems.append(f"BGP sees BFD to {n.peer} as {n.bfd}")
        if len(up) < self.min_peers:
            problems.append(f"{len(up)} BFD session(s) up, expected at least {self.min_peers}")
        observed: dict[str, Any] = {
            "sessions": {s.peer: s.status for s in sessions},
            "bgp_neighbors_with_bfd": {n.peer: n.bfd for n in with_bfd},
        }
        expected = {"peers": self.peers, "min_peers": self.min_peers, "bgp": self.bgp}
        if problems:
            return Outcome.failed("; ".join(problems), expected=expected, observed=observed)
        return Outcome.passed(
            f"{len(up)} BFD session(s) up: {', '.join(sorted(up)) or 'none'}"
            + (f"; {len(with_bfd)} BGP neighbor(s) with BFD" if self.bgp else ""),
            expected=expected,
            observed=observed,
        )
