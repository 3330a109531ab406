"""FRR: the frr.conf part of Cumulus-concatenated files (and bare frr.conf files).

The interfaces part (ifupdown2 stanzas) has already been split out by ``netval.snapshot``;
its addresses become interfaces here. FRR's own ``frr.conf`` is line-oriented: a block opens
with ``interface``/``router``/``route-map``/``vrf`` and its lines are indented, but FRR (and
Batfish) also accept the block's lines unindented, so an unindented line that is not a known
top-level command is tried in the open block before it is called unrecognized.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from netval.snapshot import DeviceConfig, IfaceStanza
from netval.static.builtin.model import (
    Acl,
    BgpAggregate,
    BgpNetwork,
    BgpPeer,
    BgpProcess,
    BgpRedistribute,
    DeviceModel,
    Interface,
    OspfNetwork,
    OspfProcess,
    ParserCrash,
    RemoteAsKind,
    RouteMapEntry,
    StaticRoute,
    Vendor,
    VrrpGroup,
)
from netval.static.builtin.vendors.common.acl import acl_line, endpoint
from netval.static.builtin.vendors.common.syntax import (
    Dialect,
    InvalidLine,
    Line,
    as_int,
    as_path_statement,
    community_list_statement,
    ipv4_address,
    is_comment,
    ospf_area,
    prefix_list_statement,
    route_map_header,
    route_map_statement,
    split_lines,
    vrrp_address,
)

FRR = Dialect(
    prefix_list="ip prefix-list",
    prefix6_list="ipv6 prefix-list",
    community_standard="bgp community-list standard",
    community_expanded="bgp community-list expanded",
    community_abstract="bgp community-list",
    as_path="bgp as-path access-list",
    acl_abstract="ip access-list",
    use_match_acl="route-map match ip address",
    acl_types=("ip access-list",),
    match_names_max=1,
    vendor_name="FRR",
    comm_list_delete=("comm-list",),
)

# Lines FRR writes that carry nothing the engine answers about.
_IGNORED_TOP = (
    "frr version",
    "log ",
    "service ",
    "password",
    "enable password",
    "agentx",
    "end",
    "no ipv6 forwarding",
    "ipv6 forwarding",
    "ip forwarding",
    "no ip forwarding",
    "username",
    "debug ",
    "no debug",
    "line vty",
    "exec-timeout",
    "ip nht",
    "ipv6 nht",
    "zebra ",
    "allow-external-route-update",
    "bfd",
    "ip protocol",
    "ipv6 protocol",
    "mpls ",
    "segment-routing",
    "no zebra",
    "ip import-table",
    "table ",
    "fpm ",
    "exit",
    "hostname",
)


def parse_device(cfg: DeviceConfig, filename: str) -> DeviceModel:
    vendor = Vendor.CUMULUS_CONCATENATED if cfg.interfaces or cfg.frr_first_line > 1 else Vendor.FRR
    dev = DeviceModel(hostname=cfg.name, filename=filename, vendor=vendor)
    for issue in cfg.issues:
        dev.unrecognized_line(issue.line, issue.text, f"interfaces: {issue.reason}")
    for stanza in cfg.interfaces.values():
        try:
            _interface_stanza(dev, stanza)
        except Exception as exc:
            raise ParserCrash(stanza.line, f"iface {stanza.name}", exc) from exc
    FrrParser(dev).parse(cfg.frr_text, cfg.frr_first_line or 1)
    dev.finish_status()
    return dev


def _interface_stanza(dev: DeviceModel, stanza: IfaceStanza) -> None:
    """An ifupdown2 stanza of the interfaces part: addresses and VRF."""
    iface = dev.interfaces.setdefault(stanza.name, Interface(stanza.name, stanza.line))
    dev.define("interface", stanza.name, stanza.line)
    for addr in stanza.addresses:
        try:
            net = ipaddress.ip_interface(addr)
        except ValueError:
            continue
        if isinstance(net, ipaddress.IPv4Interface):
            iface.addresses.append(net)
    vrf = stanza.options.get("vrf")
    if vrf:
        iface.vrf = vrf[0]
        dev.vrfs.add(vrf[0])
    if "vrf-table" in stanza.options:
        dev.vrfs.add(stanza.name)


class FrrParser:
    def __init__(self, dev: DeviceModel) -> None:
        self.dev = dev
        self.block: Callable[[Line, list[str]], bool] | None = None
        self.block_name = ""
        # current block state
        self.iface: Interface | None = None
        self.bgp: BgpProcess | None = None
        self.af: str | None = None
        self.ospf: OspfProcess | None = None
        self.rmap: tuple[str, RouteMapEntry] | None = None
        self.vrf = "default"

    # -- driver ---------------------------------------------------------------------------

    def parse(self, text: str, first_line: int) -> None:
        for line in split_lines(text, first_line):
            if is_comment(line):
                continue
            try:
                self._line(line)
            except InvalidLine as exc:
                context = self.block_name if line.indented else "top level"
                self.dev.unrecognized_line(line.number, line.text, context or "top level", str(exc))
            except (ValueError, IndexError) as exc:
                self.dev.unrecognized_line(line.number, line.text, f"{self.block_name}: {exc}")
            except Exception as exc:
                raise ParserCrash(line.number, line.text, exc) from exc

    def _line(self, line: Line) -> None:
        words = line.words
        if not line.indented and self._top(line, words):
            return
        if self.block is not None and self.block(line, words):
            return
        self.dev.unrecognized_line(line.number, line.text, self.block_name or "top level")

    # -- top level ------------------------------------------------------------------------

    def _open(self, name: str, handler: Callable[[Line, list[str]], bool]) -> None:
        self.block_name, self.block = name, handler

    def _top(self, line: Line, w: list[str]) -> bool:
        dev = self.dev
        text = line.text
        head = w[0]
        if head == "hostname" and len(w) == 2:
            return True
        if w[:2] == ["frr", "defaults"] and len(w) == 3:
            self.block, self.block_name = None, ""
            dev.defaults_profile = w[2]
            return True
        if head == "interface" and len(w) >= 2:
            name = w[1]
            self.iface = dev.interfaces.setdefault(name, Interface(name, line.number))
            if len(w) >= 4 and w[2] == "vrf":
                self.iface.vrf = w[3]
                dev.vrfs.add(w[3])
            dev.define("interface", name, line.number)
            self._open("interface", self._interface)
            return True
        if head == "router" and len(w) >= 3 and w[1] == "bgp":
            asn = as_int(w[2])
            vrf = w[4] if len(w) >= 5 and w[3] == "vrf" else "default"
            dev.vrfs.add(vrf)
            self.bgp = dev.bgp.setdefault(vrf, BgpProcess(asn, line.number, vrf))
            self.af = None
            self._open("router bgp", self._bgp)
            return True
        if head == "router" and len(w) >= 2 and w[1] == "ospf":
            vrf = w[3] if len(w) >= 4 and w[2] == "vrf" else "default"
            self.ospf = dev.ospf.setdefault(vrf, OspfProcess("1", line.number, vrf))
            self._open("router ospf", self._ospf)
            return True
        if head == "route-map":
            entry = route_map_header(dev, FRR, w, line.number)
            if entry is None:
                return False
            self.rmap = (w[1], entry)
            self._open("route-map", self._route_map)
            return True
        if head == "vrf" and len(w) == 2:
            self.vrf = w[1]
            dev.vrfs.add(w[1])
            dev.define("vrf", w[1], line.number)
            self._open("vrf", self._vrf)
            return True
        if head in ("ip", "ipv6") and len(w) >= 3 and w[1] == "prefix-list":
            return prefix_list_statement(
                dev, FRR, w[2], w[3:], line.number, 4 if head == "ip" else 6
            )
        if w[:2] in (["bgp", "community-list"], ["ip", "community-list"]):
            return community_list_statement(dev, FRR, w[2:], line.number, line.text)
        if w[:3] in (["bgp", "as-path", "access-list"], ["ip", "as-path", "access-list"]):
            return as_path_statement(dev, FRR, w[3:], line.number, line.text)
        if w[:2] in (["bgp", "large-community-list"], ["bgp", "extcommunity-list"]):
            return True
        if head == "ip" and len(w) >= 3 and w[1] == "route":
            self.block, self.block_name = None, ""
            return self._static(w[2:], line.number, "default")
        if head == "access-list" and len(w) >= 3:
            return self._access_list(w[1:], line.number)
        if any(text == p.strip() or text.startswith(p) for p in _IGNORED_TOP):
            self.block, self.block_name = None, ""
            return True
        return False

    # -- blocks ---------------------------------------------------------------------------

    def _vrf(self, line: Line, w: list[str]) -> bool:
        if w[0] == "ip" and len(w) >= 3 and w[1] == "route":
            return self._static(w[2:], line.number, self.vrf)
        return w[0] in ("vni", "exit-vrf", "exit")

    def _interface(self, line: Line, w: list[str]) -> bool:
        iface = self.iface
        assert iface is not None
        head = w[0]
        if head == "ip" and len(w) >= 3 and w[1] == "address":
            iface.addresses.append(ipaddress.IPv4Interface(w[2]))
            return True
        if head == "description":
            iface.description = " ".join(w[1:])
            return True
        if head == "bandwidth" and len(w) == 2:
            iface.bandwidth_kbps = _positive(w[1], "bandwidth")
            return True
        if head == "shutdown":
            iface.shutdown = True
            return True
        if head == "vrrp" and len(w) >= 2:
            return self._vrrp(iface, w, line.number)
        if head == "ip" and len(w) >= 3 and w[1] == "ospf":
            if w[2] == "cost" and len(w) == 4:
                iface.ospf_cost = int(w[3])
            elif w[2] == "area" and len(w) == 4:
                iface.ospf_area = ospf_area(w[3])
            elif w[2] == "passive":
                iface.ospf_passive = True
            return True
        return head in (
            "ipv6",
            "link-detect",
            "no",
            "evpn",
            "bandwidth",
            "mtu",
            "exit",
            "multicast",
            "pim",
            "ip",
            "mpls",
            "isis",
            "openfabric",
            "bfd",
        )

    def _vrrp(self, iface: Interface, w: list[str], number: int) -> bool:
        vrid = int(w[1])
        if not 1 <= vrid <= 255:
            raise ValueError("VRRP id out of range 1-255")
        group = next((g for g in iface.vrrp if g.vrid == vrid), None)
        if group is None:
            group = VrrpGroup(vrid, number)
            iface.vrrp.append(group)
        rest = w[2:]
        if len(rest) >= 2 and rest[0] == "ip":
            group.virtual_ips.append(vrrp_address(rest[1]))
        elif len(rest) >= 2 and rest[0] == "ipv6":
            # the data plane is IPv4 only: an IPv6 virtual address is checked, not modelled
            ipaddress.IPv6Interface(rest[1])
        elif len(rest) == 2 and rest[0] == "priority":
            group.priority = int(rest[1])
        elif rest[:1] == ["preempt"]:
            group.preempt = True
        elif rest[:2] == ["no", "preempt"]:
            group.preempt = False
        elif rest and rest[0] not in ("version", "advertisement-interval", "shutdown"):
            return False
        return True

    def _ospf(self, line: Line, w: list[str]) -> bool:
        ospf = self.ospf
        assert ospf is not None
        head = w[0]
        if (head in ("ospf", "router-id") and w[-2:-1] == ["router-id"]) or head == "router-id":
            ospf.router_id = ipv4_address(w[-1])
            return True
        if head == "network" and len(w) == 4 and w[2] == "area":
            area = ospf_area(w[3])
            ospf.networks.append(
                OspfNetwork(ipaddress.IPv4Network(w[1], strict=False), area, line.number)
            )
            ospf.areas.add(area)
            return True
        if head == "passive-interface" and len(w) == 2:
            if w[1] == "default":
                ospf.passive_default = True
            else:
                ospf.passive.add(w[1])
            return True
        if w[:2] == ["no", "passive-interface"] and len(w) == 3:
            ospf.non_passive.add(w[2])
            return True
        if head == "redistribute" and len(w) >= 2:
            options = _options(w[2:], ("metric", "metric-type", "route-map"))
            rmap = options.get("route-map")
            if rmap:
                ctx = "connected" if w[1] == "static" else w[1]
                self.dev.refer("route-map", rmap, f"ospf redistribute {ctx} route-map", line.number)
            ospf.redistribute.append(
                BgpRedistribute(
                    w[1],
                    line.number,
                    rmap,
                    _number(options.get("metric")),
                    _metric_type(options.get("metric-type")),
                )
            )
            return True
        if w[:2] == ["auto-cost", "reference-bandwidth"] and len(w) == 3:
            ospf.reference_bandwidth_mbps = _positive(w[2], "reference bandwidth")
            return True
        if w[:2] == ["default-information", "originate"]:
            always = "always" in w[2:]
            options = _options([x for x in w[2:] if x != "always"], ("metric", "metric-type"))
            metric = _number(options.get("metric"))
            mtype = _metric_type(options.get("metric-type"))
            ospf.default_originate = (always, 1 if metric is None else metric, mtype or 2)
            return True
        if head == "distance" and len(w) == 2:
            ospf.distance = _positive(w[1], "distance")
            return True
        if head == "area" and len(w) >= 2:
            ospf.areas.add(ospf_area(w[1]))
            return True
        return head in (
            "log-adjacency-changes",
            "auto-cost",
            "timers",
            "maximum-paths",
            "default-information",
            "distance",
            "max-metric",
            "exit",
            "ospf",
            "compatible",
            "capability",
            "refresh",
            "write-multiplier",
        )

    def _route_map(self, line: Line, w: list[str]) -> bool:
        assert self.rmap is not None
        name, entry = self.rmap
        return route_map_statement(self.dev, FRR, name, entry, w, line.number)

    # -- router bgp -----------------------------------------------------------------------

    def _peer(self, name: str, number: int) -> BgpPeer:
        bgp = self.bgp
        assert bgp is not None
        if name in bgp.groups:
            peer = bgp.groups[name]
        else:
            peer = bgp.peers.get(name) or bgp.peers.setdefault(
                name, BgpPeer(name, number, kind=_peer_kind(name))
            )
        if number not in peer.lines:
            peer.lines.append(number)
        return peer

    def _bgp(self, line: Line, w: list[str]) -> bool:
        bgp = self.bgp
        assert bgp is not None
        head = w[0]
        n = line.number
        if head == "address-family":
            self.af = " ".join(w[1:3])
            return True
        if head == "exit-address-family":
            self.af = None
            return True
        if head == "exit" and self.af:
            self.af = None
            return True
        if w[:2] == ["bgp", "router-id"] and len(w) == 3:
            bgp.router_id = ipv4_address(w[2])
            return True
        if w[:4] == ["bgp", "bestpath", "as-path", "multipath-relax"]:
            bgp.multipath_relax = True
            return True
        if w[:4] == ["no", "bgp", "default", "ipv4-unicast"]:
            bgp.default_ipv4_unicast = False
            return True
        if w == ["bgp", "ebgp-requires-policy"] or w == ["no", "bgp", "ebgp-requires-policy"]:
            bgp.ebgp_requires_policy = head == "bgp"
            return True
        if w == ["bgp", "bestpath", "compare-routerid"]:
            bgp.compare_router_id = True
            return True
        if w == ["bgp", "always-compare-med"]:
            bgp.always_compare_med = True
            return True
        if w[:2] == ["bgp", "cluster-id"] and len(w) == 3:
            bgp.cluster_id = _cluster_id(w[2])
            return True
        if w[:2] == ["distance", "bgp"] and len(w) == 5:
            e, i, local = (_positive(x, "distance") for x in w[2:5])
            bgp.distance = (e, i, local)
            return True
        if head == "bgp" and len(w) >= 4 and w[1] == "listen" and w[2] == "range":
            peer = bgp.peers.setdefault(w[3], BgpPeer(w[3], n, kind="dynamic"))
            if "peer-group" in w:
                peer.peer_group = w[w.index("peer-group") + 1]
            return True
        if head in (
            "bgp",
            "timers",
            "no",
            "coalesce-time",
            "update-delay",
            "read-quanta",
            "write-quanta",
            "distance",
            "table-map",
        ):
            return head != "no" or (len(w) > 1 and w[1] in ("bgp", "neighbor", "synchronization"))
        if head == "neighbor" and len(w) >= 3:
            return self._neighbor(w[1], w[2:], n)
        if head == "network" and len(w) >= 2:
            net = ipaddress.ip_network(w[1], strict=False)
            rmap = w[3] if len(w) >= 4 and w[2] == "route-map" else None
            if rmap:
                self.dev.refer("route-map", rmap, "bgp network", n)
            if isinstance(net, ipaddress.IPv4Network):
                bgp.networks.append(BgpNetwork(net, n, rmap))
            return True
        if head == "redistribute" and len(w) >= 2:
            rmap = w[w.index("route-map") + 1] if "route-map" in w[:-1] else None
            metric = int(w[w.index("metric") + 1]) if "metric" in w[:-1] else None
            if rmap:
                self.dev.refer(
                    "route-map", rmap, f"bgp ipv4 unicast redistribute {w[1]} route-map", n
                )
            bgp.redistribute.append(BgpRedistribute(w[1], n, rmap, metric))
            return True
        if head == "aggregate-address" and len(w) >= 2:
            net = ipaddress.ip_network(w[1], strict=False)
            if "route-map" in w[:-1]:
                self.dev.refer(
                    "route-map",
                    w[w.index("route-map") + 1],
                    "bgp address-family aggregate-address route-map",
                    n,
                )
            if isinstance(net, ipaddress.IPv4Network):
                bgp.aggregates.append(
                    BgpAggregate(net, n, summary_only="summary-only" in w, as_set="as-set" in w)
                )
            return True
        if head == "maximum-paths" and len(w) >= 2:
            if w[1] == "ibgp" and len(w) >= 3:
                bgp.maximum_paths_ibgp = int(w[2])
            else:
                bgp.maximum_paths = int(w[1])
            return True
        return head in (
            "advertise-all-vni",
            "advertise-default-gw",
            "advertise",
            "import",
            "export",
            "rd",
            "route-target",
            "label",
            "rt",
            "vni",
            "flowspec",
            "segment-routing",
            "sid",
            "advertise-svi-ip",
            "autort",
            "dup-addr-detection",
        )

    def _ipv4_af(self) -> bool:
        """Per-family neighbor settings are modelled for IPv4 unicast, the data plane's."""
        return self.af in (None, "ipv4 unicast", "ipv4")

    def _neighbor(self, name: str, w: list[str], n: int) -> bool:
        bgp = self.bgp
        assert bgp is not None
        dev = self.dev
        head = w[0]
        if head == "peer-group" and len(w) == 1:
            group = bgp.groups.setdefault(name, BgpPeer(name, n, kind="group"))
            group.lines.append(n)
            return True
        if head == "interface":
            peer = self._peer(name, n)
            peer.kind = "interface"
            dev.refer(
                "abstract interface",
                name,
                "bgp neighbor interface",
                n,
                ("interface", "loopback", "bond", "vlan"),
            )
            w = w[1:]
            if not w:
                return True
            if w[0] == "v6only":
                w = w[1:]
                if not w:
                    return True
            head = w[0]
        peer = self._peer(name, n)
        if head == "remote-as" and len(w) == 2:
            if w[1] in ("external", "internal"):
                peer.remote_as_kind = RemoteAsKind(w[1])
            else:
                peer.remote_as = int(w[1])
                peer.remote_as_kind = RemoteAsKind.NUMBER
            return True
        if head == "peer-group" and len(w) == 2:
            peer.peer_group = w[1]
            return True
        if head == "description":
            peer.description = " ".join(w[1:])
            return True
        if head == "update-source" and len(w) == 2:
            try:
                ipaddress.ip_address(w[1])
                peer.update_source_ip = w[1]
            except ValueError:
                peer.update_source_interface = w[1]
            return True
        if head == "ebgp-multihop":
            peer.ebgp_multihop = int(w[1]) if len(w) > 1 else 255
            return True
        if head == "local-as" and len(w) >= 2:
            peer.local_as = int(w[1])
            return True
        if head == "shutdown":
            peer.shutdown = True
            return True
        if head == "activate":
            if self.af == "l2vpn evpn":
                peer.activate_evpn = True
            elif self.af in (None, "ipv4 unicast", "ipv4"):
                peer.activate_ipv4 = True
            return True
        if head == "route-map" and len(w) == 3 and w[2] in ("in", "out"):
            evpn = self.af == "l2vpn evpn"
            if w[2] == "in":
                peer.route_map_in = w[1] if not evpn else peer.route_map_in
            else:
                peer.route_map_out = w[1] if not evpn else peer.route_map_out
            fam = "l2vpn evpn" if evpn else "ipv4 unicast"
            dev.refer("route-map", w[1], f"bgp {fam} neighbor route-map {w[2]}", n)
            return True
        if head == "next-hop-self" and w[1:] in ([], ["force"]):
            if self._ipv4_af():
                peer.next_hop_self = True
                peer.next_hop_self_force = peer.next_hop_self_force or w[1:] == ["force"]
            return True
        if head == "allowas-in" and len(w) <= 2:
            # FRR: 1-10 times, 3 when no number is given; `origin` allows it as origin only
            times = w[1] if len(w) == 2 else "3"
            if times == "origin":
                times = "3"
            if not (times.isdigit() and 1 <= int(times) <= 10):
                raise InvalidLine("allowas-in takes 1-10 or origin")
            if self._ipv4_af():
                peer.allowas_in = int(times)
            return True
        if head == "weight" and len(w) == 2:
            if not (w[1].isdigit() and int(w[1]) <= 65535):
                raise InvalidLine("weight takes 0-65535")
            if self._ipv4_af():
                peer.weight = int(w[1])
            return True
        if head == "route-reflector-client":
            peer.route_reflector_client = True
            return True
        if head == "send-community":
            peer.send_community = True
            return True
        if head == "default-originate":
            peer.default_originate = True
            if len(w) >= 3 and w[1] == "route-map":
                peer.default_originate_map = w[2]
                dev.refer("route-map", w[2], "bgp ipv4 unicast neighbor default-originate", n)
            return True
        if head == "prefix-list" and len(w) == 3:
            dev.refer("ip prefix-list", w[1], f"bgp neighbor prefix-list {w[2]}", n)
            return True
        if head.startswith("addpath-tx") and self._ipv4_af():
            peer.addpath_tx = True
        if head == "filter-list" and len(w) == 3:
            dev.refer("bgp as-path access-list", w[1], f"bgp neighbor filter-list {w[2]}", n)
            return True
        return head in (
            "timers",
            "bfd",
            "password",
            "capability",
            "advertisement-interval",
            "soft-reconfiguration",
            "maximum-prefix",
            "remove-private-AS",
            "as-override",
            "addpath-tx-all-paths",
            "addpath-tx-bestpath-per-AS",
            "attribute-unchanged",
            "ttl-security",
            "solo",
            "port",
            "enforce-first-as",
            "passive",
            "dont-capability-negotiate",
            "override-capability",
            "strict-capability-match",
            "disable-connected-check",
            "unsuppress-map",
            "distribute-list",
            "sender-as-path-loop-detection",
            "graceful-restart",
            "local-role",
            "extended-optional-parameters",
        )

    # -- static routes, access-lists ------------------------------------------------------

    def _static(self, w: list[str], number: int, vrf: str) -> bool:
        if len(w) < 2:
            return False
        prefix = ipaddress.ip_network(w[0], strict=False)
        if not isinstance(prefix, ipaddress.IPv4Network):
            return True
        route = StaticRoute(prefix, number, vrf=vrf)
        rest = w[1:]
        target = rest[0]
        if target.lower() in ("null0", "blackhole", "reject"):
            route.discard = True
        else:
            try:
                ipaddress.IPv4Address(target)
                route.next_hop_ip = target
                if (
                    len(rest) > 1
                    and not rest[1].isdigit()
                    and rest[1]
                    not in ("tag", "vrf", "label", "nexthop-vrf", "onlink", "table", "color")
                ):
                    route.next_hop_interface = rest[1]
            except ValueError:
                route.next_hop_interface = target
        for word in rest[1:]:
            if word.isdigit():
                route.distance = int(word)
                break
        if "vrf" in rest[:-1]:
            route.vrf = rest[rest.index("vrf") + 1]
        self.dev.static_routes.append(route)
        return True

    def _access_list(self, w: list[str], number: int) -> bool:
        name, rest = w[0], w[1:]
        if len(rest) >= 2 and rest[0] == "seq":
            rest = rest[2:]
        if rest and rest[0] == "remark":
            self.dev.define("ip access-list", name, number)
            return True
        if not rest or rest[0] not in ("permit", "deny"):
            return False
        acl = self.dev.acls.setdefault(name, Acl(name, "standard"))
        self.dev.define("ip access-list", name, number)
        line = acl_line(rest, number, "standard")
        _, end = endpoint(rest, 1)
        if end < len(rest):
            # `exact-match` and the extended forms: FRR syntax the engine does not evaluate
            raise InvalidLine(f"the built-in engine does not model {' '.join(rest[end:])!r} here")
        acl.lines.append(line)
        return True


def _options(words: list[str], keys: tuple[str, ...]) -> dict[str, str]:
    """``KEY VALUE`` pairs in any order; an unknown word is an unrecognized line."""
    out: dict[str, str] = {}
    i = 0
    while i < len(words):
        if words[i] not in keys or i + 1 >= len(words) or words[i] in out:
            raise ValueError(f"unexpected {words[i]!r}")
        out[words[i]] = words[i + 1]
        i += 2
    return out


def _number(word: str | None) -> int | None:
    if word is None:
        return None
    if not (word.isascii() and word.isdigit() and int(word) < 2**32):
        raise ValueError(f"{word!r} is not a number")
    return int(word)


def _positive(word: str, what: str) -> int:
    value = _number(word)
    if value is None or value < 1:
        raise ValueError(f"{what} {word!r} is not a positive number")
    return value


def _metric_type(word: str | None) -> int | None:
    if word is None:
        return None
    if word not in ("1", "2"):
        raise ValueError(f"metric-type {word!r} is not 1 or 2")
    return int(word)


def _cluster_id(word: str) -> str:
    """A dotted id or a 32-bit number (FRR takes both), kept dotted."""
    if word.isascii() and word.isdigit() and int(word) < 2**32:
        return str(ipaddress.IPv4Address(int(word)))
    return ipv4_address(word)


def _peer_kind(name: str) -> str:
    try:
        ipaddress.ip_address(name)
        return "ip"
    except ValueError:
        return "interface"
