"""Recursive next hops of a predicted RIB resolved to the forwarding next hops.

An engine's routes answer (Batfish's, and the built-in engine's in the same shape) gives a
BGP route, or a static route to an address, the next hop its protocol chose: for iBGP the
remote loopback. The device forwards through whatever that address resolves to, and that is
what FRR's ``show ip route`` lists as the route's paths (its recursive entry aside). The
State keeps both, like a device: ``next_hops`` are the forwarding paths, the protocol's own
next hops go to ``protocol_next_hops``; so ECMP width, baselines and ``compare`` count the
same paths whatever fed the State.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netval.state import NextHop, Route

# deeper chains than this do not occur in sane configs
MAX_DEPTH = 8
_Net = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Table:
    """One VRF's selected routes, for longest-prefix matches in O(prefix lengths)."""

    def __init__(self) -> None:
        self.by_length: dict[int, dict[_Net, Route]] = {}
        self.lengths: list[int] = []
        self.cache: dict[tuple[str, int], list[NextHop] | None] = {}

    def add(self, net: _Net, route: Route) -> None:
        # with several routes to one prefix (ECMP rows of one route are merged already),
        # the first stays, as in the answer's order
        self.by_length.setdefault(net.prefixlen, {}).setdefault(net, route)

    def freeze(self) -> None:
        self.lengths = sorted(self.by_length, reverse=True)

    def lookup(self, ip: str, exclude: Route) -> Route | None:
        address = ipaddress.ip_address(ip)
        for length in self.lengths:
            if length > address.max_prefixlen:
                continue
            net = ipaddress.ip_network(f"{address}/{length}", strict=False)
            route = self.by_length[length].get(net)
            if route is not None and route is not exclude:
                return route
        return None


def resolve_routes(routes: list[Route]) -> None:
    """Rewrite, in place, the next hops of ``routes`` (one node's RIB) that name only an IP."""
    tables: dict[str, _Table] = {}
    for route in routes:
        if route.selected and route.protocol != "local":
            tables.setdefault(route.vrf, _Table()).add(ipaddress.ip_network(route.prefix), route)
    for table in tables.values():
        table.freeze()
    for route in routes:
        if not any(_recursive(nh) for nh in route.next_hops):
            continue
        table = tables.get(route.vrf, _Table())
        forwarding: list[NextHop] = []
        via: list[str] = []
        for nh in route.next_hops:
            resolved = _resolve(nh, route, table, 0) if _recursive(nh) else None
            if resolved is None:
                forwarding.append(nh)
            else:
                assert nh.ip is not None
                via.append(nh.ip)
                forwarding.extend(resolved)
        route.next_hops = _unique(forwarding)
        route.protocol_next_hops = sorted(set(via))


def _recursive(nh: NextHop) -> bool:
    return nh.ip is not None and nh.interface is None and not nh.discard


def _resolve(nh: NextHop, route: Route, table: _Table, depth: int) -> list[NextHop] | None:
    """The forwarding hops of ``nh``; None when it is directly connected or unresolvable
    (then it stays as the engine gave it)."""
    assert nh.ip is not None
    match = table.lookup(nh.ip, route)
    if match is None or match.protocol == "connected" or depth >= MAX_DEPTH:
        return None
    key = (nh.ip, id(match))
    if key in table.cache:
        return table.cache[key]
    table.cache[key] = None  # a loop back to this next hop resolves to nothing
    hops: list[NextHop] = []
    for hop in match.next_hops:
        deeper = _resolve(hop, match, table, depth + 1) if _recursive(hop) else None
        hops.extend(deeper if deeper is not None else [hop])
    table.cache[key] = hops or None
    return table.cache[key]


def _unique(hops: Iterable[NextHop]) -> list[NextHop]:
    seen: dict[str, NextHop] = {}
    for hop in hops:
        seen.setdefault(f"{hop.key()}|{hop.interface}", hop)
    return list(seen.values())
