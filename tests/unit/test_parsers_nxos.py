"""Cisco NX-OS parsers on real NX-API/``| json`` captures (NAPALM and Ansible test data)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.live.parsers.nxos import NxosParser
from netval.state import BgpState, Domain
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_json,
    fixture,
    parse_or_parse_error,
)

PARSER = NxosParser()
BGP = fixture("cisco_nxos/show_bgp_all_summary_vrf_all/napalm_normal.json")
INTERFACES = fixture("cisco_nxos/show_interface/napalm_admin_up_oper_down.json")
INTERFACE_ONE_ROW = fixture("cisco_nxos/show_interface/ansible_nxos_facts_show_interface.json")
DOMAINS = ["bgp", "routes", "interfaces"]
REAL = {"bgp": [BGP], "interfaces": [INTERFACES, INTERFACE_ONE_ROW]}


def test_commands() -> None:
    assert PARSER.platform == "cisco_nxos"
    # VRRP is not offered: no real `show vrrp | json` capture to build it on.
    assert set(PARSER.commands) == {*DOMAINS, "bfd"}  # bfd: tests/unit/test_bfd_platforms.py


def test_bgp_summary_all_vrfs() -> None:
    peers = {(p.vrf, p.peer): p for p in PARSER.parse("bgp", BGP)}
    assert len(peers) == 14
    assert {vrf for vrf, _ in peers} == {
        "RED-PRE-PROD",
        "RED-PROD",
        "MGMT",
        "NON_PROD",
        "PROD",
        "BLUE",
        "default",
    }
    red = peers[("RED-PRE-PROD", "10.1.1.177")]
    assert (red.local_as, red.remote_as, red.prefixes_received) == (64861, 64862, 13)
    assert red.state is BgpState.ESTABLISHED
    assert red.uptime_seconds == (6 * 7 + 3) * 86400  # "6w3d"
    # The default VRF's peers only carry L2VPN EVPN in this capture.
    evpn = peers[("default", "10.1.1.134")]
    assert (evpn.remote_as, evpn.prefixes_received) == (64861, 7237)
    assert peers[("BLUE", "10.1.1.185")].prefixes_received == 0
    assert peers[("BLUE", "10.1.1.185")].uptime_seconds == 19 * 7 * 86400  # "19w0d"


def test_bgp_vrfs_without_neighbors_are_empty() -> None:
    # The capture's own "OTV" VRF rows carry no address family: nothing configured.
    otv_only = {
        "TABLE_vrf": {
            "ROW_vrf": [
                row
                for row in json.loads(BGP)["TABLE_vrf"]["ROW_vrf"]
                if row["vrf-name-out"] == "OTV"
            ]
        }
    }
    assert PARSER.parse("bgp", json.dumps(otv_only)) == []


def test_interfaces_admin_and_oper_state() -> None:
    interfaces = {i.name: i for i in PARSER.parse("interfaces", INTERFACES)}
    assert (interfaces["Ethernet1/1"].admin_up, interfaces["Ethernet1/1"].oper_up) == (True, False)
    assert (interfaces["Ethernet1/2"].admin_up, interfaces["Ethernet1/2"].oper_up) == (False, False)


def test_interface_single_row_object_with_address() -> None:
    # One interface: NX-OS gives ROW_interface as an object, not a list.
    [interface] = PARSER.parse("interfaces", INTERFACE_ONE_ROW)
    assert interface.name == "Ethernet1/1"
    assert (interface.admin_up, interface.oper_up) == (True, True)
    assert interface.addresses == ["192.168.255.115/24"]


def test_routes_contract_without_capture() -> None:
    # No complete real `show ip route vrf all | json` capture was found (SOURCES.md);
    # the error paths are still held to the contract.
    assert_parse_error_mentions_command(PARSER, "routes", "{}")
    assert_parse_error_mentions_command(PARSER, "routes", BGP[: len(BGP) // 3])


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(domain: Domain, garbage: str) -> None:
    assert_parse_error_mentions_command(PARSER, domain, garbage)


@pytest.mark.parametrize("domain", ["bgp", "interfaces"])
def test_truncated_json_raises(domain: Domain) -> None:
    text = REAL[domain][0]
    exc = assert_parse_error_mentions_command(PARSER, domain, text[:-40])
    assert "not valid JSON" in str(exc)


@pytest.mark.parametrize("domain", DOMAINS)
def test_json_without_the_needed_fields_raises(domain: Domain) -> None:
    for answer in ("{}", "[]", '{"TABLE_vrf": []}', "null"):
        assert_parse_error_mentions_command(PARSER, domain, answer)


def test_nx_os_invalid_command_banner() -> None:
    # What NX-OS prints when the feature behind a command is not enabled.
    exc = assert_parse_error_mentions_command(PARSER, "bgp", "% Invalid command at '^' marker.")
    assert "error" in str(exc)


@settings(max_examples=150, deadline=None)
@given(domain=st.sampled_from(DOMAINS), text=st.text())
def test_random_text_only_raises_parse_error(domain: Domain, text: str) -> None:
    parse_or_parse_error(PARSER, domain, text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), domain=st.sampled_from(["bgp", "interfaces"]))
def test_damaged_captures_only_raise_parse_error(data: st.DataObject, domain: Domain) -> None:
    source = data.draw(st.sampled_from(REAL[domain]))
    parse_or_parse_error(PARSER, domain, data.draw(damaged_json(source)))
