"""IOS-family BGP reading and the table of long-tail definitions and references.

The names (structure types, usage contexts) are Batfish's, so that rows of
undefinedReferences / unusedStructures line up with Batfish's answers on the same configs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netval.static.builtin.vendors.common.syntax import Line

if TYPE_CHECKING:
    from netval.static.builtin.vendors.cisco_ios.parse import CiscoParser, Stanza

V4 = ("standard ipv4 access-list", "extended ipv4 access-list")
V6 = ("standard ipv6 access-list", "extended ipv6 access-list")
V46 = (*V4, *V6)
ACL = (*V46, "mac acl")

_TOP = frozenset(
    [
        "aaa",
        "access-list",
        "alias",
        "archive",
        "arp",
        "banner",
        "bfd",
        "bfd-template",
        "boot",
        "bridge",
        "cable",
        "call",
        "callhome",
        "cdp",
        "class-map",
        "clock",
        "config-register",
        "control-plane",
        "controller",
        "crypto",
        "default",
        "depi-tunnel",
        "dial-peer",
        "docsis-policy",
        "docsis-policy-rule",
        "dot1x",
        "enable",
        "end",
        "errdisable",
        "event",
        "exception",
        "feature",
        "file",
        "flow",
        "hostname",
        "hw-module",
        "interface",
        "ip",
        "ipv4",
        "ipv6",
        "isdn",
        "key",
        "l2tp-class",
        "l2vpn",
        "license",
        "line",
        "lldp",
        "logging",
        "mac",
        "management",
        "mls",
        "monitor",
        "mpls",
        "multilink",
        "netconf",
        "no",
        "ntp",
        "object",
        "object-group",
        "parameter-map",
        "password",
        "platform",
        "policy-map",
        "port-channel",
        "power",
        "prefix-list",
        "privilege",
        "process-max-time",
        "qos",
        "radius",
        "radius-server",
        "redundancy",
        "rmon",
        "route-map",
        "router",
        "sccp",
        "scheduler",
        "service",
        "service-template",
        "snmp",
        "snmp-server",
        "spanning-tree",
        "ssh",
        "stcapp",
        "subscriber",
        "switch",
        "system",
        "table-map",
        "tacacs",
        "tacacs-server",
        "telephony-service",
        "template",
        "tftp-server",
        "track",
        "transceiver",
        "udld",
        "username",
        "version",
        "virtual-service",
        "vlan",
        "voice",
        "voice-card",
        "vpdn",
        "vrf",
        "vtp",
        "wsma",
        "zone",
        "zone-pair",
        "daemon",
        "queue-monitor",
        "transceiver",
        "vrrp",
        "dhcp",
        "load-interval",
        "management-interface",
        "tap",
        "tcp",
        "trunk-group",
        "mlag",
        "peer-filter",
        "agent",
        "ptp",
        "sflow",
        "event-handler",
        "ethernet",
        "system-mac-address",
        "vxlan",
        "role",
        "exit",
        "end-policy",
        "xconnect",
        "card",
        "source-interface",
        "domain",
        "domain-name",
        "name-server",
        "switchport",
        "cops",
        "bba-group",
        "pseudowire-class",
        "policer",
        "mab",
        "authentication",
        "identity",
        "epm",
        "device-tracking",
        "access-session",
        "dns",
        "boot-start-marker",
        "boot-end-marker",
        "diagnostic",
        "fabric",
        "license",
        "macro",
        "media-type",
        "webvpn",
        "group-policy",
        "tunnel-group",
        "username-attributes",
        "http",
        "https",
        "nat",
        "object",
        "ipsla",
        "sla",
        "port",
        "pim",
    ]
)


def known_top(words: list[str]) -> bool:
    return words[0] in _TOP or words[0].startswith("!")


@dataclass(frozen=True)
class Rule:
    """A reference found by a regular expression on a line inside (or heading) a stanza."""

    stanza: re.Pattern[str]
    line: re.Pattern[str]
    stype: str
    context: str
    satisfied: tuple[str, ...] = ()
    where: str = "body"  # body | head
    iface: bool = False


def _r(
    stanza: str,
    line: str,
    stype: str,
    context: str,
    satisfied: tuple[str, ...] = (),
    where: str = "body",
    iface: bool = False,
) -> Rule:
    return Rule(re.compile(stanza), re.compile(line), stype, context, satisfied, where, iface)


RULES: tuple[Rule, ...] = (
    # interfaces
    _r(
        r"^interface ",
        r"^ip access-group (?P<n>\S+) in$",
        "ipv4 acl",
        "interface incoming ip access-list",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ip access-group (?P<n>\S+) out$",
        "ipv4 acl",
        "interface outgoing ip access-list",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ipv4 access-group (?P<n>\S+) ingress",
        "ipv4 acl",
        "interface incoming ip access-list",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ipv4 access-group (?P<n>\S+) egress",
        "ipv4 acl",
        "interface outgoing ip access-list",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ip verify unicast .*\s(?P<n>\d+)$",
        "ipv4 acl",
        "interface ip verify access-list",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ip igmp access-group (?P<n>\S+)",
        "ipv4/6 acl",
        "interface igmp access-group acl",
        V46,
    ),
    _r(
        r"^interface ",
        r"^ip igmp .*host-proxy access-list (?P<n>\S+)",
        "ipv4/6 acl",
        "interface igmp host-proxy access-list",
        V46,
    ),
    _r(
        r"^interface ",
        r"^service-policy (?:type \S+ )?(?:(?:input|output|subscriber) )?(?P<n>\S+)$",
        "policy-map",
        "interface service-policy",
    ),
    _r(
        r"^interface ",
        r"^zone-member security (?P<n>\S+)",
        "zone security",
        "interface zone-member security",
        ("zone",),
    ),
    _r(r"^interface ", r"^ip vrf sitemap (?P<n>\S+)", "route-map", "interface ip vrf sitemap"),
    _r(
        r"^interface ",
        r"^ip summary-address eigrp .* leak-map (?P<n>\S+)",
        "route-map",
        "interface summary-address eigrp leak-map",
    ),
    _r(r"^interface ", r"^standby \d+ track (?P<n>\S+)", "track", "interface standby track"),
    _r(r"^interface ", r"^ip policy route-map (?P<n>\S+)", "route-map", "interface ip policy"),
    _r(r"^interface ", r"^ip nat .*pool (?P<n>\S+)", "nat pool", "ip nat pool"),
    # routing processes
    _r(
        r"^router eigrp",
        r"^(?:no )?passive-interface (?P<n>(?!default)\S+)$",
        "interface",
        "eigrp passive-interface",
        iface=True,
    ),
    _r(
        r"^router eigrp",
        r"^redistribute (?P<p>\S+)\b.*\broute-map (?P<n>\S+)",
        "route-map",
        "eigrp redistribute {p} route-map",
    ),
    _r(
        r"^router isis",
        r"^redistribute (?P<p>(?!eigrp)\S+)\b.*\broute-map (?P<n>\S+)",
        "route-map",
        "isis redistribute {p} route-map",
    ),
    _r(
        r"^router ospf(?!v3)",
        r"^redistribute (?P<p>\S+)\b.*\broute-map (?P<n>\S+)",
        "route-map",
        "ospf redistribute {p} route-map",
    ),
    _r(
        r"^router ospf",
        r"^default-information originate.*\broute-map (?P<n>\S+)",
        "route-map",
        "ospf default-originate route-map",
    ),
    _r(
        r"^router ospf",
        r"^distribute-list prefix (?P<n>\S+) in",
        "ipv4 prefix-list",
        "router ospf distribute-list prefix in",
    ),
    _r(
        r"^router ospf",
        r"^distribute-list prefix (?P<n>\S+) out",
        "ipv4 prefix-list",
        "router ospf distribute-list prefix out",
    ),
    _r(
        r"^router ospf",
        r"^distribute-list route-map (?P<n>\S+) in",
        "route-map",
        "router ospf distribute-list route-map in",
    ),
    _r(
        r"^router ospf",
        r"^distribute-list route-map (?P<n>\S+) out",
        "route-map",
        "router ospf distribute-list route-map out",
    ),
    _r(
        r"^router ospf",
        r"^distribute-list (?!prefix|route-map)(?P<n>\S+) in",
        "ipv4/6 acl",
        "router ospf distribute-list in",
        V46,
    ),
    _r(
        r"^router ospf",
        r"^distribute-list (?!prefix|route-map)(?P<n>\S+) out",
        "ipv4/6 acl",
        "router ospf distribute-list out",
        V46,
    ),
    _r(
        r"^ipv6 router ospf",
        r"^distribute-list prefix-list (?P<n>\S+) in",
        "ipv6 prefix-list",
        "ipv6 router ospf distribute-list prefix-list in",
    ),
    _r(
        r"^ipv6 router ospf",
        r"^distribute-list prefix-list (?P<n>\S+) out",
        "ipv6 prefix-list",
        "ipv6 router ospf distribute-list prefix-list out",
    ),
    _r(
        r"^router rip",
        r"^distribute-list (?P<n>\S+) (?:in|out)",
        "ipv4/6 acl",
        "router rip distribute-list",
        V46,
    ),
    # management plane
    _r(r"^line ", r"^access-class (?P<n>\S+) (?:in|out)", "ipv4 acl", "line access-class list", V4),
    _r(
        r"^line ",
        r"^ipv6 access-class (?P<n>\S+) (?:in|out)",
        "ipv6 acl",
        "line access-class ipv6 list",
        V6,
    ),
    _r(
        r"^ntp ",
        r"^ntp access-group (?:peer|serve|serve-only|query-only) (?P<n>\S+)",
        "ipv4 acl",
        "ntp access-group",
        V4,
        where="head",
    ),
    _r(
        r"^ntp ",
        r"^ntp source(?:-interface)? (?P<n>\S+)",
        "interface",
        "ntp source-interface",
        where="head",
        iface=True,
    ),
    _r(
        r"^(?:ip )?domain",
        r"^(?:ip )?domain[ -]lookup .*source-interface (?P<n>\S+)",
        "interface",
        "domain lookup source-interface",
        where="head",
        iface=True,
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server source-interface (?:\S+ )?(?P<n>\S+)$",
        "interface",
        "snmp-server source-interface",
        where="head",
        iface=True,
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server file-transfer access-group (?P<n>\S+)",
        "ipv4/6 acl",
        "snmp server file transfer acl",
        V46,
        where="head",
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server tftp-server-list (?P<n>\S+)",
        "ipv4/6 acl",
        "snmp server tftp-server list",
        V46,
        where="head",
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server group \S+ v3 .*\baccess (?P<n>(?!ipv6)\S+)",
        "ipv4 acl",
        "snmp-server group v3 access",
        V4,
        where="head",
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server group \S+ v3 .*\baccess ipv6 (?P<n>\S+)",
        "ipv6 acl",
        "snmp-server group v3 access ipv6",
        V6,
        where="head",
    ),
    _r(
        r"^snmp-server ",
        r"^snmp-server community \S+ .*\buse-acl (?P<n>\S+)",
        "ipv4 acl",
        "snmp server community ipv4 acl",
        V4,
        where="head",
    ),
    _r(
        r"^ip pim ",
        r"^ip pim rp-address \S+ (?:access-list |route-map )?(?P<n>(?!override|bidir)\S+)",
        "ipv4 acl",
        "pim rp-address",
        V4,
        where="head",
    ),
    _r(
        r"^ip pim ",
        r"^ip pim ssm range (?P<n>\S+)",
        "standard ipv4 access-list",
        "ip pim ssm range",
        where="head",
    ),
    _r(
        r"^ip wccp ",
        r"\bredirect-list (?P<n>\S+)",
        "ipv4/6 acl",
        "ip wccp redirect-list",
        V46,
        where="head",
    ),
    _r(
        r"^ip wccp ",
        r"\bgroup-list (?P<n>\S+)",
        "ipv4/6 acl",
        "ip wccp group-list",
        V46,
        where="head",
    ),
    _r(
        r"^ip local policy",
        r"^ip local policy route-map (?P<n>\S+)",
        "route-map",
        "ip local policy route-map",
        where="head",
    ),
    _r(
        r"^ipv6 local policy",
        r"^ipv6 local policy route-map (?P<n>\S+)",
        "route-map",
        "ipv6 local policy route-map",
        where="head",
    ),
    _r(
        r"^cops ",
        r"^cops listener access-list (?P<n>\S+)",
        "ipv4/6 acl",
        "cops listener access-list",
        V46,
        where="head",
    ),
    _r(
        r"^control-plane",
        r"^service-policy input (?P<n>\S+)",
        "policy-map",
        "control-plane service-policy input",
    ),
    _r(
        r"^control-plane",
        r"^service-policy output (?P<n>\S+)",
        "policy-map",
        "control-plane service-policy output",
    ),
    _r(
        r"^system ",
        r"^service-policy (?:type \S+ )?(?:(?:input|output) )?(?P<n>\S+)$",
        "policy-map",
        "system service-policy",
    ),
    _r(
        r"^track ",
        r"^track \d+ interface (?P<n>\S+)",
        "interface",
        "track interface",
        where="head",
        iface=True,
    ),
    _r(
        r"^aaa ",
        r"^aaa accounting .*\bgroup (?P<n>(?!(?:tacacs\+|radius|ldap|local)(?:\s|$))\S+)$",
        "aaa server group",
        "aaa accounting group",
        ("aaa server group tacacs+", "aaa server group radius"),
        where="head",
    ),
    _r(
        r"^aaa ",
        r"^aaa authorization .*\bgroup (?P<n>(?!(?:tacacs\+|radius|ldap|local)(?:\s|$))\S+)",
        "aaa server group",
        "aaa authorization group",
        ("aaa server group tacacs+", "aaa server group radius"),
        where="head",
    ),
    _r(
        r"^aaa ",
        r"^aaa authentication .*\bgroup (?P<n>(?!(?:tacacs\+|radius|ldap|local)(?:\s|$))\S+)",
        "aaa server group",
        "aaa authentication group",
        ("aaa server group tacacs+", "aaa server group radius"),
        where="head",
    ),
    # QoS
    _r(
        r"^class-map ",
        r"^(?:\d+ )?match (?:ip )?access-group (?:name )?(?P<n>\S+)$",
        "acl",
        "class-map access-group",
        ACL,
    ),
    _r(
        r"^class-map ",
        r"^(?:\d+ )?match access-list (?P<n>\S+)$",
        "acl",
        "class-map access-list",
        ACL,
    ),
    _r(
        r"^class-map ",
        r"^match activated-service-template (?P<n>\S+)",
        "service-template",
        "class-map activate-service-template",
    ),
    _r(
        r"^class-map ",
        r"^match service-template (?P<n>\S+)",
        "service-template",
        "class-map service-template",
    ),
    _r(
        r"^policy-map type inspect",
        r"^class type inspect (?P<n>\S+)",
        "class-map type inspect",
        "policy-map type inspect class type inspect",
    ),
    _r(
        r"^policy-map (?!type inspect|type control )",
        r"^(?:\d+ )?class (?:type \S+ )?(?P<n>(?!class-default$)\S+)$",
        "class-map",
        "policy-map class",
    ),
    _r(
        r"^policy-map type control ",
        r"^\d+ class (?P<n>(?!always\b)\S+)",
        "class-map",
        "policy-map event class",
    ),
    _r(
        r"^policy-map type control ",
        r"^\d+ activate service-template (?P<n>\S+)",
        "service-template",
        "policy-map event class activate",
    ),
    _r(
        r"^policy-map ",
        r"^service-policy (?P<n>\S+)$",
        "policy-map",
        "policy-map class service-policy",
    ),
    _r(
        r"^zone-pair ",
        r"^service-policy type inspect (?P<n>\S+)",
        "policy-map type inspect",
        "zone-pair service-policy type inspect",
    ),
    # crypto
    _r(
        r"^crypto dynamic-map \S+ \d+\s*$",
        r"^set transform-set (?P<ns>.+)$",
        "crypto ipsec transform-set",
        "crypto dynamic-map transform-set",
    ),
    _r(
        r"^crypto map \S+ \d+ ipsec-isakmp\s*$",
        r"^match address (?P<n>\S+)",
        "ipv4/6 acl",
        "crypto map ipsec-isakmp acl",
        V46,
    ),
    _r(
        r"^crypto map \S+ \d+ ipsec-isakmp\s*$",
        r"^set transform-set (?P<ns>.+)$",
        "crypto ipsec transform-set",
        "crypto map ipsec-isakmp transform-set",
    ),
    _r(
        r"^crypto map \S+ \d+ ipsec-isakmp\s*$",
        r"^set isakmp-profile (?P<n>\S+)",
        "crypto isakmp profile",
        "crypto map ipsec-isakmp isakmp-profile",
    ),
    _r(
        r"^crypto map ",
        r"^crypto map \S+ \d+ ipsec-isakmp dynamic (?P<n>\S+)",
        "crypto-dynamic-map-set",
        "crypto map ipsec-isakmp crypto-dynamic-map-set",
        where="head",
    ),
    _r(
        r"^crypto map ",
        r"^crypto map \S+ \d+ match address (?P<n>\S+)",
        "ipv4/6 acl",
        "crypto map match address",
        V46,
        where="head",
    ),
    _r(
        r"^crypto ipsec profile",
        r"^set transform-set (?P<ns>.+)$",
        "crypto ipsec transform-set",
        "ipsec profile set transform-set",
    ),
    _r(
        r"^crypto ipsec profile",
        r"^set isakmp-profile (?P<n>\S+)",
        "crypto isakmp profile",
        "ipsec profile set isakmp-profile",
    ),
    _r(
        r"^crypto isakmp profile",
        r"^keyring (?P<n>\S+)",
        "crypto keyring",
        "isakmp profile keyring",
    ),
    # cable
    _r(
        r"^cable qos enforce-rule",
        r"^(?:monitoring-basics|penalty-period)?.*\bservice-class (?:enforced|registered) "
        r"(?P<n>\S+)",
        "cable service-class",
        "cable qos enforce-rule service-class",
    ),
    _r(r"^depi-tunnel ", r"^l2tp-class (?P<n>\S+)", "l2tp-class", "depi-tunnel l2tp-class"),
    _r(
        r"^depi-tunnel ", r"^protect-tunnel (?P<n>\S+)", "depi-tunnel", "depi-tunnel protect-tunnel"
    ),
    _r(r"^zone-pair ", r"\bsource (?P<n>\S+)", "zone", "zone-pair source", where="head"),
    _r(r"^zone-pair ", r"\bdestination (?P<n>\S+)", "zone", "zone-pair destination", where="head"),
    _r(
        r"^cable load-balance docsis-policy",
        r"\brule (?P<n>\d+)",
        "docsis-policy-rule",
        "docsis-policy rule",
        where="head",
    ),
    _r(
        r"^controller ",
        r"^rf-channel \d+ .*depi-tunnel (?P<n>\S+)",
        "depi-tunnel",
        "controller rf-channel depi-tunnel",
    ),
)

# Definitions from a stanza head: (head regex with group n, type, include body lines).
DEFS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(p), t, body)
    for p, t, body in (
        (r"^aaa group server tacacs\+ (?P<n>\S+)", "aaa server group tacacs+", True),
        (r"^aaa group server radius (?P<n>\S+)", "aaa server group radius", True),
        (
            r"^class-map (?!type inspect)(?:type \S+ (?:subscriber )?)?"
            r"(?:(?:match-any|match-all|match-none) )?(?P<n>\S+)$",
            "class-map",
            True,
        ),
        (
            r"^class-map type inspect (?:(?:match-any|match-all) )?(?P<n>\S+)$",
            "class-map type inspect",
            True,
        ),
        (r"^policy-map type inspect (?P<n>\S+)$", "policy-map type inspect", True),
        (r"^policy-map (?!type inspect)(?:type \S+ )?(?:\S+ )?(?P<n>\S+)$", "policy-map", True),
        (r"^service-template (?P<n>\S+)", "service-template", True),
        (r"^crypto ipsec transform-set (?P<n>\S+)", "crypto ipsec transform-set", True),
        (r"^crypto ipsec profile (?P<n>\S+)", "crypto ipsec profile", True),
        (r"^crypto keyring (?P<n>\S+)", "crypto keyring", True),
        (r"^crypto isakmp profile (?P<n>\S+)", "crypto isakmp profile", True),
        (r"^crypto dynamic-map (?P<n>\S+) \d+\s*$", "crypto-dynamic-map-set", True),
        (r"^crypto map (?P<n>\S+) \d+ ipsec-isakmp\s*$", "crypto-map-set", True),
        (r"^object network (?P<n>\S+)", "object network", True),
        (r"^object-group network (?P<n>\S+)", "object-group network", True),
        (r"^object-group service (?P<n>\S+)", "object-group service", True),
        (r"^ip nat pool (?P<n>\S+)", "nat pool", True),
        (r"^track (?P<n>\d+)\b(?! interface)", "track", True),
        (r"^ip sla (?P<n>\d+)$", "ip sla", True),
        (r"^bfd-template \S+ (?P<n>\S+)", "bfd-template", True),
        (r"^l2tp-class (?P<n>\S+)", "l2tp-class", True),
        (r"^depi-tunnel (?P<n>\S+)", "depi-tunnel", True),
        (r"^zone (?:security )?(?P<n>\S+)$", "zone", True),
        (r"^zone-pair security (?P<n>\S+)", "zone-pair security", True),
        (r"^cable service class (?P<n>\d+)\b", "cable service-class", False),
        (r"^cable load-balance rule (?P<n>\d+)\b", "docsis-policy-rule", False),
    )
)

# Types Batfish defines but never reports as unused.
NOT_REPORTED = frozenset({"policy-map", "crypto isakmp profile"})


def apply_rules(parser: CiscoParser, st: Stanza) -> None:
    dev = parser.dev
    head = st.head.text
    for pattern, stype, body in DEFS:
        m = pattern.match(head)
        if not m:
            continue
        name = m.group("n")
        if stype == "crypto-dynamic-map-set" or stype == "crypto-map-set":
            pass
        if stype in NOT_REPORTED:
            dev.refer(stype, name, "self-reference", st.head.number)
        dev.define(stype, name, st.head.number)
        if body:
            for line in st.body:
                dev.define(stype, name, line.number)
        break
    _special_defs(parser, st)
    for rule in RULES:
        if not rule.stanza.match(head):
            continue
        lines: list[Line] = [st.head] if rule.where == "head" else st.body
        for line, ctx_prefix in _with_subblocks(lines):
            m = rule.line.search(line.text)
            if not m:
                continue
            groups = m.groupdict()
            names = groups["ns"].split() if groups.get("ns") else [groups["n"]]
            ctx = rule.context.format(p=proto_name(groups.get("p") or ""))
            if ctx_prefix and ctx == "interface service-policy":
                ctx = "interface service-instance service-policy"
            for name in names:
                if rule.iface:
                    parser.iface_ref(name, ctx, line.number)
                else:
                    dev.refer(rule.stype, name, ctx, line.number, rule.satisfied)
    _snmp_community(parser, st)


def proto_name(p: str) -> str:
    return {"ospfv3": "ospfv3", "ospf3": "ospfv3", "direct": "connected"}.get(p, p)


def _with_subblocks(lines: list[Line]) -> list[tuple[Line, bool]]:
    """Lines, each flagged when it sits in an interface's ``service instance`` sub-block."""
    out: list[tuple[Line, bool]] = []
    inside: int | None = None
    for line in lines:
        indent = len(line.raw) - len(line.raw.lstrip())
        if inside is not None and indent <= inside:
            inside = None
        out.append((line, inside is not None))
        if line.text.startswith("service instance "):
            inside = indent
    return out


def _special_defs(parser: CiscoParser, st: Stanza) -> None:
    """Shapes a single regex cannot say: ASA-style one-line crypto maps."""
    dev = parser.dev
    m = re.match(r"^crypto dynamic-map (\S+) \d+ set ", st.head.text)
    if m and ("crypto-dynamic-map-set", m.group(1)) not in dev.definitions:
        dev.define("crypto-dynamic-map-set", m.group(1), st.head.number)
    m = re.match(r"^crypto map (\S+) \d+ ipsec-isakmp dynamic \S+", st.head.text)
    if m and ("crypto-map-set", m.group(1)) not in dev.definitions:
        dev.define("crypto-map-set", m.group(1), st.head.number)


def _snmp_community(parser: CiscoParser, st: Stanza) -> None:
    w = st.words
    if w[:2] != ["snmp-server", "community"] or len(w) < 4:
        return
    dev = parser.dev
    n = st.head.number
    rest = w[3:]
    if "view" in rest:
        i = rest.index("view")
        rest = rest[:i] + rest[i + 2 :]
    if not rest or rest[0].lower() not in ("ro", "rw"):
        return
    tokens = rest[1:]
    low = [t.lower() for t in tokens]
    v4: str | None = None
    if "ipv4" in low and low.index("ipv4") + 1 < len(tokens):
        v4 = tokens[low.index("ipv4") + 1]
    if "ipv6" in low and low.index("ipv6") + 1 < len(tokens):
        dev.refer(
            "ipv6 acl", tokens[low.index("ipv6") + 1], "snmp server community ipv6 acl", n, V6
        )
    if v4 is None:
        before = tokens[: low.index("ipv6")] if "ipv6" in low else tokens
        v4 = before[-1] if before else None
    if v4 is not None:
        dev.refer("ipv4 acl", v4, "snmp server community ipv4 acl", n, V4)


# --- BGP -----------------------------------------------------------------------------------
