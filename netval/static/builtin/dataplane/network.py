"""The network the data plane runs on: nodes, interfaces, who is cabled to whom, who owns
which address.

End hosts (``hosts/*.json``) are nodes too, as in Batfish: an interface, a connected subnet
and a default route to the gateway. Layer-3 neighbours come from the layer-1 topology when
the snapshot has one (its connected components are the L2 segments, so a shared segment
listed pairwise is one segment) and from shared subnets otherwise.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field

from netval.snapshot import Edge, HostSpec
from netval.static.builtin.model import DeviceModel, StaticRoute, Vendor
from netval.static.builtin.prefix import ip_int, key_of
from netval.static.builtin.vendors.common.profile import Profile
from netval.static.builtin.vendors.registry import profile_for

IfaceId = tuple[str, str]  # (node, interface)
_VRRP_DEFAULT_PRIORITY = 100


@dataclass
class Iface:
    node: str
    name: str
    vrf: str = "default"
    addresses: list[ipaddress.IPv4Interface] = field(default_factory=list)
    active: bool = True
    loopback: bool = False
    acl_in: str | None = None
    acl_out: str | None = None
    description: str | None = None
    segment: str | None = None
    neighbors: list[IfaceId] = field(default_factory=list)
    vips: list[str] = field(default_factory=list)  # VRRP addresses this node owns (master)
    bandwidth_kbps: int | None = None

    @property
    def primary(self) -> ipaddress.IPv4Interface | None:
        return self.addresses[0] if self.addresses else None

    def subnet_of(self, address: int) -> ipaddress.IPv4Interface | None:
        for a in self.addresses:
            if a.network.prefixlen < 32 and (address & int(a.network.netmask)) == int(
                a.network.network_address
            ):
                return a
        return None


@dataclass
class Node:
    name: str
    model: DeviceModel | None
    profile: Profile
    ifaces: dict[str, Iface] = field(default_factory=dict)
    host_gateways: list[str] = field(default_factory=list)

    @property
    def is_host(self) -> bool:
        return self.model is None

    @property
    def vendor(self) -> Vendor | None:
        return self.model.vendor if self.model else None

    def statics(self) -> list[StaticRoute]:
        if self.model is not None:
            return self.model.static_routes
        return [
            StaticRoute(ipaddress.IPv4Network("0.0.0.0/0"), 0, next_hop_ip=gw)
            for gw in self.host_gateways
        ]

    def vrfs(self) -> set[str]:
        vrfs = {i.vrf for i in self.ifaces.values()} | {"default"}
        if self.model is not None:
            vrfs |= set(self.model.bgp) | set(self.model.ospf)
            vrfs |= {s.vrf for s in self.model.static_routes}
        return vrfs

    def router_id(self, vrf: str = "default") -> str:
        """Configured BGP/OSPF router-id, else the highest loopback, else the highest address
        (what FRR's zebra, EOS and IOS pick)."""
        if self.model is not None:
            for proc in (self.model.bgp.get(vrf), self.model.ospf.get(vrf)):
                if proc is not None and proc.router_id:
                    return proc.router_id
        loops = [
            a.ip for i in self.ifaces.values() if i.loopback and i.vrf == vrf for a in i.addresses
        ]
        alls = [
            a.ip for i in self.ifaces.values() if i.active and i.vrf == vrf for a in i.addresses
        ]
        pick = loops or alls
        return str(max(pick)) if pick else "0.0.0.0"


def is_loopback(name: str) -> bool:
    low = name.lower()
    return low == "lo" or low.startswith("loopback")


@dataclass
class Network:
    nodes: dict[str, Node]
    owners: dict[int, list[IfaceId]]  # address -> interfaces that own it
    has_layer1: bool

    def iface(self, node: str, name: str) -> Iface | None:
        n = self.nodes.get(node)
        return n.ifaces.get(name) if n else None


def build_network(
    devices: dict[str, DeviceModel],
    hosts: dict[str, HostSpec],
    edges: list[Edge],
) -> Network:
    nodes: dict[str, Node] = {}
    for name, dev in sorted(devices.items()):
        node = Node(name, dev, profile_for(dev))
        for iface in dev.interfaces.values():
            v4 = [a for a in iface.addresses if isinstance(a, ipaddress.IPv4Interface)]
            node.ifaces[iface.name] = Iface(
                name,
                iface.name,
                iface.vrf,
                v4,
                not iface.shutdown,
                is_loopback(iface.name),
                iface.acl_in,
                iface.acl_out,
                iface.description,
                bandwidth_kbps=iface.bandwidth_kbps,
            )
        nodes[name] = node
    for name, host in sorted(hosts.items()):
        if name in nodes:
            continue  # a config file wins over a host file of the same name
        node = Node(name, None, profile_for(None))
        for hif in host.interfaces.values():
            addr = ipaddress.IPv4Interface(hif.prefix)
            node.ifaces[hif.name] = Iface(name, hif.name, addresses=[addr])
            if hif.gateway:
                node.host_gateways.append(hif.gateway)
        nodes[name] = node
    _wire(nodes, edges)
    _elect_vrrp(nodes)
    owners: dict[int, list[IfaceId]] = defaultdict(list)
    for node in nodes.values():
        for port in node.ifaces.values():
            if not port.active:
                continue
            for a in port.addresses:
                owners[int(a.ip)].append((node.name, port.name))
            for vip in port.vips:
                owners[ip_int(vip)].append((node.name, port.name))
    return Network(nodes, dict(owners), bool(edges))


def _wire(nodes: dict[str, Node], edges: list[Edge]) -> None:
    parent: dict[IfaceId, IfaceId] = {}

    def find(x: IfaceId) -> IfaceId:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        ra, rb = find((e.a.hostname, e.a.interface)), find((e.b.hostname, e.b.interface))
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[Iface]] = defaultdict(list)
    for node in nodes.values():
        for iface in node.ifaces.values():
            if not iface.active or iface.loopback or not iface.addresses:
                continue
            ident = (node.name, iface.name)
            if ident in parent:
                root = find(ident)
                iface.segment = f"l1:{root[0]}:{root[1]}"
                groups[iface.segment].append(iface)
            else:
                # no cable known: neighbours are whoever shares the subnet (Batfish's inference)
                for a in iface.addresses:
                    if a.network.prefixlen < 32:
                        iface.segment = f"net:{key_of(a.network)}:{iface.vrf}"
                        groups[iface.segment].append(iface)
                        break
    for members in groups.values():
        for x in members:
            for y in members:
                if x is y or x.node == y.node:
                    continue
                if any(
                    ax.network == ay.network and ax.ip != ay.ip
                    for ax in x.addresses
                    for ay in y.addresses
                ):
                    x.neighbors.append((y.node, y.name))


def _elect_vrrp(nodes: dict[str, Node]) -> None:
    """Predicted VRRP masters: highest priority, then highest primary address (RFC 5798)."""
    groups: dict[tuple[str, int], list[tuple[int, int, Iface, list[str]]]] = defaultdict(list)
    for node in nodes.values():
        if node.model is None:
            continue
        for miface in node.model.interfaces.values():
            port = node.ifaces.get(miface.name)
            if port is None or not port.active:
                continue
            for g in miface.vrrp:
                segment = port.segment or f"{node.name}:{port.name}"
                prio = g.priority if g.priority is not None else _VRRP_DEFAULT_PRIORITY
                primary = int(port.primary.ip) if port.primary else -1
                vips = [v.split("/")[0] for v in g.virtual_ips]
                groups[(segment, g.vrid)].append((prio, primary, port, vips))
    for members in groups.values():
        _prio, _ip, master, vips = max(members, key=lambda m: (m[0], m[1], m[2].node))
        master.vips.extend(v for v in vips if v not in master.vips)
