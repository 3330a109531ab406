"""Inputs that must end: forwarding loops, BGP that never converges, unresolvable next hops;
and every traceroute disposition, including ACLs on IOS interfaces."""

from __future__ import annotations

import pytest

from netval.static.builtin import BuiltinEngine
from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.answers import answer_issues
from netval.static.builtin.dataplane.flow_answers import answer_traceroute
from netval.static.builtin.prefix import parse_key
from netval.static.engine import Headers
from tests.unit.builtin.conftest import MakeEngine, frr_device


def _dp(engine: BuiltinEngine) -> DataPlane:
    return DataPlane.from_loaded(engine.loaded)


def _dispositions(dp: DataPlane, start: str, dst: str, **kw: object) -> set[str]:
    answer = answer_traceroute(dp, start, Headers(dst, **kw))  # type: ignore[arg-type]
    return {t["disposition"] for row in answer.rows for t in row["Traces"]}


@pytest.mark.timeout(60)  # a loop must end as LOOP; a hang fails here instead of stalling CI
def test_forwarding_loop_is_a_loop_not_a_hang(make_engine: MakeEngine) -> None:
    eng = make_engine(
        {
            "r1": frr_device("r1", {"eth1": "10.0.0.1/30"}, "ip route 10.50.0.0/24 10.0.0.2"),
            "r2": frr_device("r2", {"eth1": "10.0.0.2/30"}, "ip route 10.50.0.0/24 10.0.0.1"),
        }
    )
    dp = _dp(eng)
    answer = answer_traceroute(dp, "r1", Headers("10.50.0.5"))
    trace = answer.rows[0]["Traces"][0]
    assert trace["disposition"] == "LOOP"
    assert [h["node"]["name"] for h in trace["hops"]] == ["r1", "r2", "r1"]
    assert trace["hops"][-1]["steps"][-1]["type"] == "Loop"


def _bad_gadget() -> dict[str, str]:
    """Griffin's BAD GADGET: three ASes around an origin, each preferring the route through
    its clockwise neighbour over its own direct route. No stable state exists."""
    files: dict[str, str] = {}
    links = {
        (0, 1): "10.0.1",
        (0, 2): "10.0.2",
        (0, 3): "10.0.3",
        (1, 2): "10.1.2",
        (2, 3): "10.2.3",
        (3, 1): "10.3.1",
    }
    ifaces: dict[int, dict[str, str]] = {i: {} for i in range(4)}
    peers: dict[int, list[tuple[int, str]]] = {i: [] for i in range(4)}
    for (a, b), net in links.items():
        ifaces[a][f"eth{len(ifaces[a]) + 1}"] = f"{net}.1/30"
        ifaces[b][f"eth{len(ifaces[b]) + 1}"] = f"{net}.2/30"
        peers[a].append((b, f"{net}.2"))
        peers[b].append((a, f"{net}.1"))
    for i in range(4):
        lines = [f"router bgp {65000 + i}", f" bgp router-id 10.255.0.{i + 1}"]
        for other, ip in peers[i]:
            lines.append(f" neighbor {ip} remote-as {65000 + other}")
        lines.append(" address-family ipv4 unicast")
        if i == 0:
            lines.append("  network 10.99.0.0/24")
        for other, ip in peers[i]:
            if i == 0:
                continue
            clockwise = i % 3 + 1
            rmap = "FROM_ORIGIN" if other == 0 else ("FROM_NEXT" if other == clockwise else "NONE")
            lines.append(f"  neighbor {ip} route-map {rmap} in")
        lines.append(" exit-address-family")
        if i == 0:
            lines.append("ip route 10.99.0.0/24 Null0")
        else:
            clockwise = i % 3 + 1
            lines += [
                f"bgp as-path access-list VIA_NEXT permit ^{65000 + clockwise}_65000$",
                "route-map FROM_ORIGIN permit 10",
                " set local-preference 100",
                "route-map FROM_NEXT permit 10",
                " match as-path VIA_NEXT",
                " set local-preference 200",
                "route-map NONE deny 10",
            ]
        files[f"r{i}"] = frr_device(f"r{i}", ifaces[i], "\n".join(lines))
    return files


@pytest.mark.timeout(120)  # the iteration bound must stop it; a hang fails here
def test_bgp_oscillation_hits_the_bound_and_is_reported(make_engine: MakeEngine) -> None:
    eng = make_engine(_bad_gadget())
    dp = _dp(eng)
    osc = [i for i in dp.issues if i.kind == "oscillation"]
    assert osc, dp.issues
    assert {i.prefix for i in osc} == {"10.99.0.0/24"}
    assert "did not converge" in osc[0].detail
    rows = [r for r in answer_issues(dp).rows if r["Type"] == "oscillation"]
    assert rows and {r["Network"] for r in rows} == {"10.99.0.0/24"}
    assert {r["Node"]["name"] for r in rows} <= {"r1", "r2", "r3"}


def test_unresolvable_next_hops_are_reported(make_engine: MakeEngine) -> None:
    eng = make_engine(
        {
            "r1": frr_device(
                "r1",
                {"lo": "10.255.1.1/32", "eth1": "10.0.12.1/30"},
                """
            ip route 10.60.0.0/24 192.0.2.99
            router bgp 65000
             neighbor 10.0.12.2 remote-as 65000
            """,
            ),
            "r2": frr_device(
                "r2",
                {"lo": "10.255.1.2/32", "eth1": "10.0.12.2/30", "eth2": "10.0.23.2/30"},
                """
            router bgp 65000
             neighbor 10.0.12.1 remote-as 65000
             neighbor 10.0.23.3 remote-as 65003
            """,
            ),
            "r3": frr_device(
                "r3",
                {"lo": "10.255.1.3/32", "eth1": "10.0.23.3/30"},
                """
            ip route 10.70.0.0/24 Null0
            router bgp 65003
             neighbor 10.0.23.2 remote-as 65000
             address-family ipv4 unicast
              network 10.70.0.0/24
            """,
            ),
        }
    )
    dp = _dp(eng)
    rib = dp.rib("r1")
    assert rib is not None
    assert rib.get(parse_key("10.60.0.0/24")) is None
    assert rib.get(parse_key("10.70.0.0/24")) is None  # iBGP, next hop 10.0.23.3 unknown
    found = {(i.kind, i.node, i.prefix) for i in dp.issues}
    assert ("unresolved", "r1", "10.60.0.0/24") in found
    assert ("unresolved", "r1", "10.70.0.0/24") in found
    r2 = dp.rib("r2")
    assert r2 is not None and r2.get(parse_key("10.70.0.0/24")) is not None


def test_dispositions(make_engine: MakeEngine) -> None:
    eng = make_engine(
        {
            "r1": frr_device(
                "r1",
                {"lo": "10.255.2.1/32", "eth1": "10.0.12.1/24", "eth2": "192.168.9.1/24"},
                """
            ip route 0.0.0.0/0 192.168.9.254
            ip route 10.255.2.3/32 10.0.12.9
            ip route 10.66.0.0/16 blackhole
            """,
            ),
            "r2": frr_device(
                "r2",
                {"lo": "10.255.2.2/32", "eth1": "10.0.12.2/24"},
                "ip route 10.255.2.1/32 10.0.12.1",
            ),
            "r3": frr_device("r3", {"lo": "10.255.2.3/32"}, ""),
        }
    )
    dp = _dp(eng)
    assert _dispositions(dp, "r1", "8.8.8.8") == {"EXITS_NETWORK"}
    assert _dispositions(dp, "r1", "192.168.9.77") == {"DELIVERED_TO_SUBNET"}
    assert _dispositions(dp, "r1", "10.255.2.3") == {"NEIGHBOR_UNREACHABLE"}
    assert _dispositions(dp, "r1", "10.66.1.1") == {"NULL_ROUTED"}
    assert _dispositions(dp, "r2", "8.8.8.8") == {"NO_ROUTE"}
    assert _dispositions(dp, "r2", "10.255.2.1") == {"ACCEPTED"}


IOS1 = """version 15.2
hostname ios1
!
interface Loopback0
 ip address 10.9.9.1 255.255.255.255
!
interface GigabitEthernet0/0
 ip address 10.0.12.1 255.255.255.0
 ip access-group FROM_R2 in
!
interface GigabitEthernet0/1
 ip address 10.0.13.1 255.255.255.0
 ip access-group TO_R3 out
!
ip route 10.9.9.3 255.255.255.255 10.0.13.3
ip route 10.9.9.2 255.255.255.255 10.0.12.2
!
ip access-list extended FROM_R2
 deny tcp any any eq 22
 permit ip any any
ip access-list extended TO_R3
 permit tcp any host 10.9.9.3 eq 443
 deny ip any any
!
end
"""


def _ios(name: str, lo: str, addr: str, gw: str) -> str:
    return (
        f"version 15.2\nhostname {name}\n!\ninterface Loopback0\n ip address {lo} "
        f"255.255.255.255\n!\ninterface GigabitEthernet0/0\n ip address {addr} "
        f"255.255.255.0\n!\nip route 0.0.0.0 0.0.0.0 {gw}\n!\nend\n"
    )


def test_interface_acls(make_engine: MakeEngine) -> None:
    eng = make_engine(
        {
            "ios1": IOS1,
            "ios2": _ios("ios2", "10.9.9.2", "10.0.12.2", "10.0.12.1"),
            "ios3": _ios("ios3", "10.9.9.3", "10.0.13.3", "10.0.13.1"),
        }
    )
    dp = _dp(eng)
    assert _dispositions(dp, "ios2", "10.9.9.3", ip_protocol="TCP", dst_port=443) == {"ACCEPTED"}
    assert _dispositions(dp, "ios2", "10.9.9.3", ip_protocol="TCP", dst_port=22) == {"DENIED_IN"}
    assert _dispositions(dp, "ios2", "10.9.9.3", ip_protocol="TCP", dst_port=80) == {"DENIED_OUT"}
    denied = answer_traceroute(dp, "ios2", Headers("10.9.9.3", ip_protocol="TCP", dst_port=22))
    last = denied.rows[0]["Traces"][0]["hops"][-1]
    assert last["node"]["name"] == "ios1"
    assert last["steps"][-1]["type"] == "Filter" and last["steps"][-1]["action"] == "DENIED"
    assert last["steps"][-1]["detail"]["filter"] == "FROM_R2"
    rib = dp.rib("ios2")
    assert rib is not None
    default = rib.get(parse_key("0.0.0.0/0"))
    assert default is not None and default.protocol == "static" and default.admin == 1
