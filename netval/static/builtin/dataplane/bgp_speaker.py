"""BGP speakers (one per node and VRF), directed sessions and export classes.

An *export class* groups a speaker's sessions that export identically (same policy, same
eBGP/iBGP role, same local AS, ...): what a spine exports to its 500 leaves is computed once
per prefix, and only the next hop differs per session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netval.static.builtin.dataplane.bgp_policy import Attrs, Policies, PolicySignature
from netval.static.builtin.dataplane.network import Network, Node
from netval.static.builtin.dataplane.types import Hop, RouterId
from netval.static.builtin.model import BgpAggregate, BgpProcess, DeviceModel
from netval.static.builtin.prefix import PrefixTable, ip_int, key_of
from netval.static.builtin.questions.bgp import PeerView

# Above this many incoming sessions a speaker keeps an index of who offers each prefix
# instead of asking every neighbour (a spine with hundreds of leaves).
INDEX_THRESHOLD = 16


class ExportClass:
    __slots__ = (
        "deny_all",
        "ebgp",
        "idx",
        "local_as",
        "nhs",
        "nhs_force",
        "peer_ases",
        "policy",
        "send_community",
        "sessions",
        "sig",
        "to_client",
    )

    def __init__(
        self,
        idx: int,
        ebgp: bool,
        local_as: int,
        policy: str | None,
        sig: PolicySignature | None,
        deny_all: bool,
        send_community: bool,
        to_client: bool,
        nhs: bool,
        nhs_force: bool,
    ) -> None:
        self.idx = idx
        self.ebgp = ebgp
        self.local_as = local_as
        self.policy = policy
        self.sig = sig
        self.deny_all = deny_all
        self.send_community = send_community
        self.to_client = to_client
        self.nhs = nhs
        self.nhs_force = nhs_force
        self.sessions: list[Session] = []
        # receivers' ASes, for skipping exports every receiver would drop as a loop
        self.peer_ases: frozenset[int] = frozenset()


class Session:
    """src exports to dst. Holds both ends' configuration for this direction."""

    __slots__ = (
        "addpath",
        "allowas",
        "cls",
        "default_originate",
        "dst",
        "dst_as",
        "ebgp",
        "from_client",
        "import_deny",
        "import_policy",
        "import_sig",
        "peer_subnet",
        "recv_from",
        "single_hop",
        "src",
        "src_hop",
        "tiebreak",
        "weight",
    )

    def __init__(self, src: Speaker, dst: Speaker) -> None:
        self.src = src
        self.dst = dst
        self.src_hop: Hop = Hop()
        self.recv_from: str | None = None
        self.addpath = False
        self.ebgp = False
        self.cls: ExportClass | None = None
        self.dst_as = 0
        self.allowas = 0
        self.import_policy: str | None = None
        self.import_sig: PolicySignature | None = None
        self.import_deny = False
        self.weight = 0
        self.from_client = False
        self.single_hop = False
        self.default_originate = False
        self.tiebreak: tuple[int, int] = (0, 0)
        # src's connected subnet (address, mask) that holds dst's address, if any
        self.peer_subnet: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"Session({self.src.rid}->{self.dst.rid})"


@dataclass
class LocalPath:
    attrs: Attrs
    hop: Hop
    how: str  # network | redistribute | aggregate


@dataclass(eq=False)
class Speaker:
    node: Node
    vrf: str
    proc: BgpProcess
    asn: int
    router_id: str
    cluster_id: str
    max_ebgp: int
    max_ibgp: int
    relax: bool
    eibgp: int | None
    always_med: bool
    in_sessions: list[Session] = field(default_factory=list)
    classes: list[ExportClass] = field(default_factory=list)
    local: dict[int, LocalPath] = field(default_factory=dict)
    aggregates: list[BgpAggregate] = field(default_factory=list)
    active_aggregates: set[int] = field(default_factory=set)
    suppressing: list[int] = field(default_factory=list)  # active summary-only aggregates
    is_rr: bool = False

    @property
    def rid(self) -> RouterId:
        return (self.node.name, self.vrf)

    @property
    def model(self) -> DeviceModel:
        assert self.node.model is not None
        return self.node.model


def build_speakers(net: Network) -> dict[RouterId, Speaker]:
    out: dict[RouterId, Speaker] = {}
    for node in net.nodes.values():
        if node.model is None:
            continue
        for vrf, proc in node.model.bgp.items():
            if proc.asn is None:
                continue
            prof = node.profile
            rid = proc.router_id or node.router_id(vrf)
            max_ebgp = proc.maximum_paths or prof.ebgp_max_paths
            if proc.maximum_paths_ibgp is not None:
                max_ibgp = proc.maximum_paths_ibgp
            elif prof.ibgp_max_follows_ebgp and proc.maximum_paths is not None:
                max_ibgp = proc.maximum_paths
            else:
                max_ibgp = prof.ibgp_max_paths
            out[(node.name, vrf)] = Speaker(
                node,
                vrf,
                proc,
                proc.asn,
                rid,
                proc.cluster_id or rid,
                max(1, max_ebgp),
                max(1, max_ibgp),
                proc.multipath_relax,
                proc.maximum_paths_eibgp,
                proc.always_compare_med,
                aggregates=list(proc.aggregates),
            )
    return out


def wire_sessions(
    speakers: dict[RouterId, Speaker],
    pairs: list[tuple[PeerView, PeerView]],
    policies: Policies,
) -> list[Session]:
    """Directed sessions for established peerings (each pair yields src->dst for both views
    of it, since ``pairs`` lists every side)."""
    sessions: list[Session] = []
    classes: dict[tuple[RouterId, tuple[object, ...]], ExportClass] = {}
    subnets: dict[tuple[str, str], PrefixTable[tuple[int, int]]] = {}
    for v, w in pairs:
        src, dst = speakers.get((v.node, v.vrf)), speakers.get((w.node, w.vrf))
        if src is None or dst is None or v.local_as is None or w.local_as is None:
            continue
        s = Session(src, dst)
        s.ebgp = v.local_as != w.local_as
        s.dst_as = w.local_as
        if v.kind == "interface":
            s.src_hop = Hop(iface=w.peer.name)  # unnumbered: next hop is dst's own port
            s.recv_from = None
        else:
            s.src_hop = Hop(ip=v.local_ip)
            s.recv_from = v.local_ip
        s.single_hop = s.ebgp and v.session_type in ("EBGP_SINGLEHOP", "EBGP_UNNUMBERED")
        src_node = src.node
        dpeer, speer = w.peer, v.peer
        # the peers are their process's effective view: peer-group settings already applied
        s.allowas = dpeer.allowas_in or 0
        s.weight = dpeer.weight or 0
        requires = _requires_policy(dst) and s.ebgp
        s.import_policy = dpeer.route_map_in
        s.import_sig = (
            policies.signature(dst.model, dpeer.route_map_in) if dpeer.route_map_in else None
        )
        s.import_deny = requires and dpeer.route_map_in is None
        s.from_client = bool(dpeer.route_reflector_client) and not s.ebgp
        s.default_originate = bool(speer.default_originate)
        s.addpath = bool(speer.addpath_tx)
        s.tiebreak = (ip_int(src.router_id), ip_int(v.local_ip) if v.local_ip else 0)
        if w.local_ip is not None:
            s.peer_subnet = _connected(src_node, src.vrf, ip_int(w.local_ip), subnets)
        # export side
        to_client = bool(speer.route_reflector_client) and not s.ebgp
        if to_client:
            src.is_rr = True
        send_comm = (
            speer.send_community
            if speer.send_community is not None
            else (src_node.profile.send_community)
        )
        deny_all = _requires_policy(src) and s.ebgp and speer.route_map_out is None
        nhs_force = bool(speer.next_hop_self_force)
        ckey = (
            s.ebgp,
            v.local_as,
            speer.route_map_out,
            send_comm,
            to_client,
            bool(speer.next_hop_self),
            nhs_force,
            deny_all,
        )
        cls = classes.get((src.rid, ckey))
        if cls is None:
            sig = (
                policies.signature(src.model, speer.route_map_out) if speer.route_map_out else None
            )
            cls = ExportClass(
                len(src.classes),
                s.ebgp,
                v.local_as,
                speer.route_map_out,
                sig,
                deny_all,
                send_comm,
                to_client,
                bool(speer.next_hop_self),
                nhs_force,
            )
            classes[(src.rid, ckey)] = cls
            src.classes.append(cls)
        cls.sessions.append(s)
        s.cls = cls
        dst.in_sessions.append(s)
        sessions.append(s)
    for spk in speakers.values():
        for cls in spk.classes:
            if cls.ebgp and all(s.allowas == 0 for s in cls.sessions):
                cls.peer_ases = frozenset(s.dst_as for s in cls.sessions)
        spk.in_sessions.sort(key=lambda s: s.tiebreak)
    return sessions


def _requires_policy(spk: Speaker) -> bool:
    """eBGP without a policy in that direction exchanges nothing (FRR 8's default, RFC 8212)."""
    configured = spk.proc.ebgp_requires_policy
    return spk.node.profile.ebgp_requires_policy if configured is None else configured


def _connected(
    node: Node, vrf: str, address: int, cache: dict[tuple[str, str], PrefixTable[tuple[int, int]]]
) -> tuple[int, int] | None:
    """The node's connected subnet (address, mask) holding ``address``."""
    table = cache.get((node.name, vrf))
    if table is None:
        table = cache[(node.name, vrf)] = PrefixTable()
        for iface in node.ifaces.values():
            if iface.active and iface.vrf == vrf:
                for a in iface.addresses:
                    if a.network.prefixlen < 32:
                        net = a.network
                        table.set(key_of(net), (int(net.network_address), int(net.netmask)))
    hit = table.lookup(address)
    return None if hit is None else hit[1]
