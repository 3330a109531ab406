"""Which configured BGP peerings come up.

Part 1 (``bgp.py``) says which peerings are compatible. A compatible pair comes up when
neither side is shut down, both run IPv4 unicast, and each side can reach the other's address:
single-hop eBGP over the shared subnet, everything else (iBGP, multihop, loopback peerings)
through the IGP routes of the moment (FRR does not use the default route for that). A peering
without a configured source address (iBGP without update-source) takes the address of the
interface its route to the peer leaves by, as FRR and Batfish do.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from netval.snapshot import Edge
from netval.static.builtin.dataplane.igp import Rib
from netval.static.builtin.dataplane.network import Network
from netval.static.builtin.dataplane.types import RouterId
from netval.static.builtin.model import DeviceModel
from netval.static.builtin.prefix import ip_int
from netval.static.builtin.questions.bgp import PeerView, compatibility_rows, peer_views

Row = dict[str, object]


@dataclass
class Peering:
    """One side of a peering that has a unique compatible remote."""

    view: PeerView
    remote: PeerView
    established: bool
    reason: str = ""


@dataclass
class SessionSet:
    peerings: list[Peering]
    devices: dict[str, DeviceModel] | None = None
    edges: list[Edge] | None = None
    _rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        """bgpSessionCompatibility rows (for the status answer), computed when first asked."""
        if self._rows is None:
            self._rows = compatibility_rows(self.devices, self.edges or []) if self.devices else []
        return self._rows

    def established_pairs(self) -> list[tuple[PeerView, PeerView]]:
        return [(p.view, p.remote) for p in self.peerings if p.established]

    def key(self) -> tuple[tuple[str, str, str, str | None, bool], ...]:
        return tuple(
            sorted(
                (p.view.node, p.view.vrf, p.view.peer.name, p.view.local_ip, p.established)
                for p in self.peerings
            )
        )


def _af_ok(devices: dict[str, DeviceModel], v: PeerView) -> bool:
    proc = devices[v.node].bgp.get(v.vrf)
    if v.peer.activate_ipv4 is not None:
        return v.peer.activate_ipv4
    return proc is None or proc.default_ipv4_unicast


def _reaches(net: Network, ribs: dict[RouterId, Rib], node: str, vrf: str, ip: str) -> bool:
    rib = ribs.get((node, vrf))
    if rib is None:
        return False
    n = net.nodes[node]
    return rib.lookup(ip_int(ip), skip_default=not n.profile.resolve_via_default) is not None


def _source_for(net: Network, ribs: dict[RouterId, Rib], v: PeerView) -> str | None:
    """The address of the interface that v's route to its peer leaves by."""
    rib = ribs.get((v.node, v.vrf))
    try:
        target = ip_int(v.peer.name)
    except ValueError:
        return None
    if rib is None:
        return None
    node = net.nodes[v.node]
    for _ in range(8):  # recursive next hops
        hit = rib.lookup(target, skip_default=not node.profile.resolve_via_default)
        if hit is None or not hit[1].hops:
            return None
        hop = hit[1].hops[0]
        if hop.iface is not None:
            iface = node.ifaces.get(hop.iface)
            return str(iface.primary.ip) if iface and iface.primary else None
        if hop.ip is None:
            return None
        target = ip_int(hop.ip)
    return None


def find_sessions(
    net: Network,
    devices: dict[str, DeviceModel],
    edges: list[Edge],
    ribs: dict[RouterId, Rib],
) -> SessionSet:
    views: list[PeerView] = []
    for v in peer_views(devices):
        if v.kind == "ip" and v.local_ip is None and v.session_type in ("IBGP", "EBGP_MULTIHOP"):
            src = _source_for(net, ribs, v)
            if src is not None:
                v = replace(v, local_ip=src)
        views.append(v)
    by_local: dict[str | None, list[PeerView]] = {}
    for v in views:
        if v.kind == "ip":
            by_local.setdefault(v.local_ip, []).append(v)
    dynamic = [v for v in views if v.kind == "dynamic"]

    def matches(v: PeerView) -> list[PeerView]:
        if v.kind == "ip":
            if v.local_ip is None:
                return []
            found = [
                w
                for w in by_local.get(v.peer.name, [])
                if w is not v
                and w.peer.name == v.local_ip
                and v.accepts(w.local_as)
                and w.accepts(v.local_as)
            ]
            for d in dynamic:
                if (
                    _in_range(v.local_ip, d.peer.name)
                    and _owned_by(net, v.peer.name, d.node)
                    and v.accepts(d.local_as)
                    and d.accepts(v.local_as)
                ):
                    found.append(
                        replace(
                            d,
                            peer=replace(d.peer, name=v.local_ip),
                            kind="ip",
                            local_ip=v.peer.name,
                            session_type=v.session_type,
                        )
                    )
            return found
        if v.kind == "interface":
            iface = net.iface(v.node, v.peer.name)
            if iface is None:
                return []
            out = []
            for nnode, nname in iface.neighbors:
                out += [
                    w
                    for w in views
                    if w.kind == "interface"
                    and w.node == nnode
                    and w.peer.name == nname
                    and v.accepts(w.local_as)
                    and w.accepts(v.local_as)
                ]
            return out
        return []

    peerings: list[Peering] = []
    configured = {id(v) for v in views}
    for v in views:
        if v.kind == "dynamic":
            continue
        found = matches(v)
        if len(found) != 1:
            continue
        w = found[0]
        passive_dynamic = id(w) not in configured
        if not passive_dynamic and len(matches(w)) != 1:
            continue
        p = Peering(v, w, *_establishes(net, devices, ribs, v, w))
        peerings.append(p)
        if passive_dynamic:
            # the listening side of a dynamic peering is only seen from the active side
            peerings.append(Peering(w, v, p.established, p.reason))
    return SessionSet(peerings, devices, edges)


def _establishes(
    net: Network,
    devices: dict[str, DeviceModel],
    ribs: dict[RouterId, Rib],
    v: PeerView,
    w: PeerView,
) -> tuple[bool, str]:
    if v.peer.shutdown or w.peer.shutdown:
        return False, "neighbor shutdown"
    if not (_af_ok(devices, v) and _af_ok(devices, w)):
        return False, "IPv4 unicast not activated on both ends"
    if v.kind == "interface":
        a, b = net.iface(v.node, v.peer.name), net.iface(w.node, w.peer.name)
        ok = a is not None and b is not None and a.active and b.active
        return ok, "" if ok else "interface down"
    if v.session_type == "EBGP_SINGLEHOP" and w.session_type == "EBGP_SINGLEHOP":
        return True, ""
    assert v.local_ip is not None and w.local_ip is not None
    if not _reaches(net, ribs, v.node, v.vrf, w.local_ip):
        return False, f"{v.node} has no route to {w.local_ip}"
    if not _reaches(net, ribs, w.node, w.vrf, v.local_ip):
        return False, f"{w.node} has no route to {v.local_ip}"
    return True, ""


def _in_range(ip: str, prefix: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return False


def _owned_by(net: Network, ip: str, node: str) -> bool:
    try:
        return any(n == node for n, _ in net.owners.get(ip_int(ip), []))
    except ValueError:
        return False
