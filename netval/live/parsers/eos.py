"""Arista EOS: every domain from ``| json`` output (eAPI schema, same over SSH)."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from netval.live.parsers.base import ParsedItems, ParseError
from netval.live.parsers.common import (
    DomainParser,
    as_list,
    bad_output,
    bgp_state,
    guard,
    ip_spelling,
    load_json,
    merge_sessions,
    need_dict,
    parse_asn,
    to_int,
)
from netval.protocols import normalize_protocol
from netval.state import (
    BgpPeer,
    BgpRoute,
    BgpState,
    Domain,
    Interface,
    NextHop,
    Route,
    VrrpGroup,
    VrrpRole,
)
from netval.types import WELL_KNOWN_COMMUNITIES

CMD_BGP6 = "show ipv6 bgp summary vrf all | json"


class EosParser(DomainParser):
    platform = "arista_eos"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": "show ip bgp summary vrf all | json",
        "routes": "show ip route vrf all | json",
        "vrrp": "show vrrp | json",
        "interfaces": "show interfaces | json",
        # `detail` adds the communities of every path (routeDetail)
        "bgp_routes": "show ip bgp detail vrf all | json",
    }
    # `show ip bgp summary` lists the sessions with IPv4 unicast active; those that carry
    # IPv6 unicast are in the IPv6 summary, in the same JSON shape
    extra_commands: ClassVar[dict[Domain, tuple[str, ...]]] = {"bgp": (CMD_BGP6,)}

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        # EOS reports when a session last changed state (epoch seconds), not for how
        # long; the clock turns that into an uptime and is injectable for tests.
        self._clock = clock

    def parse_command(self, domain: Domain, command: str, output: str) -> ParsedItems:
        """Parse the answer of ``command`` (the domain's own, or one of its extra ones)."""
        if command == self.commands.get(domain):
            return self.parse(domain, output)
        if command not in self.extra_commands.get(domain, ()):
            raise ParseError(f"{self.platform} does not ask `{command}` for {domain}")
        return guard(command, output, lambda: self._bgp(output, command))

    def merge(self, domain: Domain, items: ParsedItems) -> ParsedItems:
        if domain == "bgp":
            # an unnumbered (IPv6 link-local) session that carries both families is in both
            return merge_sessions(item for item in items if isinstance(item, BgpPeer))
        return items

    def _bgp(self, output: str, cmd: str | None = None) -> list[BgpPeer]:
        cmd = cmd or self.commands["bgp"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        vrfs = need_dict(cmd, output, data.get("vrfs"), "'vrfs'")
        peers: list[BgpPeer] = []
        for vrf_name, vrf in vrfs.items():
            vrf = need_dict(cmd, output, vrf, f"vrf {vrf_name!r}")
            local_as = parse_asn(vrf.get("asn"))
            for address, peer in need_dict(cmd, output, vrf.get("peers", {}), "'peers'").items():
                peers.append(self._peer(cmd, output, str(vrf_name), local_as, address, peer))
        return peers

    def _peer(
        self, cmd: str, output: str, vrf: str, local_as: int | None, address: str, peer: Any
    ) -> BgpPeer:
        if not isinstance(peer, dict) or "peerState" not in peer:
            raise bad_output(cmd, output, f"peer {address} has no 'peerState'")
        state = bgp_state(str(peer["peerState"]))
        if state is BgpState.IDLE and str(peer.get("peerStateIdleReason", "")).lower() == "admin":
            state = BgpState.ADMIN_DOWN
        uptime = None
        changed = _epoch(peer.get("upDownTime"))
        if state is BgpState.ESTABLISHED and changed is not None:
            uptime = max(0.0, self._clock() - changed)
        return BgpPeer(
            peer=address,
            vrf=vrf,
            local_as=local_as,
            remote_as=parse_asn(peer.get("asn")),
            state=state,
            prefixes_received=to_int(peer.get("prefixReceived")),
            uptime_seconds=uptime,
            description=peer.get("description") or None,
        )

    def _routes(self, output: str) -> list[Route]:
        cmd = self.commands["routes"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        vrfs = need_dict(cmd, output, data.get("vrfs"), "'vrfs'")
        routes: list[Route] = []
        for vrf_name, vrf in vrfs.items():
            vrf = need_dict(cmd, output, vrf, f"vrf {vrf_name!r}")
            table = need_dict(cmd, output, vrf.get("routes"), f"'routes' of vrf {vrf_name!r}")
            for prefix, entry in table.items():
                routes.append(_route(cmd, output, str(vrf_name), prefix, entry))
        return routes

    def _vrrp(self, output: str) -> list[VrrpGroup]:
        cmd = self.commands["vrrp"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        if not isinstance(data.get("virtualRouters"), list):
            raise bad_output(cmd, output, "'virtualRouters' is missing or not a list")
        groups: list[VrrpGroup] = []
        for router in data["virtualRouters"]:
            if not isinstance(router, dict) or to_int(router.get("groupId")) is None:
                raise bad_output(cmd, output, "a virtual router lacks a numeric 'groupId'")
            if not router.get("interface"):
                raise bad_output(cmd, output, "a virtual router lacks 'interface'")
            vips = [str(router["virtualIp"])] if router.get("virtualIp") else []
            vips += [str(ip) for ip in as_list(router.get("virtualIpSecondary"))]
            groups.append(
                VrrpGroup(
                    interface=str(router["interface"]),
                    vrid=to_int(router["groupId"]) or 0,
                    role=VrrpRole.normalize(str(router.get("state") or "")),
                    priority=to_int(router.get("priority")),
                    vips=vips,
                )
            )
        return groups

    def _bgp_routes(self, output: str) -> list[BgpRoute]:
        cmd = self.commands["bgp_routes"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        vrfs = need_dict(cmd, output, data.get("vrfs"), "'vrfs'")
        out: list[BgpRoute] = []
        for vrf_name, vrf in vrfs.items():
            vrf = need_dict(cmd, output, vrf, f"vrf {vrf_name!r}")
            entries = need_dict(cmd, output, vrf.get("bgpRouteEntries", {}), "'bgpRouteEntries'")
            for prefix, entry in entries.items():
                paths = need_dict(cmd, output, entry, f"route {prefix}").get("bgpRoutePaths")
                if not isinstance(paths, list):
                    raise bad_output(cmd, output, f"route {prefix} has no 'bgpRoutePaths' list")
                out.extend(_bgp_path(cmd, output, str(vrf_name), prefix, p) for p in paths)
        return out

    def _interfaces(self, output: str) -> list[Interface]:
        cmd = self.commands["interfaces"]
        data = need_dict(cmd, output, load_json(cmd, output), "the answer")
        table = need_dict(cmd, output, data.get("interfaces"), "'interfaces'")
        result: list[Interface] = []
        for name, intf in table.items():
            if not isinstance(intf, dict) or "lineProtocolStatus" not in intf:
                raise bad_output(cmd, output, f"interface {name} has no 'lineProtocolStatus'")
            status = str(intf.get("interfaceStatus", "")).lower()
            result.append(
                Interface(
                    name=name,
                    # "disabled" is EOS's word for shutdown; everything else is admin up.
                    admin_up=status != "disabled" if status else None,
                    oper_up=str(intf["lineProtocolStatus"]).lower() == "up",
                    addresses=_addresses(intf.get("interfaceAddress"))
                    + _addresses_v6(intf.get("interfaceAddressIp6")),
                    description=intf.get("description") or None,
                    mtu=to_int(intf.get("mtu")),
                    speed_mbps=_mbps(intf.get("bandwidth"), 1_000_000),
                    **_eos_counters(intf.get("interfaceCounters")),
                )
            )
        return result


_BGP_KINDS: dict[str, Literal["ebgp", "ibgp"]] = {"ebgp": "ebgp", "ibgp": "ibgp"}


def _bgp_path(cmd: str, output: str, vrf: str, prefix: str, path: Any) -> BgpRoute:
    path = need_dict(cmd, output, path, f"a path of {prefix}")
    detail = path.get("routeDetail")
    if not isinstance(detail, dict):
        # without `detail` EOS leaves the communities out: an empty list would be a guess
        raise bad_output(cmd, output, f"a path of {prefix} has no 'routeDetail' (not `detail`)")
    kind = need_dict(cmd, output, path.get("routeType"), f"'routeType' of a path of {prefix}")
    # releases put the peer beside the attributes or inside routeDetail; a path this
    # router originates (network, aggregate, redistributed) has none
    peer_entry = path.get("peerEntry") or detail.get("peerEntry") or {}
    peer = peer_entry.get("peerAddr") if isinstance(peer_entry, dict) else None
    local = peer in (None, "", "0.0.0.0", "::")
    origin = detail.get("origin") or kind.get("origin")
    as_path = str((path.get("asPathEntry") or {}).get("asPath") or "")
    return BgpRoute(
        prefix=prefix,
        vrf=vrf,
        peer=None if local else ip_spelling(str(peer)),
        best=bool(kind.get("active")),
        multipath=bool(kind.get("ecmp")),
        valid=bool(kind.get("valid")),
        next_hop=None if local or not path.get("nextHop") else ip_spelling(str(path["nextHop"])),
        # confederation segments print in parentheses, AS sets in braces: every AS counts
        as_path=[a for a in map(parse_asn, re.findall(r"\d+(?:\.\d+)?", as_path)) if a],
        origin=str(origin).lower() if origin else None,
        med=to_int(path.get("med")),
        local_pref=to_int(path.get("localPreference")),
        communities=[_community(c) for c in as_list(detail.get("communityList"))],
        large_communities=[str(c) for c in as_list(detail.get("largeCommunityList"))],
        extended_communities=[str(c) for c in as_list(detail.get("extCommunityList"))],
    )


def _community(raw: Any) -> str:
    """Well-known communities in the catalog's spelling (FRR's), any case on the device."""
    text = str(raw).strip()
    return WELL_KNOWN_COMMUNITIES.get(text.lower(), text)


def _epoch(value: Any) -> float | None:
    """Epoch seconds; older EOS releases print them as a string ("1452681618.167685")."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _route(cmd: str, output: str, vrf: str, prefix: str, entry: Any) -> Route:
    if not isinstance(entry, dict) or "routeType" not in entry:
        raise bad_output(cmd, output, f"route {prefix} has no 'routeType'")
    programmed = entry.get("hardwareProgrammed")
    fib = programmed if isinstance(programmed, bool) else None
    hops: list[NextHop] = []
    if entry.get("routeAction") == "drop":
        hops.append(NextHop(discard=True, fib=fib))
    for via in as_list(entry.get("vias")):
        if not isinstance(via, dict):
            continue
        # EVPN routes resolve to a VTEP instead of an adjacent next hop.
        ip = via.get("nexthopAddr") or via.get("vtepAddr") or None
        hops.append(NextHop(ip=ip, interface=via.get("interface") or None, fib=fib))
    route_type = str(entry["routeType"])
    return Route(
        prefix=prefix,
        vrf=vrf,
        protocol=normalize_protocol(route_type),
        bgp_kind=_BGP_KINDS.get(route_type.lower()),
        next_hops=hops,
        admin_distance=to_int(entry.get("preference")),
        metric=to_int(entry.get("metric")),
        fib=fib,
    )


def _addresses(raw: Any) -> list[str]:
    """``interfaceAddress`` is a list in ``show interfaces``, an object elsewhere."""
    addresses: list[str] = []
    for block in as_list(raw):
        if not isinstance(block, dict):
            continue
        ips = [block.get("primaryIp"), *as_list(block.get("secondaryIpsOrderedList"))]
        for ip in ips:
            if isinstance(ip, dict) and ip.get("address") not in (None, "0.0.0.0"):
                addresses.append(f"{ip['address']}/{ip.get('maskLen', 32)}")
    return addresses


def _addresses_v6(raw: Any) -> list[str]:
    """Global IPv6 addresses; link-local ones are left out as every port has one."""
    if not isinstance(raw, dict):
        return []
    addresses = []
    for ip in as_list(raw.get("globalUnicastIp6s")):
        if isinstance(ip, dict) and ip.get("address"):
            length = str(ip.get("subnet", "")).partition("/")[2] or "128"
            addresses.append(f"{ip['address']}/{length}")
    return addresses


def _mbps(value: Any, per_mbps: int) -> int | None:
    number = to_int(value)
    return number // per_mbps if number else None


def _eos_counters(counters: Any) -> dict[str, int | None]:
    """Loopbacks and SVIs have no interfaceCounters: their counters are unknown, not 0."""
    if not isinstance(counters, dict):
        return {}
    return {
        "in_errors": to_int(counters.get("totalInErrors")),
        "out_errors": to_int(counters.get("totalOutErrors")),
        "in_discards": to_int(counters.get("inDiscards")),
        "out_discards": to_int(counters.get("outDiscards")),
    }
