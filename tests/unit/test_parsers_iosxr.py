"""IOS-XR parsers on real captures from ntc-templates' test suite (see SOURCES.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.live.parsers.base import ParseError
from netval.live.parsers.iosxr import IosxrParser
from netval.state import BgpState, Domain, NextHop
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_text,
    fixture,
    parse_or_parse_error,
)

PARSER = IosxrParser()
BGP = fixture("cisco_iosxr/show_bgp_summary/cisco_xr_show_ip_bgp_summary.raw")
ROUTES = fixture("cisco_iosxr/show_route/cisco_xr_show_ip_route.raw")
ROUTES_ECMP = fixture("cisco_iosxr/show_route/cisco_xr_show_ip_route2.raw")
ROUTES_VRF = fixture("cisco_iosxr/show_route/cisco_xr_show_ip_route_vrf.raw")
INTERFACES = fixture("cisco_iosxr/show_interfaces/cisco_xr_show_interfaces.raw")
DOMAINS = ["bgp", "routes", "interfaces"]
ALL = {"bgp": [BGP], "routes": [ROUTES, ROUTES_ECMP, ROUTES_VRF], "interfaces": [INTERFACES]}


def test_commands() -> None:
    assert PARSER.platform == "cisco_iosxr"
    # No ntc-templates template exists for IOS-XR VRRP: not offered, the collector
    # reports "not supported on this platform".
    # bfd: tests/unit/test_bfd_platforms.py
    assert set(PARSER.commands) == {"bgp", "routes", "interfaces", "bfd"}


def test_bgp_summary() -> None:
    peers = {p.peer: p for p in PARSER.parse("bgp", BGP)}
    assert set(peers) == {"10.10.17.161", "10.10.128.240", "10.10.132.240", "10.10.140.240"}
    assert peers["10.10.17.161"].state is BgpState.IDLE
    assert peers["10.10.128.240"].state is BgpState.ACTIVE
    up = peers["10.10.132.240"]
    assert up.state is BgpState.ESTABLISHED
    assert (up.local_as, up.remote_as, up.prefixes_received) == (64200, 64727, 82)
    assert up.uptime_seconds == 7 * 7 * 86400 + 2 * 86400  # "7w2d"
    assert peers["10.10.140.240"].uptime_seconds == 4 * 86400 + 10 * 3600  # "4d10h"
    assert peers["10.10.128.240"].uptime_seconds is None  # not up: no uptime


def test_routes_frr_backup_path_is_not_active() -> None:
    routes = {r.prefix: r for r in PARSER.parse("routes", ROUTES)}
    # "O 1.1.1.1/32 [110/0] via 10.1.1.9, ..., GigabitEthernet0/0/0/0 (!)" is the
    # FRR backup; "[110/9164] via 10.1.1.34, ..., GigabitEthernet0/0/0/3" forwards.
    route = routes["1.1.1.1/32"]
    assert route.protocol == "ospf"
    assert route.next_hops == [
        NextHop(ip="10.1.1.9", interface="GigabitEthernet0/0/0/0", active=False),
        NextHop(ip="10.1.1.34", interface="GigabitEthernet0/0/0/3"),
    ]
    assert (route.admin_distance, route.metric) == (110, 9164)
    default = routes["0.0.0.0/0"]
    assert (default.protocol, default.next_hops) == ("static", [NextHop(ip="172.16.1.1")])
    assert routes["1.1.2.6/32"].protocol == "local"
    assert routes["1.1.2.6/32"].next_hops == [NextHop(interface="Loopback0")]
    assert routes["10.1.1.4/30"].protocol == "connected"
    assert routes["10.1.1.4/30"].admin_distance is None
    assert len(routes) == 23


def test_routes_four_way_ecmp() -> None:
    routes = {r.prefix: r for r in PARSER.parse("routes", ROUTES_ECMP)}
    eigrp = routes["10.14.0.0/16"]
    assert eigrp.protocol == "eigrp"
    assert [(h.ip, h.interface) for h in eigrp.next_hops] == [
        ("192.168.150.130", "TenGigE0/0/0/1.5"),
        ("192.168.150.134", "TenGigE0/0/0/2.5"),
        ("192.168.150.138", "TenGigE0/0/0/3.5"),
        ("192.168.150.142", "TenGigE0/0/0/4.5"),
    ]
    assert all(hop.active for hop in eigrp.next_hops)
    assert (eigrp.admin_distance, eigrp.metric) == (170, 153600)
    assert routes["10.39.0.0/16"].protocol == "bgp"


def test_routes_per_vrf() -> None:
    routes = PARSER.parse("routes", ROUTES_VRF)
    # "VRF: customerA" answers "% No matching routes found": no routes, no error.
    assert {r.vrf for r in routes} == {"example555", "VRF10", "ThirdExample"}
    table = {(r.vrf, r.prefix): r for r in routes}
    leaked = table[("VRF10", "10.1.0.15/32")]
    # "(nexthop in vrf default)" names a VRF, not an interface.
    assert leaked.next_hops == [NextHop(ip="10.1.0.15")]
    e1 = table[("ThirdExample", "10.2.10.2/32")]
    assert e1.protocol == "ospf"
    assert [h.ip for h in e1.next_hops] == ["10.2.2.3", "10.2.2.4"]


def test_interfaces() -> None:
    interfaces = {i.name: i for i in PARSER.parse("interfaces", INTERFACES)}
    assert len(interfaces) == 9
    loop = interfaces["Loopback5"]
    assert (loop.admin_up, loop.oper_up) == (True, True)
    assert loop.addresses == ["192.168.169.21/32"]
    assert loop.description == "$DCI ~Loopback for OSPF/LDP/BGP/TE"
    shut = interfaces["TenGigE0/3/0/4"]
    assert (shut.admin_up, shut.oper_up, shut.addresses) == (False, False, [])
    # "Internet address is Unknown" is no address.
    assert interfaces["Null0"].addresses == []
    assert interfaces["FortyGigE0/0/0/0"].addresses == ["192.168.166.9/30"]
    # The capture indents " Bundle-Ether123456 is up"; it is its own interface and
    # its description must not land on TenGigE0/3/0/4.
    assert interfaces["Bundle-Ether123456"].description == "Bundle_example"
    assert shut.description is None


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(domain: Domain, garbage: str) -> None:
    assert_parse_error_mentions_command(PARSER, domain, garbage)


def test_another_commands_output_raises() -> None:
    assert_parse_error_mentions_command(PARSER, "bgp", INTERFACES)
    assert_parse_error_mentions_command(PARSER, "interfaces", BGP)
    assert_parse_error_mentions_command(PARSER, "routes", INTERFACES)


def test_unsupported_domain_raises() -> None:
    with pytest.raises(ParseError, match="no parser for domain 'vrrp'"):
        PARSER.parse("vrrp", "anything")


@settings(max_examples=150, deadline=None)
@given(domain=st.sampled_from(DOMAINS), text=st.text())
def test_random_text_only_raises_parse_error(domain: Domain, text: str) -> None:
    parse_or_parse_error(PARSER, domain, text)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), domain=st.sampled_from(DOMAINS))
def test_damaged_captures_only_raise_parse_error(data: st.DataObject, domain: Domain) -> None:
    source = data.draw(st.sampled_from(ALL[domain]))
    parse_or_parse_error(PARSER, domain, data.draw(damaged_text(source)))
