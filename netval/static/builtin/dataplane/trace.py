"""Traceroute over the computed data plane, in Batfish's trace shape.

A flow starts at a node (or enters one through an interface), and at each hop: the input
ACL, acceptance if the node owns the destination, a FIB lookup, then one branch per ECMP
action, each with the output ACL and ARP to the neighbour that owns the next hop. Every
branch ends with one of Batfish's dispositions (ACCEPTED, DELIVERED_TO_SUBNET,
EXITS_NETWORK, DENIED_IN, DENIED_OUT, NO_ROUTE, NULL_ROUTED, NEIGHBOR_UNREACHABLE, LOOP).
A node seen twice on one branch is a LOOP, so a forwarding loop always ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netval.static.builtin.dataplane.acl import Packet, evaluate
from netval.static.builtin.dataplane.answers import next_hop_json
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.fib import Action, forward
from netval.static.builtin.dataplane.network import Iface, Node
from netval.static.builtin.dataplane.types import RibRoute
from netval.static.builtin.prefix import ip_int, key_text

MAX_TRACES = 256
SUCCESS = frozenset(("ACCEPTED", "DELIVERED_TO_SUBNET", "EXITS_NETWORK"))
_PROTO_NUMBERS = {"TCP": 6, "UDP": 17, "ICMP": 1}

Step = dict[str, Any]
Hop = dict[str, Any]
Trace = dict[str, Any]


@dataclass(frozen=True)
class Flow:
    node: str
    vrf: str
    src_ip: str
    dst_ip: str
    protocol: str = "ICMP"
    src_port: int | None = None
    dst_port: int | None = None
    enter_iface: str | None = None  # the flow enters the node through this interface

    def packet(self) -> Packet:
        number = _PROTO_NUMBERS.get(self.protocol.upper())
        if number is None:
            number = int(self.protocol) if self.protocol.isdigit() else 0
        return Packet(
            ip_int(self.src_ip), ip_int(self.dst_ip), number, self.src_port, self.dst_port
        )

    def to_json(self) -> dict[str, Any]:
        tcp = self.protocol.upper() == "TCP"
        icmp = self.protocol.upper() == "ICMP"
        flags = 0 if tcp else None
        return {
            "dscp": 0,
            "dstIp": self.dst_ip,
            "dstPort": self.dst_port,
            "ecn": 0,
            "fragmentOffset": 0,
            "icmpCode": 0 if icmp else None,
            "icmpVar": 8 if icmp else None,
            "ingressInterface": self.enter_iface,
            "ingressNode": self.node,
            "ingressVrf": self.vrf,
            "ipProtocol": self.protocol.upper(),
            "packetLength": 512,
            "srcIp": self.src_ip,
            "srcPort": self.src_port,
            "tcpFlagsAck": flags,
            "tcpFlagsCwr": flags,
            "tcpFlagsEce": flags,
            "tcpFlagsFin": flags,
            "tcpFlagsPsh": flags,
            "tcpFlagsRst": flags,
            "tcpFlagsSyn": flags,
            "tcpFlagsUrg": flags,
        }


def _iface_ref(node: str, iface: str) -> dict[str, str]:
    return {"hostname": node, "interface": iface}


def _step(kind: str, action: str, detail: dict[str, Any]) -> Step:
    return {"type": kind, "action": action, "detail": detail}


class Tracer:
    def __init__(self, dp: DataPlane) -> None:
        self.dp = dp
        self.owned: dict[tuple[str, str], dict[int, str]] = {}
        for node in dp.net.nodes.values():
            for iface in node.ifaces.values():
                if not iface.active:
                    continue
                own = self.owned.setdefault((node.name, iface.vrf), {})
                for a in iface.addresses:
                    own.setdefault(int(a.ip), iface.name)
                for vip in iface.vips:
                    own.setdefault(ip_int(vip), iface.name)

    def trace(self, flow: Flow, limit: int = MAX_TRACES) -> list[Trace]:
        out: list[Trace] = []
        self._hop(flow.node, flow.vrf, flow.enter_iface, flow, flow.packet(), [], set(), out, limit)
        return out

    # -- one hop --------------------------------------------------------------------------

    def _hop(
        self,
        name: str,
        vrf: str,
        in_iface: str | None,
        flow: Flow,
        pkt: Packet,
        done: list[Hop],
        visited: set[tuple[str, str]],
        out: list[Trace],
        limit: int,
    ) -> None:
        if len(out) >= limit:
            return
        node = self.dp.net.nodes[name]
        steps: list[Step] = []

        def finish(disposition: str, *more: Step) -> None:
            out.append(
                {
                    "disposition": disposition,
                    "hops": [*done, {"node": {"name": name}, "steps": steps + list(more)}],
                }
            )

        if in_iface is not None:
            iface = node.ifaces[in_iface]
            steps.append(
                _step(
                    "EnterInputInterface",
                    "RECEIVED",
                    {"inputInterface": _iface_ref(name, in_iface), "inputVrf": vrf},
                )
            )
            if iface.acl_in is not None:
                ok = self._filter(node, iface, iface.acl_in, "INGRESS_FILTER", flow, pkt, steps)
                if not ok:
                    finish("DENIED_IN")
                    return
        else:
            steps.append(_step("Originate", "ORIGINATED", {"originatingVrf": vrf}))
        owner = self.owned.get((name, vrf), {}).get(pkt.dst)
        if owner is not None:
            finish("ACCEPTED", _step("Inbound", "ACCEPTED", {"interface": owner}))
            return
        if (name, vrf) in visited:
            finish("LOOP", _step("Loop", "LOOP", {}))
            return
        visited = visited | {(name, vrf)}
        rib = self.dp.ribs.get((name, vrf))
        hit = None if rib is None else rib.lookup(pkt.dst)
        if hit is None or rib is None:
            finish("NO_ROUTE", _step("Routing", "NO_ROUTE", {"routes": []}))
            return
        route = hit[1]
        actions = forward(rib, route)
        if not actions:
            finish("NO_ROUTE", _step("Routing", "NO_ROUTE", {"routes": [_route_info(route)]}))
            return
        for act in actions:
            if len(out) >= limit:
                return
            self._branch(node, vrf, route, act, flow, pkt, done, steps, visited, out, limit)

    def _branch(
        self,
        node: Node,
        vrf: str,
        route: RibRoute,
        act: Action,
        flow: Flow,
        pkt: Packet,
        done: list[Hop],
        steps: list[Step],
        visited: set[tuple[str, str]],
        out: list[Trace],
        limit: int,
    ) -> None:
        name = node.name
        steps = list(steps)

        def finish(disposition: str, *more: Step) -> None:
            out.append(
                {
                    "disposition": disposition,
                    "hops": [*done, {"node": {"name": name}, "steps": steps + list(more)}],
                }
            )

        info = _route_info(route, act)
        if act.iface is None:
            finish(
                "NULL_ROUTED",
                _step(
                    "Routing",
                    "NULL_ROUTED",
                    {
                        "routes": [info],
                        "forwardingDetail": {"type": "Discarded"},
                        "arpIp": None,
                        "outputInterface": None,
                    },
                ),
            )
            return
        arp = act.arp_ip or flow.dst_ip
        steps.append(
            _step(
                "Routing",
                "FORWARDED",
                {
                    "routes": [info],
                    "forwardingDetail": {
                        "type": "ForwardedOutInterface",
                        "outputInterface": act.iface,
                        "resolvedNextHopIp": act.arp_ip,
                    },
                    "arpIp": arp,
                    "outputInterface": act.iface,
                },
            )
        )
        iface = node.ifaces.get(act.iface)
        if iface is None:
            finish("NEIGHBOR_UNREACHABLE")
            return
        if iface.acl_out is not None:
            ok = self._filter(node, iface, iface.acl_out, "EGRESS_FILTER", flow, pkt, steps)
            if not ok:
                finish("DENIED_OUT")
                return
        steps.append(
            _step(
                "ExitOutputInterface",
                "TRANSMITTED",
                {
                    "outputInterface": _iface_ref(name, act.iface),
                    "outputFilter": iface.acl_out,
                    "transformedFlow": None,
                },
            )
        )
        nxt = self._neighbor(iface, ip_int(arp))
        if nxt is not None:
            nnode, nif = nxt
            hop: Hop = {"node": {"name": name}, "steps": steps}
            nvrf = self.dp.net.nodes[nnode].ifaces[nif].vrf
            self._hop(nnode, nvrf, nif, flow, pkt, [*done, hop], visited, out, limit)
            return
        detail = {"outputInterface": _iface_ref(name, act.iface), "resolvedNexthopIp": arp}
        if self.dp.net.owners.get(pkt.dst):
            finish("NEIGHBOR_UNREACHABLE", _step("ArpError", "NEIGHBOR_UNREACHABLE", detail))
        elif ip_int(arp) == pkt.dst and iface.subnet_of(pkt.dst) is not None:
            finish("DELIVERED_TO_SUBNET", _step("Delivered", "DELIVERED_TO_SUBNET", detail))
        elif not iface.neighbors:
            finish("EXITS_NETWORK", _step("Delivered", "EXITS_NETWORK", detail))
        else:
            finish("NEIGHBOR_UNREACHABLE", _step("ArpError", "NEIGHBOR_UNREACHABLE", detail))

    def _neighbor(self, iface: Iface, arp: int) -> tuple[str, str] | None:
        for nnode, nif in iface.neighbors:
            other = self.dp.net.nodes[nnode].ifaces[nif]
            if not other.active:
                continue
            if any(int(a.ip) == arp for a in other.addresses) or any(
                ip_int(v) == arp for v in other.vips
            ):
                return nnode, nif
        return None

    def _filter(
        self,
        node: Node,
        iface: Iface,
        name: str,
        kind: str,
        flow: Flow,
        pkt: Packet,
        steps: list[Step],
    ) -> bool:
        acl = node.model.acls.get(name) if node.model else None
        ok, _why = evaluate(acl, pkt)
        steps.append(
            _step(
                "Filter",
                "PERMITTED" if ok else "DENIED",
                {
                    "filter": name,
                    "type": kind,
                    "inputInterface": iface.name,
                    "flow": flow.to_json(),
                },
            )
        )
        return ok


def _route_info(route: RibRoute, act: Action | None = None) -> dict[str, Any]:
    hop = act.hop if act is not None else (route.hops[0] if route.hops else None)
    info: dict[str, Any] = {
        "protocol": route.protocol,
        "network": key_text(route.key),
        "admin": route.admin,
        "metric": route.metric,
    }
    if hop is not None:
        info["nextHop"] = next_hop_json(hop)
    return info
