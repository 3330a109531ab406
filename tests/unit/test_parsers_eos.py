"""Arista EOS parsers on real ``| json`` captures (NAPALM test data, Batfish lab-validation)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.checks.bgp import BgpSessions
from netval.checks.bgp_route import BgpRoute as BgpRouteCheck
from netval.live.parsers.base import ParseError
from netval.live.parsers.eos import CMD_BGP6, EosParser
from netval.results import Status
from netval.state import (
    BgpPeer,
    BgpRoute,
    BgpState,
    Domain,
    NextHop,
    NodeState,
    Route,
    State,
)
from tests.unit.parser_helpers import (
    GARBAGE,
    assert_parse_error_mentions_command,
    damaged_json,
    fixture,
    parse_or_parse_error,
)

# upDownTime of 10.0.0.1 in the capture, plus the 121 s uptime NAPALM's own expected
# result reports for that peer: a fixed clock makes the uptime deterministic.
NOW = 1721080527.052693 + 121
PARSER = EosParser(clock=lambda: NOW)
BGP = fixture("arista_eos/show_ip_bgp_summary_vrf_all/napalm_normal.json")
BGP_UNNUMBERED = fixture(
    "arista_eos/show_ip_bgp_summary_vrf_all/napalm_issue1759_unnumbered_asdot.json"
)
ROUTES = fixture("arista_eos/show_ip_route_vrf_all/lab_validation_eos_bgp_aggregate_EOS-1.json")
ROUTES_EVPN = fixture(
    "arista_eos/show_ip_route_vrf_all/lab_validation_eos_evpn_l3_design_guide_DC1-LEAF2A.json"
)
INTERFACES = fixture("arista_eos/show_interfaces/lab_validation_eos_ceos_ebgp_r1.json")
BGP6 = fixture("arista_eos/show_ipv6_bgp_summary_vrf_all/napalm_normal.json")
BGP6_UNNUMBERED = fixture(
    "arista_eos/show_ipv6_bgp_summary_vrf_all/napalm_issue1759_unnumbered_asdot.json"
)
BGP6_ACTIVE = fixture("arista_eos/show_ipv6_bgp_summary_vrf_all/napalm_issue1168_active.json")
BGP6_NO_PEERS = fixture(
    "arista_eos/show_ipv6_bgp_summary_vrf_all/napalm_issue1356_vrfs_without_peers.json"
)
BGP6_ALL = [BGP6, BGP6_UNNUMBERED, BGP6_ACTIVE, BGP6_NO_PEERS]
BGP_DETAIL_ECMP = fixture("arista_eos/show_ip_bgp_detail_vrf_all/napalm_iss736_confed_ecmp.json")
BGP_DETAIL_PEER = fixture("arista_eos/show_ip_bgp_detail_vrf_all/napalm_iss1069_peer_entry.json")
BGP_NOT_DETAIL = fixture(
    "arista_eos/show_ip_bgp_vrf_all/lab_validation_eos_bgp_aggregate_EOS-1.json"
)
DOMAINS = ["bgp", "routes", "vrrp", "interfaces", "bgp_routes"]
REAL = {
    "bgp": [BGP, BGP_UNNUMBERED],
    "routes": [ROUTES, ROUTES_EVPN],
    "interfaces": [INTERFACES],
    "bgp_routes": [BGP_DETAIL_ECMP, BGP_DETAIL_PEER],
}


def test_commands() -> None:
    assert PARSER.platform == "arista_eos"
    assert set(PARSER.commands) == set(DOMAINS)
    assert all(command.endswith("| json") for command in PARSER.commands.values())


def test_bgp_summary() -> None:
    peers = {p.peer: p for p in PARSER.parse("bgp", BGP)}
    assert set(peers) == {"10.0.0.1", "10.0.0.3"}
    up = peers["10.0.0.1"]
    assert (up.vrf, up.local_as, up.remote_as) == ("default", 65001, 65002)
    assert up.state is BgpState.ESTABLISHED
    assert up.prefixes_received == 3
    assert up.uptime_seconds == pytest.approx(121.0)
    down = peers["10.0.0.3"]
    assert down.state is BgpState.ACTIVE
    assert down.uptime_seconds is None  # upDownTime of a down peer is not an uptime


def test_bgp_unnumbered_and_asdot() -> None:
    peers = {p.peer: p for p in PARSER.parse("bgp", BGP_UNNUMBERED)}
    assert len(peers) == 5
    peer = peers["fe80::a8c1:abff:fe0b:7b5f%Et5"]
    assert peer.local_as == 65001 * 65536 + 1026  # "65001.1026"
    assert peer.remote_as == 65000 * 65536 + 8  # "65000.8"
    assert peer.prefixes_received == 2
    assert all(p.state is BgpState.ESTABLISHED for p in peers.values())


def test_bgp_nothing_configured_is_empty() -> None:
    # The real answer with its VRFs emptied: what EOS prints when BGP has no peers.
    answer = json.loads(BGP)
    answer["vrfs"]["default"]["peers"] = {}
    assert PARSER.parse("bgp", json.dumps(answer)) == []
    assert PARSER.parse("bgp", json.dumps({"vrfs": {}})) == []


def test_routes_aggregate_static_connected() -> None:
    routes = {r.prefix: r for r in PARSER.parse("routes", ROUTES)}
    assert len(routes) == 11
    assert routes["10.10.0.0/16"] == Route(
        prefix="10.10.0.0/16",
        protocol="aggregate",
        next_hops=[NextHop(discard=True, fib=True)],
        fib=True,
    )
    static = routes["10.13.0.0/16"]
    assert (static.protocol, static.admin_distance, static.metric) == ("static", 199, 0)
    assert static.next_hops == [NextHop(ip="192.168.2.2", interface="Ethernet2", fib=True)]
    connected = routes["192.168.1.0/30"]
    assert connected.protocol == "connected"
    assert connected.next_hops == [NextHop(interface="Ethernet1", fib=True)]
    assert connected.admin_distance is None


def test_routes_ecmp_vrfs_and_evpn() -> None:
    routes = PARSER.parse("routes", ROUTES_EVPN)
    assert {r.vrf for r in routes} == {
        "default",
        "MGMT",
        "Tenant_A_DB_Zone",
        "Tenant_A_WEB_Zone",
        "Tenant_A_OP_Zone",
        "Tenant_A_APP_Zone",
    }
    table = {(r.vrf, r.prefix): r for r in routes}
    ecmp = table[("default", "192.168.123.7/32")]
    assert (ecmp.protocol, ecmp.bgp_kind) == ("bgp", "ebgp")
    assert [(h.ip, h.interface) for h in ecmp.next_hops] == [
        ("172.31.255.4", "Ethernet1"),
        ("172.31.255.6", "Ethernet2"),
    ]
    assert ecmp.admin_distance == 20
    ibgp = table[("default", "192.168.123.5/32")]
    assert (ibgp.protocol, ibgp.bgp_kind, ibgp.admin_distance) == ("bgp", "ibgp", 200)
    assert table[("MGMT", "0.0.0.0/0")].bgp_kind is None
    # EVPN type-5 route: forwarded to a VTEP, no interface.
    evpn = table[("Tenant_A_DB_Zone", "10.255.4.7/32")]
    assert evpn.next_hops == [NextHop(ip="192.168.254.6", fib=True)]
    assert table[("MGMT", "0.0.0.0/0")].next_hops[0].ip == "192.168.2.1"


def test_interfaces() -> None:
    interfaces = {i.name: i for i in PARSER.parse("interfaces", INTERFACES)}
    assert set(interfaces) == {"Ethernet1", "Management0", "Loopback0"}
    assert interfaces["Ethernet1"].addresses == ["10.0.0.0/31"]
    assert (interfaces["Ethernet1"].admin_up, interfaces["Ethernet1"].oper_up) == (True, True)
    # Link-local IPv6 is left out, the global address kept.
    assert interfaces["Management0"].addresses == ["172.20.20.3/24", "3fff:172:20:20::3/64"]
    assert interfaces["Loopback0"].addresses == ["1.1.1.1/32"]
    assert interfaces["Ethernet1"].description is None  # "" on the device


def test_vrrp_needs_virtual_routers() -> None:
    # No public EOS `show vrrp | json` capture was found: only the error paths and the
    # empty answer are tested here (see SOURCES.md).
    assert PARSER.parse("vrrp", json.dumps({"virtualRouters": []})) == []
    assert_parse_error_mentions_command(PARSER, "vrrp", json.dumps({"vrfs": {}}))


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_raises_parse_error(domain: Domain, garbage: str) -> None:
    assert_parse_error_mentions_command(PARSER, domain, garbage)


@pytest.mark.parametrize("domain", ["bgp", "routes", "interfaces", "bgp_routes"])
def test_truncated_json_raises(domain: Domain) -> None:
    text = REAL[domain][0]
    exc = assert_parse_error_mentions_command(PARSER, domain, text[: len(text) // 2])
    assert "not valid JSON" in str(exc)


@pytest.mark.parametrize("domain", DOMAINS)
def test_json_without_the_needed_fields_raises(domain: Domain) -> None:
    for answer in ("{}", "[]", '{"vrfs": []}', '"text"', "null"):
        assert_parse_error_mentions_command(PARSER, domain, answer)


def test_other_commands_answer_raises() -> None:
    assert_parse_error_mentions_command(PARSER, "routes", BGP)
    assert_parse_error_mentions_command(PARSER, "interfaces", ROUTES)


@settings(max_examples=150, deadline=None)
@given(domain=st.sampled_from(DOMAINS), text=st.text())
def test_random_text_only_raises_parse_error(domain: Domain, text: str) -> None:
    parse_or_parse_error(PARSER, domain, text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), domain=st.sampled_from(["bgp", "routes", "interfaces", "bgp_routes"]))
def test_damaged_captures_only_raise_parse_error(data: st.DataObject, domain: Domain) -> None:
    source = data.draw(st.sampled_from(REAL[domain]))
    parse_or_parse_error(PARSER, domain, data.draw(damaged_json(source)))


def _peers6(text: str) -> list[BgpPeer]:
    return [p for p in PARSER.parse_command("bgp", CMD_BGP6, text) if isinstance(p, BgpPeer)]


def _combined(*parts: list[BgpPeer]) -> list[BgpPeer]:
    merged = PARSER.merge("bgp", [peer for part in parts for peer in part])
    return [p for p in merged if isinstance(p, BgpPeer)]


def test_ipv6_sessions_come_from_the_ipv6_summary() -> None:
    assert PARSER.extra_commands["bgp"] == (CMD_BGP6,)
    raw = json.loads(BGP6)["vrfs"]["default"]
    peers = {p.peer: p for p in _peers6(BGP6)}
    assert set(peers) == set(raw["peers"])
    for address, info in raw["peers"].items():
        peer = peers[address]
        assert (peer.vrf, peer.local_as, peer.remote_as) == (
            "default",
            int(raw["asn"]),
            int(info["asn"]),
        )
        assert peer.state is BgpState.ESTABLISHED
        assert peer.prefixes_received == info["prefixReceived"]
        assert peer.uptime_seconds == pytest.approx(NOW - info["upDownTime"])


def test_ipv6_summary_of_an_older_release_with_string_times() -> None:
    raw = json.loads(BGP6_ACTIVE)["vrfs"]["default"]["peers"]
    peers = {p.peer: p for p in _peers6(BGP6_ACTIVE)}
    up, down = peers["2001:7f8::f10:0:2"], peers["2001:7f8::f10:0:3"]
    assert (up.state, up.remote_as) == (BgpState.ESTABLISHED, raw["2001:7f8::f10:0:2"]["asn"])
    assert up.uptime_seconds == pytest.approx(NOW - float(raw["2001:7f8::f10:0:2"]["upDownTime"]))
    assert down.state is BgpState.ACTIVE and down.uptime_seconds is None


def test_ipv6_summary_of_vrfs_without_peers_is_empty() -> None:
    assert _peers6(BGP6_NO_PEERS) == []


def test_both_families_make_one_list_of_sessions() -> None:
    peers = _combined(
        [p for p in PARSER.parse("bgp", BGP) if isinstance(p, BgpPeer)], _peers6(BGP6)
    )
    expected = set(json.loads(BGP)["vrfs"]["default"]["peers"])
    expected |= set(json.loads(BGP6)["vrfs"]["default"]["peers"])
    assert sorted(p.peer for p in peers) == sorted(expected)


def test_a_session_carrying_both_families_is_one_session() -> None:
    # RFC 5549 sessions over link-local addresses carry IPv4 and IPv6 unicast: EOS lists
    # each in both summaries; it is one session that received the sum
    v4_raw = json.loads(BGP_UNNUMBERED)["vrfs"]["default"]["peers"]
    v6_raw = json.loads(BGP6_UNNUMBERED)["vrfs"]["default"]["peers"]
    assert set(v4_raw) == set(v6_raw)
    v4 = [p for p in PARSER.parse("bgp", BGP_UNNUMBERED) if isinstance(p, BgpPeer)]
    peers = {p.peer: p for p in _combined(v4, _peers6(BGP6_UNNUMBERED))}
    assert len(peers) == len(v4_raw)
    for address in v4_raw:
        total = v4_raw[address]["prefixReceived"] + v6_raw[address]["prefixReceived"]
        assert peers[address].prefixes_received == total
        assert peers[address].state is BgpState.ESTABLISHED


def test_bgp_sessions_check_on_an_ipv6_peer() -> None:
    peers = _combined(
        [p for p in PARSER.parse("bgp", BGP) if isinstance(p, BgpPeer)], _peers6(BGP6)
    )
    state = State(source="observed", nodes={"r1": NodeState(name="r1", bgp_peers=peers)})
    # a catalog may spell the address in capitals; 2001:fb8:100::2 sent 3 prefixes
    check = BgpSessions.model_validate(
        {
            "kind": "bgp_sessions",
            "peers": ["2001:FB8:100::2"],
            "remote_as": {"2001:FB8:100::2": 65002},
            "expect": {"min_prefixes_received": 3},
        }
    )
    assert check.evaluate(state, "r1", ["r1"]).status is Status.PASS
    more = check.model_copy(
        update={"expect": check.expect.model_copy(update={"min_prefixes_received": 4})}
    )
    outcome = more.evaluate(state, "r1", ["r1"])
    assert outcome.status is Status.FAIL
    assert "2001:fb8:100::2 (AS 65002) sent 3 prefixes, expected at least 4" in outcome.message


@pytest.mark.parametrize("garbage", GARBAGE)
def test_ipv6_summary_garbage_raises_parse_error_naming_it(garbage: str) -> None:
    with pytest.raises(ParseError, match=r"show ipv6 bgp summary vrf all \| json"):
        PARSER.parse_command("bgp", CMD_BGP6, garbage)


def test_a_command_the_platform_does_not_ask_is_refused() -> None:
    with pytest.raises(ParseError, match="does not ask"):
        PARSER.parse_command("routes", CMD_BGP6, BGP6)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_damaged_ipv6_summaries_only_raise_parse_error(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(BGP6_ALL))
    try:
        result = PARSER.parse_command("bgp", CMD_BGP6, data.draw(damaged_json(source)))
    except ParseError:
        return
    assert isinstance(result, list)


def _paths(text: str) -> list[BgpRoute]:
    return [p for p in PARSER.parse("bgp_routes", text) if isinstance(p, BgpRoute)]


def _raw_paths(text: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (vrf, prefix, path)
        for vrf, table in json.loads(text)["vrfs"].items()
        for prefix, entry in table["bgpRouteEntries"].items()
        for path in entry["bgpRoutePaths"]
    ]


@pytest.mark.parametrize("text", [BGP_DETAIL_ECMP, BGP_DETAIL_PEER])
def test_bgp_paths_carry_the_attributes_of_the_capture(text: str) -> None:
    raw = _raw_paths(text)
    paths = _paths(text)
    assert len(paths) == len(raw)
    for path, (vrf, prefix, want) in zip(paths, raw, strict=True):
        detail = want["routeDetail"]
        peer = (want.get("peerEntry") or detail["peerEntry"])["peerAddr"]
        assert (path.vrf, path.prefix, path.peer) == (vrf, prefix, peer)
        assert path.next_hop == want["nextHop"]
        assert (path.best, path.valid) == (want["routeType"]["active"], want["routeType"]["valid"])
        assert (path.med, path.local_pref) == (want["med"], want["localPreference"])
        assert path.origin == detail["origin"].lower()
        assert path.communities == detail["communityList"]
        assert path.extended_communities == detail["extCommunityList"]
        assert path.large_communities == detail.get("largeCommunityList", [])
        # "(20901 21149)": a confederation sequence; each AS of it is on the path
        assert path.as_path == [int(a) for a in want["asPathEntry"]["asPath"].strip("()").split()]


def test_ecmp_paths_are_multipath_and_one_is_best() -> None:
    paths = {p.peer: p for p in _paths(BGP_DETAIL_ECMP)}
    assert set(paths) == {"1.0.4.221", "1.0.4.223"}
    assert paths["1.0.4.221"].best and not paths["1.0.4.223"].best
    assert paths["1.0.4.221"].multipath and paths["1.0.4.223"].multipath
    assert not _paths(BGP_DETAIL_PEER)[0].multipath


def test_bgp_route_check_on_eos_paths() -> None:
    state = State(
        source="observed",
        nodes={"r1": NodeState(name="r1", bgp_routes=_paths(BGP_DETAIL_ECMP))},
    )

    def judge(**keys: Any) -> Any:
        spec = BgpRouteCheck.model_validate({"kind": "bgp_route", "prefix": "1.0.4.0/24", **keys})
        return spec.evaluate(state, "r1", ["r1"])

    best = judge(as_path=[20901, 21149], local_pref=100, med=175, origin="igp")
    assert best.status is Status.PASS
    other = judge(peer="1.0.4.223", best=True)
    assert other.status is Status.FAIL and "is not the best path" in other.message
    tagged = judge(communities=["65000:1"])
    assert tagged.status is Status.FAIL and "lacks communit(ies) 65000:1 (has: none)" in (
        tagged.message
    )


def test_the_table_without_detail_is_refused() -> None:
    # `show ip bgp vrf all` leaves the communities out: reading it as having none would
    # pass a `no_communities` check on data that was never shown
    with pytest.raises(ParseError, match="routeDetail"):
        PARSER.parse("bgp_routes", BGP_NOT_DETAIL)
