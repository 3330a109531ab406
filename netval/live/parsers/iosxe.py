"""Cisco IOS-XE: text output through ntc-templates' ``cisco_ios`` TextFSM templates.

IOS-XE has no JSON for these commands, so each answer is first checked for the header
a real answer always prints: TextFSM alone turns any garbage into an empty table.
Routes and BGP cover the global routing table (``show ip route``, ``show ip bgp
summary``, and per peer ``show ip bgp neighbors X advertised-routes``); VRF tables need
per-VRF commands the one-command-per-domain contract does not express.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netval.live.parsers.base import ParsedItems, ParseError
from netval.live.parsers.common import (
    BFD_DIAGNOSTICS,
    TextFsmParser,
    bad_output,
    bfd_status,
    bgp_state,
    check_output,
    guard,
    ip_spelling,
    parse_asn,
    parse_uptime,
    require,
    run_template,
    to_int,
)
from netval.state import (
    AdvertisedRoute,
    BfdPeer,
    BgpPeer,
    BgpState,
    Domain,
    Interface,
    NextHop,
    Probe,
    Route,
    VrrpGroup,
    VrrpRole,
)

# The route codes of `show ip route`'s legend.
ROUTE_CODES = {
    "C": "connected",
    "L": "local",
    "S": "static",
    "U": "static",  # per-user static
    "P": "static",  # periodic downloaded static
    "R": "rip",
    "B": "bgp",
    "D": "eigrp",
    "O": "ospf",
    "i": "isis",
    "o": "odr",
    "M": "mobile",
    "H": "nhrp",
    "l": "lisp",
    "a": "application",
    "m": "omp",
}

# `show vrrp brief` abbreviates interface names; other commands print them in full.
_ABBREVIATIONS = {
    "Fa": "FastEthernet",
    "Gi": "GigabitEthernet",
    "Te": "TenGigabitEthernet",
    "Twe": "TwentyFiveGigE",
    "Fo": "FortyGigabitEthernet",
    "Hu": "HundredGigE",
    "Et": "Ethernet",
    "Vl": "Vlan",
    "Po": "Port-channel",
    "Lo": "Loopback",
    "Tu": "Tunnel",
}


def full_interface_name(name: str) -> str:
    match = re.fullmatch(r"([A-Za-z]+)(\d.*)", name)
    if match and match.group(1) in _ABBREVIATIONS:
        return _ABBREVIATIONS[match.group(1)] + match.group(2)
    return name


def classful_length(network: str) -> str:
    """IOS omits the mask of a classful network that is not subnetted."""
    first = int(network.split(".")[0])
    return "8" if first < 128 else "16" if first < 192 else "24"


# The first line of every interface block in `show interfaces`.
_INTERFACE_LINE = r"^\S+ is .+, line protocol is "
_HEADER_INDENT = re.compile(r"^[ \t]+(?=\S+ is .+, line protocol is )", re.MULTILINE)


# The route codes of `show ipv6 route`'s legend.
ROUTE6_CODES = {
    "C": "connected",
    "L": "local",
    "S": "static",
    "U": "static",  # per-user static
    "B": "bgp",
    "R": "rip",
    "D": "eigrp",
    "EX": "eigrp",
    "H": "nhrp",
    "HA": "mobile",  # home agent
    "MR": "mobile",
    "ND": "nd",  # default route learned from router advertisements
    "NDp": "nd",
    "NDr": "redirect",
    "DCE": "destination",
    "I1": "isis",
    "I2": "isis",
    "IA": "isis",
    "IS": "isis",
    "l": "lisp",
    "lr": "lisp",
    "ls": "lisp",
    "a": "application",
    "m": "omp",
    "O": "ospf",
    "OI": "ospf",
    "OE1": "ospf",
    "OE2": "ospf",
    "ON1": "ospf",
    "ON2": "ospf",
}

CMD_ROUTES6 = "show ipv6 route"
CMD_BGP_ADVERTISED = "show ip bgp neighbors {peer} advertised-routes"
CMD_PING = "ping {destination} repeat {count}"
# one probe a hop, a 1 s wait and at most 12 hops: a path that stops answering costs
# seconds, not IOS's default of 3 probes x 3 s x 30 hops
CMD_TRACEROUTE = "traceroute {destination} numeric timeout 1 probe 1 ttl 1 12"
_ORIGIN_CODES = {"i": "igp", "e": "egp", "?": "incomplete"}
_ROUTE6_HEADER = re.compile(r"^IPv6 Routing Table - (?P<vrf>\S+) - \d+ entries", re.MULTILINE)


class IosxeParser(TextFsmParser):
    platform = "cisco_iosxe"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": "show ip bgp summary",
        "routes": "show ip route",
        "vrrp": "show vrrp brief",
        "interfaces": "show interfaces",
        "bfd": "show bfd neighbors details",
    }
    # the IPv6 routing table is its own command; ntc-templates has no template that reads
    # IPv6 neighbors in a BGP summary, so BGP stays with the IPv4 one
    extra_commands: ClassVar[dict[Domain, tuple[str, ...]]] = {"routes": (CMD_ROUTES6,)}
    peer_commands: ClassVar[dict[Domain, str]] = {"bgp_advertised": CMD_BGP_ADVERTISED}

    def peer_command(self, domain: Domain, peer: str) -> str:
        return self.peer_commands[domain].format(peer=peer)

    def parse_peer(self, domain: Domain, peer: str, output: str) -> ParsedItems:
        command = self.peer_command(domain, peer)
        text = self.prepare(output)
        return guard(command, text, lambda: _advertised(command, peer, text))

    def ping_command(self, destination: str, count: int) -> str:
        return CMD_PING.format(destination=destination, count=count)

    def traceroute_command(self, destination: str) -> str:
        return CMD_TRACEROUTE.format(destination=destination)

    def parse_ping(self, source: str, destination: str, output: str) -> Probe:
        command = f"ping {destination}"
        text = self.prepare(output)
        return guard(command, text, lambda: _ping(command, source, destination, text))

    def parse_traceroute(self, destination: str, output: str) -> list[str | None]:
        command = f"traceroute {destination}"
        text = self.prepare(output)
        return guard(command, text, lambda: _traceroute(command, destination, text))

    def parse_command(self, domain: Domain, command: str, output: str) -> ParsedItems:
        """Parse the answer of ``command`` (the domain's own, or one of its extra ones)."""
        if command == self.commands.get(domain):
            return self.parse(domain, output)
        if command not in self.extra_commands.get(domain, ()):
            raise ParseError(f"{self.platform} does not ask `{command}` for {domain}")
        text = self.prepare(output)
        return guard(command, text, lambda: _routes6(command, text))

    def merge(self, domain: Domain, items: ParsedItems) -> ParsedItems:
        return items  # the IPv4 and IPv6 tables hold different prefixes

    def _bgp(self, output: str) -> list[BgpPeer]:
        cmd = self.commands["bgp"]
        if output.strip().startswith("% BGP not active"):
            return []  # BGP is not configured: a real, empty answer
        check_output(cmd, output)
        require(cmd, output, r"^BGP router identifier", "'BGP router identifier' header")
        peers: dict[str, BgpPeer] = {}
        for row in run_template("cisco_ios_show_ip_bgp_summary", cmd, output):
            peer = _peer(row)
            if peer.peer in peers and peers[peer.peer].prefixes_received is not None:
                # Same neighbour in another address family (`show ip bgp all summary`).
                earlier = peers[peer.peer]
                total = (earlier.prefixes_received or 0) + (peer.prefixes_received or 0)
                peer = earlier.model_copy(update={"prefixes_received": total})
            peers[peer.peer] = peer
        return list(peers.values())

    def _routes(self, output: str) -> list[Route]:
        cmd = self.commands["routes"]
        check_output(cmd, output)
        require(cmd, output, r"^Gateway of last resort", "'Gateway of last resort' line")
        rows = run_template("cisco_ios_show_ip_route", cmd, output)
        return _group_routes(cmd, output, rows)

    def _vrrp(self, output: str) -> list[VrrpGroup]:
        cmd = self.commands["vrrp"]
        check_output(cmd, output)
        require(cmd, output, r"^\s*Interface\s+Grp\s", "'Interface Grp' table header")
        groups = []
        for row in run_template("cisco_ios_show_vrrp_brief", cmd, output):
            groups.append(
                VrrpGroup(
                    interface=full_interface_name(row["interface"]),
                    vrid=int(row["group"]),
                    role=VrrpRole.normalize(row["state"]),
                    priority=to_int(row["priority"]),
                    vips=[row["virtual_ip_address"]] if row["virtual_ip_address"] else [],
                )
            )
        return groups

    def _bfd(self, output: str) -> list[BfdPeer]:
        return _bfd(self.commands["bfd"], output)

    def _interfaces(self, output: str) -> list[Interface]:
        cmd = self.commands["interfaces"]
        check_output(cmd, output)
        require(cmd, output, _INTERFACE_LINE, "'<name> is ..., line protocol is' line")
        # Some captures indent a block's first line; the template only starts a new
        # interface on an unindented one and would merge the block into the previous.
        output = _HEADER_INDENT.sub("", output)
        result = []
        for row in run_template("cisco_ios_show_interfaces", cmd, output):
            link, protocol = row["link_status"].lower(), row["protocol_status"].lower()
            address = f"{row['ip_address']}/{row['prefix_length']}" if row["ip_address"] else None
            result.append(
                Interface(
                    name=row["interface"],
                    admin_up="administratively" not in link,
                    oper_up=protocol.startswith("up"),
                    addresses=[address] if address else [],
                    description=row["description"] or None,
                )
            )
        return result


def _advertised(cmd: str, peer: str, output: str) -> list[AdvertisedRoute]:
    """The default VRF's IPv4 unicast routes sent to ``peer``. IOS prints nothing at all for
    a peer it sends nothing, the same as for an answer lost on the way: with no table
    header, the answer is an error, never "nothing advertised"."""
    if re.fullmatch(r"\s*Total number of prefixes 0\s*", output):
        return []  # said in so many words
    check_output(cmd, output)
    header = r"^\s+Network\s+Next Hop\s+Metric\s+LocPrf\s+Weight\s+Path"
    require(cmd, output, header, "'Network Next Hop Metric LocPrf Weight Path' header")
    routes = []
    for row in run_template("cisco_ios_show_ip_bgp_neighbors_advertised-routes", cmd, output):
        network = row["network"]
        if "/" not in network:
            network = f"{network}/{classful_length(network)}"
        hop = row["next_hop"]
        routes.append(
            AdvertisedRoute(
                peer=peer,
                prefix=network,
                # IOS prints 0.0.0.0 for a route this router originates
                next_hop=None if hop in ("", "0.0.0.0") else hop,
                as_path=[int(a) for a in re.findall(r"\d+", row["as_path"])],
                origin=_ORIGIN_CODES.get(row["origin"]),
                med=to_int(row["metric"]),
                local_pref=to_int(row["local_pref"]),
            )
        )
    listed = re.search(r"^Total number of prefixes (\d+)", output, re.MULTILINE)
    # the total counts paths (a prefix sent with two paths counts twice), as the rows do
    if listed and int(listed.group(1)) != len(routes):
        raise bad_output(
            cmd, output, f"it counts {listed.group(1)} prefixes but {len(routes)} rows were read"
        )
    return routes


def _ping(cmd: str, source: str, destination: str, output: str) -> Probe:
    check_output(cmd, output)
    require(cmd, output, r"^Success rate is \d+ percent", "'Success rate is ... percent' line")
    rows = run_template("cisco_ios_ping", cmd, output)
    if len(rows) != 1 or not rows[0]["sent_qty"]:
        raise bad_output(cmd, output, "not one ping's answer")
    row = rows[0]
    received = int(row["success_qty"])
    return Probe(
        source=source,
        destination=destination,
        sent=int(row["sent_qty"]),
        received=received,
        # IOS prints a round trip even when nothing came back
        rtt_avg_ms=float(row["rtt_avg"]) if row["rtt_avg"] and received else None,
    )


def _traceroute(cmd: str, destination: str, output: str) -> list[str | None]:
    """The address that answered each hop (TTL 1 first). A hop of several ECMP paths lists
    one per line under its number: the destination where it is among them, else the
    first (the path check names one address a hop)."""
    check_output(cmd, output)
    require(cmd, output, r"^Tracing the route to ", "'Tracing the route to' line")
    by_ttl: dict[int, list[str]] = {}
    for row in run_template("cisco_ios_traceroute", cmd, output):
        answered = by_ttl.setdefault(int(row["hop_num"]), [])
        if row["ip_address"]:
            answered.append(row["ip_address"])
    if not by_ttl:
        raise bad_output(cmd, output, "no hop lines")
    hops: list[str | None] = []
    for ttl in range(1, max(by_ttl) + 1):
        answered = by_ttl.get(ttl, [])
        first = answered[0] if answered else None
        hops.append(destination if destination in answered else first)
    while len(hops) > 1 and hops[-1] is None and hops[-2] is None:
        hops.pop()
    return hops


def _bfd(cmd: str, output: str) -> list[BfdPeer]:
    """IPv4 and IPv6 sessions. The answer does not name a session's VRF: every session
    is filed under the default VRF."""
    check_output(cmd, output)
    require(cmd, output, r"^\s*(?:\S+\s+)?NeighAddr\s", "'NeighAddr' table header")
    sessions = []
    for row in run_template("cisco_ios_show_bfd_neighbors_details", cmd, output):
        diagnostic = to_int(row["diagnostic_bit"])
        sessions.append(
            BfdPeer(
                peer=ip_spelling(row["neighbor_addr"]),
                local=ip_spelling(row["our_addr"]) if row["our_addr"] else None,
                interface=full_interface_name(row["interface"]) if row["interface"] else None,
                status=bfd_status(row["state"]),
                diagnostic=BFD_DIAGNOSTICS.get(diagnostic or 0),
                detect_multiplier=to_int(row["multiplier"]),
                # IOS prints the intervals in microseconds
                receive_interval_ms=_ms(row["min_rx_interval"]),
                transmit_interval_ms=_ms(row["min_tx_interval"]),
            )
        )
    return sessions


def _ms(microseconds: str) -> int | None:
    value = to_int(microseconds)
    return None if value is None else value // 1000


def _routes6(cmd: str, output: str) -> list[Route]:
    check_output(cmd, output)
    header = _ROUTE6_HEADER.search(output)
    if header is None:
        raise bad_output(cmd, output, "no 'IPv6 Routing Table - <vrf> - N entries' header")
    vrf = header.group("vrf")
    routes: dict[tuple[str, str], Route] = {}
    for row in run_template("cisco_ios_show_ipv6_route", cmd, output):
        code = row["protocol"]
        if code not in ROUTE6_CODES:
            raise bad_output(cmd, output, f"unknown IPv6 route code {code!r}")
        # IOS prints IPv6 in upper case; the catalog and other platforms in lower case
        prefix = ip_spelling(row["network"])
        protocol = ROUTE6_CODES[code]
        interface = row["nexthop_if"].strip() or None
        if interface and interface.lower().startswith("null"):
            hop = NextHop(discard=True)
        else:
            ip = ip_spelling(row["nexthop_ip"]) if row["nexthop_ip"] else None
            hop = NextHop(ip=ip, interface=interface)
        key = (prefix, protocol)
        if key in routes:
            routes[key].next_hops.append(hop)
            continue
        routes[key] = Route(
            prefix=prefix,
            vrf="default" if vrf.lower() == "default" else vrf,
            protocol=protocol,
            next_hops=[hop],
            admin_distance=to_int(row["distance"]),
            metric=to_int(row["metric"]),
        )
    return list(routes.values())


def _peer(row: dict[str, Any]) -> BgpPeer:
    # State/PfxRcd holds the prefix count once established, the FSM state otherwise.
    column = row["state_or_prefixes_received"].strip()
    received = to_int(column)
    state = BgpState.ESTABLISHED if received is not None else bgp_state(column)
    return BgpPeer(
        peer=row["bgp_neighbor"],
        local_as=parse_asn(row["local_as"]),
        remote_as=parse_asn(row["neighbor_as"]),
        state=state,
        prefixes_received=received,
        uptime_seconds=parse_uptime(row["up_down"]) if received is not None else None,
    )


def _group_routes(cmd: str, output: str, rows: list[dict[str, Any]]) -> list[Route]:
    """One Route per prefix and protocol; each ECMP line adds a next hop."""
    routes: dict[tuple[str, str, str], Route] = {}
    for row in rows:
        code = row["protocol"]
        if code not in ROUTE_CODES:
            raise bad_output(cmd, output, f"unknown route code {code!r}")
        length = row["prefix_length"] or classful_length(row["network"])
        prefix = f"{row['network']}/{length}"
        vrf = row["vrf"] or "default"
        protocol = ROUTE_CODES[code]
        interface = row["nexthop_if"] or None
        if interface and interface.lower().startswith("null"):
            hop = NextHop(discard=True)
        else:
            hop = NextHop(ip=row["nexthop_ip"] or None, interface=interface)
        key = (vrf, prefix, protocol)
        if key in routes:
            routes[key].next_hops.append(hop)
            continue
        routes[key] = Route(
            prefix=prefix,
            vrf=vrf,
            protocol=protocol,
            next_hops=[hop],
            admin_distance=to_int(row["distance"]),
            metric=to_int(row["metric"]),
        )
    return list(routes.values())
