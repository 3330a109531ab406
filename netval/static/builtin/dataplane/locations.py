"""Batfish start locations and the flows that leave them.

``node``, ``node[iface]`` (originate from that interface), ``@enter(node[iface])`` (enter the
node through it, so its input ACL applies), comma-separated lists of those, or ``/regex/``
over node names. The source address, unless given, is the node's own: a loopback first (as
Batfish prefers an address that identifies the node), then its first interface.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace

from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.network import Node
from netval.static.builtin.dataplane.trace import Flow

EPHEMERAL_PORT = 49152


def default_source(node: Node, vrf: str = "default") -> str | None:
    """A node's own address for flows it originates: a loopback, else its first interface."""
    loops = [
        a
        for i in node.ifaces.values()
        if i.active and i.vrf == vrf and i.loopback
        for a in i.addresses
    ]
    if loops:
        return str(loops[0].ip)
    for name in sorted(node.ifaces):
        i = node.ifaces[name]
        if i.active and i.vrf == vrf and i.addresses:
            return str(i.addresses[0].ip)
    return None


def flows_for(
    dp: DataPlane,
    start: str,
    dst_ip: str,
    src_ip: str | None,
    protocol: str | None,
    dst_port: int | None,
) -> list[Flow]:
    """Flows for a Batfish start location: ``node``, ``node[iface]``,
    ``@enter(node[iface])``, a comma-separated list of those, or ``/regex/`` over nodes."""
    proto = (protocol or ("TCP" if dst_port is not None else "ICMP")).upper()
    sport = EPHEMERAL_PORT if proto in ("TCP", "UDP") else None
    dport = dst_port if proto in ("TCP", "UDP") else None
    if proto in ("TCP", "UDP") and dport is None:
        dport = 80 if proto == "TCP" else 33434
    flows: list[Flow] = []
    for loc in _locations(dp, start):
        name, iface_name, enter = loc
        node = dp.net.nodes[name]
        iface = node.ifaces.get(iface_name) if iface_name else None
        vrf = iface.vrf if iface is not None else "default"
        src = src_ip
        if src is None:
            if iface is not None and iface.addresses:
                a = iface.addresses[0]
                src = str(a.ip) if not enter else _other_host(a)
            else:
                src = default_source(node, vrf)
        if src is None:
            continue
        base = Flow(name, vrf, src, dst_ip, proto, sport, dport)
        flows.append(replace(base, enter_iface=iface_name) if enter else base)
    return flows


def _other_host(a: ipaddress.IPv4Interface) -> str:
    for h in a.network.hosts():
        if h != a.ip:
            return str(h)
    return str(a.ip)


def _locations(dp: DataPlane, start: str) -> list[tuple[str, str | None, bool]]:
    out: list[tuple[str, str | None, bool]] = []
    for part in [p.strip() for p in start.split(",") if p.strip()]:
        enter = False
        m = re.fullmatch(r"@enter\((.+)\)", part)
        if m:
            enter, part = True, m.group(1)
        iface: str | None = None
        m = re.fullmatch(r"(.+?)\[(.+)\]", part)
        if m:
            part, iface = m.group(1), m.group(2)
        if part.startswith("/") and part.endswith("/") and len(part) > 2:
            rx = re.compile(part[1:-1], re.I)
            names = [n for n in sorted(dp.net.nodes) if rx.search(n)]
        else:
            names = [part.lower()] if part.lower() in dp.net.nodes else []
        for n in names:
            if iface is not None and iface not in dp.net.nodes[n].ifaces:
                continue
            out.append((n, iface, enter))
    return out
