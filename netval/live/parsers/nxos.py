"""Cisco NX-OS: ``| json`` output in the NX-API TABLE_x/ROW_x shape.

A ROW_x holds an object when there is one row and a list when there are several, so
every level goes through ``as_list``. VRRP is not offered: no public NX-OS ``show vrrp |
json`` capture was found to build and test a parser on (see tests/data/parsers/SOURCES.md).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netval.live.parsers.common import (
    DomainParser,
    as_list,
    bad_output,
    bfd_status,
    bgp_state,
    check_output,
    load_json,
    merge_sessions,
    need_dict,
    parse_asn,
    parse_uptime,
    require,
    run_template,
    to_int,
)
from netval.protocols import normalize_protocol
from netval.state import BfdPeer, BgpPeer, Domain, Interface, NextHop, Route


def _rows(node: Any, table: str) -> list[dict[str, Any]]:
    """The rows of ``node[TABLE_<table>][ROW_<table>]``; absent tables are empty."""
    if not isinstance(node, dict):
        return []
    holder = node.get(f"TABLE_{table}")
    if not isinstance(holder, dict):
        return []
    return [row for row in as_list(holder.get(f"ROW_{table}")) if isinstance(row, dict)]


class NxosParser(DomainParser):
    platform = "cisco_nxos"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": "show bgp all summary vrf all | json",
        "routes": "show ip route vrf all | json",
        "interfaces": "show interface | json",
        # no public capture of `show bfd neighbors | json` was found; the text form has an
        # ntc-templates template and test capture
        "bfd": "show bfd neighbors",
    }

    def _bgp(self, output: str) -> list[BgpPeer]:
        cmd = self.commands["bgp"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        need_dict(cmd, output, data.get("TABLE_vrf"), "'TABLE_vrf'")
        # One peer appears once per address family (IPv4, IPv6, EVPN...); merge them into
        # one session and add up what it received across families.
        peers: list[BgpPeer] = []
        for vrf in _rows(data, "vrf"):
            vrf_name = str(vrf.get("vrf-name-out") or "default")
            local_as = parse_asn(vrf.get("vrf-local-as"))
            for af in _rows(vrf, "af"):
                for saf in _rows(af, "saf"):
                    peers.extend(
                        _peer(cmd, output, vrf_name, local_as, row)
                        for row in _rows(saf, "neighbor")
                    )
        return merge_sessions(peers)

    def _routes(self, output: str) -> list[Route]:
        cmd = self.commands["routes"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        need_dict(cmd, output, data.get("TABLE_vrf"), "'TABLE_vrf'")
        routes: list[Route] = []
        for vrf in _rows(data, "vrf"):
            vrf_name = str(vrf.get("vrf-name-out") or "default")
            for addrf in _rows(vrf, "addrf"):
                for row in _rows(addrf, "prefix"):
                    routes.extend(_prefix_routes(cmd, output, vrf_name, row))
        return routes

    def _interfaces(self, output: str) -> list[Interface]:
        cmd = self.commands["interfaces"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        rows = _rows(data, "interface")
        if not rows:
            # Every NX-OS box has interfaces (mgmt0 at least): none means bad output.
            raise bad_output(cmd, output, "no TABLE_interface rows")
        return [_interface(cmd, output, row) for row in rows]

    def _bfd(self, output: str) -> list[BfdPeer]:
        cmd = self.commands["bfd"]
        text = output.replace("\r\n", "\n").replace("\r", "\n")
        check_output(cmd, text)
        require(cmd, text, r"^OurAddr\s+NeighAddr\s", "'OurAddr NeighAddr' table header")
        # the template reads IPv4 sessions only and rejects any other line: an IPv6
        # session is an error here, never a session left out
        sessions = []
        for row in run_template("cisco_nxos_show_bfd_neighbors", cmd, text):
            multiplier = re.search(r"\((\d+)\)", row["holddown"])
            sessions.append(
                BfdPeer(
                    peer=row["neighbor_address"],
                    vrf=row["vrf"] or "default",
                    local=row["our_address"] or None,
                    interface=_long_name(row["interface"]),
                    multihop=row["type"].upper() == "MH",
                    status=bfd_status(row["state"]),
                    detect_multiplier=int(multiplier.group(1)) if multiplier else None,
                )
            )
        return sessions


# `show bfd neighbors` abbreviates the names every other command prints in full
_SHORT_NAMES = {"Eth": "Ethernet", "Po": "port-channel", "Lo": "loopback"}


def _long_name(name: str) -> str | None:
    match = re.fullmatch(r"([A-Za-z]+)(\d.*)", name)
    if match and match.group(1) in _SHORT_NAMES:
        return _SHORT_NAMES[match.group(1)] + match.group(2)
    return name or None


def _peer(cmd: str, output: str, vrf: str, local_as: int | None, row: dict[str, Any]) -> BgpPeer:
    if not row.get("neighborid") or "state" not in row:
        raise bad_output(cmd, output, "a neighbor row lacks 'neighborid' or 'state'")
    return BgpPeer(
        peer=str(row["neighborid"]),
        vrf=vrf,
        local_as=local_as,
        remote_as=parse_asn(row.get("neighboras")),
        state=bgp_state(str(row["state"])),
        prefixes_received=to_int(row.get("prefixreceived")),
        uptime_seconds=parse_uptime(row.get("time")),
    )


def _prefix_routes(cmd: str, output: str, vrf: str, row: dict[str, Any]) -> list[Route]:
    prefix = row.get("ipprefix")
    if not prefix:
        raise bad_output(cmd, output, "a prefix row lacks 'ipprefix'")
    # Paths of different protocols for one prefix are different RIB entries; only the
    # paths marked ubest are the ones in use.
    by_protocol: dict[str, list[dict[str, Any]]] = {}
    for path in _joined_paths(_rows(row, "path")):
        client = path.get("clientname")
        if not client:
            raise bad_output(cmd, output, f"a path of {prefix} lacks 'clientname'")
        by_protocol.setdefault(normalize_protocol(str(client)), []).append(path)
    routes = []
    for protocol, paths in by_protocol.items():
        # Releases without the ubest flag list only the paths in use.
        flagged = any("ubest" in path for path in paths)
        hops = [_hop(protocol, path, flagged) for path in paths]
        routes.append(
            Route(
                prefix=str(prefix),
                vrf=vrf,
                protocol=protocol,
                next_hops=hops,
                admin_distance=to_int(paths[0].get("pref")),
                metric=to_int(paths[0].get("metric")),
                selected=any(hop.active for hop in hops),
            )
        )
    return routes


def _joined_paths(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Some NX-OS releases split one path over two rows: the next hop (ipnexthop,
    ifname), then its attributes (pref, metric, clientname). Join such pairs."""
    joined: list[dict[str, Any]] = []
    for row in rows:
        previous = joined[-1] if joined else None
        fragment = "clientname" in row and not ({"ipnexthop", "ifname"} & row.keys())
        if previous is not None and fragment and "clientname" not in previous:
            joined[-1] = {**previous, **row}
        else:
            joined.append(row)
    return joined


def _hop(protocol: str, path: dict[str, Any], flagged: bool) -> NextHop:
    interface = path.get("ifname") or None
    active = str(path.get("ubest", "")).lower() == "true" if flagged else True
    if interface and str(interface).lower().startswith("null"):
        return NextHop(discard=True, active=active)
    # For connected and local routes NX-OS puts the interface's own address in
    # ipnexthop; the next hop of such a route is the interface itself.
    ip = None if protocol in ("connected", "local") else path.get("ipnexthop") or None
    return NextHop(ip=ip, interface=interface, active=active)


def _interface(cmd: str, output: str, row: dict[str, Any]) -> Interface:
    name = row.get("interface")
    if not name:
        raise bad_output(cmd, output, "an interface row lacks 'interface'")
    # Physical ports use state/admin_state, SVIs svi_line_proto/svi_admin_state.
    admin = row.get("admin_state", row.get("svi_admin_state"))
    oper = row.get("state", row.get("svi_line_proto"))
    addresses = []
    for prefix in ("eth", "svi"):
        ip, mask = row.get(f"{prefix}_ip_addr"), row.get(f"{prefix}_ip_mask")
        if ip:
            addresses.append(f"{ip}/{mask}" if mask else str(ip))
    return Interface(
        name=str(name),
        admin_up=None if admin is None else str(admin).lower() == "up",
        oper_up=None if oper is None else str(oper).lower() == "up",
        addresses=addresses,
        description=row.get("desc") or row.get("svi_desc") or None,
        mtu=to_int(row.get("eth_mtu") or row.get("svi_mtu")),
        # eth_bw is in Kbit/s
        speed_mbps=(to_int(row.get("eth_bw")) or 0) // 1000 or None,
        in_errors=to_int(row.get("eth_inerr")),
        out_errors=to_int(row.get("eth_outerr")),
        in_discards=to_int(row.get("eth_indiscard")),
        out_discards=to_int(row.get("eth_outdiscard")),
    )
