"""NAPALM getter results -> State, on the getter results NAPALM's own tests expect
from its recorded device data (see SOURCES.md)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.live.parsers.base import ParseError
from netval.live.parsers.napalm_getters import (
    addresses_from_getter,
    bgp_peers_from_getter,
    interfaces_from_getter,
)
from netval.state import BgpState
from tests.unit.parser_helpers import JSON_VALUE, damaged_json, fixture

BGP = json.loads(fixture("napalm/get_bgp_neighbors/eos_normal_expected_result.json"))
INTERFACES = json.loads(
    fixture("napalm/get_interfaces/nxos_admin_up_oper_down_expected_result.json")
)
INTERFACES_IP = json.loads(fixture("napalm/get_interfaces_ip/nxos_normal_expected_result.json"))


def test_bgp_neighbors() -> None:
    peers = {p.peer: p for p in bgp_peers_from_getter(BGP)}
    assert set(peers) == {"10.0.0.1", "10.0.0.3", "2001:fb8:100::2", "2001:fb8:200::2"}
    up = peers["10.0.0.1"]
    assert (up.vrf, up.local_as, up.remote_as) == ("default", 65001, 65002)
    assert up.state is BgpState.ESTABLISHED
    assert (up.prefixes_received, up.prefixes_sent, up.uptime_seconds) == (3, 4, 121.0)
    down = peers["10.0.0.3"]
    # NAPALM says only "not up" (is_up false, is_enabled true): the FSM state is unknown.
    assert down.state is BgpState.UNKNOWN
    assert down.uptime_seconds is None  # uptime -1
    assert peers["2001:fb8:200::2"].prefixes_sent == 5
    assert peers["2001:fb8:100::2"].prefixes_received == 3  # counted from ipv6


def test_bgp_neighbor_shut_down() -> None:
    data = json.loads(json.dumps(BGP))
    data["global"]["peers"]["10.0.0.3"]["is_enabled"] = False
    peers = {p.peer: p for p in bgp_peers_from_getter(data)}
    assert peers["10.0.0.3"].state is BgpState.ADMIN_DOWN


def test_interfaces_with_addresses() -> None:
    interfaces = {i.name: i for i in interfaces_from_getter(INTERFACES, INTERFACES_IP)}
    assert (interfaces["Ethernet1/1"].admin_up, interfaces["Ethernet1/1"].oper_up) == (True, False)
    assert (interfaces["Ethernet1/2"].admin_up, interfaces["Ethernet1/2"].oper_up) == (False, False)
    assert interfaces["Ethernet1/1"].addresses == ["172.16.100.1/24"]
    assert interfaces["Ethernet1/1"].description is None  # "" from the driver


def test_interfaces_ip() -> None:
    addresses = addresses_from_getter(INTERFACES_IP)
    assert addresses["Ethernet1/7"] == ["fe80::5287:89ff:fea1:de75/128"]
    assert addresses["loopback100"] == ["10.0.0.100/24"]
    assert len(addresses) == 8


@pytest.mark.parametrize(
    "bad", [None, [], "text", {"global": []}, {"global": {"peers": {"x": {}}}}]
)
def test_bad_bgp_result_raises(bad: object) -> None:
    with pytest.raises(ParseError, match="get_bgp_neighbors"):
        bgp_peers_from_getter(bad)


@pytest.mark.parametrize("bad", [None, [], {"Ethernet1": {}}, {"Ethernet1": "up"}])
def test_bad_interfaces_result_raises(bad: object) -> None:
    with pytest.raises(ParseError, match="get_interfaces"):
        interfaces_from_getter(bad)


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUE)
def test_arbitrary_results_only_raise_parse_error(value: object) -> None:
    for mapper in (bgp_peers_from_getter, interfaces_from_getter, addresses_from_getter):
        with contextlib.suppress(ParseError):
            mapper(value)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_damaged_results_only_raise_parse_error(data: st.DataObject) -> None:
    cases = [
        (bgp_peers_from_getter, BGP),
        (interfaces_from_getter, INTERFACES),
        (addresses_from_getter, INTERFACES_IP),
    ]
    mapper, real = data.draw(st.sampled_from(cases))
    damaged = json.loads(data.draw(damaged_json(json.dumps(real))))
    with contextlib.suppress(ParseError):
        mapper(damaged)
