"""Juniper Junos: ``| display json`` output.

Junos JSON is XML in disguise: every leaf is ``[{"data": value, "attributes": {...}}]``
and the answer is followed by the routing-engine banner (``{master:0}``). VRRP is not
offered: no public ``show vrrp | display json`` capture was found to build it on.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from netval.live.parsers.common import (
    DomainParser,
    as_list,
    bad_output,
    bgp_state,
    load_json,
    need_dict,
    parse_asn,
    parse_uptime,
    to_int,
)
from netval.protocols import normalize_protocol
from netval.state import BgpPeer, BgpState, Domain, Interface, NextHop, Route

# "{master:0}", "{backup}", "{primary:node0}" lines printed after the answer.
_BANNER = re.compile(r"(?:\s*\{[\w-]+(?::[\w-]+)?\}\s*)+$")
# Forwarding tables of the master instance and of VRFs; inet.3, mpls.0, bgp.l3vpn.0
# and friends are resolution or NLRI tables, not where packets are forwarded.
_TABLE = re.compile(r"(?:(?P<vrf>.+)\.)?inet6?\.0")


def _leaf(node: Any, key: str) -> Any:
    """The first leaf value of ``node[key]``, or None."""
    if not isinstance(node, dict):
        return None
    items = as_list(node.get(key))
    if not items or not isinstance(items[0], dict):
        return None
    return items[0].get("data")


def _text(node: Any, key: str) -> str | None:
    value = _leaf(node, key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _seconds(node: Any, key: str) -> float | None:
    items = as_list(node.get(key)) if isinstance(node, dict) else []
    if items and isinstance(items[0], dict):
        attrs = items[0].get("attributes")
        if isinstance(attrs, dict) and "junos:seconds" in attrs:
            return parse_uptime(attrs["junos:seconds"])
    return parse_uptime(_text(node, key))


def _children(node: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(node, dict):
        return []
    return [child for child in as_list(node.get(key)) if isinstance(child, dict)]


class JunosParser(DomainParser):
    platform = "juniper_junos"
    commands: ClassVar[dict[Domain, str]] = {
        "bgp": "show bgp neighbor | display json",
        "routes": "show route | display json",
        "interfaces": "show interfaces | display json",
    }

    def _root(self, domain: Domain, output: str, key: str) -> dict[str, Any]:
        cmd = self.commands[domain]
        data = need_dict(cmd, output, load_json(cmd, output, trailer=_BANNER), "the answer")
        # Junos wraps every element in a list; anything else is not Junos JSON.
        roots = data.get(key)
        if not isinstance(roots, list) or not roots or not isinstance(roots[0], dict):
            raise bad_output(cmd, output, f"no '{key}' list")
        return roots[0]

    def _bgp(self, output: str) -> list[BgpPeer]:
        cmd = self.commands["bgp"]
        root = self._root("bgp", output, "bgp-information")
        return [_peer(cmd, output, peer) for peer in _children(root, "bgp-peer")]

    def _routes(self, output: str) -> list[Route]:
        cmd = self.commands["routes"]
        root = self._root("routes", output, "route-information")
        tables = _children(root, "route-table")
        if not tables:
            # Even a box with no routes of its own answers with its inet.0 table.
            raise bad_output(cmd, output, "no 'route-table'")
        routes: list[Route] = []
        for table in tables:
            name = _text(table, "table-name")
            if name is None:
                raise bad_output(cmd, output, "a route table has no 'table-name'")
            match = _TABLE.fullmatch(name)
            vrf = match.group("vrf") if match else None
            if match is None or (vrf or "").startswith("__"):
                continue  # Junos-internal or non-forwarding table
            for rt in _children(table, "rt"):
                routes.extend(_entries(cmd, output, vrf or "default", rt))
        return routes

    def _interfaces(self, output: str) -> list[Interface]:
        cmd = self.commands["interfaces"]
        root = self._root("interfaces", output, "interface-information")
        physicals = _children(root, "physical-interface")
        if not physicals:
            raise bad_output(cmd, output, "no 'physical-interface'")
        result: list[Interface] = []
        for phys in physicals:
            name = _text(phys, "name")
            if name is None:
                raise bad_output(cmd, output, "an interface has no 'name'")
            admin, oper = _up(phys, "admin-status"), _up(phys, "oper-status")
            result.append(
                Interface(
                    name=name,
                    admin_up=admin,
                    oper_up=oper,
                    addresses=_addresses(phys),
                    description=_text(phys, "description"),
                )
            )
            result.extend(
                _logical(cmd, output, log, admin) for log in _children(phys, "logical-interface")
            )
        return result


def _peer(cmd: str, output: str, peer: dict[str, Any]) -> BgpPeer:
    address, raw_state = _text(peer, "peer-address"), _text(peer, "peer-state")
    if address is None or raw_state is None:
        raise bad_output(cmd, output, "a bgp-peer lacks 'peer-address' or 'peer-state'")
    state = bgp_state(raw_state)
    instance = _text(peer, "peer-cfg-rti") or "master"
    local = _text(peer, "local-address")
    ribs = _children(peer, "bgp-rib")
    # bgp.l3vpn.0 and friends hold the VPN copies of routes also counted in the VRF
    # tables they are imported into; count them only when nothing else is there.
    counted = [rib for rib in ribs if not (_text(rib, "name") or "").startswith("bgp.")] or ribs
    counts = [to_int(_leaf(rib, "received-prefix-count")) for rib in counted]
    known = [count for count in counts if count is not None]
    return BgpPeer(
        peer=address.split("+")[0],
        vrf="default" if instance == "master" else instance,
        local_as=parse_asn(_text(peer, "local-as")),
        remote_as=parse_asn(_text(peer, "peer-as")),
        local_ip=local.split("+")[0] if local else None,
        state=state,
        prefixes_received=sum(known) if known else None,
        # elapsed-time counts from the last state change: an uptime only when up.
        uptime_seconds=_seconds(peer, "elapsed-time") if state is BgpState.ESTABLISHED else None,
        description=_text(peer, "description"),
    )


def _entries(cmd: str, output: str, vrf: str, rt: dict[str, Any]) -> list[Route]:
    prefix = _text(rt, "rt-destination")
    if prefix is None:
        raise bad_output(cmd, output, "a route lacks 'rt-destination'")
    if "/" not in prefix and _text(rt, "rt-prefix-length"):
        prefix = f"{prefix}/{_text(rt, 'rt-prefix-length')}"
    routes = []
    for entry in _children(rt, "rt-entry"):
        protocol = _text(entry, "protocol-name")
        if protocol is None:
            raise bad_output(cmd, output, f"a route entry of {prefix} lacks 'protocol-name'")
        tag = _text(entry, "active-tag") or ""
        selected = "*" in tag or "+" in tag
        routes.append(
            Route(
                prefix=prefix,
                vrf=vrf,
                protocol=normalize_protocol(protocol),
                next_hops=_hops(entry, selected),
                admin_distance=to_int(_leaf(entry, "preference")),
                metric=to_int(_leaf(entry, "metric") or _leaf(entry, "med")),
                selected=selected,
            )
        )
    return routes


def _hops(entry: dict[str, Any], selected: bool) -> list[NextHop]:
    hops: list[NextHop] = []
    if (_text(entry, "nh-type") or "").lower() in ("discard", "reject"):
        hops.append(NextHop(discard=True, active=selected))
    nhs = _children(entry, "nh")
    # ">" (selected-next-hop) marks what is installed for forwarding; entries without
    # any mark (local, inactive routes) take the route's own selection.
    marked = any("selected-next-hop" in nh for nh in nhs)
    for nh in nhs:
        chosen = "selected-next-hop" in nh if marked else selected
        hops.append(
            NextHop(
                ip=_text(nh, "to"),
                interface=_text(nh, "via") or _text(nh, "nh-local-interface"),
                active=chosen,
                fib=chosen if marked else None,
            )
        )
    return hops


def _up(node: dict[str, Any], key: str) -> bool | None:
    value = _text(node, key)
    return None if value is None else value.lower() == "up"


def _logical(cmd: str, output: str, log: dict[str, Any], parent_admin: bool | None) -> Interface:
    name = _text(log, "name")
    if name is None:
        raise bad_output(cmd, output, "a logical interface has no 'name'")
    # `show interfaces terse` carries admin/oper status per unit; the full form only
    # flags a unit that is up (iff-up) and inherits the port's admin state.
    admin = _up(log, "admin-status")
    oper = _up(log, "oper-status")
    if oper is None:
        flags = _children(log, "if-config-flags")
        oper = bool(flags) and "iff-up" in flags[0]
    return Interface(
        name=name,
        admin_up=parent_admin if admin is None else admin,
        oper_up=oper,
        addresses=_addresses(log),
        description=_text(log, "description"),
    )


def _addresses(node: dict[str, Any]) -> list[str]:
    addresses = []
    for family in _children(node, "address-family"):
        if _text(family, "address-family-name") not in ("inet", "inet6"):
            continue
        for ifa in _children(family, "interface-address"):
            local = _text(ifa, "ifa-local")
            if local is None:
                continue
            if "/" not in local:
                subnet = _text(ifa, "ifa-destination") or ""
                # No destination subnet means a host address (loopbacks).
                length = (
                    subnet.split("/")[1] if "/" in subnet else ("128" if ":" in local else "32")
                )
                local = f"{local}/{length}"
            addresses.append(local)
    return addresses
