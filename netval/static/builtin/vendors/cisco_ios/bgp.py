"""Cisco IOS / Arista EOS ``router bgp``: processes, peers, peer-groups, templates and
address-families into the model, with the references Batfish reports for them."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from netval.static.builtin.model import (
    BgpAggregate,
    BgpNetwork,
    BgpPeer,
    BgpProcess,
    BgpRedistribute,
    RemoteAsKind,
)
from netval.static.builtin.vendors.cisco_ios.names import canonical_interface
from netval.static.builtin.vendors.cisco_ios.refs import V4, proto_name
from netval.static.builtin.vendors.common.syntax import ipv4_address

if TYPE_CHECKING:
    from netval.static.builtin.vendors.cisco_ios.parse import CiscoParser, Stanza


class BgpReader:
    """``router bgp`` with its address-families, templates and peer-groups."""

    def __init__(self, parser: CiscoParser, st: Stanza) -> None:
        self.p = parser
        self.st = st
        self.asn = int(st.words[2]) if st.words[2].isdigit() else None
        self.proc = parser.bgp_process(self.asn, st.head.number, "default")
        self.vrf = "default"
        self.af = "ipv4"
        self.template: tuple[str, str] | None = None

    def read(self) -> None:
        proc = self.proc
        for line in self.st.body:
            w = line.words
            if line.text.startswith("!"):
                continue
            if w[0] in ("exit-peer-policy", "exit-peer-session"):
                if self.template:
                    self.p.dev.define(self.template[0], self.template[1], line.number)
                self.template = None
                continue
            if self.template is not None:
                self._template_line(w, line.number)
                continue
            if w[0] == "template" and len(w) == 3 and w[1] in ("peer-policy", "peer-session"):
                self.template = (f"bgp template {w[1]}", w[2])
                self.p.dev.define(self.template[0], w[2], line.number)
                continue
            if w[0] == "address-family":
                self.af = w[1] if len(w) > 1 else "ipv4"
                self.vrf = w[3] if len(w) >= 4 and w[2] == "vrf" else "default"
                proc = self.p.bgp_process(self.asn, line.number, self.vrf)
                continue
            if w[0] == "exit-address-family":
                self.af, self.vrf = "ipv4", "default"
                proc = self.proc
                continue
            try:
                self._line(proc, w, line.number)
            except ValueError as exc:
                # one bad value costs its own line, not the rest of the BGP stanza
                self.p.dev.unrecognized_line(line.number, line.text, f"router bgp: {exc}")

    def _template_line(self, w: list[str], n: int) -> None:
        assert self.template is not None
        dev = self.p.dev
        dev.define(self.template[0], self.template[1], n)
        if w[0] == "inherit" and len(w) >= 3:
            kind = w[1]
            dev.refer(f"bgp template {kind}", "".join(w[2:]), f"inherited BGP {kind}", n)
        elif w[0] == "route-map" and len(w) == 3:
            dev.refer(
                "route-map",
                w[1],
                "bgp inbound route-map" if w[2] == "in" else "bgp outbound route-map",
                n,
            )

    def _line(self, proc: BgpProcess, w: list[str], n: int) -> None:
        dev = self.p.dev
        head = w[0]
        if w[:2] == ["bgp", "router-id"] and len(w) == 3:
            proc.router_id = ipv4_address(w[2])
        elif w[:4] == ["bgp", "bestpath", "as-path", "multipath-relax"]:
            proc.multipath_relax = True
        elif head == "maximum-paths" and len(w) >= 2:
            if w[1] == "ibgp" and len(w) > 2:
                proc.maximum_paths_ibgp = int(w[2])
            elif w[1] == "eibgp" and len(w) > 2:
                proc.maximum_paths_eibgp = int(w[2])
            elif w[1].isdigit():
                proc.maximum_paths = int(w[1])
        elif w == ["bgp", "always-compare-med"]:
            proc.always_compare_med = True
        elif w == ["bgp", "bestpath", "compare-routerid"]:
            proc.compare_router_id = True
        elif w[:2] == ["bgp", "cluster-id"] and len(w) == 3:
            proc.cluster_id = (
                str(ipaddress.IPv4Address(int(w[2]))) if w[2].isdigit() else ipv4_address(w[2])
            )
        elif w[:2] == ["distance", "bgp"] and len(w) == 5:
            e, i, local = (int(x) for x in w[2:5])
            proc.distance = (e, i, local)
        elif head == "bgp" and w[1:3] == ["listen", "range"] and "peer-group" in w:
            g = w[w.index("peer-group") + 1]
            dev.refer("bgp peer-group", g, "bgp listen range peer-group", n)
            peer = proc.peers.setdefault(w[3], BgpPeer(w[3], n, kind="dynamic"))
            peer.peer_group = g
        elif head == "neighbor" and len(w) >= 3:
            self._neighbor(proc, w[1], w[2:], n)
        elif head == "network" and len(w) >= 2:
            self._network(proc, w[1:], n)
        elif head == "redistribute" and len(w) >= 2:
            rmap = w[w.index("route-map") + 1] if "route-map" in w[:-1] else None
            proto = proto_name(w[1])
            if rmap:
                dev.refer("route-map", rmap, f"bgp redistribute {proto} route-map", n)
            proc.redistribute.append(BgpRedistribute(proto, n, rmap))
        elif head == "aggregate-address" and len(w) >= 2:
            for key, ctx in (
                ("attribute-map", "bgp aggregate-address attribute-map"),
                ("advertise-map", "bgp aggregate-address advertise-map"),
                ("suppress-map", "bgp aggregate-address suppress-map"),
            ):
                if key in w[:-1]:
                    dev.refer("route-map", w[w.index(key) + 1], ctx, n)
            net = _net(w[1], w[2] if len(w) > 2 else None)
            if net is not None:
                proc.aggregates.append(BgpAggregate(net, n, "summary-only" in w, "as-set" in w))

    def _network(self, proc: BgpProcess, w: list[str], n: int) -> None:
        mask = w[2] if len(w) >= 3 and w[1] == "mask" else None
        net = _net(w[0], mask)
        rmap = w[w.index("route-map") + 1] if "route-map" in w[:-1] else None
        if rmap:
            self.p.dev.refer("route-map", rmap, "bgp network route-map", n)
        if net is not None:
            proc.networks.append(BgpNetwork(net, n, rmap))

    def _neighbor(self, proc: BgpProcess, name: str, w: list[str], n: int) -> None:
        dev = self.p.dev
        head = w[0]
        is_ip = _is_ip(name)
        if (head == "peer-group" and len(w) == 1) or (
            head == "peer-group" and not is_ip and w[1:2] == ["nlri"]
        ):
            if name not in proc.groups:
                proc.groups[name] = BgpPeer(name, n, kind="group")
                dev.define("bgp peer-group", name, n)
            return
        if not is_ip and name not in proc.groups:
            if name not in proc.peers:
                stype, ctx = self.p.undeclared_group
                dev.refer(stype, name, ctx, n, ("bgp peer-group",))
            return
        peer = (
            proc.groups[name]
            if name in proc.groups
            else proc.peers.setdefault(name, BgpPeer(name, n, kind="ip"))
        )
        peer.lines.append(n)
        if head == "remote-as" and len(w) >= 2:
            if w[1].isdigit():
                peer.remote_as, peer.remote_as_kind = int(w[1]), RemoteAsKind.NUMBER
            elif w[1] in ("external", "internal"):
                peer.remote_as_kind = RemoteAsKind(w[1])
        elif head == "peer-group" and len(w) == 2:
            peer.peer_group = w[1]
            dev.refer("bgp peer-group", w[1], "bgp neighbor peer-group", n)
        elif head == "description":
            peer.description = " ".join(w[1:])
        elif head == "update-source" and len(w) == 2:
            peer.update_source_interface = canonical_interface(w[1])
            self.p.iface_ref(w[1], "update-source interface", n)
        elif head == "ebgp-multihop":
            peer.ebgp_multihop = int(w[1]) if len(w) > 1 and w[1].isdigit() else 255
        elif head == "local-as" and len(w) >= 2 and w[1].isdigit():
            peer.local_as = int(w[1])
        elif head == "shutdown":
            peer.shutdown = True
        elif head == "activate":
            if self.af in ("ipv4",):
                peer.activate_ipv4 = True
            elif self.af == "l2vpn":
                peer.activate_evpn = True
        elif head == "next-hop-self":
            peer.next_hop_self = True
            peer.next_hop_self_force = peer.next_hop_self_force or w[1:2] == ["force"]
        elif head == "allowas-in":
            peer.allowas_in = int(w[1]) if len(w) > 1 and w[1].isdigit() else 3
        elif head == "weight" and len(w) == 2:
            peer.weight = int(w[1])
        elif head == "route-reflector-client":
            peer.route_reflector_client = True
        elif head == "send-community":
            peer.send_community = True
        elif head == "route-map" and len(w) >= 3:
            if w[2] == "in":
                peer.route_map_in = w[1]
                dev.refer("route-map", w[1], "bgp inbound route-map", n)
            elif w[2] == "out":
                peer.route_map_out = w[1]
                dev.refer("route-map", w[1], "bgp outbound route-map", n)
        elif head == "default-originate":
            peer.default_originate = True
            if len(w) >= 3 and w[1] == "route-map":
                peer.default_originate_map = w[2]
                dev.refer("route-map", w[2], "bgp default-originate route-map", n)
        elif head == "filter-list" and len(w) >= 3:
            dev.refer("as-path access-list", w[1], "bgp neighbor filter-list access-list", n)
        elif head == "prefix-list" and len(w) >= 3:
            v6 = self.af in ("ipv6", "vpnv6") or ":" in name
            direction = "inbound" if w[2] == "in" else "outbound"
            if v6:
                dev.refer("ipv6 prefix-list", w[1], f"bgp {direction} ipv6 prefix-list", n)
            else:
                dev.refer("ipv4 prefix-list", w[1], f"bgp {direction} prefix-list", n)
        elif head == "distribute-list" and len(w) >= 3:
            direction = "inbound" if w[2] == "in" else "outbound"
            dev.refer("ipv4 acl", w[1], f"bgp {direction} distribute-list", n, V4)
        elif head == "unsuppress-map" and len(w) >= 2:
            dev.refer("route-map", w[1], "bgp unsuppress-map", n)
        elif head == "advertise-map" and len(w) >= 2:
            dev.refer("route-map", w[1], "bgp address-family aggregate-address advertise-map", n)
            for key in ("exist-map", "non-exist-map"):
                if key in w[:-1]:
                    dev.refer(
                        "route-map", w[w.index(key) + 1], f"bgp neighbor advertise-map {key}", n
                    )
        elif head == "inherit" and len(w) >= 3:
            dev.refer(f"bgp template {w[1]}", w[2], f"inherited BGP {w[1]}", n)
            if w[1] == "peer-session":
                peer.peer_group = peer.peer_group or f"template:{w[2]}"


def undeclared_peers(parser: CiscoParser, proc: BgpProcess) -> None:
    """Neighbors that never get a remote AS (themselves or through a peer-group)."""
    dev = parser.dev
    for peer in proc.peers.values():
        if peer.kind != "ip":
            continue
        eff = proc.effective(peer)
        if eff.remote_as_kind is not None or (peer.peer_group or "").startswith("template:"):
            continue
        for line in sorted(set(peer.lines)):
            dev.refer(
                "undeclared bgp peer",
                f"{peer.name} (VRF {proc.vrf})",
                "bgp neighbor without remote-as",
                line,
                ("never defined",),
            )


def _is_ip(word: str) -> bool:
    try:
        ipaddress.ip_address(word)
        return True
    except ValueError:
        return False


def _net(addr: str, mask: str | None) -> ipaddress.IPv4Network | None:
    try:
        if "/" in addr:
            return ipaddress.IPv4Network(addr, strict=False)
        if mask is not None and _is_ip(mask):
            return ipaddress.IPv4Network(f"{addr}/{mask}", strict=False)
        return ipaddress.IPv4Network(addr, strict=False)
    except ValueError:
        return None
