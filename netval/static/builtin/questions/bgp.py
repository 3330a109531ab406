"""bgpSessionCompatibility: does every configured BGP peering have a compatible remote?

Follows Batfish's definitions (BgpSessionAnswererUtils): a point-to-point peering is first
checked locally (NO_LOCAL_IP / LOCAL_IP_UNKNOWN_STATICALLY, NO_LOCAL_AS, NO_REMOTE_IP,
NO_REMOTE_AS), then against the network (INVALID_LOCAL_IP when no interface of the node owns
the local IP, UNKNOWN_REMOTE when nobody owns the remote IP), then counted: HALF_OPEN with no
compatible remote peering, UNIQUE_MATCH with one, MULTIPLE_REMOTES with more. Two peerings
are compatible when each one's local IP is the other's peer address and each one's local AS
is in the other's remote-AS set. Dynamic (listen range) peerings get DYNAMIC_MATCH rows, one
per compatible remote, or NO_MATCH_FOUND. Unnumbered peerings match across layer-1 edges.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from netval.snapshot import Edge
from netval.static.builtin.model import BgpPeer, BgpProcess, DeviceModel, RemoteAsKind

_MAX_AS = 2**32 - 1


@dataclass
class PeerView:
    """One configured peering, resolved (inheritance, local IP, AS sets)."""

    node: str
    vrf: str
    peer: BgpPeer  # effective (peer-group applied)
    kind: str  # ip | interface | dynamic
    local_as: int | None
    remote_asns: tuple[tuple[int, int], ...]  # inclusive ranges
    local_ip: str | None
    session_type: str
    evpn: bool

    def accepts(self, asn: int | None) -> bool:
        return asn is not None and any(lo <= asn <= hi for lo, hi in self.remote_asns)

    def remote_as_text(self) -> str:
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self.remote_asns)


def _remote_asns(peer: BgpPeer, local_as: int | None) -> tuple[tuple[int, int], ...]:
    if peer.remote_as_kind is RemoteAsKind.NUMBER and peer.remote_as is not None:
        return ((peer.remote_as, peer.remote_as),)
    if peer.remote_as_kind is RemoteAsKind.INTERNAL and local_as is not None:
        return ((local_as, local_as),)
    if peer.remote_as_kind is RemoteAsKind.EXTERNAL:
        if local_as is None:
            return ((0, _MAX_AS),)
        ranges = []
        if local_as > 0:
            ranges.append((0, local_as - 1))
        if local_as < _MAX_AS:
            ranges.append((local_as + 1, _MAX_AS))
        return tuple(ranges)
    return ()


def _session_type(
    view_local_as: int | None, asns: tuple[tuple[int, int], ...], peer: BgpPeer, unnumbered: bool
) -> str:
    ibgp = view_local_as is not None and asns == ((view_local_as, view_local_as),)
    if unnumbered:
        return "IBGP_UNNUMBERED" if ibgp else "EBGP_UNNUMBERED"
    if ibgp:
        return "IBGP"
    if peer.ebgp_multihop is not None and peer.ebgp_multihop > 1:
        return "EBGP_MULTIHOP"
    return "EBGP_SINGLEHOP"


def _local_ip(dev: DeviceModel, peer: BgpPeer, session_type: str) -> str | None:
    if peer.update_source_ip:
        return peer.update_source_ip
    if peer.update_source_interface:
        iface = dev.interfaces.get(peer.update_source_interface)
        return str(iface.primary.ip) if iface and iface.primary else None
    if session_type != "EBGP_SINGLEHOP":
        return None
    try:
        remote = ipaddress.IPv4Address(peer.name)
    except ValueError:
        return None
    for iface in dev.interfaces.values():
        if iface.shutdown:
            continue
        for addr in iface.addresses:
            if remote in addr.network and remote != addr.ip:
                return str(addr.ip)
    return None


def peer_views(devices: dict[str, DeviceModel]) -> list[PeerView]:
    views: list[PeerView] = []
    for dev in devices.values():
        for proc in dev.bgp.values():
            views.extend(_views_for(dev, proc))
    return views


def _views_for(dev: DeviceModel, proc: BgpProcess) -> list[PeerView]:
    out: list[PeerView] = []
    for raw in proc.peers.values():
        peer = proc.effective(raw)
        local_as = peer.local_as if peer.local_as is not None else proc.asn
        asns = _remote_asns(peer, local_as)
        unnumbered = raw.kind == "interface"
        stype = _session_type(local_as, asns, peer, unnumbered)
        local_ip = None if unnumbered or raw.kind == "dynamic" else _local_ip(dev, peer, stype)
        if raw.kind == "dynamic":
            local_ip = peer.update_source_ip
        out.append(
            PeerView(
                dev.hostname,
                proc.vrf,
                peer,
                raw.kind,
                local_as,
                asns,
                local_ip,
                stype,
                peer.activate_evpn,
            )
        )
    return out


def _ip_owners(devices: dict[str, DeviceModel]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for dev in devices.values():
        for iface in dev.interfaces.values():
            if iface.shutdown:
                continue
            for addr in iface.addresses:
                owners[str(addr.ip)].add(dev.hostname)
    return owners


def _compatible(a: PeerView, b: PeerView) -> bool:
    if a.node == b.node and a.peer.name == b.peer.name:
        return False
    if not (a.accepts(b.local_as) and b.accepts(a.local_as)):
        return False
    if b.kind == "dynamic":
        try:
            net = ipaddress.ip_network(b.peer.name, strict=False)
            return a.local_ip is not None and ipaddress.ip_address(a.local_ip) in net
        except ValueError:
            return False
    return a.local_ip == b.peer.name and b.local_ip == a.peer.name


def _families(a: PeerView, b: PeerView) -> list[str]:
    fams = []
    if a.peer.activate_ipv4 is not False and b.peer.activate_ipv4 is not False:
        fams.append("IPV4_UNICAST")
    if a.evpn and b.evpn:
        fams.append("EVPN")
    return fams


# Batfish's bgpSessionCompatibility columns; bgpSessionStatus has the same ones with
# Established_Status in place of Configured_Status
COMPATIBILITY_COLUMNS = [
    "Node",
    "VRF",
    "Local_AS",
    "Local_Interface",
    "Local_IP",
    "Remote_AS",
    "Remote_Node",
    "Remote_Interface",
    "Remote_IP",
    "Address_Families",
    "Session_Type",
    "Configured_Status",
]


def compatibility_rows(devices: dict[str, DeviceModel], edges: list[Edge]) -> list[dict[str, Any]]:
    views = peer_views(devices)
    owners = _ip_owners(devices)
    by_local_ip: dict[str | None, list[PeerView]] = defaultdict(list)
    for v in views:
        if v.kind == "ip":
            by_local_ip[v.local_ip].append(v)
    dynamic = [v for v in views if v.kind == "dynamic"]
    rows: list[dict[str, Any]] = []
    for v in views:
        if v.kind == "ip":
            rows.append(_active_row(v, owners, by_local_ip, dynamic))
        elif v.kind == "dynamic":
            rows.extend(_dynamic_rows(v, [w for w in views if w.kind == "ip"]))
        else:
            rows.append(_unnumbered_row(v, views, edges))
    return rows


def _base(v: PeerView) -> dict[str, Any]:
    return {
        "Node": {"name": v.node},
        "VRF": v.vrf,
        "Local_AS": v.local_as,
        "Local_Interface": None,
        "Local_IP": v.local_ip,
        "Remote_AS": v.remote_as_text(),
        "Remote_Node": None,
        "Remote_Interface": None,
        "Remote_IP": {"schema": "Ip", "value": v.peer.name},
        "Address_Families": [],
        "Session_Type": v.session_type,
        "Configured_Status": None,
    }


def _active_row(
    v: PeerView,
    owners: dict[str, set[str]],
    by_local_ip: dict[str | None, list[PeerView]],
    dynamic: list[PeerView],
) -> dict[str, Any]:
    row = _base(v)
    status = _locally_broken(v)
    if status is None:
        assert v.local_ip is not None
        if v.node not in owners.get(v.local_ip, set()):
            status = "INVALID_LOCAL_IP"
        elif v.peer.name not in owners:
            status = "UNKNOWN_REMOTE"
        else:
            matches = [w for w in by_local_ip.get(v.peer.name, []) if _compatible(v, w)]
            matches += [w for w in dynamic if _compatible(v, w)]
            if not matches:
                status = "HALF_OPEN"
            elif len(matches) > 1:
                status = "MULTIPLE_REMOTES"
            else:
                status = "UNIQUE_MATCH"
                remote = matches[0]
                row["Remote_Node"] = {"name": remote.node}
                row["Remote_AS"] = str(remote.local_as)
                row["Address_Families"] = _families(v, remote)
    row["Configured_Status"] = status
    return row


def _locally_broken(v: PeerView) -> str | None:
    if v.local_ip is None:
        if v.session_type in ("EBGP_MULTIHOP", "IBGP"):
            return "LOCAL_IP_UNKNOWN_STATICALLY"
        return "NO_LOCAL_IP"
    if v.local_as is None:
        return "NO_LOCAL_AS"
    if not v.peer.name:
        return "NO_REMOTE_IP"
    if not v.remote_asns:
        return "NO_REMOTE_AS"
    return None


def _dynamic_rows(v: PeerView, actives: list[PeerView]) -> list[dict[str, Any]]:
    row = _base(v)
    row["Local_IP"] = v.local_ip or "AUTO/NONE(-1l)"
    row["Remote_IP"] = {"schema": "Prefix", "value": v.peer.name}
    row["Session_Type"] = "UNSET"
    if v.local_as is None:
        row["Configured_Status"] = "NO_LOCAL_AS"
        return [row]
    if not v.remote_asns:
        row["Configured_Status"] = "NO_REMOTE_AS"
        return [row]
    rows = []
    for a in actives:
        if _compatible(a, v):
            r = dict(row)
            r.update(
                Configured_Status="DYNAMIC_MATCH",
                Local_IP=a.peer.name,
                Local_AS=v.local_as,
                Remote_AS=str(a.local_as),
                Remote_Node={"name": a.node},
                Remote_IP={"schema": "Ip", "value": a.local_ip},
                Session_Type=a.session_type,
                Address_Families=_families(v, a),
            )
            rows.append(r)
    if not rows:
        row["Configured_Status"] = "NO_MATCH_FOUND"
        rows.append(row)
    return rows


def _unnumbered_row(v: PeerView, views: list[PeerView], edges: list[Edge]) -> dict[str, Any]:
    row = _base(v)
    row["Local_Interface"] = {"hostname": v.node, "interface": v.peer.name}
    row["Local_IP"] = None
    row["Remote_IP"] = None
    if v.local_as is None:
        row["Configured_Status"] = "NO_LOCAL_AS"
        return row
    if not v.remote_asns:
        row["Configured_Status"] = "NO_REMOTE_AS"
        return row
    neighbours = set()
    for e in edges:
        for here, there in ((e.a, e.b), (e.b, e.a)):
            if here.hostname == v.node and here.interface == v.peer.name:
                neighbours.add((there.hostname, there.interface))
    matches = [
        w
        for w in views
        if w.kind == "interface"
        and (w.node, w.peer.name) in neighbours
        and v.accepts(w.local_as)
        and w.accepts(v.local_as)
    ]
    if not matches:
        row["Configured_Status"] = "HALF_OPEN"
    elif len(matches) > 1:
        row["Configured_Status"] = "MULTIPLE_REMOTES"
    else:
        remote = matches[0]
        row.update(
            Configured_Status="UNIQUE_MATCH",
            Remote_Node={"name": remote.node},
            Remote_Interface={"hostname": remote.node, "interface": remote.peer.name},
            Remote_AS=str(remote.local_as),
            Address_Families=_families(v, remote),
        )
    return row
