"""FRR (vtysh, scrapli platform ``cumulus_vtysh``): every command asked with ``json``."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netval.live.parsers.base import ParsedItems, ParseError
from netval.live.parsers.common import (
    bad_output,
    bgp_state,
    check_output,
    guard,
    load_json,
    need_dict,
    to_int,
)
from netval.protocols import normalize_protocol
from netval.state import (
    AdvertisedRoute,
    BfdPeer,
    BgpNeighbor,
    BgpPeer,
    BgpRoute,
    Domain,
    Interface,
    NextHop,
    OspfNeighbor,
    Route,
    VrrpGroup,
    VrrpRole,
)

# vtysh prints this instead of JSON when the daemon behind a command is not running: for
# bgpd and vrrpd that means the feature is not configured, for zebra a router that is down
_NOT_RUNNING = re.compile(r"^%?\s*(\w+d|zebra) is not running\s*$", re.M)

_OPTIONAL_DAEMONS = {"bgpd", "vrrpd", "ospfd", "bfdd"}

CMD_BGP = "show bgp vrf all summary json"
CMD_ROUTES = "show ip route vrf all json"
CMD_ROUTES6 = "show ipv6 route vrf all json"
CMD_VRRP = "show vrrp json"
CMD_INTERFACES = "show interface vrf all json"
CMD_OSPF = "show ip ospf vrf all neighbor json"
# `json detail` (FRR 8.4 and later) adds communities, MED and local-pref to every path
CMD_BGP_ROUTES = "show bgp vrf all ipv4 unicast json detail"
CMD_BGP_ROUTES6 = "show bgp vrf all ipv6 unicast json detail"
# `show bfd vrf all peers` lists nothing on FRR 8.4 (it looks for a VRF named "all"); without
# a VRF it lists the sessions of every VRF, each with its vrf
CMD_BFD = "show bfd peers json"
CMD_BGP_NEIGHBORS = "show bgp vrf all neighbors json"
# with a prefix length FRR shows that prefix exactly (`{}` when the table has none)
CMD_ROUTE_PREFIX = "show {afi} route vrf {vrf} {prefix} json"
CMD_BGP_ADVERTISED = "show bgp vrf all {afi} unicast neighbors {peer} advertised-routes json"
_ORIGIN_CODES = {"i": "igp", "e": "egp", "?": "incomplete"}


class FrrParser:
    platform = "cumulus_vtysh"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": CMD_BGP,
        "routes": CMD_ROUTES,
        "vrrp": CMD_VRRP,
        "interfaces": CMD_INTERFACES,
        "ospf": CMD_OSPF,
        "bgp_routes": CMD_BGP_ROUTES,
        "bfd": CMD_BFD,
        "bgp_neighbors": CMD_BGP_NEIGHBORS,
    }
    # IPv6 tables come from their own commands, in the same JSON shapes
    extra_commands: ClassVar[dict[Domain, tuple[str, ...]]] = {
        "routes": (CMD_ROUTES6,),
        "bgp_routes": (CMD_BGP_ROUTES6,),
    }
    peer_commands: ClassVar[dict[Domain, str]] = {"bgp_advertised": CMD_BGP_ADVERTISED}
    # scrapli's cumulus_vtysh platform does not flag these as failed commands
    failed_when_contains = [
        "% Unknown command",
        "% Command incomplete",
        "% Ambiguous command",
        "% VRF ",  # "% VRF blue not found", asked about one VRF's routes
    ]

    def merge(self, domain: Domain, items: ParsedItems) -> ParsedItems:
        # the BGP summary covers every family in one answer, and each family's table holds
        # only its own prefixes: nothing is listed twice
        return items

    def peer_command(self, domain: Domain, peer: str) -> str:
        """An IPv6 neighbor's routes are in the ipv6 unicast family; an IPv4 (or an
        interface, unnumbered) neighbor's in ipv4 unicast."""
        afi = "ipv6" if ":" in peer else "ipv4"
        return self.peer_commands[domain].format(peer=peer, afi=afi)

    def prefix_command(self, domain: Domain, vrf: str, prefix: str) -> str:
        afi = "ipv6" if ":" in prefix else "ip"
        return CMD_ROUTE_PREFIX.format(afi=afi, vrf=vrf, prefix=prefix)

    def parse_prefix(self, domain: Domain, vrf: str, prefix: str, output: str) -> ParsedItems:
        command = self.prefix_command(domain, vrf, prefix)
        if self._daemon_down(command, output):
            return []
        routes = guard(command, output, lambda: _routes(command, output))
        other = [r.prefix for r in routes if r.prefix != prefix or r.vrf != vrf]
        if other:
            raise ParseError(
                f"`{command}` answered about {', '.join(sorted(set(other)))}, not {prefix}",
                hint="the device does not match prefixes exactly; report it with its output",
            )
        return routes

    def parse_peer(self, domain: Domain, peer: str, output: str) -> ParsedItems:
        command = self.peer_command(domain, peer)
        if self._daemon_down(command, output):
            return []
        return guard(command, output, lambda: _advertised(command, peer, output))

    def parse(self, domain: Domain, output: str) -> ParsedItems:
        return self.parse_command(domain, self.commands[domain], output)

    def parse_command(self, domain: Domain, command: str, output: str) -> ParsedItems:
        """Parse the answer of ``command`` (the domain's own, or one of its extra ones)."""
        if self._daemon_down(command, output):
            return []
        if domain == "bgp":
            return guard(command, output, lambda: _bgp(command, output))
        if domain == "routes":
            return guard(command, output, lambda: _routes(command, output))
        if domain == "vrrp":
            return guard(command, output, lambda: _vrrp(command, output))
        if domain == "ospf":
            return guard(command, output, lambda: _ospf(command, output))
        if domain == "bgp_routes":
            return guard(command, output, lambda: _bgp_routes(command, output))
        if domain == "bfd":
            return guard(command, output, lambda: _bfd(command, output))
        if domain == "bgp_neighbors":
            return guard(command, output, lambda: _bgp_neighbors(command, output))
        return guard(command, output, lambda: _interfaces(command, output))

    @staticmethod
    def _daemon_down(command: str, output: str) -> bool:
        """True when the daemon behind an optional feature is not started (the device has
        no such configuration); a dead zebra is a broken router, never an empty answer."""
        daemon = _NOT_RUNNING.search(output or "")
        if not daemon or output.strip().count("\n") != 0:
            return False
        if daemon.group(1) in _OPTIONAL_DAEMONS:
            return True
        raise ParseError(
            f"`{command}`: {daemon.group(1)} is not running (FRR is down or restarting "
            "on the device)",
            hint="look at the device's FRR (`systemctl status frr`, watchfrr's log); "
            "a `within:` on the check waits for a restart",
        )


def _bgp(command: str, output: str) -> list[BgpPeer]:
    data = need_dict(command, output, load_json(command, output), "the answer")
    peers: dict[tuple[str, str], BgpPeer] = {}
    for vrf, afis in data.items():
        if not isinstance(afis, dict):
            raise bad_output(command, output, f"vrf {vrf!r} is not an object")
        for _afi, summary in afis.items():
            if not isinstance(summary, dict) or "peers" not in summary:
                continue  # e.g. "failedPeers" counters or an empty family
            for name, info in need_dict(command, output, summary["peers"], "peers").items():
                if not isinstance(info, dict) or "state" not in info:
                    raise bad_output(command, output, f"peer {name} has no state")
                key = (vrf, name)
                uptime_ms = to_int(info.get("peerUptimeMsec"))
                peer = BgpPeer(
                    peer=name,
                    vrf=vrf,
                    local_as=to_int(info.get("localAs")) or to_int(summary.get("as")),
                    remote_as=to_int(info.get("remoteAs")),
                    state=bgp_state(str(info["state"])),
                    prefixes_received=to_int(info.get("pfxRcd")),
                    prefixes_sent=to_int(info.get("pfxSnt")),
                    uptime_seconds=uptime_ms / 1000 if uptime_ms is not None else None,
                    description=info.get("desc"),
                )
                if key in peers:
                    # a peer in two families: sum what it sent, keep one session state
                    prev = peers[key]
                    if prev.prefixes_received is not None and peer.prefixes_received is not None:
                        peer.prefixes_received += prev.prefixes_received
                peers[key] = peer
    return list(peers.values())


def _route_entries(command: str, output: str, data: dict[str, Any]) -> list[Any]:
    entries: list[Any] = []
    for key, value in data.items():
        if isinstance(value, list):
            entries += value  # one VRF: prefix -> [entries]
        elif isinstance(value, dict):
            for inner in value.values():  # several VRFs: vrf -> prefix -> [entries]
                if not isinstance(inner, list):
                    raise bad_output(command, output, f"routes of {key!r} are not lists")
                entries += inner
        else:
            raise bad_output(command, output, f"{key!r} is neither a route list nor a VRF")
    return entries


def _routes(command: str, output: str) -> list[Route]:
    data = need_dict(command, output, load_json(command, output), "the answer")
    routes = []
    for entry in _route_entries(command, output, data):
        if not isinstance(entry, dict) or "prefix" not in entry or "protocol" not in entry:
            raise bad_output(command, output, "a route lacks prefix or protocol")
        hops = []
        via: list[str] = []
        for nh in entry.get("nexthops") or []:
            if nh.get("recursive"):
                # FRR lists the protocol's next hop, then the hops it resolves to (resolver)
                if nh.get("ip"):
                    via.append(str(nh["ip"]))
                continue
            hops.append(
                NextHop(
                    ip=nh.get("ip"),
                    interface=nh.get("interfaceName"),
                    discard=bool(nh.get("unreachable") or nh.get("blackhole")),
                    active=bool(nh.get("active", False)),
                    fib=bool(nh.get("fib", False)),
                )
            )
        routes.append(
            Route(
                prefix=str(entry["prefix"]),
                vrf=str(entry.get("vrfName", "default")),
                protocol=normalize_protocol(str(entry["protocol"])),
                next_hops=hops,
                protocol_next_hops=sorted(set(via)),
                admin_distance=to_int(entry.get("distance")),
                metric=to_int(entry.get("metric")),
                selected=bool(entry.get("selected", False)),
                fib=bool(entry.get("installed", False)),
            )
        )
    return routes


def _vrrp(command: str, output: str) -> list[VrrpGroup]:
    check_output(command, output)
    data = load_json(command, output)
    if not isinstance(data, list):
        raise bad_output(command, output, "expected a list of VRRP groups")
    groups = []
    for group in data:
        if not isinstance(group, dict) or "vrid" not in group or "interface" not in group:
            raise bad_output(command, output, "a VRRP group lacks vrid or interface")
        for family in ("v4", "v6"):
            info = group.get(family) or {}
            if not info.get("addresses"):
                continue  # FRR reports both families; one without VIPs is not in use
            groups.append(
                VrrpGroup(
                    interface=str(group["interface"]),
                    vrid=int(group["vrid"]),
                    role=VrrpRole.normalize(str(info.get("status"))),
                    priority=to_int(info.get("effectivePriority")) or to_int(group.get("priority")),
                    vips=[str(a) for a in info["addresses"]],
                )
            )
    return groups


def _interfaces(command: str, output: str) -> list[Interface]:
    data = need_dict(command, output, load_json(command, output), "the answer")
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(value, dict):
            raise bad_output(command, output, f"interface {key!r} is not an object")
        if "administrativeStatus" in value or "operationalStatus" in value:
            flat[key] = value
        else:  # several VRFs: vrf -> interface -> details
            flat.update(value)
    out = []
    for name, info in flat.items():
        if not isinstance(info, dict) or "administrativeStatus" not in info:
            raise bad_output(command, output, f"interface {name!r} has no administrative status")
        out.append(
            Interface(
                name=name,
                admin_up=info.get("administrativeStatus") == "up",
                # FRR leaves operationalStatus out when the interface is admin down
                oper_up=info.get("operationalStatus") == "up",
                addresses=[
                    str(a["address"]) for a in info.get("ipAddresses") or [] if "address" in a
                ],
                description=info.get("description"),
                mtu=to_int(info.get("mtu")),
                speed_mbps=_speed(info.get("speed")),
            )
        )
    return out


def _speed(value: Any) -> int | None:
    """zebra's speed in Mb/s; 0 (loopback, no carrier) and UINT32_MAX mean unknown."""
    speed = to_int(value)
    return speed if speed and speed < 2**31 else None


PARSER = FrrParser()


def _ospf(command: str, output: str) -> list[OspfNeighbor]:
    """Either shape FRR prints: {"neighbors": ...} (one VRF) or {vrf: {"neighbors": ...}}."""
    data = need_dict(command, output, load_json(command, output), "the answer")
    per_vrf = (
        {"default": data}
        if "neighbors" in data
        else {vrf: v for vrf, v in data.items() if isinstance(v, dict)}
    )
    out: list[OspfNeighbor] = []
    for vrf, info in per_vrf.items():
        neighbors = need_dict(command, output, info.get("neighbors", {}), "neighbors")
        for router_id, sessions in neighbors.items():
            if not isinstance(sessions, list):
                raise bad_output(command, output, f"neighbor {router_id} is not a list")
            for session in sessions:
                raw = str(session.get("nbrState") or session.get("state") or "")
                if not raw:
                    raise bad_output(command, output, f"neighbor {router_id} has no state")
                # "Full/DR", "2-Way/DROther", "Full/-" (point-to-point)
                state, _, role = raw.partition("/")
                iface = str(session.get("ifaceName") or "").split(":")[0] or None
                out.append(
                    OspfNeighbor(
                        router_id=router_id,
                        vrf=str(info.get("vrfName") or vrf),
                        address=session.get("ifaceAddress") or session.get("address"),
                        interface=iface,
                        state=state.strip().lower(),
                        role=role.strip() if role.strip() not in ("", "-") else None,
                    )
                )
    return out


def _bgp_tables(command: str, output: str, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """vrf -> table: FRR prints one VRF's table bare, several as {vrf: table}."""
    if "routes" in data:
        return {str(data.get("vrfName") or "default"): data}
    tables = {}
    for vrf, table in data.items():
        if not isinstance(table, dict) or "routes" not in table:
            raise bad_output(command, output, f"vrf {vrf!r} has no routes")
        tables[str(table.get("vrfName") or vrf)] = table
    return tables


def _bgp_routes(command: str, output: str) -> list[BgpRoute]:
    data = need_dict(command, output, load_json(command, output), "the answer")
    out: list[BgpRoute] = []
    for vrf, table in _bgp_tables(command, output, data).items():
        default_lp = to_int(table.get("defaultLocPrf"))
        routes = need_dict(command, output, table["routes"], "routes")
        for prefix, entries in routes.items():
            if not isinstance(entries, list):
                raise bad_output(command, output, f"{prefix} is not a list of paths")
            # `detail` puts the prefix's own facts first, then one object per path
            for path in (e for e in entries if isinstance(e, dict) and "peer" in e):
                peer = str((path.get("peer") or {}).get("peerId") or "")
                local = bool(path.get("local") or path.get("sourced")) or peer in ("", "0.0.0.0")
                segments = (path.get("aspath") or {}).get("segments") or []
                as_path = [
                    int(asn)
                    for seg in segments
                    if isinstance(seg, dict)
                    for asn in seg.get("list") or []
                ]
                hops = [h.get("ip") for h in path.get("nexthops") or [] if h.get("ip")]
                lp = to_int(path.get("locPrf"))
                out.append(
                    BgpRoute(
                        prefix=str(prefix),
                        vrf=vrf,
                        peer=None if local else peer,
                        best=bool((path.get("bestpath") or {}).get("overall")),
                        multipath=bool(path.get("multipath")),
                        valid=bool(path.get("valid", False)),
                        next_hop=None if local else (hops[0] if hops else None),
                        as_path=as_path,
                        origin=str(path["origin"]).lower() if path.get("origin") else None,
                        med=to_int(path.get("metric")),
                        # FRR prints locPrf only when it differs from the table's default
                        local_pref=lp if lp is not None else (None if local else default_lp),
                        communities=str((path.get("community") or {}).get("string", "")).split(),
                        large_communities=str(
                            (path.get("largeCommunity") or {}).get("string", "")
                        ).split(),
                        extended_communities=str(
                            (path.get("extendedCommunity") or {}).get("string", "")
                        ).split(),
                    )
                )
    return out


def _bfd(command: str, output: str) -> list[BfdPeer]:
    check_output(command, output)
    data = load_json(command, output)
    if not isinstance(data, list):
        raise bad_output(command, output, "expected a list of BFD sessions")
    out = []
    for session in data:
        if not isinstance(session, dict) or "peer" not in session or "status" not in session:
            raise bad_output(command, output, "a BFD session lacks peer or status")
        out.append(
            BfdPeer(
                peer=str(session["peer"]),
                vrf=str(session.get("vrf") or "default"),
                local=session.get("local"),
                interface=session.get("interface"),
                multihop=bool(session.get("multihop", False)),
                status=str(session["status"]).lower(),
                diagnostic=session.get("diagnostic"),
                detect_multiplier=to_int(session.get("detect-multiplier")),
                receive_interval_ms=to_int(session.get("receive-interval")),
                transmit_interval_ms=to_int(session.get("transmit-interval")),
            )
        )
    return out


def _bgp_neighbors(command: str, output: str) -> list[BgpNeighbor]:
    """{vrf: {neighbor: details, "vrfId": ..}}; one VRF may come bare, {neighbor: details}."""
    data = need_dict(command, output, load_json(command, output), "the answer")
    bare = any(isinstance(v, dict) and "bgpState" in v for v in data.values())
    per_vrf = {"default": data} if bare else data
    out = []
    for vrf, neighbors in per_vrf.items():
        if not isinstance(neighbors, dict):
            raise bad_output(command, output, f"vrf {vrf!r} is not an object")
        name = str(neighbors.get("vrfName") or vrf)
        for peer, info in neighbors.items():
            if not isinstance(info, dict):
                continue  # vrfId, vrfName
            if "bgpState" not in info:
                raise bad_output(command, output, f"neighbor {peer} has no bgpState")
            bfd = info.get("peerBfdInfo")
            out.append(
                BgpNeighbor(
                    peer=str(peer),
                    vrf=name,
                    state=bgp_state(str(info["bgpState"])),
                    bfd=str(bfd.get("status") or "unknown").lower()
                    if isinstance(bfd, dict)
                    else None,
                )
            )
    return out


def _advertised(command: str, peer: str, output: str) -> list[AdvertisedRoute]:
    data = need_dict(command, output, load_json(command, output), "the answer")
    if "warning" in data and len(data) == 1:
        raise bad_output(command, output, f"FRR says: {data['warning']}")
    # a session that is down gets only {"advertisedRoutes": {}, "totalPrefixCounter": 0}
    marks = ("bgpTableVersion", "advertisedRoutes")
    tables = {"default": data} if any(m in data for m in marks) else data
    out = []
    for vrf, table in tables.items():
        if not isinstance(table, dict) or not any(m in table for m in marks):
            raise bad_output(command, output, f"vrf {vrf!r} is not an advertised-routes table")
        # a peer that is sent nothing gets the table's header without routes
        routes = need_dict(command, output, table.get("advertisedRoutes", {}), "advertisedRoutes")
        for prefix, route in routes.items():
            if not isinstance(route, dict):
                raise bad_output(command, output, f"{prefix} is not an object")
            hop = route.get("nextHop", route.get("nextHopGlobal"))
            out.append(
                AdvertisedRoute(
                    peer=peer,
                    vrf=str(table.get("vrfName") or vrf),
                    prefix=str(route.get("network") or prefix),
                    # FRR prints the unspecified address for "this router, when it sends"
                    next_hop=None if hop in (None, "0.0.0.0", "::") else str(hop),
                    as_path=[int(a) for a in re.findall(r"\d+", str(route.get("path") or ""))],
                    origin=_ORIGIN_CODES.get(str(route.get("bgpOriginCode"))),
                    med=to_int(route.get("metric")),
                    local_pref=to_int(route.get("locPrf")),
                )
            )
    return out
