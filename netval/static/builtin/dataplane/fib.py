"""From a RIB route to what the router does with a packet: out of which interface, to which
address it ARPs, or discard. Next hops that are IPs resolve recursively through the RIB, as
routers (and Batfish) do."""

from __future__ import annotations

from typing import NamedTuple

from netval.static.builtin.dataplane.igp import Rib
from netval.static.builtin.dataplane.types import Hop, RibRoute
from netval.static.builtin.prefix import ip_int

_MAX_DEPTH = 8


class Action(NamedTuple):
    hop: Hop  # the route's own next hop this action came from
    iface: str | None  # None: discard
    arp_ip: str | None  # None: the packet's destination (a connected route)


def forward(rib: Rib, route: RibRoute, via_default: bool = True) -> list[Action]:
    out: list[Action] = []
    for hop in route.hops:
        for iface, arp in _resolve(rib, hop, 0, via_default):
            act = Action(hop, iface, arp)
            if act not in out:
                out.append(act)
    return out


def _resolve(
    rib: Rib, hop: Hop, depth: int, via_default: bool
) -> list[tuple[str | None, str | None]]:
    if hop.discard:
        return [(None, None)]
    if hop.iface is not None:
        return [(hop.iface, hop.ip)]
    if hop.ip is None or depth > _MAX_DEPTH:
        return []
    hit = rib.lookup(ip_int(hop.ip))
    if hit is None:
        return []
    out: list[tuple[str | None, str | None]] = []
    for h in hit[1].hops:
        if h.iface is not None and h.ip is None:
            out.append((h.iface, hop.ip))  # resolved by a connected route: ARP for our next hop
        else:
            out.extend(_resolve(rib, h, depth + 1, via_default))
    return out
