"""`bgp_advertised` on IOS-XE's `show ip bgp neighbors X advertised-routes`, on the real
captures in ntc-templates' test suite. Expected values are read from ntc-templates' own
expected parse (the .yml beside each capture), never from netval's parser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from netval.checks.bgp_advertised import BgpAdvertised
from netval.live.parsers.base import ParseError
from netval.live.parsers.iosxe import IosxeParser
from netval.results import Status
from netval.state import BgpPeer, BgpState, NodeState, State

DATA = (
    Path(__file__).parents[1]
    / "data"
    / "parsers"
    / "cisco_iosxe"
    / "show_ip_bgp_neighbors_advertised-routes"
)
CAPTURES = ["show_ip_bgp_neighbors_advertised_routes", "show_ip_bgp_neighbors_advertised_routes2"]
PARSER = IosxeParser()
PEER = "192.0.2.1"


def capture(name: str) -> str:
    return (DATA / f"{name}.raw").read_text()


def expected(name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = YAML(typ="safe").load((DATA / f"{name}.yml").read_text())[
        "parsed_sample"
    ]
    return rows


def test_the_command_is_asked_per_peer() -> None:
    assert PARSER.peer_command("bgp_advertised", PEER) == (
        f"show ip bgp neighbors {PEER} advertised-routes"
    )


@pytest.mark.parametrize("name", CAPTURES)
def test_routes_follow_the_expected_parse(name: str) -> None:
    routes = PARSER.parse_peer("bgp_advertised", PEER, capture(name))
    rows = expected(name)
    assert len(routes) == len(rows)
    for route, row in zip(routes, rows, strict=True):
        assert route.peer == PEER and route.vrf == "default"
        assert route.prefix == row["network"]
        assert route.next_hop == (None if row["next_hop"] == "0.0.0.0" else row["next_hop"])
        assert route.as_path == [int(a) for a in row["as_path"].split()]
        assert route.origin == {"i": "igp", "e": "egp", "?": "incomplete"}[row["origin"]]
        assert route.med == (int(row["metric"]) if row["metric"] else None)
        assert route.local_pref == (int(row["local_pref"]) if row["local_pref"] else None)


def node(output: str) -> NodeState:
    return NodeState(
        name="r1",
        bgp_peers=[BgpPeer(peer=PEER, state=BgpState.ESTABLISHED)],
        bgp_advertised=PARSER.parse_peer("bgp_advertised", PEER, output),  # type: ignore[arg-type]
    )


def judge(n: NodeState, **keys: Any) -> Any:
    spec = BgpAdvertised.model_validate({"kind": "bgp_advertised", "peer": PEER, **keys})
    return spec.evaluate(State(source="observed", nodes={n.name: n}), n.name, [n.name])


def test_the_check_judges_a_recorded_table() -> None:
    name = CAPTURES[0]
    sent = [row["network"] for row in expected(name)]
    n = node(capture(name))
    assert judge(n, prefixes=sent, only=True).status is Status.PASS
    missing = judge(n, prefixes=[*sent, "198.51.100.0/24"])
    assert missing.status is Status.FAIL and "198.51.100.0/24" in missing.message
    leak = judge(n, not_prefixes=[sent[3]])
    assert leak.status is Status.FAIL and sent[3] in leak.message
    assert judge(n, max_prefixes=len(sent) - 1).status is Status.FAIL


def test_an_answer_that_says_nothing_is_sent_is_empty() -> None:
    assert PARSER.parse_peer("bgp_advertised", PEER, "\nTotal number of prefixes 0 \n") == []


@pytest.mark.parametrize(
    "output",
    [
        "",
        "   \n",
        "% No such neighbor or address family",
        "BGP table version is 175123, local router ID is 1.2.3.4\n",
        "garbage\nmore garbage\n",
    ],
)
def test_no_table_is_an_error_naming_the_command(output: str) -> None:
    with pytest.raises(ParseError) as info:
        PARSER.parse_peer("bgp_advertised", PEER, output)
    assert f"show ip bgp neighbors {PEER} advertised-routes" in info.value.message


def test_a_table_cut_short_is_an_error() -> None:
    text = capture(CAPTURES[0])
    cut = re.sub(r"^ \*>   113\.55\.58\.0/24.*\n", "", text, flags=re.MULTILINE)
    assert cut != text
    with pytest.raises(ParseError) as info:
        PARSER.parse_peer("bgp_advertised", PEER, cut)
    assert "7 prefixes" in info.value.message


def test_crlf_line_endings_parse_the_same() -> None:
    text = capture(CAPTURES[1])
    assert PARSER.parse_peer("bgp_advertised", PEER, text.replace("\n", "\r\n")) == (
        PARSER.parse_peer("bgp_advertised", PEER, text)
    )
