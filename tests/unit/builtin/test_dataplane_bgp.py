"""BGP semantics: route reflection, next-hop-self, summary-only aggregates,
default-originate, no-export, multipath rules, policies on the way in and out."""

from __future__ import annotations

from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.answers import answer_bgp_rib
from netval.static.builtin.prefix import parse_key
from tests.unit.builtin.conftest import MakeEngine, frr_device


def hops(dp: DataPlane, node: str, prefix: str) -> tuple[str, set[str]] | None:
    rib = dp.rib(node)
    assert rib is not None
    r = rib.get(parse_key(prefix))
    return None if r is None else (r.protocol, {h.ip or h.iface or "discard" for h in r.hops})


def _ibgp_star(nhs: bool) -> dict[str, str]:
    """rr (AS 65000) reflects between c1 and c2 (static routes to each other's loopbacks stand
    in for an IGP); e1 (AS 65100) announces 10.80.0.0/24 to c1."""
    nhs_line = "  neighbor 10.9.0.1 next-hop-self" if nhs else ""
    return {
        "rr": frr_device(
            "rr",
            {"lo": "10.9.0.100/32", "eth1": "10.0.1.100/24", "eth2": "10.0.2.100/24"},
            """
            ip route 10.9.0.1/32 10.0.1.1
            ip route 10.9.0.2/32 10.0.2.2
            router bgp 65000
             neighbor 10.9.0.1 remote-as 65000
             neighbor 10.9.0.1 update-source lo
             neighbor 10.9.0.2 remote-as 65000
             neighbor 10.9.0.2 update-source lo
             address-family ipv4 unicast
              neighbor 10.9.0.1 route-reflector-client
              neighbor 10.9.0.2 route-reflector-client
            """,
        ),
        "c1": frr_device(
            "c1",
            {"lo": "10.9.0.1/32", "eth1": "10.0.1.1/24", "eth2": "10.0.5.1/24"},
            f"""
            ip route 10.9.0.100/32 10.0.1.100
            ip route 10.9.0.2/32 10.0.1.100
            router bgp 65000
             neighbor 10.9.0.100 remote-as 65000
             neighbor 10.9.0.100 update-source lo
             neighbor 10.0.5.5 remote-as 65100
             address-family ipv4 unicast
            {nhs_line.replace("10.9.0.1 ", "10.9.0.100 ")}
            """,
        ),
        "c2": frr_device(
            "c2",
            {"lo": "10.9.0.2/32", "eth1": "10.0.2.2/24"},
            """
            ip route 10.9.0.100/32 10.0.2.100
            ip route 10.9.0.1/32 10.0.2.100
            router bgp 65000
             neighbor 10.9.0.100 remote-as 65000
             neighbor 10.9.0.100 update-source lo
            """,
        ),
        "e1": frr_device(
            "e1",
            {"lo": "10.9.1.1/32", "eth1": "10.0.5.5/24"},
            """
            ip route 10.80.0.0/24 Null0
            router bgp 65100
             neighbor 10.0.5.1 remote-as 65000
             address-family ipv4 unicast
              network 10.80.0.0/24
            """,
        ),
    }


def test_route_reflector_with_next_hop_self(make_engine: MakeEngine) -> None:
    dp = DataPlane.from_loaded(make_engine(_ibgp_star(nhs=True)).loaded)
    assert hops(dp, "c2", "10.80.0.0/24") == ("ibgp", {"10.9.0.1"})
    row = next(r for r in answer_bgp_rib(dp, ["c2"]).rows if r["Network"] == "10.80.0.0/24")
    assert row["Originator_Id"] == "10.9.0.1"  # set by the reflector
    assert row["Cluster_List"] == [int.from_bytes(bytes([10, 9, 0, 100]), "big")]
    assert row["AS_Path"] == "65100"


def test_without_next_hop_self_the_external_next_hop_does_not_resolve(
    make_engine: MakeEngine,
) -> None:
    dp = DataPlane.from_loaded(make_engine(_ibgp_star(nhs=False)).loaded)
    assert hops(dp, "c1", "10.80.0.0/24") == ("bgp", {"10.0.5.5"})
    # the reflector cannot reach 10.0.5.5, so it has no best path and reflects nothing
    assert hops(dp, "rr", "10.80.0.0/24") is None
    assert hops(dp, "c2", "10.80.0.0/24") is None
    assert ("unresolved", "rr", "10.80.0.0/24") in {(i.kind, i.node, i.prefix) for i in dp.issues}


def _pair(a_af: list[str], b_af: list[str], a_tail: str = "", b_tail: str = "") -> dict[str, str]:
    """a (AS 65001) announces 10.40.1.0/24 and 10.40.2.0/24 to b (AS 65002)."""
    a = "\n".join(
        [
            "ip route 10.40.1.0/24 Null0",
            "ip route 10.40.2.0/24 Null0",
            "router bgp 65001",
            " neighbor 10.0.9.2 remote-as 65002",
            " address-family ipv4 unicast",
            "  network 10.40.1.0/24",
            "  network 10.40.2.0/24",
            *[f"  {line}" for line in a_af],
            " exit-address-family",
            a_tail,
        ]
    )
    b = "\n".join(
        [
            "router bgp 65002",
            " neighbor 10.0.9.1 remote-as 65001",
            " address-family ipv4 unicast",
            *[f"  {line}" for line in b_af],
            " exit-address-family",
            b_tail,
        ]
    )
    return {
        "a": frr_device("a", {"lo": "10.9.2.1/32", "eth1": "10.0.9.1/30"}, a),
        "b": frr_device("b", {"lo": "10.9.2.2/32", "eth1": "10.0.9.2/30"}, b),
    }


def test_summary_only_aggregate_suppresses_the_more_specifics(make_engine: MakeEngine) -> None:
    dp = DataPlane.from_loaded(
        make_engine(_pair(["aggregate-address 10.40.0.0/16 summary-only"], [])).loaded
    )
    assert hops(dp, "a", "10.40.0.0/16") == ("aggregate", {"discard"})
    assert hops(dp, "b", "10.40.0.0/16") == ("bgp", {"10.0.9.1"})
    assert hops(dp, "b", "10.40.1.0/24") is None
    dp2 = DataPlane.from_loaded(make_engine(_pair(["aggregate-address 10.40.0.0/16"], [])).loaded)
    assert hops(dp2, "b", "10.40.1.0/24") == ("bgp", {"10.0.9.1"})


def test_default_originate_and_no_export(make_engine: MakeEngine) -> None:
    files = _pair(
        ["neighbor 10.0.9.2 default-originate", "neighbor 10.0.9.2 route-map MARK out"],
        [],
        a_tail="route-map MARK permit 10\n match ip address prefix-list ONE\n"
        " set community no-export\nroute-map MARK permit 20\n"
        "ip prefix-list ONE seq 5 permit 10.40.1.0/24",
    )
    files["b"] = frr_device(
        "b",
        {"lo": "10.9.2.2/32", "eth1": "10.0.9.2/30", "eth2": "10.0.8.2/30"},
        "router bgp 65002\n neighbor 10.0.9.1 remote-as 65001\n neighbor 10.0.8.3 remote-as 65003",
    )
    files["c"] = frr_device(
        "c", {"eth1": "10.0.8.3/30"}, "router bgp 65003\n neighbor 10.0.8.2 remote-as 65002"
    )
    dp = DataPlane.from_loaded(make_engine(files).loaded)
    assert hops(dp, "b", "0.0.0.0/0") == ("bgp", {"10.0.9.1"})
    assert hops(dp, "b", "10.40.1.0/24") == ("bgp", {"10.0.9.1"})
    assert hops(dp, "c", "10.40.1.0/24") is None  # no-export stops at b
    assert hops(dp, "c", "10.40.2.0/24") == ("bgp", {"10.0.8.2"})
    assert hops(dp, "c", "0.0.0.0/0") == ("bgp", {"10.0.8.2"})
    assert hops(dp, "a", "0.0.0.0/0") is None


def test_import_policy_and_requires_policy(make_engine: MakeEngine) -> None:
    files = _pair(
        [],
        ["neighbor 10.0.9.1 route-map IN in"],
        b_tail="ip prefix-list TWO seq 5 permit 10.40.2.0/24\n"
        "route-map IN deny 10\n match ip address prefix-list TWO\n"
        "route-map IN permit 20\n set local-preference 300",
    )
    dp = DataPlane.from_loaded(make_engine(files).loaded)
    assert hops(dp, "b", "10.40.2.0/24") is None
    row = next(r for r in answer_bgp_rib(dp, ["b"]).rows if r["Network"] == "10.40.1.0/24")
    assert row["Local_Pref"] == 300
    # the traditional profile: eBGP without policies exchanges nothing, but comes up
    trad = {
        n: t.replace("frr defaults datacenter", "frr defaults traditional")
        for n, t in _pair([], []).items()
    }
    dp2 = DataPlane.from_loaded(make_engine(trad).loaded)
    assert hops(dp2, "b", "10.40.1.0/24") is None
    assert dp2.sessions.peerings and all(p.established for p in dp2.sessions.peerings)


def _triangle(relax: bool, max_paths: int | None) -> dict[str, str]:
    """d learns 10.30.0.0/24 from x (AS 65010) and y (AS 65020), both from origin o."""
    relax_line = " bgp bestpath as-path multipath-relax" if relax else ""
    mp = f"  maximum-paths {max_paths}" if max_paths else ""
    return {
        "o": frr_device(
            "o",
            {"eth1": "10.0.1.1/30", "eth2": "10.0.2.1/30"},
            """
            ip route 10.30.0.0/24 Null0
            router bgp 65000
             neighbor 10.0.1.2 remote-as 65010
             neighbor 10.0.2.2 remote-as 65020
             address-family ipv4 unicast
              network 10.30.0.0/24
            """,
        ),
        "x": frr_device(
            "x",
            {"lo": "10.9.3.1/32", "eth1": "10.0.1.2/30", "eth2": "10.0.3.1/30"},
            """
            router bgp 65010
             neighbor 10.0.1.1 remote-as 65000
             neighbor 10.0.3.2 remote-as 65030
            """,
        ),
        "y": frr_device(
            "y",
            {"lo": "10.9.3.2/32", "eth1": "10.0.2.2/30", "eth2": "10.0.4.1/30"},
            """
            router bgp 65020
             neighbor 10.0.2.1 remote-as 65000
             neighbor 10.0.4.2 remote-as 65030
            """,
        ),
        "d": frr_device(
            "d",
            {"eth1": "10.0.3.2/30", "eth2": "10.0.4.2/30"},
            f"""
            router bgp 65030
            {relax_line}
             neighbor 10.0.3.1 remote-as 65010
             neighbor 10.0.4.1 remote-as 65020
             address-family ipv4 unicast
            {mp}
            """,
        ),
    }


def test_multipath_needs_relax_across_neighbour_ases(make_engine: MakeEngine) -> None:
    relaxed = DataPlane.from_loaded(make_engine(_triangle(True, None)).loaded)
    assert hops(relaxed, "d", "10.30.0.0/24") == ("bgp", {"10.0.3.1", "10.0.4.1"})
    strict = DataPlane.from_loaded(make_engine(_triangle(False, None)).loaded)
    # lowest router-id wins (x: 10.9.3.1)
    assert hops(strict, "d", "10.30.0.0/24") == ("bgp", {"10.0.3.1"})
    one = DataPlane.from_loaded(make_engine(_triangle(True, 1)).loaded)
    assert hops(one, "d", "10.30.0.0/24") == ("bgp", {"10.0.3.1"})


def test_as_path_prepend_steers_the_best_path(make_engine: MakeEngine) -> None:
    files = _triangle(True, None)
    files["x"] = (
        files["x"]
        .replace(
            " neighbor 10.0.3.2 remote-as 65030",
            " neighbor 10.0.3.2 remote-as 65030\n address-family ipv4 unicast\n"
            "  neighbor 10.0.3.2 route-map LONGER out\n exit-address-family",
        )
        .replace("end\n", "route-map LONGER permit 10\n set as-path prepend 65010 65010\nend\n")
    )
    dp = DataPlane.from_loaded(make_engine(files).loaded)
    assert hops(dp, "d", "10.30.0.0/24") == ("bgp", {"10.0.4.1"})
    row = next(r for r in answer_bgp_rib(dp, ["d"]).rows if r["Network"] == "10.30.0.0/24")
    assert row["AS_Path"] == "65020 65000"


def test_interface_shutdown_takes_its_routes_and_session_away(make_engine: MakeEngine) -> None:
    files = _triangle(True, None)
    files["x"] = files["x"].replace(
        "router bgp 65010", "interface eth2\n shutdown\n!\nrouter bgp 65010"
    )
    dp = DataPlane.from_loaded(make_engine(files).loaded)
    assert hops(dp, "x", "10.0.3.0/30") is None  # no connected route on a shut port
    assert hops(dp, "d", "10.30.0.0/24") == ("bgp", {"10.0.4.1"})
    up = {(p.view.node, p.view.peer.name) for p in dp.sessions.peerings if p.established}
    assert ("d", "10.0.3.1") not in up and ("d", "10.0.4.1") in up
