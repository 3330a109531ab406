"""Cisco IOS-XR: text output through ntc-templates' ``cisco_xr`` TextFSM templates.

As on IOS-XE, routes and BGP cover the default VRF (``show route``, ``show bgp
summary``); the route parser still honours ``VRF:`` headers if a wider command is
configured. No VRRP template exists for IOS-XR, so VRRP is not offered.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netval.live.parsers.common import (
    TextFsmParser,
    bad_output,
    bfd_status,
    bgp_state,
    check_output,
    parse_asn,
    parse_uptime,
    require,
    run_template,
    to_int,
)
from netval.state import BfdPeer, BgpPeer, BgpState, Domain, Interface, NextHop, Route

# The route codes of `show route`'s legend (first letter; "O E2", "i L2" add a type).
ROUTE_CODES = {
    "C": "connected",
    "L": "local",
    "S": "static",
    "U": "static",  # per-user static
    "R": "rip",
    "B": "bgp",
    "D": "eigrp",
    "O": "ospf",
    "i": "isis",
    "o": "odr",
    "E": "egp",
    "M": "mobile",
    "A": "access",
    "a": "application",
    "l": "lisp",
    "G": "dagr",
    "r": "rpl",
    "t": "te",
}

_ROUTE_LINE = re.compile(r"^(?:\S+(?: \S+)?)\s+\d+\.\d+\.\d+\.\d+/\d+\s")
_HOP_LINE = re.compile(r"^\s+(?:\[\d+/\d+\]|is)\s+(?:via|directly)\s")


# The first line of every interface block in `show interfaces`.
_INTERFACE_LINE = r"^\S+ is .+, line protocol is "
_HEADER_INDENT = re.compile(r"^[ \t]+(?=\S+ is .+, line protocol is )", re.MULTILINE)


class IosxrParser(TextFsmParser):
    platform = "cisco_iosxr"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": "show bgp summary",
        "routes": "show route",
        "interfaces": "show interfaces",
        "bfd": "show bfd sessions",
    }

    def _bgp(self, output: str) -> list[BgpPeer]:
        cmd = self.commands["bgp"]
        check_output(cmd, output)
        header = r"BGP router identifier \S+, local AS number"
        require(cmd, output, header, "'BGP router identifier' header")
        return [_peer(row) for row in run_template("cisco_xr_show_ip_bgp_summary", cmd, output)]

    def _routes(self, output: str) -> list[Route]:
        cmd = self.commands["routes"]
        check_output(cmd, output)
        require(
            cmd,
            output,
            r"^(Gateway of last resort|% No matching routes found|VRF: )",
            "'Gateway of last resort' line",
        )
        rows = run_template("cisco_xr_show_ip_route", cmd, output)
        return _group_routes(cmd, output, rows, _backup_flags(output))

    def _bfd(self, output: str) -> list[BfdPeer]:
        cmd = self.commands["bfd"]
        check_output(cmd, output)
        require(cmd, output, r"^Interface\s+Dest Addr\s", "'Interface Dest Addr' table header")
        rows = run_template("cisco_xr_show_bfd_sessions", cmd, output)
        # the template reads IPv4 sessions and skips other lines without a word: a session
        # line it did not read (IPv6) must not leave a session out unseen
        body = output.split("\n-", 1)[1].split("\n", 1)[1] if "\n-" in output else ""
        listed = [line for line in body.splitlines() if line[:1].strip()]
        if len(listed) != len(rows):
            raise bad_output(cmd, output, "a session line the template does not read (IPv6?)")
        return [
            BfdPeer(
                peer=row["dstaddress"],
                interface=_xr_name(row["interface"].strip()),
                status=bfd_status(row["state"]),
            )
            for row in rows
        ]

    def _interfaces(self, output: str) -> list[Interface]:
        cmd = self.commands["interfaces"]
        check_output(cmd, output)
        require(cmd, output, _INTERFACE_LINE, "'<name> is ..., line protocol is' line")
        # Some captures indent a block's first line; the template only starts a new
        # interface on an unindented one and would merge the block into the previous.
        output = _HEADER_INDENT.sub("", output)
        result = []
        for row in run_template("cisco_xr_show_interfaces", cmd, output):
            link = row["link_status"].lower()
            # The template calls the line-protocol state ADMIN_STATE; it is the oper state.
            protocol = row["admin_state"].lower()
            address = row["ip_address"] if "/" in row["ip_address"] else None
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


# `show bfd sessions` abbreviates the names `show interfaces` prints in full
_SHORT_NAMES = {
    "Gi": "GigabitEthernet",
    "Te": "TenGigE",
    "Fo": "FortyGigE",
    "Hu": "HundredGigE",
    "BE": "Bundle-Ether",
}


def _xr_name(name: str) -> str | None:
    match = re.fullmatch(r"([A-Za-z]+)(\d.*)", name)
    if match and match.group(1) in _SHORT_NAMES:
        return _SHORT_NAMES[match.group(1)] + match.group(2)
    return name or None


def _peer(row: dict[str, Any]) -> BgpPeer:
    # St/PfxRcd: a count once established ("0!" marks a peer lacking policy), else the state.
    column = row["state_pfxrcd"].strip()
    received = to_int(column.rstrip("!"))
    state = BgpState.ESTABLISHED if received is not None else bgp_state(column)
    return BgpPeer(
        peer=row["bgp_neigh"],
        local_as=parse_asn(row["local_as"]),
        remote_as=parse_asn(row["neigh_as"]),
        state=state,
        prefixes_received=received,
        uptime_seconds=parse_uptime(row["up_down"]) if received is not None else None,
    )


def _backup_flags(output: str) -> list[bool]:
    """One flag per next-hop line, in order: is it an FRR backup path "(!)"?

    The template drops the "(!)" suffix, but its records follow the next-hop lines
    one to one, so the flags can be zipped back onto them.
    """
    flags = []
    for line in output.splitlines():
        is_hop = _ROUTE_LINE.match(line) or _HOP_LINE.match(line)
        if is_hop and (" via " in line or "directly" in line):
            flags.append(line.rstrip().endswith("(!)"))
    return flags


def _group_routes(
    cmd: str, output: str, rows: list[dict[str, Any]], backups: list[bool]
) -> list[Route]:
    if len(backups) != len(rows):
        backups = [False] * len(rows)  # cannot align: treat every path as primary
    routes: dict[tuple[str, str, str], Route] = {}
    for row, backup in zip(rows, backups, strict=True):
        code = row["protocol"].split()[0].rstrip("*")
        if code not in ROUTE_CODES:
            raise bad_output(cmd, output, f"unknown route code {row['protocol']!r}")
        prefix = f"{row['network']}/{row['prefix_length']}"
        vrf = row["vrf"] or "default"
        protocol = ROUTE_CODES[code]
        interface = row["interface"] or None
        if interface and interface.startswith("vrf "):
            interface = None  # "(nexthop in vrf default)": a VRF, not an interface
        if interface and interface.lower().startswith("null"):
            hop = NextHop(discard=True, active=not backup)
        else:
            ip = row["next_hop"] if row["next_hop"] != "connected" else None
            hop = NextHop(ip=ip, interface=interface, active=not backup)
        key = (vrf, prefix, protocol)
        distance = None if row["distance"] == "is" else to_int(row["distance"])
        if key in routes:
            route = routes[key]
            route.next_hops.append(hop)
            if route.metric is None and not backup:
                route.metric = to_int(row["metric"])
            continue
        routes[key] = Route(
            prefix=prefix,
            vrf=vrf,
            protocol=protocol,
            next_hops=[hop],
            admin_distance=distance,
            # A backup path's metric is not the route's (XR prints [110/0] for it).
            metric=None if backup else to_int(row["metric"]),
        )
    return list(routes.values())
