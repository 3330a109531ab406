"""The built-in grammar alone (FRR's own dry run switched off) flags lines a router rejects or
the engine does not model, with file and line, and the parse check fails on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval import frr_verdict
from netval.checks.static import Parse
from netval.results import Status
from netval.static.builtin import BuiltinEngine
from netval.static.engine import RouteInput
from tests.unit.builtin.conftest import MakeEngine, frr_device


@pytest.fixture(autouse=True)
def without_frr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """FRR's verdict is asked only when vtysh exists: point it at a path that does not."""
    monkeypatch.setattr(frr_verdict, "VTYSH", str(tmp_path / "no-vtysh"))
    assert not frr_verdict.available()


def _line_of(engine: BuiltinEngine, name: str, needle: str) -> int:
    text = (engine.path / "configs" / name).read_text()
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _findings(engine: BuiltinEngine, name: str | None = None) -> dict[int, tuple[str, str]]:
    return {
        row["Source_Lines"][0]["lines"][0]: (row["Line_Text"], row["Details"])
        for row in engine.init_issues().rows
        if row["Type"] == "Parse warning"
        and name in (None, row["Source_Lines"][0]["filename"].removeprefix("configs/"))
    }


def _parse_check(engine: BuiltinEngine) -> tuple[Status, str]:
    outcome = Parse(kind="parse").evaluate_static(engine, "network", [], None)
    return outcome.status, outcome.message


FRR_BODY = """
ip prefix-list GOOD seq 5 permit 10.0.0.0/8 le 24
ip prefix-list SHORT seq 5 permit 10.0.0.0/24 le 16
ip prefix-list WIDE seq 5 permit 10.0.0.0/24 ge 23
ip prefix-list CROSSED seq 5 permit 10.0.0.0/16 ge 28 le 26
ip prefix-list CDN_OUT seq 5 permit 10.1.0.0/16 le 24
route-map TO_PEER permit 10
 match ip adress prefix-list CDN_OUT
route-map TO_PEER permit 20
 match ip address prefix-list GOOD
router bgp 1
 neighbor 10.0.0.1 remote-as 2
 address-family ipv4 unicast
  neighbor 10.0.0.1 route-map TO_PEER out
 exit-address-family
"""


@pytest.mark.parametrize(
    ("needle", "why"),
    [
        ("permit 10.0.0.0/24 le 16", "length <= ge <= le <= 32"),
        ("permit 10.0.0.0/24 ge 23", "length <= ge <= le <= 32"),
        ("ge 28 le 26", "length <= ge <= le <= 32"),
        ("match ip adress prefix-list CDN_OUT", ""),
    ],
)
def test_frr_lines_the_router_rejects_are_findings(
    make_engine: MakeEngine, needle: str, why: str
) -> None:
    e = make_engine({"r1": frr_device("r1", {"eth1": "10.0.0.0/31"}, FRR_BODY)})
    assert e.file_parse_status().rows[0]["Status"] == "PARTIALLY_UNRECOGNIZED"
    line = _line_of(e, "r1", needle)
    text, details = _findings(e)[line]
    assert needle in text
    assert why in details
    status, message = _parse_check(e)
    assert status is Status.FAIL
    assert f"configs/r1:{line} Parse warning: {text}" in message


def test_invalid_prefix_list_entry_matches_nothing(make_engine: MakeEngine) -> None:
    # the router does not install the entry, so the list has no entry: nothing is permitted
    e = make_engine(
        {
            "r1": frr_device(
                "r1",
                {},
                "ip prefix-list SHORT seq 5 permit 10.0.0.0/24 le 16\n"
                "route-map RM permit 10\n match ip address prefix-list SHORT\n",
            )
        }
    )
    rows = e.test_route_policies("r1", "RM", "in", [RouteInput("10.0.0.0/20")]).rows
    assert rows[0]["Action"] == "DENY"


def test_frr_takes_one_list_name_per_match(make_engine: MakeEngine) -> None:
    e = make_engine(
        {
            "r1": frr_device(
                "r1",
                {},
                "ip prefix-list A seq 5 permit 10.0.0.0/8\n"
                "ip prefix-list B seq 5 permit 11.0.0.0/8\n"
                "route-map RM permit 10\n match ip address prefix-list A B\n",
            )
        }
    )
    line = _line_of(e, "r1", "prefix-list A B")
    assert "takes one name on FRR" in _findings(e)[line][1]


@pytest.mark.parametrize(
    "statement",
    [
        " match interface eth0",
        " match ip next-hop prefix-list A",
        " match rpki valid",
        " set as-path exclude 65001",
        " set extcommunity rt 1:1",
        " match origin nowhere",
        " match tag 0",
        " set origin somewhere",
        " set metric bogus",
        " set community-list C delete",
    ],
)
def test_route_map_lines_not_modelled_or_invalid_are_findings(
    make_engine: MakeEngine, statement: str
) -> None:
    e = make_engine({"r1": frr_device("r1", {}, f"route-map RM permit 10\n{statement}\n")})
    line = _line_of(e, "r1", statement.strip())
    assert _findings(e)[line][0] == statement.strip()
    assert _parse_check(e)[0] is Status.FAIL


def test_valid_modelled_route_map_lines_pass(make_engine: MakeEngine) -> None:
    e = make_engine(
        {
            "r1": frr_device(
                "r1",
                {},
                "ip prefix-list A seq 5 permit 10.0.0.0/8 ge 16 le 24\n"
                "ip prefix-list A seq 10 permit 10.0.0.0/8 le 32 ge 9\n"
                "bgp community-list standard C permit 1:1\n"
                "bgp as-path access-list P permit ^1_\n"
                "route-map RM permit 10\n"
                " match ip address prefix-list A\n"
                " match community C exact-match\n"
                " match as-path P\n"
                " match tag 5\n"
                " match origin igp\n"
                " set local-preference +10\n"
                " set metric -rtt\n"
                " set comm-list C delete\n"
                " set community 2:2 additive\n"
                " set as-path prepend 1 1\n"
                " on-match next\n",
            )
        }
    )
    assert _findings(e) == {}
    assert _parse_check(e)[0] is Status.PASS


IOS = """hostname r2
!
ip prefix-list SHORT seq 5 permit 10.0.0.0/24 le 16
ip prefix-list OK seq 5 permit 10.0.0.0/8 le 24
!
route-map RM permit 10
 match ip adress prefix-list OK
 match ip address prefix-list OK SHORT
 set bogus thing
!
interface GigabitEthernet0/0
 ip address 10.0.0.1 255.255.255.254
!
"""


def test_cisco_lines_are_findings_too(make_engine: MakeEngine) -> None:
    e = make_engine({"r2": IOS})
    found = _findings(e)
    assert _line_of(e, "r2", "le 16") in found
    assert _line_of(e, "r2", "match ip adress") in found
    assert _line_of(e, "r2", "set bogus") in found
    assert _line_of(e, "r2", "OK SHORT") not in found  # IOS takes several names


def test_one_acl_operand_parser_for_frr_and_cisco(make_engine: MakeEngine) -> None:
    frr = frr_device(
        "r1",
        {},
        "access-list WILD seq 5 permit 10.0.0.0 0.0.255.255\n"
        "access-list BAD seq 5 permit 10.0.0.300/8\n"
        "access-list EXACT seq 5 permit 10.0.0.0/8 exact-match\n"
        "route-map RM permit 10\n match ip address WILD\n",
    )
    ios = (
        IOS + "ip access-list standard STD\n permit host 10.1.1.1\n permit 10.300.0.0 0.0.255.255\n"
    )
    e = make_engine({"r1": frr, "r2": ios})
    found = _findings(e, "r1")
    assert "not an IPv4 prefix" in found[_line_of(e, "r1", "10.0.0.300/8")][1]
    assert "does not model 'exact-match'" in found[_line_of(e, "r1", "exact-match")][1]
    assert "not an IPv4 address" in _findings(e, "r2")[_line_of(e, "r2", "permit 10.300.0.0")][1]
    # the wildcard form is an operand of its own, not a host address with a stray word
    routes = [RouteInput("10.0.5.0/24"), RouteInput("11.0.0.0/8")]
    rows = e.test_route_policies("r1", "RM", "in", routes).rows
    assert [r["Action"] for r in rows] == ["PERMIT", "DENY"]
