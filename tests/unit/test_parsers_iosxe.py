"""IOS-XE parsers on real captures from ntc-templates' test suite.

Expected values are read from the captures and from ntc-templates' own expected parse
(the .yml next to each .raw upstream); see tests/data/parsers/SOURCES.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from netval.checks.ecmp import Ecmp
from netval.checks.routes import Routes
from netval.live.parsers.base import ParseError
from netval.live.parsers.iosxe import CMD_ROUTES6, IosxeParser
from netval.results import Status
from netval.state import BgpState, Domain, NextHop, NodeState, Route, State, VrrpRole
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_text,
    fixture,
    parse_or_parse_error,
)

PARSER = IosxeParser()
BGP = fixture("cisco_iosxe/show_ip_bgp_summary/cisco_ios_show_ip_bgp_summary.raw")
BGP_ALL = fixture("cisco_iosxe/show_ip_bgp_summary/cisco_ios_show_ip_bgp_summary_all.raw")
ROUTES = fixture("cisco_iosxe/show_ip_route/cisco_ios_show_ip_route.raw")
ROUTES_VRF = fixture("cisco_iosxe/show_ip_route/cisco_ios_show_ip_route_vrf.raw")
VRRP = fixture("cisco_iosxe/show_vrrp_brief/cisco_ios_show_vrrp_brief.raw")
VRRP3 = fixture("cisco_iosxe/show_vrrp_brief/cisco_ios_show_vrrpv3_brief.raw")
INTERFACES = fixture("cisco_iosxe/show_interfaces/cisco_ios_show_interfaces_01.raw")

ALL = {
    "bgp": [BGP, BGP_ALL],
    "routes": [ROUTES, ROUTES_VRF],
    "vrrp": [VRRP, VRRP3],
    "interfaces": [INTERFACES],
}


def by_key(items: Sequence[Any], attr: str) -> dict[str, Any]:
    return {getattr(item, attr): item for item in items}


def test_commands_cover_its_domains() -> None:
    # bfd: tests/unit/test_bfd_platforms.py
    assert set(PARSER.commands) == {"bgp", "routes", "vrrp", "interfaces", "bfd"}
    assert PARSER.platform == "cisco_iosxe"


def test_bgp_summary() -> None:
    peers = by_key(PARSER.parse("bgp", BGP), "peer")
    assert len(peers) == 10
    first = peers["10.0.0.1"]
    assert first.state is BgpState.ESTABLISHED
    assert (first.local_as, first.remote_as) == (65000, 65000)
    assert first.prefixes_received == 558720
    assert first.uptime_seconds == 21 * 86400  # "3w0d"
    assert peers["10.0.0.4"].uptime_seconds == (365 + 50 * 7) * 86400  # "1y50w"
    assert peers["10.0.0.3"].prefixes_received == 0
    assert peers["10.0.0.3"].state is BgpState.ESTABLISHED  # 0 prefixes is still up
    # "Idle (Admin)": the neighbor is shut down.
    assert peers["10.0.0.10"].state is BgpState.ADMIN_DOWN
    assert peers["10.0.0.10"].prefixes_received is None
    assert peers["10.0.0.10"].uptime_seconds is None


def test_bgp_all_summary_per_address_family() -> None:
    peers = by_key(PARSER.parse("bgp", BGP_ALL), "peer")
    assert set(peers) == {"10.0.14.4", "10.10.13.3", "10.10.14.4"}
    assert peers["10.0.14.4"].local_as == 65000
    assert peers["10.0.14.4"].uptime_seconds == 20 * 60 + 6  # "00:20:06"
    assert peers["10.10.13.3"].local_as == 65010
    assert peers["10.10.13.3"].prefixes_received == 5
    assert peers["10.10.14.4"].state is BgpState.IDLE  # "never    Idle"


def test_bgp_not_active_is_an_empty_answer() -> None:
    assert PARSER.parse("bgp", "% BGP not active\n") == []


def test_routes_ecmp_and_protocols() -> None:
    routes = by_key(PARSER.parse("routes", ROUTES), "prefix")
    assert len(routes) == 19
    # "S 1.1.1.1 [1/0] via 212.0.0.1" + "[1/0] via 192.168.0.1"; mask from "1.0.0.0/32 is subnetted"
    assert routes["1.1.1.1/32"] == Route(
        prefix="1.1.1.1/32",
        protocol="static",
        next_hops=[NextHop(ip="212.0.0.1"), NextHop(ip="192.168.0.1")],
        admin_distance=1,
        metric=0,
    )
    assert routes["0.0.0.0/0"].protocol == "ospf"
    assert (routes["0.0.0.0/0"].admin_distance, routes["0.0.0.0/0"].metric) == (110, 1)
    assert routes["172.16.1.0/26"].protocol == "isis"
    assert routes["5.5.5.0/24"].protocol == "eigrp"
    assert routes["6.6.0.0/16"].protocol == "bgp"
    assert routes["2.2.2.0/24"].protocol == "static"
    assert routes["2.2.2.0/24"].next_hops == [NextHop(interface="FastEthernet0/0")]
    assert routes["10.0.1.0/24"].protocol == "connected"
    assert routes["10.0.1.0/24"].next_hops == [NextHop(interface="Serial0/0")]
    assert all(route.vrf == "default" for route in routes.values())


def test_routes_vrf_discard_and_ecmp() -> None:
    routes = PARSER.parse("routes", ROUTES_VRF)
    assert {route.vrf for route in routes} == {"TRI"}
    assert len(routes) == 32  # 34 rows in ntc's expected parse, two of them ECMP second paths
    table = {(r.prefix, r.protocol): r for r in routes}
    ecmp = table[("10.12.1.0/27", "bgp")]
    assert [hop.ip for hop in ecmp.next_hops] == ["192.168.12.5", "192.168.12.1"]
    assert (ecmp.admin_distance, ecmp.metric) == (200, 1000)
    assert table[("10.10.0.0/18", "bgp")].next_hops == [NextHop(discard=True)]
    assert table[("10.10.5.1/32", "local")].next_hops == [NextHop(interface="Vlan5")]
    assert table[("50.1.1.1/32", "connected")].next_hops == [NextHop(interface="Loopback50")]
    assert table[("10.20.0.0/16", "bgp")].next_hops == [NextHop(ip="10.10.254.10")]


def test_vrrp_brief() -> None:
    groups = {(g.interface, g.vrid): g for g in PARSER.parse("vrrp", VRRP)}
    assert len(groups) == 5
    master = groups[("FastEthernet0/1", 1)]
    assert (master.role, master.priority, master.vips) == (VrrpRole.MASTER, 110, ["192.168.88.1"])
    assert groups[("FastEthernet0/1.3", 3)].role is VrrpRole.BACKUP
    assert groups[("FastEthernet0/1.4", 4)].role is VrrpRole.INITIALIZE
    assert groups[("FastEthernet0/1.5", 5)].priority == 90


def test_vrrpv3_brief() -> None:
    groups = PARSER.parse("vrrp", VRRP3)
    assert [(g.interface, g.vrid, g.role.value, g.vips) for g in groups] == [
        ("GigabitEthernet0/0", 1, "master", ["10.0.1.1"]),
        ("GigabitEthernet0/0", 6, "master", ["FE80::1:1"]),
        ("GigabitEthernet0/0.4010", 1, "backup", ["10.254.1.1"]),
        ("GigabitEthernet0/0.4010", 6, "backup", ["FE80::4010:1"]),
        ("GigabitEthernet0/0.2600", 1, "backup", ["172.26.0.1"]),
    ]


def test_vrrp_header_only_is_an_empty_answer() -> None:
    header_only = VRRP.splitlines()[0] + "\n"
    assert PARSER.parse("vrrp", header_only) == []


def test_interfaces() -> None:
    interfaces = by_key(PARSER.parse("interfaces", INTERFACES), "name")
    assert list(interfaces) == [
        "TenGigabitEthernet0/1",
        "GigabitEthernet0/0/0",
        "TenGigabitEthernet0/0/13",
    ]
    shut = interfaces["GigabitEthernet0/0/0"]
    assert (shut.admin_up, shut.oper_up) == (False, False)
    assert shut.addresses == ["111.222.0.37/30"]
    down = interfaces["TenGigabitEthernet0/1"]
    assert (down.admin_up, down.oper_up, down.addresses) == (True, False, [])


@pytest.mark.parametrize("domain", ["bgp", "routes", "vrrp", "interfaces"])
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(domain: Domain, garbage: str) -> None:
    assert_parse_error_mentions_command(PARSER, domain, garbage)


@pytest.mark.parametrize("domain", ["bgp", "routes", "vrrp", "interfaces"])
def test_output_of_another_command_raises(domain: Domain) -> None:
    # A real answer to a different question is garbage for this one.
    other = INTERFACES if domain != "interfaces" else BGP
    assert_parse_error_mentions_command(PARSER, domain, other)


def test_error_message_shows_start_of_output() -> None:
    exc = assert_parse_error_mentions_command(PARSER, "routes", "% Invalid input detected")
    assert "% Invalid input detected" in str(exc)


@settings(max_examples=150, deadline=None)
@given(domain=st.sampled_from(["bgp", "routes", "vrrp", "interfaces"]), text=st.text())
def test_random_text_only_raises_parse_error(domain: Domain, text: str) -> None:
    parse_or_parse_error(PARSER, domain, text)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), domain=st.sampled_from(["bgp", "routes", "vrrp", "interfaces"]))
def test_damaged_captures_only_raise_parse_error(data: st.DataObject, domain: Domain) -> None:
    source = data.draw(st.sampled_from(ALL[domain]))
    parse_or_parse_error(PARSER, domain, data.draw(damaged_text(source)))


def test_crlf_line_endings_parse_the_same() -> None:
    assert PARSER.parse("bgp", BGP.replace("\n", "\r\n")) == PARSER.parse("bgp", BGP)
    assert PARSER.parse("routes", ROUTES.replace("\n", "\r\n")) == PARSER.parse("routes", ROUTES)


ROUTES6_DIR = "cisco_iosxe/show_ipv6_route/"
ROUTES6 = fixture(ROUTES6_DIR + "cisco_ios_show_ipv6_route.raw")
# ntc-templates' own expected parse of that capture, kept beside it
ROUTES6_EXPECTED: list[dict[str, str]] = YAML(typ="safe").load(
    fixture(ROUTES6_DIR + "cisco_ios_show_ipv6_route.yml")
)["parsed_sample"]


def _routes6(text: str) -> list[Route]:
    return [r for r in PARSER.parse_command("routes", CMD_ROUTES6, text) if isinstance(r, Route)]


def test_ipv6_routes_follow_the_expected_parse() -> None:
    assert PARSER.extra_commands["routes"] == (CMD_ROUTES6,)
    routes = {r.prefix: r for r in _routes6(ROUTES6)}
    # IOS prints IPv6 in capitals; State holds it as the catalog writes it
    by_prefix: dict[str, list[dict[str, str]]] = {}
    for row in ROUTES6_EXPECTED:
        by_prefix.setdefault(str(ipaddress.ip_interface(row["network"])), []).append(row)
    assert set(routes) == set(by_prefix)
    for prefix, rows in by_prefix.items():
        route = routes[prefix]
        assert route.vrf == "default"
        assert (route.admin_distance, route.metric) == (
            int(rows[0]["distance"]),
            int(rows[0]["metric"]),
        )
        hops = [
            NextHop(discard=True)
            if row["nexthop_if"].lower().startswith("null")
            else NextHop(
                ip=str(ipaddress.ip_address(row["nexthop_ip"])) if row["nexthop_ip"] else None,
                interface=row["nexthop_if"] or None,
            )
            for row in rows
        ]
        assert route.next_hops == hops
    assert routes["2a05:c100:2a::/64"].protocol == "connected"
    assert routes["2001:db8:4::2/48"].protocol == "bgp"
    assert len(routes["2001:db8:4::2/48"].next_hops) == 2  # ECMP over two links
    assert routes["ff00::/8"].protocol == "local"
    assert routes["5555:4444::4/128"].protocol == "static"


def test_routes_check_on_an_ipv6_prefix_of_both_tables() -> None:
    routes = PARSER.parse("routes", ROUTES) + _routes6(ROUTES6)
    state = State(source="observed", nodes={"r1": NodeState(name="r1", routes=routes)})  # type: ignore[arg-type]
    present = Routes.model_validate(
        {"kind": "routes", "prefix": "2A05:C100:2A::/64", "protocol": "connected"}
    )
    assert present.evaluate(state, "r1", ["r1"]).status is Status.PASS
    ecmp = Ecmp.model_validate({"kind": "ecmp", "prefix": "5555:4444::4/128", "min_paths": 5})
    outcome = ecmp.evaluate(state, "r1", ["r1"])
    assert outcome.status is Status.FAIL and "4 path(s)" in outcome.message


def test_ipv6_routes_need_the_table_header() -> None:
    body = ROUTES6.split("\n", 1)[1]  # the capture without its first line
    with pytest.raises(ParseError, match="IPv6 Routing Table"):
        PARSER.parse_command("routes", CMD_ROUTES6, body)
    with pytest.raises(ParseError, match="show ipv6 route"):
        PARSER.parse_command("routes", CMD_ROUTES6, ROUTES)  # the IPv4 table's answer


@pytest.mark.parametrize("garbage", GARBAGE)
def test_ipv6_route_garbage_raises_parse_error_naming_it(garbage: str) -> None:
    with pytest.raises(ParseError, match="`show ipv6 route`"):
        PARSER.parse_command("routes", CMD_ROUTES6, garbage)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_damaged_ipv6_tables_only_raise_parse_error(data: st.DataObject) -> None:
    try:
        result = PARSER.parse_command("routes", CMD_ROUTES6, data.draw(damaged_text(ROUTES6)))
    except ParseError:
        return
    assert isinstance(result, list)
