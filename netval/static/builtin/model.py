"""The built-in engine's vendor-neutral configuration model.

Every parser (FRR, Arista EOS, Cisco IOS) fills one ``DeviceModel``. Structures keep the file
lines they were defined on and every reference keeps the line it was made on, because
Batfish's undefinedReferences / unusedStructures answers are about lines, and a user fixing a
config needs them.

Structure and usage *names* (``"ip prefix-list"``, ``"route-map match ip prefix-list"``) are
the vendor's own strings as Batfish prints them, so rows compare one to one with Batfish.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

IPv4Net = ipaddress.IPv4Network
IPv4If = ipaddress.IPv4Interface


class Vendor(StrEnum):
    """Batfish's ConfigurationFormat names for the formats this engine parses."""

    CUMULUS_CONCATENATED = "CUMULUS_CONCATENATED"
    FRR = "FRR"
    ARISTA = "ARISTA"
    CISCO_IOS = "CISCO_IOS"


class ParseStatus(StrEnum):
    PASSED = "PASSED"
    PARTIALLY_UNRECOGNIZED = "PARTIALLY_UNRECOGNIZED"
    FAILED = "FAILED"
    EMPTY = "EMPTY"
    UNKNOWN = "UNKNOWN"  # the format could not be detected
    UNSUPPORTED = "UNSUPPORTED"  # a vendor the built-in engine does not parse


class ParserCrash(Exception):
    """A parser failed on a line (a bug, never bad input): the loader turns it into a FAILED
    file naming the line, so one file's crash never takes the snapshot or the run down."""

    def __init__(self, line: int | None, text: str, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.line = line
        self.text = text


@dataclass
class Unrecognized:
    """A line the parser did not understand (Batfish: a parse warning)."""

    line: int
    text: str
    context: str
    comment: str = "This syntax is unrecognized"


# --- structures and references -------------------------------------------------------------


@dataclass
class StructureDef:
    """A named structure; ``lines`` grows when the structure is continued elsewhere."""

    type: str
    name: str
    lines: list[int] = field(default_factory=list)
    # the same lines as a set: a list of 150k entries is one structure continued 150k times
    _seen: set[int] = field(default_factory=set, init=False, repr=False, compare=False)

    def add_line(self, line: int) -> None:
        if line not in self._seen:
            self._seen.add(line)
            self.lines.append(line)


@dataclass(frozen=True)
class Reference:
    """A use of a named structure.

    ``type`` is what Batfish prints as Struct_Type for an undefined reference (often an
    abstract type such as ``ipv4 acl``); ``satisfied_by`` lists the concrete structure types
    whose definition makes the reference defined (and the structure used).
    """

    type: str
    name: str
    context: str
    line: int
    satisfied_by: tuple[str, ...]


# --- interfaces, statics ------------------------------------------------------------------


@dataclass
class VrrpGroup:
    vrid: int
    line: int
    priority: int | None = None
    virtual_ips: list[str] = field(default_factory=list)
    preempt: bool | None = None


@dataclass
class Interface:
    name: str
    line: int
    addresses: list[IPv4If] = field(default_factory=list)
    shutdown: bool = False
    description: str | None = None
    vrf: str = "default"
    acl_in: str | None = None
    acl_out: str | None = None
    ospf_cost: int | None = None
    ospf_passive: bool | None = None
    ospf_area: str | None = None
    bandwidth_kbps: int | None = None  # `bandwidth N`: what OSPF's auto-cost divides
    vrrp: list[VrrpGroup] = field(default_factory=list)

    @property
    def primary(self) -> IPv4If | None:
        return self.addresses[0] if self.addresses else None


@dataclass
class StaticRoute:
    prefix: IPv4Net
    line: int
    next_hop_ip: str | None = None
    next_hop_interface: str | None = None
    discard: bool = False  # Null0 / blackhole / reject
    distance: int = 1
    vrf: str = "default"


# --- BGP ---------------------------------------------------------------------------------


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


# --- OSPF --------------------------------------------------------------------------------


@dataclass
class OspfNetwork:
    prefix: IPv4Net
    area: str
    line: int


@dataclass
class OspfProcess:
    process_id: str
    line: int
    vrf: str = "default"
    router_id: str | None = None
    networks: list[OspfNetwork] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)
    passive_default: bool = False
    passive: set[str] = field(default_factory=set)
    non_passive: set[str] = field(default_factory=set)
    redistribute: list[BgpRedistribute] = field(default_factory=list)
    reference_bandwidth_mbps: int | None = None  # auto-cost reference-bandwidth
    default_originate: tuple[bool, int, int] | None = None  # (always, metric, metric type)
    distance: int | None = None


# --- routing policy ----------------------------------------------------------------------


@dataclass
class PrefixListEntry:
    seq: int
    action: str  # permit | deny
    prefix: ipaddress.IPv4Network | ipaddress.IPv6Network
    ge: int | None
    le: int | None
    line: int

    def length_range(self) -> tuple[int, int]:
        """The prefix lengths the entry matches; FRR/Cisco: no ge/le means exact."""
        plen = self.prefix.prefixlen
        top = self.prefix.max_prefixlen
        if self.ge is None and self.le is None:
            return plen, plen
        low = self.ge if self.ge is not None else plen
        high = self.le if self.le is not None else top
        return low, high


_HOST_MASKS = tuple((0xFFFFFFFF << (32 - k)) & 0xFFFFFFFF for k in range(33))


class PrefixList:
    """Entries by sequence number. Adding is O(1) and the sorted view and the lookup index
    are built once when first read, so a list of N entries costs O(N log N) to parse and
    O(prefix length) per IPv4 lookup, whatever N is."""

    def __init__(self, name: str, family: int) -> None:
        self.name = name
        self.family = family  # 4 or 6
        self._by_seq: dict[int, PrefixListEntry] = {}
        self.max_seq = 0
        self._sorted: list[PrefixListEntry] | None = None
        self._index: dict[tuple[int, int], list[tuple[int, PrefixListEntry]]] | None = None

    def __repr__(self) -> str:
        return f"PrefixList({self.name!r}, {self.family}, {len(self._by_seq)} entries)"

    def add(self, entry: PrefixListEntry) -> None:
        """Add an entry; one with the same sequence number replaces the old one."""
        self._by_seq.pop(entry.seq, None)
        self._by_seq[entry.seq] = entry
        self.max_seq = max(self.max_seq, entry.seq)
        self._sorted = None
        self._index = None

    @property
    def entries(self) -> list[PrefixListEntry]:
        """In sequence order (the order the device evaluates them)."""
        if self._sorted is None:
            self._sorted = sorted(self._by_seq.values(), key=lambda e: e.seq)
        return self._sorted

    def first_match4(self, net: ipaddress.IPv4Network) -> PrefixListEntry | None:
        """The first IPv4 entry (in sequence order) that matches ``net``, or None.

        An entry matches when its prefix covers ``net`` and ``net``'s length is in the entry's
        range; only the entries whose prefix is one of ``net``'s at most 33 covering prefixes
        can match, so those are looked up by (address, length)."""
        index = self._index
        if index is None:
            index = {}
            for pos, e in enumerate(self.entries):
                if e.prefix.version == 4:
                    key = (int(e.prefix.network_address), e.prefix.prefixlen)
                    index.setdefault(key, []).append((pos, e))
            self._index = index
        addr = int(net.network_address)
        plen = net.prefixlen
        best: tuple[int, PrefixListEntry] | None = None
        for k in range(plen + 1):
            bucket = index.get((addr & _HOST_MASKS[k], k))
            if bucket is None:
                continue
            for pos, e in bucket:
                if best is not None and pos >= best[0]:
                    break
                low, high = e.length_range()
                if low <= plen <= high:
                    best = (pos, e)
                    break
        return None if best is None else best[1]


@dataclass
class CommunityListEntry:
    action: str
    line: int
    communities: tuple[str, ...] = ()  # standard: all must be present
    regex: str | None = None  # expanded


@dataclass
class CommunityList:
    name: str
    kind: str  # standard | expanded
    entries: list[CommunityListEntry] = field(default_factory=list)


@dataclass
class AsPathEntry:
    action: str
    regex: str
    line: int


@dataclass
class AsPathList:
    name: str
    entries: list[AsPathEntry] = field(default_factory=list)


@dataclass
class AclLine:
    action: str
    line: int
    text: str
    # For route-map "match ip address <acl>": the source network and wildcard; extended lines
    # also carry destination (Cisco matches a BGP route's mask against it).
    src: tuple[int, int] | None = None  # (address, wildcard) as ints; None = any
    dst: tuple[int, int] | None = None
    remark: bool = False


@dataclass
class Acl:
    name: str
    kind: str  # standard | extended
    family: int = 4
    lines: list[AclLine] = field(default_factory=list)


@dataclass
class Match:
    kind: str  # prefix_list | community | as_path | acl | tag | metric | source_protocol | ...
    names: tuple[str, ...]
    line: int
    exact: bool = False  # community exact-match


@dataclass
class SetAction:
    kind: str  # local_preference | metric | community | comm_list_delete | as_path_prepend |
    # next_hop | weight | origin | tag
    line: int
    value: str = ""
    values: tuple[str, ...] = ()
    additive: bool = False


@dataclass
class RouteMapEntry:
    seq: int
    action: str  # permit | deny
    line: int
    matches: list[Match] = field(default_factory=list)
    sets: list[SetAction] = field(default_factory=list)
    continue_to: int | None = None  # seq, or -1 for "the next entry"
    lines: list[int] = field(default_factory=list)
    description: str | None = None


@dataclass
class RouteMap:
    name: str
    entries: dict[int, RouteMapEntry] = field(default_factory=dict)

    def ordered(self) -> list[RouteMapEntry]:
        return [self.entries[k] for k in sorted(self.entries)]


# --- the device --------------------------------------------------------------------------


@dataclass
class DeviceModel:
    """One device file, parsed."""

    hostname: str
    filename: str  # relative to the snapshot, e.g. configs/border1
    vendor: Vendor
    status: ParseStatus = ParseStatus.PASSED
    failure: str | None = None
    defaults_profile: str | None = None  # FRR's `frr defaults NAME`
    interfaces: dict[str, Interface] = field(default_factory=dict)
    static_routes: list[StaticRoute] = field(default_factory=list)
    bgp: dict[str, BgpProcess] = field(default_factory=dict)  # by VRF
    ospf: dict[str, OspfProcess] = field(default_factory=dict)
    prefix_lists: dict[str, PrefixList] = field(default_factory=dict)
    prefix6_lists: dict[str, PrefixList] = field(default_factory=dict)
    community_lists: dict[str, CommunityList] = field(default_factory=dict)
    as_path_lists: dict[str, AsPathList] = field(default_factory=dict)
    route_maps: dict[str, RouteMap] = field(default_factory=dict)
    acls: dict[str, Acl] = field(default_factory=dict)
    vrfs: set[str] = field(default_factory=lambda: {"default"})
    definitions: dict[tuple[str, str], StructureDef] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    unrecognized: list[Unrecognized] = field(default_factory=list)

    def define(self, stype: str, name: str, line: int) -> None:
        key = (stype, name)
        d = self.definitions.get(key)
        if d is None:
            d = self.definitions[key] = StructureDef(stype, name)
        d.add_line(line)

    def refer(
        self, stype: str, name: str, context: str, line: int, satisfied_by: tuple[str, ...] = ()
    ) -> None:
        self.references.append(Reference(stype, name, context, line, satisfied_by or (stype,)))

    def unrecognized_line(
        self, line: int, text: str, context: str, comment: str | None = None
    ) -> None:
        if comment is None:
            self.unrecognized.append(Unrecognized(line, text, context))
        else:
            self.unrecognized.append(Unrecognized(line, text, context, comment))

    def finish_status(self) -> None:
        if self.status is ParseStatus.PASSED and self.unrecognized:
            self.status = ParseStatus.PARTIALLY_UNRECOGNIZED
