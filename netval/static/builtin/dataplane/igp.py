"""Connected, local and static routes, and the merge of candidates into a main RIB."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netval.static.builtin.dataplane.network import Node
from netval.static.builtin.dataplane.types import (
    CONNECTED,
    DISCARD,
    LOCAL,
    STATIC,
    Hop,
    Issue,
    RibRoute,
)
from netval.static.builtin.prefix import HOST_LENGTH, PrefixTable, ip_int, key_of, make_key

Rib = PrefixTable[RibRoute]


def connected_routes(node: Node, vrf: str) -> dict[int, RibRoute]:
    """A connected route per interface subnet and, below /32, a local /32 (as Batfish)."""
    hops: dict[tuple[str, int], list[Hop]] = {}
    for iface in node.ifaces.values():
        if not iface.active or iface.vrf != vrf:
            continue
        hop = Hop(iface=iface.name)
        for a in iface.addresses:
            hops.setdefault((CONNECTED, key_of(a.network)), []).append(hop)
            if a.network.prefixlen < 32:
                hops.setdefault((LOCAL, make_key(int(a.ip), HOST_LENGTH)), []).append(hop)
    out: dict[int, RibRoute] = {}
    for (proto, key), hs in hops.items():
        if key in out:  # an address that is also another interface's subnet: connected wins
            continue
        out[key] = RibRoute(key, proto, tuple(sorted(set(hs))), 0)
    return out


def static_routes(
    node: Node,
    vrf: str,
    resolves: Callable[[int, int], bool],
    issues: list[Issue] | None = None,
) -> dict[int, RibRoute]:
    """Active static routes: discard always, an interface when it is up, an IP when the RIB
    resolves it (``resolves(next_hop, route_key)``; never through the route itself)."""
    best: dict[int, tuple[int, list[Hop]]] = {}
    for s in node.statics():
        if s.vrf != vrf:
            continue
        key = key_of(s.prefix)
        hop: Hop | None
        if s.discard:
            hop = DISCARD
        elif s.next_hop_interface and not s.next_hop_ip:
            iface = node.ifaces.get(s.next_hop_interface)
            hop = Hop(iface=iface.name) if iface is not None and iface.active else None
        elif s.next_hop_ip:
            if s.next_hop_interface:
                iface = node.ifaces.get(s.next_hop_interface)
                ok = iface is not None and iface.active
                hop = Hop(ip=s.next_hop_ip, iface=s.next_hop_interface) if ok else None
            else:
                hop = Hop(ip=s.next_hop_ip) if resolves(ip_int(s.next_hop_ip), key) else None
                if hop is None and issues is not None:
                    issues.append(
                        Issue(
                            "unresolved",
                            node.name,
                            f"static route next hop {s.next_hop_ip} is not reachable",
                            str(s.prefix),
                        )
                    )
        else:
            hop = None
        if hop is None:
            continue
        have = best.get(key)
        if have is None or s.distance < have[0]:
            best[key] = (s.distance, [hop])
        elif s.distance == have[0] and hop not in have[1]:
            have[1].append(hop)
    return {
        key: RibRoute(key, STATIC, tuple(sorted(hs, key=_hop_order)), distance)
        for key, (distance, hs) in best.items()
    }


def _hop_order(h: Hop) -> tuple[int, str, int]:
    return (ip_int(h.ip) if h.ip else -1, h.iface or "", int(h.discard))


def merge(layers: Iterable[dict[int, RibRoute]]) -> Rib:
    """Lowest administrative distance wins; on a tie the earlier layer wins."""
    rib: Rib = PrefixTable()
    entries = rib.entries
    for layer in layers:
        for key, route in layer.items():
            have = entries.get(key)
            if have is None:
                rib.set(key, route)
            elif route.admin < have.admin:
                entries[key] = route
    return rib


def resolver(rib: Rib, via_default: bool) -> Callable[[int, int], bool]:
    """Does the RIB forward to an address, not counting the route being resolved?"""

    def resolves(address: int, route_key: int) -> bool:
        hit = rib.lookup(address, skip_default=not via_default)
        return hit is not None and hit[0] != route_key

    return resolves
