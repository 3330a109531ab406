"""Comparing the built-in data plane with a booted FRR lab: main RIBs and forwarding paths.

What is compared, per router: every *selected* route of FRR's ``show ip route json`` against
the predicted main RIB, as (prefix, protocol family, next-hop set). Left out on both sides:
the lab's management network (10.255.0.0/16, interface ``nvmgmt``), FRR's ``kernel`` routes,
VRRP macvlan ports (``vrrp4-*``, a lab artifact carrying the VIP), and the predicted ``local``
/32 routes, which Batfish's answers have and FRR 8.4 does not. Protocol families: bgp
(eBGP, iBGP and aggregates), ospf (intra, inter-area, E1, E2), static, connected.

Paths: from each node's kernel FIB (``ip -j route show``, every ECMP next hop) the walk
follows every branch to the node that owns the destination, and the set of node sequences
with their dispositions is compared with the predicted traceroute.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
from dataclasses import dataclass, field
from typing import Any

from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.locations import flows_for
from netval.static.builtin.dataplane.trace import Tracer
from netval.static.builtin.dataplane.types import LOCAL, Hop
from netval.static.builtin.prefix import key_text

MGMT = ipaddress.ip_network("10.255.0.0/16")
FAMILY = {
    "connected": "connected",
    "static": "static",
    "bgp": "bgp",
    "ibgp": "bgp",
    "aggregate": "bgp",
    "ospf": "ospf",
    "ospfIA": "ospf",
    "ospfE1": "ospf",
    "ospfE2": "ospf",
}
RouteView = dict[str, tuple[str, frozenset[str]]]


def _ignored_iface(name: str | None) -> bool:
    return name is not None and (name == "nvmgmt" or name.startswith(("vrrp4-", "vrrp6-")))


def _in_mgmt(prefix: str) -> bool:
    return ipaddress.ip_network(prefix, strict=False).subnet_of(MGMT)  # type: ignore[arg-type]


def _hop_text(h: Hop) -> str:
    if h.discard:
        return "blackhole"
    return h.ip or h.iface or "?"


def predicted_routes(dp: DataPlane, node: str) -> RouteView:
    rib = dp.ribs.get((node, "default"))
    out: RouteView = {}
    if rib is None:
        return out
    for key, route in rib.items():
        if route.protocol == LOCAL:
            continue
        prefix = key_text(key)
        if _in_mgmt(prefix):
            continue
        hops = frozenset(_hop_text(h) for h in route.hops if not _ignored_iface(h.iface))
        out[prefix] = (FAMILY.get(route.protocol, route.protocol), hops)
    return out


def frr_routes(raw: dict[str, Any]) -> RouteView:
    out: RouteView = {}
    for prefix, entries in raw.items():
        if _in_mgmt(prefix):
            continue
        for e in entries:
            if not e.get("selected") or e.get("protocol") == "kernel":
                continue
            hops = set()
            for nh in e.get("nexthops", []):
                if nh.get("resolver") or nh.get("active") is False:
                    continue
                if nh.get("blackhole") or nh.get("unreachable"):
                    hops.add("blackhole")
                elif nh.get("ip"):
                    hops.add(str(nh["ip"]))
                elif nh.get("interfaceName") and not _ignored_iface(nh["interfaceName"]):
                    hops.add(str(nh["interfaceName"]))
            if not hops:
                continue  # only lab-only next hops (the management port, a VRRP macvlan)
            out[prefix] = (str(e.get("protocol")), frozenset(hops))
    return out


def _fmt(v: tuple[str, frozenset[str]] | None) -> str:
    if v is None:
        return "absent"
    return f"{v[0]} via {', '.join(sorted(v[1]))}"


def route_differences(node: str, predicted: RouteView, observed: RouteView) -> list[str]:
    out = []
    for prefix in sorted(set(predicted) | set(observed), key=lambda p: ipaddress.ip_network(p)):
        a, b = predicted.get(prefix), observed.get(prefix)
        if a != b:
            out.append(f"{node} {prefix}: predicted {_fmt(a)}; FRR {_fmt(b)}")
    return out


# -- the kernel's forwarding tables --------------------------------------------------------


@dataclass
class KernelFib:
    routes: list[tuple[ipaddress.IPv4Network, str, list[tuple[str | None, str | None]]]] = field(
        default_factory=list
    )  # (prefix, type, [(gateway, dev)])
    owned: set[str] = field(default_factory=set)

    def lookup(self, dst: str) -> tuple[str, list[tuple[str | None, str | None]]] | None:
        ip = ipaddress.ip_address(dst)
        best = None
        for net, kind, hops in self.routes:
            if ip in net and (best is None or net.prefixlen > best[0].prefixlen):
                best = (net, kind, hops)
        return None if best is None else (best[1], best[2])


def _ip_json(namespace: str, *args: str) -> Any:
    proc = subprocess.run(
        ["ip", "-n", namespace, "-j", *args], capture_output=True, text=True, timeout=20, check=True
    )
    return json.loads(proc.stdout or "[]")


def read_kernel(namespace: str) -> KernelFib:
    fib = KernelFib()
    for r in _ip_json(namespace, "route", "show", "table", "main"):
        dst = r.get("dst", "")
        net = ipaddress.ip_network("0.0.0.0/0" if dst == "default" else dst, strict=False)
        if not isinstance(net, ipaddress.IPv4Network) or net.subnet_of(MGMT):
            continue
        kind = r.get("type", "unicast")
        if r.get("nexthops"):
            hops = [(h.get("gateway"), h.get("dev")) for h in r["nexthops"]]
        else:
            hops = [(r.get("gateway"), r.get("dev"))]
        hops = [h for h in hops if not _ignored_iface(h[1])] or hops
        fib.routes.append((net, kind, hops))
    for link in _ip_json(namespace, "addr", "show"):
        if _ignored_iface(link.get("ifname")):
            continue
        for a in link.get("addr_info", []):
            if a.get("family") == "inet":
                fib.owned.add(a["local"])
    return fib


def kernel_paths(
    fibs: dict[str, KernelFib], owners: dict[str, str], start: str, dst: str
) -> set[tuple[tuple[str, ...], str]]:
    """Every (node sequence, disposition) the kernels' FIBs allow from ``start``."""
    out: set[tuple[tuple[str, ...], str]] = set()

    def walk(node: str, path: tuple[str, ...]) -> None:
        fib = fibs[node]
        if dst in fib.owned:
            out.add((path, "ACCEPTED"))
            return
        if node in path[:-1]:
            out.add((path, "LOOP"))
            return
        hit = fib.lookup(dst)
        if hit is None:
            out.add((path, "NO_ROUTE"))
            return
        kind, hops = hit
        if kind in ("blackhole", "unreachable", "prohibit"):
            out.add((path, "NULL_ROUTED"))
            return
        for gateway, _dev in hops:
            target = gateway or dst
            nxt = owners.get(target)
            if nxt is None or nxt not in fibs:
                out.add((path, "OTHER"))
                continue
            walk(nxt, (*path, nxt))

    walk(start, (start,))
    return out


def predicted_paths(dp: DataPlane, start: str, dst: str) -> set[tuple[tuple[str, ...], str]]:
    tracer = Tracer(dp)
    out: set[tuple[tuple[str, ...], str]] = set()
    for flow in flows_for(dp, start, dst, None, None, None):
        for t in tracer.trace(flow):
            disp = t["disposition"]
            if disp not in ("ACCEPTED", "NULL_ROUTED", "NO_ROUTE", "LOOP"):
                disp = "OTHER"
            out.add((tuple(h["node"]["name"] for h in t["hops"]), disp))
    return out
