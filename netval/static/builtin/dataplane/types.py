"""What the data plane is made of: next hops, RIB routes, issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# Batfish's protocol names for main-RIB routes.
CONNECTED = "connected"
LOCAL = "local"
STATIC = "static"
BGP = "bgp"
IBGP = "ibgp"
AGGREGATE = "aggregate"
OSPF = "ospf"
OSPF_IA = "ospfIA"
OSPF_E1 = "ospfE1"
OSPF_E2 = "ospfE2"

OSPF_PROTOCOLS = frozenset((OSPF, OSPF_IA, OSPF_E1, OSPF_E2))
BGP_PROTOCOLS = frozenset((BGP, IBGP, AGGREGATE))

RouterId = tuple[str, str]  # (node, vrf)


class Hop(NamedTuple):
    """One next hop of a route: an IP, an interface, both, or discard (Null0)."""

    ip: str | None = None
    iface: str | None = None
    discard: bool = False


DISCARD = Hop(discard=True)


class RibRoute:
    """A route of a main RIB (or a protocol's candidate for it).

    ``hops`` holds every ECMP next hop. BGP routes are ``BgpRoute`` objects (bgp_run.py)
    that are at the same time the BGP best-path entry, so a million BGP routes are not
    stored twice.
    """

    __slots__ = ("admin", "hops", "key", "metric", "protocol", "tag")

    def __init__(
        self,
        key: int,
        protocol: str,
        hops: tuple[Hop, ...],
        admin: int,
        metric: int = 0,
        tag: int | None = None,
    ) -> None:
        self.key = key
        self.protocol = protocol
        self.hops = hops
        self.admin = admin
        self.metric = metric
        self.tag = tag

    def same(self, other: RibRoute | None) -> bool:
        return (
            other is not None
            and self.protocol == other.protocol
            and self.hops == other.hops
            and self.admin == other.admin
            and self.metric == other.metric
            and self.tag == other.tag
        )

    def __repr__(self) -> str:
        return f"RibRoute({self.key}, {self.protocol}, {self.hops}, {self.admin}/{self.metric})"


@dataclass(frozen=True)
class Issue:
    """Something the computation could not settle, reported instead of hidden.

    ``kind``: ``oscillation`` (BGP did not converge within the bound), ``unresolved``
    (a route's next hop cannot be resolved), ``no-fixed-point`` (the IGP/BGP loop did not
    settle), ``unsupported`` (a configured feature the engine does not model).
    """

    kind: str
    node: str
    detail: str
    prefix: str | None = None
