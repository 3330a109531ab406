"""Route-map semantics per vendor: implicit deny, ge/le, regexes, additive, prepend, continue."""

from __future__ import annotations

from netval.static.engine import RouteInput
from tests.unit.builtin.conftest import MakeEngine, frr_device

FRR_POLICY = """
ip prefix-list P seq 5 permit 10.0.0.0/8 ge 16 le 24
ip prefix-list P seq 10 deny 0.0.0.0/0 le 32
ip prefix-list EXACT seq 5 permit 192.0.2.0/24
bgp community-list standard STD permit 65000:1 65000:2
bgp community-list expanded EXP permit ^65000:1[0-9]$
bgp as-path access-list AP permit _65001_
bgp as-path access-list START permit ^64512_
route-map RM deny 5
 match as-path START
route-map RM permit 10
 match ip address prefix-list P
 set local-preference 200
 set community 65000:99 additive
 on-match next
route-map RM permit 20
 match community STD
 set metric 50
route-map RM permit 30
 match community EXP
 set as-path prepend 65000 65000
route-map RM permit 40
 match as-path AP
 set community 1:1
route-map RM permit 50
 match ip address prefix-list EXACT
 set weight 7
"""


def _run(make_engine: MakeEngine, routes: list[RouteInput]) -> list[dict]:  # type: ignore[type-arg]
    e = make_engine({"r1": frr_device("r1", {"eth1": "10.0.0.1/31"}, FRR_POLICY)})
    return e.test_route_policies("r1", "RM", "in", routes).rows


def test_prefix_list_ge_le_and_continue(make_engine: MakeEngine) -> None:
    rows = _run(
        make_engine,
        [
            RouteInput("10.1.0.0/16"),  # permit 10 then continue: nothing else matches -> permit
            RouteInput("10.0.0.0/8"),  # too short for ge 16 -> no entry -> implicit deny
            RouteInput("10.1.2.0/25"),  # too long for le 24
            RouteInput("10.1.2.0/24", communities=("65000:1", "65000:2")),  # 10 + continue + 20
        ],
    )
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY", "DENY", "PERMIT"]
    assert rows[0]["Output_Route"]["localPreference"] == 200
    assert rows[0]["Output_Route"]["communities"] == ["65000:99"]
    out = rows[3]["Output_Route"]
    assert out["metric"] == 50 and out["localPreference"] == 200
    assert out["communities"] == ["65000:1", "65000:2", "65000:99"]


def test_standard_list_needs_all_communities(make_engine: MakeEngine) -> None:
    rows = _run(make_engine, [RouteInput("172.16.0.0/16", communities=("65000:1",))])
    assert rows[0]["Action"] == "DENY"


def test_expanded_regex_and_prepend(make_engine: MakeEngine) -> None:
    rows = _run(
        make_engine, [RouteInput("172.16.0.0/16", communities=("65000:15",), as_path=(65010,))]
    )
    assert rows[0]["Action"] == "PERMIT"
    assert [a["asns"] for a in rows[0]["Output_Route"]["asPath"]] == [[65000], [65000], [65010]]


def test_underscore_regex(make_engine: MakeEngine) -> None:
    rows = _run(
        make_engine,
        [
            RouteInput("172.16.0.0/16", as_path=(3, 65001, 7)),
            RouteInput("172.16.0.0/16", as_path=(650011,)),  # _65001_ must not match 650011
            RouteInput("172.16.0.0/16", as_path=(64512, 1)),  # deny 5 first
        ],
    )
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY", "DENY"]
    assert rows[0]["Output_Route"]["communities"] == ["1:1"]  # replaced, not additive


def test_exact_prefix_and_weight(make_engine: MakeEngine) -> None:
    rows = _run(make_engine, [RouteInput("192.0.2.0/24"), RouteInput("192.0.2.0/25")])
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY"]
    assert rows[0]["Output_Route"]["weight"] == 7


IOS = """!
hostname ios1
!
ip prefix-list PL seq 5 permit 10.0.0.0/8 le 24
ip community-list standard CL permit 65000:1
ip as-path access-list 10 permit ^65001_
access-list 5 permit 172.16.0.0 0.0.255.255
!
route-map RM permit 10
 match ip address prefix-list PL
 match as-path 10
 set local-preference 300
 continue 30
route-map RM deny 20
 match ip address prefix-list PL
route-map RM permit 30
 match community CL
 set community 65000:2 additive
route-map RM permit 40
 match ip address 5
 set metric 10
!
"""


def test_ios_continue_and_acl(make_engine: MakeEngine) -> None:
    e = make_engine({"ios1": IOS})
    rows = e.test_route_policies(
        "ios1",
        "RM",
        "in",
        [
            RouteInput("10.1.0.0/16", as_path=(65001, 2)),  # 10 -> continue 30 (skips deny 20)
            RouteInput("10.1.0.0/16", as_path=(65002,)),  # deny 20
            RouteInput("172.16.5.0/24"),  # ACL 5
            RouteInput("172.17.0.0/16"),  # nothing -> implicit deny
        ],
    ).rows
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY", "PERMIT", "DENY"]
    assert rows[0]["Output_Route"]["localPreference"] == 300
    assert rows[2]["Output_Route"]["metric"] == 10
    assert e.file_parse_status().rows[0]["File_Format"] == "CISCO_IOS"


EOS = """! device: leaf (DCS-7050, EOS-4.20.1F)
hostname eos1
ip prefix-list PL seq 10 permit 10.0.0.0/8 ge 24
ip community-list CL permit 65000:7
route-map RM permit 10
   match ip address prefix-list PL
   set community community-list CL additive
"""


def test_eos_set_community_list(make_engine: MakeEngine) -> None:
    e = make_engine({"eos1": EOS})
    rows = e.test_route_policies(
        "eos1", "RM", "out", [RouteInput("10.1.1.0/24"), RouteInput("10.1.0.0/16")]
    ).rows
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY"]
    assert rows[0]["Output_Route"]["communities"] == ["65000:7"]
    assert rows[0]["Output_Route"]["nextHopIp"] is None  # out: next hop unset
    assert e.file_parse_status().rows[0]["File_Format"] == "ARISTA"
