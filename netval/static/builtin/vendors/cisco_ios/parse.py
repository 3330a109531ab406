"""Cisco IOS / IOS-XE (and, with other names, Arista EOS: see vendors/arista_eos).

IOS configs are stanzas: a line at column 0 opens one and the indented lines after it
belong to it. The parser reads the routing model (interfaces, static routes, BGP, OSPF,
ACLs, prefix-lists, community and as-path lists, route-maps) in full, and for the long tail
of named structures (class-maps, crypto maps, AAA groups, ...) records only definitions
and references, from a table, because that is all undefinedReferences / unusedStructures need.

Unrecognized lines: a top-level command the parser does not know. Sub-commands inside a
known stanza are accepted, since IOS has thousands and only some affect the answers.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from netval.static.builtin.model import (
    Acl,
    AclLine,
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
    StaticRoute,
    Vendor,
    VrrpGroup,
)
from netval.static.builtin.vendors.cisco_ios import bgp as bgp_reader
from netval.static.builtin.vendors.cisco_ios import refs as ios_refs
from netval.static.builtin.vendors.cisco_ios.names import canonical_interface
from netval.static.builtin.vendors.common.acl import acl_line
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

IOS = Dialect(
    prefix_list="ipv4 prefix-list",
    prefix6_list="ipv6 prefix-list",
    community_standard="standard community-list",
    community_expanded="expanded community-list",
    community_abstract="community-list",
    as_path="as-path access-list",
    acl_abstract="ipv4 acl",
    use_match_prefix_list="route-map match ipv4 prefix-list",
    use_match_prefix6_list="route-map match ipv6 prefix-list",
    use_match_community="route-map match community-list",
    use_match_as_path="route-map match as-path access-list",
    use_match_acl="route-map match ipv4 access-list",
    use_set_comm_delete="route-map set comm-list delete",
    use_set_community_list="route-map set community community-list",
    use_call="route-map continue",
    acl_types=("standard ipv4 access-list", "extended ipv4 access-list"),
    vendor_name="Cisco IOS",
)

V4_ACLS = ("standard ipv4 access-list", "extended ipv4 access-list")
V6_ACLS = ("standard ipv6 access-list", "extended ipv6 access-list")
ANY_ACL = (*V4_ACLS, *V6_ACLS)
ALL_ACL = (*ANY_ACL, "mac acl")


@dataclass
class Stanza:
    head: Line
    body: list[Line] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.head.words


def stanzas(lines: list[Line]) -> list[Stanza]:
    out: list[Stanza] = []
    banner_end: str | None = None
    for line in lines:
        if banner_end is not None:
            if banner_end in line.raw:
                banner_end = None
            continue
        if not line.text:
            continue
        if not line.indented:
            if line.text.startswith("!"):
                continue
            out.append(Stanza(line))
            banner_end = _banner_delimiter(line)
        elif out:
            # indented comments stay: Batfish counts them among a structure's lines
            out[-1].body.append(line)
    return out


def _banner_delimiter(line: Line) -> str | None:
    w = line.words
    if w[0] != "banner" or len(w) < 3:
        return None
    delim_word = (
        w[2]
        if w[1]
        not in ("exec", "motd", "login", "incoming", "slip-ppp", "prompt-timeout", "config-save")
        or len(w) >= 3
        else w[-1]
    )
    delim = delim_word[:2] if delim_word.startswith("^C") else delim_word[:1]
    rest = line.raw.split(delim_word, 1)[1] if delim_word in line.raw else ""
    if delim in rest or (len(delim_word) > len(delim) and delim in delim_word[len(delim) :]):
        return None
    return delim


class CiscoParser:
    vendor = Vendor.CISCO_IOS
    dialect = IOS
    undeclared_group = ("undeclared bgp peer-group", "bgp peer-group referenced before defined")

    def __init__(self, text: str, filename: str, hostname: str) -> None:
        self.text = text
        self.dev = DeviceModel(hostname=hostname, filename=filename, vendor=self.vendor)

    def parse(self) -> DeviceModel:
        lines = split_lines(self.text)
        all_stanzas = stanzas(lines)
        for st in all_stanzas:
            try:
                handled = self.stanza(st)
            except InvalidLine as exc:
                self.dev.unrecognized_line(st.head.number, st.head.text, st.words[0], str(exc))
                continue
            except (ValueError, IndexError, KeyError) as exc:
                self.dev.unrecognized_line(st.head.number, st.head.text, f"{st.words[0]}: {exc}")
                continue
            except Exception as exc:
                raise ParserCrash(st.head.number, st.head.text, exc) from exc
            if not handled and not ios_refs.known_top(st.words):
                self.dev.unrecognized_line(st.head.number, st.head.text, "top level")
            try:
                ios_refs.apply_rules(self, st)
            except Exception as exc:
                raise ParserCrash(st.head.number, st.head.text, exc) from exc
        self.finish()
        self.dev.finish_status()
        return self.dev

    def finish(self) -> None:
        """Hook for checks that need the whole file (undeclared BGP peers)."""
        for proc in self.dev.bgp.values():
            bgp_reader.undeclared_peers(self, proc)

    # -- helpers used by the rules --------------------------------------------------------

    def iface_ref(self, name: str, context: str, line: int) -> None:
        self.dev.refer("interface", canonical_interface(name), context, line)

    # -- stanzas --------------------------------------------------------------------------

    def stanza(self, st: Stanza) -> bool:
        w = st.words
        head = w[0]
        dev, d = self.dev, self.dialect
        if head == "hostname":
            return True
        if head == "interface" and len(w) >= 2:
            self.interface(st)
            return True
        if head == "router" and len(w) >= 2:
            if w[1] == "bgp" and len(w) >= 3:
                self.bgp(st)
                return True
            if w[1] == "ospf":
                self.ospf(st)
                return True
            return True
        if head == "route-map" and len(w) >= 2:
            entry = route_map_header(dev, d, w, st.head.number)
            if entry is None:
                return False
            for line in st.body:
                if is_comment(line):
                    continue
                try:
                    understood = route_map_statement(dev, d, w[1], entry, line.words, line.number)
                except InvalidLine as exc:
                    dev.unrecognized_line(line.number, line.text, "route-map", str(exc))
                    continue
                if not understood:
                    entry.lines.append(line.number)
                    dev.define(d.route_map, w[1], line.number)
                    if line.words[0] in ("match", "set"):
                        dev.unrecognized_line(line.number, line.text, "route-map")
            return True
        if head in ("ip", "ipv6") and len(w) > 3 and w[1] == "prefix-list":
            return prefix_list_statement(
                dev, d, w[2], w[3:], st.head.number, 4 if head == "ip" else 6
            )
        if head in ("ip", "ipv4", "ipv6") and len(w) == 3 and w[1] == "prefix-list":
            family = 6 if head == "ipv6" else 4
            dev.define(d.prefix_list if family == 4 else d.prefix6_list, w[2], st.head.number)
            for line in st.body:
                if is_comment(line):
                    continue
                try:
                    prefix_list_statement(dev, d, w[2], line.words, line.number, family)
                except InvalidLine as exc:
                    dev.unrecognized_line(line.number, line.text, "prefix-list", str(exc))
            return True
        if head == "prefix-list" and len(w) >= 3:
            return prefix_list_statement(dev, d, w[1], w[2:], st.head.number, 4)
        if head == "ip" and len(w) >= 3 and w[1] in ("community-list", "extcommunity-list"):
            if w[1] == "extcommunity-list":
                return True
            return community_list_statement(dev, d, w[2:], st.head.number, st.head.text)
        if w[:3] == ["ip", "as-path", "access-list"]:
            return as_path_statement(dev, d, w[3:], st.head.number, st.head.text)
        if head == "ip" and len(w) >= 3 and w[1] == "route":
            return self.static_route(w[2:], st.head.number)
        if head in ("ip", "ipv6", "mac") and len(w) >= 2 and w[1] == "access-list":
            return self.named_acl(st)
        if head == "access-list" and len(w) == 2 and w[1].isdigit() and st.body:
            return self.numbered_acl(w[1:], st.head.number, st.body)
        if head == "access-list" and len(w) >= 3:
            return self.numbered_acl(w[1:], st.head.number)
        return False

    # -- interfaces -----------------------------------------------------------------------

    def interface(self, st: Stanza) -> None:
        dev = self.dev
        name = canonical_interface(st.words[1])
        iface = dev.interfaces.setdefault(name, Interface(name, st.head.number))
        dev.define("interface", name, st.head.number)
        for line in st.body:
            w = line.words
            if is_comment(line):
                continue
            if w[:2] == ["ip", "address"] and len(w) >= 3:
                addr = _address(w[2:])
                if addr is not None:
                    iface.addresses.append(addr)
            elif w[0] == "shutdown":
                iface.shutdown = True
            elif w[:2] == ["no", "shutdown"]:
                iface.shutdown = False
            elif w[0] == "description":
                iface.description = " ".join(w[1:])
            elif w[:2] == ["ip", "access-group"] and len(w) == 4:
                if w[3] == "in":
                    iface.acl_in = w[2]
                elif w[3] == "out":
                    iface.acl_out = w[2]
            elif w[:3] == ["ip", "ospf", "cost"] and len(w) == 4:
                iface.ospf_cost = int(w[3])
            elif w[0] == "bandwidth" and len(w) == 2 and w[1].isdigit():
                iface.bandwidth_kbps = int(w[1])
            elif w[0] in ("vrf", "ip") and "forwarding" in w and w[-1] != "forwarding":
                iface.vrf = w[-1]
                dev.vrfs.add(w[-1])
            elif w[0] == "vrrp" and len(w) >= 3 and w[1].isdigit():
                try:
                    _vrrp(iface, w, line.number)
                except ValueError as exc:
                    dev.unrecognized_line(line.number, line.text, f"interface: {exc}")
        if iface.vrf == "default" and name.lower().startswith("management"):
            iface.vrf = "default"

    # -- ACLs -----------------------------------------------------------------------------

    def named_acl(self, st: Stanza) -> bool:
        w = st.words
        family = w[0]
        rest = w[2:]
        if family == "mac":
            kind = "mac acl"
            rest = [x for x in rest if x != "extended"]
        else:
            kind = "extended"
            if rest and rest[0] in ("standard", "extended") and len(rest) > 1:
                kind, rest = rest[0], rest[1:]
            elif rest and rest[0] == "role-based":
                return True
            kind = f"{kind} {'ipv4' if family == 'ip' else 'ipv6'} access-list"
        if not rest:
            return False
        name = rest[0]
        self._acl_lines(name, kind, st.head.number, [(ln.number, ln.words) for ln in st.body])
        return True

    def numbered_acl(self, w: list[str], number: int, body: list[Line] | None = None) -> bool:
        name = w[0]
        num = as_int(name)
        rest = w[1:]
        if num is None:
            if rest and rest[0] in ("extended", "standard", "remark", "webtype", "ethertype"):
                kind = f"{'standard' if rest[0] == 'standard' else 'extended'} ipv4 access-list"
                rest = rest[1:] if rest[0] != "remark" else rest
            elif rest and rest[0] in ("permit", "deny"):
                kind = "extended ipv4 access-list"
            else:
                return rest == [] or rest[0] == "dynamic-extended" or True
        elif 1 <= num <= 99 or 1300 <= num <= 1999:
            kind = "standard ipv4 access-list"
        elif 100 <= num <= 199 or 2000 <= num <= 2699:
            kind = "extended ipv4 access-list"
        elif 700 <= num <= 799 or 1100 <= num <= 1199:
            kind = "mac acl"
        else:
            return False
        if body:
            self._acl_lines(name, kind, number, [(ln.number, ln.words) for ln in body])
        else:
            self._acl_lines(name, kind, number, [(number, rest)], header=False)
        return True

    def _acl_lines(
        self,
        name: str,
        kind: str,
        head: int,
        body: list[tuple[int, list[str]]],
        header: bool = True,
    ) -> None:
        dev = self.dev
        if header:
            dev.define(kind, name, head)
        acl = dev.acls.setdefault(
            name,
            Acl(
                name,
                "standard" if kind.startswith("standard") else "extended",
                6 if "ipv6" in kind else 4,
            ),
        )
        for number, w in body:
            dev.define(kind, name, number)
            if w and (w[0].isdigit() or w[0] == "sequence"):
                w = w[1:] if w[0].isdigit() else w[2:]
            if not w:
                continue
            if w[0] == "remark":
                acl.lines.append(AclLine("remark", number, " ".join(w), remark=True))
                continue
            if w[0] not in ("permit", "deny") or acl.family != 4 or kind == "mac acl":
                continue  # IPv6 and MAC access-lists are definitions only: routes are IPv4
            try:
                acl.lines.append(acl_line(w, number, acl.kind))
            except InvalidLine as exc:
                dev.unrecognized_line(number, " ".join(w), "access-list", str(exc))

    # -- static routes --------------------------------------------------------------------

    def static_route(self, w: list[str], number: int) -> bool:
        vrf = "default"
        if w[:1] == ["vrf"] and len(w) >= 2:
            vrf, w = w[1], w[2:]
        if len(w) < 3:
            return False
        try:
            if "/" in w[0]:
                prefix = ipaddress.IPv4Network(w[0], strict=False)
                w = [w[0], str(prefix.netmask), *w[1:]]
            else:
                prefix = ipaddress.IPv4Network(f"{w[0]}/{w[1]}", strict=False)
        except ValueError:
            return False
        w = w[:2] + _join_interface_numbers(w[2:])
        route = StaticRoute(prefix, number, vrf=vrf)
        rest = w[2:]
        i = 0
        while i < len(rest):
            word = rest[i]
            if word.lower() in ("null0", "null 0"):
                route.discard = True
            elif _is_ip(word):
                route.next_hop_ip = route.next_hop_ip or word
            elif word.isdigit() and i > 0:
                route.distance = int(word)
            elif word in ("track", "tag", "name", "permanent", "global", "dhcp", "multicast"):
                if word == "track" and i + 1 < len(rest):
                    self.dev.refer("track", rest[i + 1], "ip route track", number)
                i += 2 if word in ("track", "tag", "name") else 1
                continue
            elif i == 0 or (i == 1 and route.next_hop_ip):
                route.next_hop_interface = canonical_interface(word)
                if not word.lower().startswith("null"):
                    self.iface_ref(word, "ip route next-hop interface", number)
            i += 1
        self.dev.static_routes.append(route)
        return True

    # -- BGP ------------------------------------------------------------------------------

    def bgp(self, st: Stanza) -> None:
        bgp_reader.BgpReader(self, st).read()

    def bgp_process(self, asn: int | None, number: int, vrf: str) -> BgpProcess:
        self.dev.vrfs.add(vrf)
        proc = self.dev.bgp.get(vrf)
        if proc is None:
            proc = self.dev.bgp[vrf] = BgpProcess(asn, number, vrf)
        return proc

    # -- OSPF -----------------------------------------------------------------------------

    def ospf(self, st: Stanza) -> None:
        w = st.words
        pid = w[2] if len(w) > 2 else "1"
        vrf = w[4] if len(w) > 4 and w[3] == "vrf" else "default"
        proc = self.dev.ospf.setdefault(vrf, OspfProcess(pid, st.head.number, vrf))
        for line in st.body:
            if is_comment(line):
                continue
            try:
                self._ospf_line(proc, line.words, line.number)
            except ValueError as exc:
                # one bad value costs its own line, not the rest of the OSPF stanza
                self.dev.unrecognized_line(line.number, line.text, f"router ospf: {exc}")

    def _ospf_line(self, proc: OspfProcess, lw: list[str], number: int) -> None:
        if lw[0] == "router-id" and len(lw) == 2:
            proc.router_id = ipv4_address(lw[1])
        elif lw[0] == "network" and len(lw) >= 5 and lw[3] == "area":
            try:
                wild = int(ipaddress.IPv4Address(lw[2]))
                net = ipaddress.IPv4Network(f"{lw[1]}/{32 - wild.bit_length()}", strict=False)
            except ValueError:
                return
            area = ospf_area(lw[4])
            proc.networks.append(OspfNetwork(net, area, number))
            proc.areas.add(area)
        elif lw[0] == "passive-interface" and len(lw) == 2:
            if lw[1] == "default":
                proc.passive_default = True
            else:
                proc.passive.add(canonical_interface(lw[1]))
        elif lw[:2] == ["no", "passive-interface"] and len(lw) == 3:
            proc.non_passive.add(canonical_interface(lw[2]))
        elif lw[0] == "area" and len(lw) >= 2:
            proc.areas.add(ospf_area(lw[1]))
        elif lw[:2] == ["auto-cost", "reference-bandwidth"] and len(lw) >= 3:
            proc.reference_bandwidth_mbps = int(lw[2])
        elif lw[:2] == ["default-information", "originate"]:
            metric, mtype = 1, 2
            for i, word in enumerate(lw[:-1]):
                if word == "metric":
                    metric = int(lw[i + 1])
                elif word == "metric-type":
                    mtype = int(lw[i + 1])
            proc.default_originate = ("always" in lw, metric, mtype)
        elif lw[0] == "distance" and len(lw) == 2 and lw[1].isdigit():
            proc.distance = int(lw[1])


# --- small parsers -----------------------------------------------------------------------


def _is_ip(word: str) -> bool:
    try:
        ipaddress.IPv4Address(word)
        return True
    except ValueError:
        return False


def _join_interface_numbers(w: list[str]) -> list[str]:
    """``loopback 66`` -> ``loopback66``: IOS accepts a space inside an interface name."""
    out: list[str] = []
    for word in w:
        if (
            out
            and word.isdigit()
            and out[-1].isalpha()
            and out[-1].lower() not in ("track", "tag", "name", "permanent", "global", "dhcp")
        ):
            out[-1] += word
        else:
            out.append(word)
    return out


def _address(w: list[str]) -> ipaddress.IPv4Interface | None:
    try:
        if "/" in w[0]:
            return ipaddress.IPv4Interface(w[0])
        if len(w) >= 2:
            return ipaddress.IPv4Interface(f"{w[0]}/{w[1]}")
    except ValueError:
        return None
    return None


def _vrrp(iface: Interface, w: list[str], number: int) -> None:
    vrid = int(w[1])
    group = next((g for g in iface.vrrp if g.vrid == vrid), None)
    if group is None:
        group = VrrpGroup(vrid, number)
        iface.vrrp.append(group)
    if w[2] in ("ip", "ipv4") and len(w) >= 4:
        group.virtual_ips.append(vrrp_address(w[3]))
    elif w[2] == "priority" and len(w) >= 4 and w[3].isdigit():
        group.priority = int(w[3])
    elif w[2] == "preempt":
        group.preempt = True


def parse_device(text: str, filename: str, hostname: str) -> DeviceModel:
    return CiscoParser(text, filename, hostname).parse()


__all__ = [
    "ALL_ACL",
    "ANY_ACL",
    "IOS",
    "V4_ACLS",
    "V6_ACLS",
    "BgpAggregate",
    "BgpNetwork",
    "BgpPeer",
    "BgpRedistribute",
    "CiscoParser",
    "RemoteAsKind",
    "Stanza",
    "is_comment",
    "parse_device",
    "re",
]
