"""Juniper Junos parsers on real ``| display json`` captures (Batfish lab-validation)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.live.parsers.junos import JunosParser
from netval.state import BgpState, Domain, NextHop, Route
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_json,
    fixture,
    parse_or_parse_error,
)

PARSER = JunosParser()
BGP = fixture("juniper_junos/show_bgp_neighbor/lab_validation_junos_l3vpn_pe1.json")
ROUTES = fixture("juniper_junos/show_route/lab_validation_junos_l3vpn_pe1.json")
INTERFACES = fixture("juniper_junos/show_interfaces/lab_validation_test_excerpt_xe-0-0-0.json")
DOMAINS = ["bgp", "routes", "interfaces"]
REAL = {"bgp": BGP, "routes": ROUTES, "interfaces": INTERFACES}


def test_commands() -> None:
    assert PARSER.platform == "juniper_junos"
    assert set(PARSER.commands) == set(DOMAINS)
    assert all(command.endswith("| display json") for command in PARSER.commands.values())


def test_bgp_neighbor() -> None:
    [peer] = PARSER.parse("bgp", BGP)
    # "10.255.0.2+57412": the port is not part of the peer address.
    assert peer.peer == "10.255.0.2"
    assert peer.local_ip == "10.255.0.1"
    assert (peer.vrf, peer.local_as, peer.remote_as) == ("default", 65000, 65000)
    assert peer.state is BgpState.ESTABLISHED
    assert peer.uptime_seconds == 164  # elapsed-time "2:44", junos:seconds 164
    # bgp.l3vpn.0 (1) holds the VPN copy of what CUSTOMERS.inet.0 (1) received.
    assert peer.prefixes_received == 1


def test_bgp_no_peers_is_empty() -> None:
    # The real answer with its peer removed: what a box without BGP peers prints.
    answer = json.loads(BGP)
    del answer["bgp-information"][0]["bgp-peer"]
    assert PARSER.parse("bgp", json.dumps(answer)) == []


def test_routes_forwarding_tables_only() -> None:
    routes = PARSER.parse("routes", ROUTES)
    # inet.0, mgmt_junos.inet.0, CUSTOMERS.inet.0 and mgmt_junos.inet6.0; inet.3,
    # mpls.0 and bgp.l3vpn.0 are resolution/NLRI tables and stay out.
    assert {r.vrf for r in routes} == {"default", "mgmt_junos", "CUSTOMERS"}
    assert len(routes) == 15
    table = {(r.vrf, r.prefix): r for r in routes}
    assert table[("default", "10.255.0.2/32")] == Route(
        prefix="10.255.0.2/32",
        protocol="static",
        next_hops=[NextHop(ip="10.0.12.1", interface="ge-0/0/0.0", fib=True)],
        admin_distance=5,
    )
    connected = table[("default", "10.0.12.0/31")]
    assert connected.protocol == "connected"  # "Direct"
    assert connected.next_hops == [NextHop(interface="ge-0/0/0.0", fib=True)]
    local = table[("default", "10.0.12.0/32")]
    assert (local.protocol, local.next_hops) == ("local", [NextHop(interface="ge-0/0/0.0")])
    assert table[("CUSTOMERS", "10.100.1.0/24")].next_hops == [NextHop(discard=True)]
    vpn = table[("CUSTOMERS", "10.100.2.0/24")]
    assert (vpn.protocol, vpn.admin_distance) == ("bgp", 170)
    assert vpn.next_hops == [NextHop(ip="10.0.12.1", interface="ge-0/0/0.0", fib=True)]
    assert table[("mgmt_junos", "::/0")].next_hops[0].ip == "2001:db8::1"
    assert table[("default", "224.0.0.2/32")].protocol == "ldp"
    assert all(route.selected for route in routes)


def test_interfaces_physical_and_logical() -> None:
    interfaces = {i.name: i for i in PARSER.parse("interfaces", INTERFACES)}
    assert set(interfaces) == {"xe-0/0/0", "xe-0/0/0.0"}
    assert (interfaces["xe-0/0/0"].admin_up, interfaces["xe-0/0/0"].oper_up) == (True, True)
    unit = interfaces["xe-0/0/0.0"]
    assert (unit.admin_up, unit.oper_up) == (True, True)
    # ifa-local "10.10.50.2" with ifa-destination "10.10.50/24".
    assert unit.addresses == ["10.10.50.2/24"]


def test_routing_engine_banner_after_json_is_ignored() -> None:
    # The interface capture ends with "{master:0}", as Junos prints it.
    assert INTERFACES.rstrip().endswith("{master:0}")
    assert PARSER.parse("interfaces", INTERFACES)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(domain: Domain, garbage: str) -> None:
    assert_parse_error_mentions_command(PARSER, domain, garbage)


@pytest.mark.parametrize("domain", DOMAINS)
def test_truncated_json_raises(domain: Domain) -> None:
    text = REAL[domain]
    exc = assert_parse_error_mentions_command(PARSER, domain, text[: len(text) // 2])
    assert "not valid JSON" in str(exc)


@pytest.mark.parametrize("domain", DOMAINS)
def test_json_without_the_needed_fields_raises(domain: Domain) -> None:
    for answer in ("{}", "[]", '{"route-information": {}}', "null", '[{"data": "x"}]'):
        assert_parse_error_mentions_command(PARSER, domain, answer)


def test_another_commands_answer_raises() -> None:
    assert_parse_error_mentions_command(PARSER, "bgp", ROUTES)
    assert_parse_error_mentions_command(PARSER, "routes", INTERFACES)
    assert_parse_error_mentions_command(PARSER, "interfaces", BGP)


@settings(max_examples=150, deadline=None)
@given(domain=st.sampled_from(DOMAINS), text=st.text())
def test_random_text_only_raises_parse_error(domain: Domain, text: str) -> None:
    parse_or_parse_error(PARSER, domain, text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), domain=st.sampled_from(DOMAINS))
def test_damaged_captures_only_raise_parse_error(data: st.DataObject, domain: Domain) -> None:
    text = REAL[domain].replace("{master:0}", "")
    parse_or_parse_error(PARSER, domain, data.draw(damaged_json(text)))
