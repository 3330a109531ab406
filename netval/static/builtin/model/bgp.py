"""BGP processes, peers and peer groups, and what a process originates."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

IPv4Net = ipaddress.IPv4Network


class RemoteAsKind(StrEnum):
    NUMBER = "number"
    EXTERNAL = "external"
    INTERNAL = "internal"


@dataclass
class BgpPeer:
    """A neighbor or a peer-group; neighbors inherit unset fields from their group."""

    name: str  # IP, interface name (unnumbered), listen range, or group name
    line: int
    kind: str = "ip"  # ip | interface | group | dynamic
    remote_as: int | None = None
    remote_as_kind: RemoteAsKind | None = None
    peer_group: str | None = None
    local_as: int | None = None
    update_source_ip: str | None = None
    update_source_interface: str | None = None
    ebgp_multihop: int | None = None
    next_hop_self: bool | None = None
    route_reflector_client: bool | None = None
    send_community: bool | None = None
    route_map_in: str | None = None
    route_map_out: str | None = None
    default_originate: bool | None = None
    # sends more than its best path (add-path): what the peer holds is not predicted
    addpath_tx: bool | None = None
    default_originate_map: str | None = None
    description: str | None = None
    shutdown: bool = False
    activate_ipv4: bool | None = None
    activate_evpn: bool = False
    allowas_in: int | None = None  # how often the local AS may appear in a received path
    weight: int | None = None
    next_hop_self_force: bool | None = None  # also for reflected iBGP routes
    lines: list[int] = field(default_factory=list)


@dataclass
class BgpNetwork:
    prefix: IPv4Net
    line: int
    route_map: str | None = None


@dataclass
class BgpRedistribute:
    protocol: str
    line: int
    route_map: str | None = None
    metric: int | None = None
    metric_type: int | None = None  # OSPF external type (1 or 2)


@dataclass
class BgpAggregate:
    prefix: IPv4Net
    line: int
    summary_only: bool = False
    as_set: bool = False


@dataclass
class BgpProcess:
    asn: int | None
    line: int
    vrf: str = "default"
    router_id: str | None = None
    peers: dict[str, BgpPeer] = field(default_factory=dict)
    groups: dict[str, BgpPeer] = field(default_factory=dict)
    networks: list[BgpNetwork] = field(default_factory=list)
    redistribute: list[BgpRedistribute] = field(default_factory=list)
    aggregates: list[BgpAggregate] = field(default_factory=list)
    maximum_paths: int | None = None
    maximum_paths_ibgp: int | None = None
    multipath_relax: bool = False
    default_ipv4_unicast: bool = True
    maximum_paths_eibgp: int | None = None
    ebgp_requires_policy: bool | None = None  # None: the vendor profile decides
    compare_router_id: bool = False
    always_compare_med: bool = False
    cluster_id: str | None = None
    distance: tuple[int, int, int] | None = None  # external, internal, local

    def effective(self, peer: BgpPeer) -> BgpPeer:
        """The peer with unset fields taken from its peer-group (one level, as vendors do).

        Every field a group can carry is inherited the same way: a member's own value wins
        when it set one (``None`` or ``False`` means it did not)."""
        group = self.groups.get(peer.peer_group) if peer.peer_group else None
        if group is None:
            return peer
        merged = BgpPeer(name=peer.name, line=peer.line, kind=peer.kind)
        for name in BgpPeer.__dataclass_fields__:
            if name in ("name", "line", "kind", "lines", "peer_group", "shutdown"):
                continue
            mine = getattr(peer, name)
            setattr(merged, name, getattr(group, name) if mine is None or mine is False else mine)
        merged.peer_group = peer.peer_group
        merged.shutdown = peer.shutdown or group.shutdown
        merged.lines = peer.lines
        return merged
