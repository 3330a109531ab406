"""Turn a snapshot into a lab plan: every namespace, link, address and daemon to create.

Pure: no system calls, so every validation (unknown device in the topology, interface
names too long for Linux, unbootable config files, address clashes with the management
network) is unit-tested without root.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from netval import safe_names
from netval.errors import InputError
from netval.lab import naming
from netval.snapshot import DeviceConfig, Edge, Endpoint, Snapshot, VrrpSpec

_IFNAME_OK = re.compile(r"^[A-Za-z0-9_.-]+$")
# FRR's runtime directory (frr.RUN; frr imports this module)
RUNTIME_ROOT = "/var/run/frr"


@dataclass
class Macvlan:
    """A VRRP virtual-router interface FRR's vrrpd drives (one per group and family)."""

    parent: str
    vrid: int
    vips: list[str]
    family: int = 4

    @property
    def mac(self) -> str:
        return f"00:00:5e:00:0{1 if self.family == 4 else 2}:{self.vrid:02x}"


@dataclass
class PlannedNode:
    name: str
    kind: str  # "router" or "host"
    namespace: str
    interfaces: dict[str, list[str]] = field(default_factory=dict)
    loopback: list[str] = field(default_factory=list)
    macvlans: list[Macvlan] = field(default_factory=list)
    gateways: list[str] = field(default_factory=list)
    frr_conf: str = ""
    frr_profile: str = "traditional"
    daemons: list[str] = field(default_factory=list)
    mgmt_index: int = -1
    mgmt_root_ip: str = ""
    mgmt_ip: str = ""
    mgmt_root_ifname: str = ""
    vrrp: list[VrrpSpec] = field(default_factory=list)


@dataclass
class Segment:
    """Interfaces sharing one L2 segment. Two members: a veth pair; more: a bridge."""

    members: list[Endpoint]


@dataclass
class LabPlan:
    lab_id: str
    slot: int
    mgmt_net: str
    snapshot: str
    nodes: dict[str, PlannedNode]
    segments: list[Segment]
    stubs: list[Endpoint]
    mgmt_block: str = ""
    #: segments of interfaces no layer-1 edge names, inferred from shared subnets as the
    #: static engines do (Batfish's rule): the lab and `verify` see the same links
    inferred: list[Segment] = field(default_factory=list)

    @property
    def routers(self) -> list[PlannedNode]:
        return [n for n in self.nodes.values() if n.kind == "router"]

    @property
    def hosts(self) -> list[PlannedNode]:
        return [n for n in self.nodes.values() if n.kind == "host"]

    def namespaces(self) -> list[str]:
        return [n.namespace for n in self.nodes.values()] + [naming.fabric_namespace(self.lab_id)]


def _check_ifname(name: str, where: str) -> None:
    if len(name) > naming.IFNAME_MAX:
        raise InputError(
            f"{where}: interface name {name!r} has {len(name)} characters; Linux allows at most "
            f"{naming.IFNAME_MAX}",
            hint="rename the interface in the config and the topology (e.g. swp1, eth1), "
            "or boot this device outside the lab",
        )
    if not _IFNAME_OK.match(name) or name in (".", ".."):
        raise InputError(
            f"{where}: interface name {name!r} is not a valid Linux interface name",
            hint="use letters, digits, '-', '_' or '.' only (no '/' or spaces)",
        )
    if name == naming.MGMT_IFNAME:
        raise InputError(
            f"{where}: interface name {name!r} is reserved for the lab's management link",
            hint="rename the interface",
        )


_FRR_DAEMON_TRIGGERS = {
    "bgpd": re.compile(r"^router bgp\b", re.M),
    "ospfd": re.compile(r"^router ospf\b", re.M),
    "ospf6d": re.compile(r"^router ospf6\b", re.M),
    "isisd": re.compile(r"^router isis\b", re.M),
    "ripd": re.compile(r"^router rip\b", re.M),
    "bfdd": re.compile(r"^bfd\b|^\s+neighbor \S+ bfd\b", re.M),
    "vrrpd": re.compile(r"^\s+vrrp \d+", re.M),
    "pbrd": re.compile(r"^pbr-map\b", re.M),
}


FRR_DAEMONS = ("zebra", "staticd", *_FRR_DAEMON_TRIGGERS)


def frr_daemons(frr_text: str) -> list[str]:
    """zebra and staticd always; the others only when the config uses them (saves memory)."""
    daemons = ["zebra", "staticd"]
    daemons += [d for d, pat in _FRR_DAEMON_TRIGGERS.items() if pat.search(frr_text)]
    return daemons


def frr_profile(frr_text: str) -> str:
    m = re.search(r"^frr defaults\s+(.*)$", frr_text, re.M)
    if not m:
        return "traditional"
    value = m.group(1).strip()
    # it is sourced by FRR's start script as root: only a known profile ever gets there
    if safe_names.frr_profile_problem(value):
        raise InputError(
            f"{safe_names.frr_profile_problem(value)}", hint="write 'frr defaults datacenter'"
        )
    return value


# Config lines that make an FRR daemon write a file. FRR runs as the frr user, which owns
# every lab's config dir, so a path from the snapshot could append to another lab's frr.conf.
_FILE_WRITERS = re.compile(r"^(\s*)(log file|dump bgp \S+)\s+\S+(.*)$")


def frr_config_for_lab(device: DeviceConfig, pathspace: str) -> str:
    """The device's frr.conf for the lab: its hostname set (prompts and BGP hostnames match),
    and every file FRR writes moved into the router's own runtime directory."""
    lines: list[str] = []
    for line in device.frr_text.splitlines():
        m = _FILE_WRITERS.match(line)
        if m:
            indent, command, rest = m.groups()
            name = "frr.log" if command == "log file" else command.split()[-1] + ".dump"
            line = f"{indent}{command} {RUNTIME_ROOT}/{pathspace}/{name}{rest}"
        lines.append(line)
    if not any(re.match(r"hostname \S+", line) for line in lines):
        at = 0
        for i, line in enumerate(lines):
            if line.startswith("frr "):
                at = i + 1
        lines.insert(at, f"hostname {device.name}")
    return "\n".join(lines) + "\n"


def _vrrp_macvlans(device: DeviceConfig) -> list[Macvlan]:
    out: list[Macvlan] = []
    for spec in device.vrrp:
        v4: list[str] = []
        v6: list[str] = []
        subnets = [ipaddress.ip_interface(a).network for a in device.addresses(spec.interface)]
        for vip in spec.vips:
            ip = ipaddress.ip_address(vip.split("/")[0])
            plen = next((n.prefixlen for n in subnets if ip in n), ip.max_prefixlen)
            (v4 if ip.version == 4 else v6).append(f"{ip}/{plen}")
        if v4:
            out.append(Macvlan(parent=spec.interface, vrid=spec.vrid, vips=v4, family=4))
        if v6:
            out.append(Macvlan(parent=spec.interface, vrid=spec.vrid, vips=v6, family=6))
    return out


def _segments(snapshot: Snapshot, endpoints: set[Endpoint]) -> list[Segment]:
    """Connected components of the layer-1 graph (a shared segment is listed pairwise)."""
    parent: dict[Endpoint, Endpoint] = {e: e for e in endpoints}

    def find(e: Endpoint) -> Endpoint:
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    for edge in snapshot.edges:
        ra, rb = find(edge.a), find(edge.b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[Endpoint, list[Endpoint]] = {}
    for e in sorted(endpoints, key=str):
        groups.setdefault(find(e), []).append(e)
    return [Segment(members=m) for m in groups.values() if len(m) >= 2]


def _inferred_segments(nodes: dict[str, PlannedNode], cabled: set[Endpoint]) -> list[Segment]:
    """Uncabled interfaces of different devices that share a subnet, one segment per subnet."""
    by_subnet: dict[str, list[Endpoint]] = {}
    for node in nodes.values():
        for ifname, addrs in node.interfaces.items():
            end = Endpoint(node.name, ifname)
            if end in cabled:
                continue
            nets = [ipaddress.ip_interface(a).network for a in addrs]
            net = next((n for n in nets if n.prefixlen < n.max_prefixlen), None)
            if net is not None:
                by_subnet.setdefault(str(net), []).append(end)
    return [
        Segment(members=sorted(members, key=str))
        for _, members in sorted(by_subnet.items())
        if len({m.hostname for m in members}) >= 2 and len(members) == len(set(members))
    ]


def _check_edge_end(snapshot: Snapshot, edge: Edge, index: int, end: Endpoint) -> None:
    where = f"{snapshot.topology_path}: edges[{index}]"
    if end.hostname in snapshot.devices:
        device = snapshot.devices[end.hostname]
        if end.interface not in device.interface_names():
            raise InputError(
                f"{where} names interface {end} but {device.path} has no interface "
                f"{end.interface!r} (it has: {', '.join(device.interface_names()) or 'none'})",
                hint="fix the interface name in the topology or add an 'iface' stanza",
            )
    elif end.hostname in snapshot.hosts:
        host = snapshot.hosts[end.hostname]
        if end.interface not in host.interfaces:
            raise InputError(
                f"{where} names interface {end} but {host.path} has no interface {end.interface!r}",
                hint="fix the topology or the host's hostInterfaces",
            )
    else:
        raise InputError(
            f"{where} names device {end.hostname!r}, which is not in the snapshot "
            f"(devices: {', '.join(snapshot.node_names())})",
            hint="fix the hostname in the topology, or add the device's config to configs/",
        )
    if end.interface == "lo":
        raise InputError(f"{where}: the loopback cannot be cabled", hint="remove this edge")


def build_plan(
    snapshot: Snapshot,
    lab_id: str,
    slot: int,
    mgmt_net: str = naming.DEFAULT_MGMT_NET,
    mgmt_block: str | None = None,
) -> LabPlan:
    """``slot`` numbers the lab's root-side interfaces; ``mgmt_block`` is its share of
    ``mgmt_net`` (default: the slot-th /22)."""
    naming.check_lab_id(lab_id)
    block = mgmt_block or str(naming.slot_network(mgmt_net, slot))
    unsafe = snapshot.unsafe_values()
    if unsafe:
        more = f" (and {len(unsafe) - 1} more)" if len(unsafe) > 1 else ""
        raise InputError(
            f"{unsafe[0]}{more}: the lab boots no snapshot with such values",
            hint="fix the value in the snapshot; `netval verify` lists every one as a parse error",
        )
    nodes: dict[str, PlannedNode] = {}
    owners: dict[str, str] = {}
    for name in snapshot.node_names():
        ns = naming.namespace(lab_id, name)
        if ns in owners:
            raise InputError(
                f"devices {owners[ns]!r} and {name!r} differ only in '.' and '_', so the lab "
                "cannot tell their namespaces apart",
                hint="rename one of them",
            )
        owners[ns] = name
    for index, name in enumerate(sorted(snapshot.devices)):
        device = snapshot.devices[name]
        if not device.bootable:
            raise InputError(
                f"{device.path}: the lab boots FRR configs only, and this file looks like "
                f"'{device.format.value}'",
                hint="use Batfish's Cumulus-concatenated format (hostname, '# This file "
                "describes the network interfaces', '# ports.conf --', then frr.conf), or a "
                "bare frr.conf starting with 'frr version'; or move the file out of configs/",
            )
        if device.issues:
            issue = device.issues[0]
            raise InputError(
                f"{device.path}:{issue.line}: '{issue.text}': {issue.reason}; the lab cannot "
                f"boot this device ({len(device.issues)} such line(s))",
                hint="fix the line (interfaces part: ifupdown2 stanzas 'iface NAME' with "
                "'address A.B.C.D/LEN')",
            )
        node = PlannedNode(name=name, kind="router", namespace=naming.namespace(lab_id, name))
        for ifname in device.interface_names():
            where = (
                f"{device.path}:{device.interfaces[ifname].line}"
                if (ifname in device.interfaces)
                else str(device.path)
            )
            if ifname == "lo":
                node.loopback = (
                    list(device.interfaces["lo"].addresses) if ("lo" in device.interfaces) else []
                )
                continue
            _check_ifname(ifname, where)
            stanza = device.interfaces.get(ifname)
            node.interfaces[ifname] = list(stanza.addresses) if stanza else []
        node.vrrp = list(device.vrrp)
        for spec in device.vrrp:
            if spec.interface not in node.interfaces:
                raise InputError(
                    f"{device.path}:{spec.line}: VRRP group {spec.vrid} is on interface "
                    f"{spec.interface!r}, which has no address or link",
                    hint="add an 'iface' stanza with an address for it",
                )
        node.macvlans = _vrrp_macvlans(device)
        node.frr_conf = frr_config_for_lab(device, node.namespace)
        node.frr_profile = frr_profile(device.frr_text)
        node.daemons = frr_daemons(device.frr_text)
        node.mgmt_index = index
        node.mgmt_root_ip, node.mgmt_ip = naming.mgmt_addresses(block, index)
        node.mgmt_root_ifname = naming.root_mgmt_ifname(slot, index)
        nodes[name] = node
    for name, host in sorted(snapshot.hosts.items()):
        if name in nodes:
            raise InputError(
                f"{host.path}: host {name!r} has the same name as a device in configs/",
                hint="rename the host",
            )
        node = PlannedNode(name=name, kind="host", namespace=naming.namespace(lab_id, name))
        for ifname, hif in host.interfaces.items():
            _check_ifname(ifname, str(host.path))
            node.interfaces[ifname] = [hif.prefix]
            if hif.gateway:
                node.gateways.append(hif.gateway)
        nodes[name] = node

    mgmt = ipaddress.ip_network(mgmt_net)
    for node in nodes.values():
        for ifname, addrs in [*node.interfaces.items(), ("lo", node.loopback)]:
            for addr in addrs:
                if ipaddress.ip_interface(addr).network.overlaps(mgmt):
                    raise InputError(
                        f"{node.name} {ifname} address {addr} lies inside the lab's management "
                        f"network {mgmt_net}",
                        hint="pass another --mgmt-net that the snapshot does not use",
                    )

    endpoints: set[Endpoint] = set()
    for index, edge in enumerate(snapshot.edges):
        for end in (edge.a, edge.b):
            _check_edge_end(snapshot, edge, index, end)
            endpoints.add(end)
    segments = _segments(snapshot, endpoints)
    inferred = _inferred_segments(nodes, endpoints)
    segments += inferred
    endpoints.update(e for seg in inferred for e in seg.members)
    stubs = [
        Endpoint(node.name, ifname)
        for node in nodes.values()
        for ifname in node.interfaces
        if Endpoint(node.name, ifname) not in endpoints
    ]
    return LabPlan(
        lab_id=lab_id,
        slot=slot,
        mgmt_net=mgmt_net,
        mgmt_block=block,
        # absolute: `lab apply` from another directory reads it again
        snapshot=str(snapshot.path.resolve()),
        nodes=nodes,
        segments=segments,
        stubs=stubs,
        inferred=inferred,
    )
