"""Arista EOS: IOS-like stanzas, with EOS's own defaults and Batfish's Arista names.

Differences from IOS that matter here: ``ip access-list NAME`` is extended by default,
``neighbor X`` lines never declare a peer implicitly (an unknown non-IP name is an undefined
peer-group, and EOS has no "undeclared peer" notion), ``redistribute ospf3`` is OSPFv3, and
a few management-plane references (``management telnet``, ``mlag configuration``).
"""

from __future__ import annotations

import re

from netval.static.builtin.model import DeviceModel, Vendor
from netval.static.builtin.vendors.cisco_ios.parse import CiscoParser, Stanza
from netval.static.builtin.vendors.cisco_ios.refs import V4, Rule, _r
from netval.static.builtin.vendors.common.syntax import Dialect

EOS = Dialect(
    prefix_list="ip prefix-list",
    prefix6_list="ipv6 prefix-list",
    community_standard="ip community-list standard",
    community_expanded="ip community-list expanded",
    community_abstract="ip community-list",
    as_path="ip as-path access-list",
    acl_abstract="ipv4 acl",
    use_match_prefix_list="route-map match ipv4 prefix-list",
    use_match_prefix6_list="route-map match ipv6 prefix-list",
    use_match_community="route-map match community",
    use_match_as_path="route-map match as-path",
    use_match_acl="route-map match ipv4 access-list",
    use_set_community_list="route-map set community community-list",
    acl_types=V4,
    vendor_name="Arista EOS",
)

EOS_RULES: tuple[Rule, ...] = (
    _r(
        r"^interface ",
        r"^ip multicast boundary (?P<n>\S+)",
        "ip access-list standard",
        "interface ip multicast boundary",
        ("standard ipv4 access-list",),
    ),
    _r(
        r"^management (telnet|ssh|api)",
        r"^ip access-group (?P<n>\S+)",
        "ipv4 acl",
        "management telnet ip access-group",
        V4,
    ),
    _r(
        r"^interface ",
        r"^ip nat source dynamic access-list (?P<n>\S+)",
        "ipv4 acl",
        "interface ip nat source dynamic access-list",
        V4,
    ),
    _r(
        r"^mlag configuration",
        r"^local-interface (?P<n>\S+)",
        "interface",
        "mlag configuration local-interface",
        iface=True,
    ),
)


class EosParser(CiscoParser):
    vendor = Vendor.ARISTA
    dialect = EOS
    undeclared_group = ("bgp peer-group", "bgp neighbor peer-group")

    def stanza(self, st: Stanza) -> bool:
        handled = super().stanza(st)
        for rule in EOS_RULES:
            if not rule.stanza.match(st.head.text):
                continue
            for line in st.body:
                m = rule.line.search(line.text)
                if m is None:
                    continue
                if rule.iface:
                    self.iface_ref(m.group("n"), rule.context, line.number)
                else:
                    self.dev.refer(
                        rule.stype, m.group("n"), rule.context, line.number, rule.satisfied
                    )
        m = re.match(r"^ip nat pool (\S+)", st.head.text)
        if m:
            self.dev.define("nat pool", m.group(1), st.head.number)
        return handled

    def finish(self) -> None:
        # EOS declares no peer implicitly, and Batfish's Arista model has no "undeclared
        # peer" reference; unknown peer-group names are reported by the BGP reader.
        return


def parse_device(text: str, filename: str, hostname: str) -> DeviceModel:
    return EosParser(text, filename, hostname).parse()
