"""FRR parser on output recorded from real FRR 8.4.4 routers of the example network (the lab).

Expected values were read by hand from the recorded JSON files in tests/data/parsers/frr/.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.live.parsers.base import ParseError
from netval.live.parsers.frr import PARSER
from netval.state import BgpState, Domain, VrrpRole
from tests.conftest import DATA

FRR = DATA / "parsers" / "frr"


def _read(name: str) -> str:
    return (FRR / name).read_text()


def test_bgp_summary() -> None:
    peers = {p.peer: p for p in PARSER.parse("bgp", _read("bgp_summary_leaf1.json"))}
    assert sorted(peers) == ["10.10.254.0", "10.10.254.8"]
    spine1 = peers["10.10.254.0"]
    assert spine1.state is BgpState.ESTABLISHED
    assert (spine1.local_as, spine1.remote_as, spine1.prefixes_received) == (65001, 65101, 6)
    assert spine1.description == "spine1" and spine1.vrf == "default"


def test_routes_keep_every_ecmp_next_hop() -> None:
    routes = PARSER.parse("routes", _read("ip_route_leaf1.json"))
    default = next(r for r in routes if r.prefix == "0.0.0.0/0")  # type: ignore[union-attr]
    assert default.protocol == "bgp" and default.admin_distance == 20  # type: ignore[union-attr]
    hops = sorted((h.ip, h.interface, h.fib) for h in default.next_hops)  # type: ignore[union-attr]
    assert hops == [("10.10.254.0", "eth1", True), ("10.10.254.8", "eth2", True)]
    connected = [r for r in routes if r.prefix == "10.0.100.0/24"]  # type: ignore[union-attr]
    # FRR lists the VRRP macvlan's connected route too, not selected
    assert sorted(r.selected for r in connected) == [False, True]  # type: ignore[union-attr]


def test_vrrp_only_families_with_vips() -> None:
    [group] = PARSER.parse("vrrp", _read("vrrp_leaf2.json"))
    assert (group.interface, group.vrid, group.role, group.priority, group.vips) == (  # type: ignore[union-attr]
        "eth3",
        10,
        VrrpRole.BACKUP,
        100,
        ["10.0.100.1"],
    )
    [master] = PARSER.parse("vrrp", _read("vrrp_leaf1.json"))
    assert master.role is VrrpRole.MASTER  # type: ignore[union-attr]


def test_vrrpd_not_running_means_no_groups() -> None:
    assert PARSER.parse("vrrp", _read("vrrp_isp1_not_running.txt")) == []


def test_zebra_not_running_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(ParseError, match="show ip route vrf all json"):
        PARSER.parse("routes", "zebra is not running\n")


@pytest.mark.parametrize("domain", ["routes", "interfaces"])
def test_zebra_not_running_says_so_not_that_the_json_is_bad(domain: Domain) -> None:
    with pytest.raises(ParseError) as caught:
        PARSER.parse(domain, "zebra is not running\n")
    assert "zebra is not running" in caught.value.message
    assert "JSON" not in caught.value.message


def test_interfaces_admin_down_has_no_oper_status() -> None:
    ifaces = {
        i.name: i for i in PARSER.parse("interfaces", _read("interface_leaf3_eth2_admin_down.json"))
    }
    assert (ifaces["eth2"].admin_up, ifaces["eth2"].oper_up) == (False, False)
    assert (ifaces["eth1"].admin_up, ifaces["eth1"].oper_up) == (True, True)
    assert "10.10.254.13/31" in ifaces["eth2"].addresses


@pytest.mark.parametrize("domain", ["bgp", "routes", "vrrp", "interfaces"])
@pytest.mark.parametrize(
    "output", ["", "% Unknown command: show foo", '{"default": {"ipv4', "[1, 2, 3]"]
)
def test_garbage_is_a_parse_error(domain: str, output: str) -> None:
    with pytest.raises(ParseError):
        PARSER.parse(domain, output)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["bgp", "routes", "vrrp", "interfaces"]))
def test_random_text_only_raises_parse_error(text: str, domain: str) -> None:
    with contextlib.suppress(ParseError):
        PARSER.parse(domain, text)  # type: ignore[arg-type]


def test_sent_prefix_bounds_on_the_recorded_summary() -> None:
    """leaf1 sends each spine its loopback and server segment (pfxSnt 2 in the capture)."""
    from netval.checks.bgp import BgpSessions
    from netval.results import Outcome, Status
    from netval.state import BgpPeer, NodeState, State

    peers = [
        p for p in PARSER.parse("bgp", _read("bgp_summary_leaf1.json")) if isinstance(p, BgpPeer)
    ]
    state = State(source="observed", nodes={"leaf1": NodeState(name="leaf1", bgp_peers=peers)})

    def judge(**expect: int) -> Outcome:
        spec = BgpSessions.model_validate({"kind": "bgp_sessions", "expect": expect})
        return spec.evaluate(state, "leaf1", ["leaf1"])

    assert {p.prefixes_sent for p in peers} == {2}
    assert judge(min_prefixes_sent=2, max_prefixes_sent=2).status is Status.PASS
    leak = judge(max_prefixes_sent=1)
    assert leak.status is Status.FAIL
    assert "10.10.254.0 (AS 65101) was sent 2 prefixes, expected at most 1" in leak.message
