"""BFD sessions beyond FRR, on ntc-templates' recorded captures (see
tests/data/parsers/SOURCES.md): NX-OS `show bfd neighbors`, IOS-XE `show bfd neighbors
details` (IPv4 and IPv6 sessions, two of them down) and IOS-XR `show bfd sessions`.
Expected values come from ntc-templates' own expected parse kept beside each capture."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from netval.checks.base import evaluate
from netval.checks.bfd import BfdPeers
from netval.live.parsers.base import ParseError, PlatformParser
from netval.live.parsers.iosxe import IosxeParser
from netval.live.parsers.iosxr import IosxrParser
from netval.live.parsers.nxos import NxosParser
from netval.results import Status
from netval.state import BfdPeer, NodeState, Problem, State
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_text,
    fixture,
)

NXOS = "cisco_nxos/show_bfd_neighbors/cisco_nxos_show_bfd_neighbors1"
IOSXE = "cisco_iosxe/show_bfd_neighbors_details/cisco_ios_show_bfd_neighbors_details-includes-ipv6"
IOSXR = "cisco_iosxr/show_bfd_sessions/cisco_xr_show_bfd_sessions"
CASES: list[tuple[PlatformParser, str]] = [
    (NxosParser(), NXOS),
    (IosxeParser(), IOSXE),
    (IosxrParser(), IOSXR),
]


def expected(name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = YAML(typ="safe").load(fixture(name + ".yml"))["parsed_sample"]
    return rows


def sessions(parser: PlatformParser, name: str) -> list[BfdPeer]:
    return [s for s in parser.parse("bfd", fixture(name + ".raw")) if isinstance(s, BfdPeer)]


def spelled(address: str) -> str:
    return str(ipaddress.ip_address(address))


def test_nxos_sessions() -> None:
    got = sessions(NxosParser(), NXOS)
    want = expected(NXOS)
    assert [(s.peer, s.local, s.vrf, s.status) for s in got] == [
        (r["neigh_addr"], r["our_addr"], r["vrf"], r["state"].lower()) for r in want
    ]
    # "862(3)": the hold-down time and, in parentheses, the detect multiplier
    assert [s.detect_multiplier for s in got] == [int(r["holddown"][-2]) for r in want]
    assert all(not s.multihop for s in got) and {r["type"] for r in want} == {"SH"}
    # "Eth1/10" is Ethernet1/10 in every other NX-OS answer
    assert [s.interface for s in got] == [r["interface"].replace("Eth", "Ethernet") for r in want]


def test_iosxe_sessions_of_both_families() -> None:
    got = sessions(IosxeParser(), IOSXE)
    want = expected(IOSXE)
    assert [(s.peer, s.local, s.status) for s in got] == [
        (spelled(r["neighbor_addr"]), spelled(r["our_addr"]), r["state"].lower()) for r in want
    ]
    assert {ipaddress.ip_address(s.peer).version for s in got} == {4, 6}
    # IOS prints the intervals in microseconds
    assert [(s.receive_interval_ms, s.transmit_interval_ms) for s in got] == [
        (int(r["min_rx_interval"]) // 1000, int(r["min_tx_interval"]) // 1000) for r in want
    ]
    assert [s.detect_multiplier for s in got] == [int(r["multiplier"]) for r in want]
    assert got[0].interface == "GigabitEthernet" + want[0]["interface"][2:]
    assert {s.diagnostic for s in got} == {None}  # "Local Diag: 0" on every session


def test_iosxr_sessions() -> None:
    got = sessions(IosxrParser(), IOSXR)
    want = expected(IOSXR)
    assert [(s.peer, s.status) for s in got] == [
        (r["dstaddress"], r["state"].lower()) for r in want
    ]
    assert [s.interface for s in got] == [r["interface"].replace("Fo", "FortyGigE") for r in want]


def judge(node: NodeState, **keys: Any) -> Any:
    spec = BfdPeers.model_validate({"kind": "bfd_peers", **keys})
    return evaluate(spec, State(source="observed", nodes={node.name: node}), node.name, [node.name])


def test_bfd_peers_check_without_bgps_view() -> None:
    node = NodeState(name="r1", bfd_peers=sessions(IosxeParser(), IOSXE))
    outcome = judge(node, bgp=False)
    assert outcome.status is Status.FAIL
    down = [spelled(r["neighbor_addr"]) for r in expected(IOSXE) if r["state"] == "Down"]
    assert down == ["192.168.16.253", "fe80:10::aab"]
    for peer in down:
        assert f"BFD to {peer} is down" in outcome.message
    listed = judge(node, bgp=False, peers=["2001::7357:2"], min_peers=7)
    assert listed.status is Status.FAIL and "BFD to 192.168.16.253 is down" in listed.message
    nxos = NodeState(name="r2", bfd_peers=sessions(NxosParser(), NXOS))
    assert judge(nxos, bgp=False, peers=["172.23.0.19"], min_peers=3).status is Status.PASS


def test_bfd_peers_check_with_bgps_view_needs_it() -> None:
    # the platforms above do not report BGP's view of BFD: the default check says so
    node = NodeState(name="r2", bfd_peers=sessions(NxosParser(), NXOS))
    node.fail("bgp_neighbors", Problem.UNSUPPORTED, "bgp_neighbors is not supported")
    outcome = judge(node)
    assert outcome.status is Status.ERROR
    assert "no BGP neighbor data from r2: bgp_neighbors is not supported" in outcome.message
    assert BfdPeers.model_validate({"kind": "bfd_peers", "bgp": False}).needed_domains() == ("bfd",)


def test_nxos_ipv6_or_unknown_lines_are_an_error_not_left_out() -> None:
    text = fixture(NXOS + ".raw")
    header, first, *_ = text.splitlines()
    with pytest.raises(ParseError, match="show bfd neighbors"):
        NxosParser().parse("bfd", header + "\n" + first.replace("172.23.0.19", "2001:db8::1"))


def test_iosxr_line_the_template_skips_is_an_error() -> None:
    text = fixture(IOSXR + ".raw")
    lines = text.splitlines()
    # the capture's first session with its address in IPv6 spelling: the template skips it
    lines[3] = lines[3].replace("10.100.100.141 ", "2001:db8::141 ")
    with pytest.raises(ParseError, match="does not read"):
        IosxrParser().parse("bfd", "\n".join(lines))


@pytest.mark.parametrize(("parser", "name"), CASES)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(parser: PlatformParser, name: str, garbage: str) -> None:
    assert_parse_error_mentions_command(parser, "bfd", garbage)


@pytest.mark.parametrize(("parser", "name"), CASES)
def test_another_commands_answer_raises(parser: PlatformParser, name: str) -> None:
    other = {NXOS: IOSXR, IOSXE: NXOS, IOSXR: IOSXE}[name]
    assert_parse_error_mentions_command(parser, "bfd", fixture(other + ".raw"))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), case=st.sampled_from(CASES))
def test_damaged_captures_only_raise_parse_error(
    data: st.DataObject, case: tuple[PlatformParser, str]
) -> None:
    parser, name = case
    try:
        result = parser.parse("bfd", data.draw(damaged_text(fixture(name + ".raw"))))
    except ParseError:
        return
    assert isinstance(result, list)
