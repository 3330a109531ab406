"""OSPFv2: intra-area SPF, inter-area summaries through ABRs, external routes (E1/E2).

One SPF per router and area over routers and transit segments (a segment is a vertex, as a
network LSA is). Stub prefixes (loopbacks, passive interfaces, links without a neighbour)
hang off their router at the interface cost. ABRs (Cisco semantics, FRR's default: at least
two areas, one of them the backbone) summarise each attached area's prefixes into the others
and backbone inter-area routes into non-backbone areas; an ABR itself only reads backbone
summaries. Externals are flooded everywhere; E1 adds the cost to the ASBR, E2 does not and
breaks ties on it; intra-area beats inter-area beats E1 beats E2.
"""

from __future__ import annotations

import heapq
import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field

from netval.static.builtin.dataplane.network import Iface, Network, Node
from netval.static.builtin.dataplane.types import (
    BGP_PROTOCOLS,
    CONNECTED,
    OSPF,
    OSPF_E1,
    OSPF_E2,
    OSPF_IA,
    STATIC,
    Hop,
    RibRoute,
    RouterId,
)
from netval.static.builtin.model import OspfProcess
from netval.static.builtin.prefix import (
    DEFAULT_KEY,
    HOST_LENGTH,
    covers,
    ip_int,
    ip_text,
    key_length,
    key_net,
    key_of,
    make_key,
)
from netval.static.builtin.questions.policy import Evaluator
from netval.static.builtin.questions.policy import Route as PolicyRoute

Target = tuple[str, object]  # ("p", prefix key) or ("r", RouterId)
FirstHops = frozenset[tuple[str, str]]  # (out interface, neighbour address)
_DIRECT: FirstHops = frozenset()
_DEFAULT_EXTERNAL_METRIC = 20


@dataclass
class OspfIface:
    router: RouterId
    iface: Iface
    area: int
    cost: int
    passive: bool
    address: ipaddress.IPv4Interface
    adjacent: list[OspfIface] = field(default_factory=list)

    @property
    def segment(self) -> str:
        return f"{self.iface.segment}|{self.address.network}|{self.area}"


@dataclass
class Spf:
    dist: dict[object, int]
    first: dict[object, FirstHops]


@dataclass
class External:
    key: int
    metric: int
    metric_type: int
    forward: int | None = None  # forwarding address (the redistributed route's next hop)


def area_id(text: str) -> int:
    if text.isdigit():
        return int(text)
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError:
        return -1


def _default_mbps(node: Node, iface: Iface) -> float:
    kbps = iface.bandwidth_kbps
    if kbps:
        return kbps / 1000
    if node.profile.ospf_speed_from_name:
        low = iface.name.lower()
        for prefix, mbps in (("tengig", 10000), ("gig", 1000), ("fast", 100), ("eth", 10)):
            if low.startswith(prefix):
                return mbps
    return node.profile.ospf_default_mbps


def _cost(node: Node, iface: Iface, configured: int | None) -> int:
    if configured is not None:
        return configured
    if iface.loopback:
        return node.profile.ospf_loopback_cost
    proc = node.model.ospf.get(iface.vrf) if node.model is not None else None
    configured = proc.reference_bandwidth_mbps if proc is not None else None
    ref = configured or node.profile.ospf_reference_mbps
    return max(1, int(ref / _default_mbps(node, iface)))


def _area_of(
    node: Node, proc: OspfProcess, iface: Iface, addr: ipaddress.IPv4Interface, explicit: str | None
) -> int | None:
    if explicit is not None:
        return area_id(explicit)
    must_cover = node.profile.ospf_network_must_cover_subnet
    best: tuple[int, str] | None = None
    for st in proc.networks:
        if addr.ip not in st.prefix:
            continue
        if must_cover and st.prefix.prefixlen > addr.network.prefixlen:
            continue
        if best is None or st.prefix.prefixlen > best[0]:
            best = (st.prefix.prefixlen, st.area)
    return area_id(best[1]) if best else None


def ospf_interfaces(net: Network) -> dict[RouterId, list[OspfIface]]:
    out: dict[RouterId, list[OspfIface]] = {}
    for node in net.nodes.values():
        if node.model is None:
            continue
        for vrf, proc in node.model.ospf.items():
            rid = (node.name, vrf)
            lst: list[OspfIface] = []
            for name, iface in node.ifaces.items():
                miface = node.model.interfaces.get(name)
                if not iface.active or iface.vrf != vrf or miface is None:
                    continue
                for addr in iface.addresses:
                    area = _area_of(node, proc, iface, addr, miface.ospf_area)
                    if area is None or area < 0:
                        continue
                    passive = (
                        iface.loopback
                        or bool(miface.ospf_passive)
                        or name in proc.passive
                        or (proc.passive_default and name not in proc.non_passive)
                    )
                    lst.append(
                        OspfIface(
                            rid, iface, area, _cost(node, iface, miface.ospf_cost), passive, addr
                        )
                    )
            out[rid] = lst
    by_iface = {
        (o.iface.node, o.iface.name, str(o.address.network)): o for lst in out.values() for o in lst
    }
    for lst in out.values():
        for o in lst:
            if o.passive:
                continue
            for nnode, nname in o.iface.neighbors:
                other = by_iface.get((nnode, nname, str(o.address.network)))
                if other is not None and not other.passive and other.area == o.area:
                    o.adjacent.append(other)
    return out


class Ospf:
    """The OSPF domain: topology once, externals per call (they follow the RIBs)."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.ifaces = ospf_interfaces(net)
        self.areas: dict[RouterId, set[int]] = {
            r: {o.area for o in lst} for r, lst in self.ifaces.items()
        }
        self.abrs = {r for r, a in self.areas.items() if len(a) >= 2 and 0 in a}
        # per area: router -> [(segment, cost, out iface)], segment -> [(router, address)]
        self.r_edges: dict[int, dict[RouterId, list[tuple[str, int, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.s_members: dict[str, list[tuple[RouterId, str]]] = defaultdict(list)
        # announcements: area -> vertex -> [(prefix key, cost)]
        self.announce: dict[int, dict[object, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for rid, lst in self.ifaces.items():
            for o in lst:
                if o.adjacent:
                    seg = o.segment
                    self.r_edges[o.area][rid].append((seg, o.cost, o.iface.name))
                    self.s_members[seg].append((rid, str(o.address.ip)))
                    self.announce[o.area][seg].append((key_of(o.address.network), 0))
                else:
                    net_key = (
                        make_key(int(o.address.ip), HOST_LENGTH)
                        if o.iface.loopback
                        else key_of(o.address.network)
                    )
                    self.announce[o.area][rid].append((net_key, o.cost))
        for a in self.announce.values():
            for v, lst2 in a.items():
                a[v] = sorted(set(lst2))
        self._own_addresses: dict[RouterId, dict[int, str]] = {}
        self._attached: dict[RouterId, dict[int, str]] = {}
        for rid, lst in self.ifaces.items():
            for o in lst:
                self._own_addresses.setdefault(rid, {})[int(o.address.ip)] = o.iface.name
                self._attached.setdefault(rid, {})[key_of(o.address.network)] = o.iface.name
        self._intra_by_area: dict[RouterId, dict[int, dict[Target, tuple[int, FirstHops]]]] = {}
        self._inter: dict[RouterId, dict[Target, tuple[int, FirstHops]]] = {}
        self._spf: dict[tuple[int, RouterId], Spf] = {}
        self._tables: dict[RouterId, dict[Target, tuple[int, FirstHops, str]]] | None = None

    # -- SPF ------------------------------------------------------------------------------

    def spf(self, area: int, root: RouterId) -> Spf:
        cached = self._spf.get((area, root))
        if cached is not None:
            return cached
        edges = self.r_edges[area]
        dist: dict[object, int] = {root: 0}
        heap: list[tuple[int, int, str, object]] = [(0, 1, repr(root), root)]
        while heap:
            d, kind, _, v = heapq.heappop(heap)
            if d > dist.get(v, 1 << 62):
                continue
            if kind == 1:  # router
                assert isinstance(v, tuple)
                for seg, cost, _ifname in edges.get(v, []):
                    nd = d + cost
                    if nd < dist.get(seg, 1 << 62):
                        dist[seg] = nd
                        heapq.heappush(heap, (nd, 0, seg, seg))
            else:
                assert isinstance(v, str)
                for r, _ip in self.s_members[v]:
                    if d < dist.get(r, 1 << 62):
                        dist[r] = d
                        heapq.heappush(heap, (d, 1, repr(r), r))
        # first hops along the tight edges, in distance order (segments before routers)
        first: dict[object, FirstHops] = {root: _DIRECT}
        order = sorted(dist, key=lambda v: (dist[v], 1 if isinstance(v, tuple) else 0))
        direct_if: dict[str, set[str]] = defaultdict(set)
        for seg, cost, ifname in edges.get(root, []):
            if dist.get(seg) == cost:
                direct_if[seg].add(ifname)
        for v in order:
            if isinstance(v, tuple):
                for seg, cost, _ifname in edges.get(v, []):
                    if v != root and dist.get(seg) == dist[v] + cost:
                        first[seg] = first.get(seg, frozenset()) | first[v]
            else:
                assert isinstance(v, str)
                for r, ip in self.s_members[v]:
                    if r == root or dist.get(r) != dist[v]:
                        continue
                    if v in direct_if:
                        hops = frozenset((i, ip) for i in direct_if[v])
                    else:
                        hops = first.get(v, frozenset())
                    first[r] = first.get(r, frozenset()) | hops
        result = Spf(dist, first)
        self._spf[(area, root)] = result
        return result

    # -- intra and inter-area ---------------------------------------------------------------

    def _intra(self, rid: RouterId, area: int) -> dict[Target, tuple[int, FirstHops]]:
        spf = self.spf(area, rid)
        out: dict[Target, tuple[int, FirstHops]] = {}
        for v, lst in self.announce[area].items():
            if v not in spf.dist:
                continue
            for key, cost in lst:
                total = spf.dist[v] + cost
                fh = spf.first.get(v, _DIRECT) if v != rid else _DIRECT
                _better(out, ("p", key), total, fh)
        for v, d in spf.dist.items():
            if isinstance(v, tuple) and v != rid:
                _better(out, ("r", v), d, spf.first.get(v, _DIRECT))
        return out

    def tables(self) -> dict[RouterId, dict[Target, tuple[int, FirstHops, str]]]:
        """Per router: target -> (cost, first hops, kind) with kind intra or inter."""
        if self._tables is not None:
            return self._tables
        intra = {r: {a: self._intra(r, a) for a in areas} for r, areas in self.areas.items()}
        self._intra_by_area = intra
        inter: dict[RouterId, dict[Target, tuple[int, FirstHops]]] = defaultdict(dict)
        self._inter = inter
        tables: dict[RouterId, dict[Target, tuple[int, FirstHops, str]]] = {}
        for r, per_area in intra.items():
            t: dict[Target, tuple[int, FirstHops, str]] = {}
            for routes in per_area.values():
                for tgt, (c, fh) in routes.items():
                    _better3(t, tgt, c, fh, "intra")
            tables[r] = t

        def summaries_into(
            area: int, abr: RouterId, inter_of: dict[Target, tuple[int, FirstHops, str]] | None
        ) -> dict[Target, int]:
            out: dict[Target, int] = {}
            for other, routes in intra[abr].items():
                if other == area:
                    continue
                for tgt, (c, _fh) in routes.items():
                    if c < out.get(tgt, 1 << 62):
                        out[tgt] = c
            if inter_of is not None and area != 0:
                for tgt, (c, _fh, kind) in inter_of.items():
                    if kind == "inter" and c < out.get(tgt, 1 << 62):
                        out[tgt] = c
            return out

        def read_summaries(
            r: RouterId, areas: set[int], sums: dict[tuple[int, RouterId], dict[Target, int]]
        ) -> None:
            t = tables[r]
            for area in areas:
                spf = self.spf(area, r)
                for (a, abr), lsas in sums.items():
                    if a != area or abr == r or abr not in spf.dist:
                        continue
                    base = spf.dist[abr]
                    fh = spf.first.get(abr, _DIRECT)
                    for tgt, c in lsas.items():
                        _better(inter[r], tgt, base + c, fh)
                        have = t.get(tgt)
                        if have is not None and have[2] == "intra":
                            continue
                        _better3(t, tgt, base + c, fh, "inter")

        backbone = {(0, b): summaries_into(0, b, None) for b in self.abrs}
        for b in self.abrs:
            read_summaries(b, {0}, backbone)
        into: dict[tuple[int, RouterId], dict[Target, int]] = {}
        for b in self.abrs:
            for area in self.areas[b] - {0}:
                into[(area, b)] = summaries_into(area, b, tables[b])
        everything = {**backbone, **into}
        for r, areas in self.areas.items():
            if r not in self.abrs:
                read_summaries(r, areas, everything)
        self._tables = tables
        return tables

    # -- routes ---------------------------------------------------------------------------

    def routes(
        self, externals: dict[RouterId, list[External]], admin: dict[RouterId, int]
    ) -> dict[RouterId, dict[int, RibRoute]]:
        tables = self.tables()
        out: dict[RouterId, dict[int, RibRoute]] = {}
        for r, t in tables.items():
            ad = admin.get(r, 110)
            routes: dict[int, RibRoute] = {}
            for tgt, (cost, fh, kind) in t.items():
                if tgt[0] != "p" or not fh:
                    continue
                key = tgt[1]
                assert isinstance(key, int)
                routes[key] = RibRoute(
                    key, OSPF if kind == "intra" else OSPF_IA, _hops(fh), ad, cost
                )
            own = {e.key for e in externals.get(r, [])}
            mine = self._own_addresses.get(r, {})
            best: dict[int, tuple[tuple[int, int, int], set[tuple[str, str]]]] = {}
            for asbr, exts in externals.items():
                if asbr == r:
                    continue
                to_asbr = self._asbr_route(r, asbr)
                for e in exts:
                    if e.key in routes or e.key in own:
                        continue
                    if e.forward is not None:
                        if e.forward in mine:
                            continue  # our own address as forwarding address: not usable
                        via = self._forwarding_route(r, e.forward)
                    else:
                        via = to_asbr
                    if via is None:
                        continue
                    c, fh = via
                    rank = (0, c + e.metric, 0) if e.metric_type == 1 else (1, e.metric, c)
                    have = best.get(e.key)
                    if have is None or rank < have[0]:
                        best[e.key] = (rank, set(fh))
                    elif rank == have[0]:
                        have[1].update(fh)
            for key, (rank, fhs) in best.items():
                proto = OSPF_E1 if rank[0] == 0 else OSPF_E2
                routes[key] = RibRoute(key, proto, _hops(frozenset(fhs)), ad, rank[1])
            out[r] = routes
        return out

    def _asbr_route(self, r: RouterId, asbr: RouterId) -> tuple[int, FirstHops] | None:
        """RFC 2328 16.4.1 (FRR runs without RFC 1583 compatibility): intra-area paths
        through a non-backbone area win; otherwise backbone intra-area and inter-area paths
        compete on cost."""
        tgt: Target = ("r", asbr)
        found: dict[Target, tuple[int, FirstHops]] = {}
        for area, routes in self._intra_by_area.get(r, {}).items():
            if area != 0 and tgt in routes:
                _better(found, tgt, *routes[tgt])
        if tgt not in found:
            backbone = self._intra_by_area.get(r, {}).get(0, {})
            if tgt in backbone:
                _better(found, tgt, *backbone[tgt])
            if tgt in self._inter.get(r, {}):
                _better(found, tgt, *self._inter[r][tgt])
        hit = found.get(tgt)
        return hit if hit is not None and hit[1] else None

    def _forwarding_route(self, r: RouterId, address: int) -> tuple[int, FirstHops] | None:
        """The OSPF (intra or inter-area) route to a forwarding address, longest match; on a
        subnet this router is attached to, the next hop is the address itself."""
        t = self.tables()[r]
        best: tuple[int, int, FirstHops] | None = None
        for tgt, (cost, fh, _kind) in t.items():
            if tgt[0] != "p":
                continue
            key = tgt[1]
            assert isinstance(key, int)
            if not covers(key, address):
                continue
            length = key_length(key)
            if best is None or length > best[0]:
                if not fh:
                    attached = self._attached.get(r, {}).get(key)
                    if attached is None:
                        continue
                    fh = frozenset({(attached, ip_text(address))})
                best = (length, cost, fh)
        return None if best is None else (best[1], best[2])


def _better(out: dict[Target, tuple[int, FirstHops]], tgt: Target, c: int, fh: FirstHops) -> None:
    have = out.get(tgt)
    if have is None or c < have[0]:
        out[tgt] = (c, fh)
    elif c == have[0]:
        out[tgt] = (c, have[1] | fh)


def _better3(
    t: dict[Target, tuple[int, FirstHops, str]], tgt: Target, c: int, fh: FirstHops, kind: str
) -> None:
    have = t.get(tgt)
    if have is None or c < have[0]:
        t[tgt] = (c, fh, kind)
    elif c == have[0] and have[2] == kind:
        t[tgt] = (c, have[1] | fh, kind)


def _hops(fh: FirstHops) -> tuple[Hop, ...]:
    hops = (Hop(ip=ip, iface=ifname) for ifname, ip in fh)
    return tuple(sorted(hops, key=lambda h: (ip_int(h.ip or "0.0.0.0"), h.iface or "")))


# -- redistribution into OSPF -------------------------------------------------------------

_SOURCES = {
    "connected": (CONNECTED,),
    "static": (STATIC,),
    "bgp": tuple(BGP_PROTOCOLS),
}


def externals_for(
    node: Node,
    vrf: str,
    rib_routes: dict[int, RibRoute],
    evaluator: Evaluator | None,
    ospf_networks: list[ipaddress.IPv4Network] | None = None,
) -> list[External]:
    """The external LSAs a router originates from its main RIB (redistribute, default).

    The forwarding address is the route's next hop when that lies on one of the router's
    OSPF interfaces (FRR's ospf_external_lsa_nexthop_get), else zero."""
    if node.model is None or vrf not in node.model.ospf:
        return []
    proc = node.model.ospf[vrf]
    nets = ospf_networks or []
    wanted: dict[str, tuple[int | None, int, str | None]] = {}
    for red in proc.redistribute:
        # the last line for a protocol counts, as when FRR replaces it
        wanted[red.protocol] = (red.metric, red.metric_type or 2, red.route_map)
    out: dict[int, External] = {}
    for proto, (metric, mtype, rmap) in sorted(wanted.items()):
        sources = _SOURCES.get(proto)
        if sources is None:
            continue
        for key, route in rib_routes.items():
            if key == DEFAULT_KEY or route.protocol not in sources or key in out:
                continue
            m = metric if metric is not None else _DEFAULT_EXTERNAL_METRIC
            if rmap is not None:
                if evaluator is None:
                    continue
                res = evaluator.run(
                    rmap,
                    PolicyRoute(
                        network=key_net(key),
                        metric=route.metric,
                        protocol=proto,
                        tag=route.tag or 0,
                    ),
                )
                if not res.permit or res.output is None:
                    continue
                if res.output.metric != route.metric:
                    m = res.output.metric
            out[key] = External(key, m, mtype, _forwarding(route, nets))
    if proc.default_originate is not None:
        always, metric, mtype = proc.default_originate
        if always or DEFAULT_KEY in rib_routes:
            out[DEFAULT_KEY] = External(DEFAULT_KEY, metric, mtype)
    return list(out.values())


def _forwarding(route: RibRoute, nets: list[ipaddress.IPv4Network]) -> int | None:
    hop = route.hops[0] if route.hops else None
    if hop is None or hop.ip is None:
        return None
    address = ip_int(hop.ip)
    for net in nets:
        if (address & int(net.netmask)) == int(net.network_address):
            return address
    return None
