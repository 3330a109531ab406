"""OSPF, static and aggregate routes, against what FRR 8.4 showed in the lab for the same
three routers (r1 -- area 0 -- r2 -- area 1 -- r3; passive stub; E1 and E2 redistribution;
a static route resolved recursively through OSPF; one that never resolves; an aggregate)."""

from __future__ import annotations

import pytest

from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.types import RibRoute
from netval.static.builtin.prefix import parse_key
from tests.unit.builtin.conftest import MakeEngine, frr_device

R1 = """
ip route 0.0.0.0/0 10.0.12.2
ip route 172.16.0.0/16 3.3.3.3
ip route 172.17.0.0/16 9.9.9.9
ip route 192.168.50.0/24 blackhole
!
router ospf
 ospf router-id 1.1.1.1
 network 10.0.12.0/24 area 0
 network 1.1.1.1/32 area 0
 passive-interface eth2
 network 10.0.99.0/24 area 0
 redistribute static metric-type 1 metric 33
!
router bgp 65000
 bgp router-id 1.1.1.1
 neighbor 3.3.3.3 remote-as 65000
 neighbor 3.3.3.3 update-source lo
 address-family ipv4 unicast
  network 192.168.50.0/24
  aggregate-address 192.168.0.0/16
 exit-address-family
"""
R2 = """
router ospf
 ospf router-id 2.2.2.2
 network 10.0.12.0/24 area 0
 network 2.2.2.2/32 area 0
 network 10.0.23.0/24 area 1
 redistribute connected
"""
R3 = """
interface eth1
 ip ospf cost 7
!
ip route 10.77.0.0/16 blackhole
!
router ospf
 ospf router-id 3.3.3.3
 network 10.0.23.0/24 area 1
 network 3.3.3.3/32 area 1
 redistribute static
!
router bgp 65000
 bgp router-id 3.3.3.3
 neighbor 1.1.1.1 remote-as 65000
 neighbor 1.1.1.1 update-source lo
 address-family ipv4 unicast
  network 10.99.0.0/16
 exit-address-family
"""


@pytest.fixture
def dp(make_engine: MakeEngine) -> DataPlane:
    eng = make_engine(
        {
            "r1": frr_device(
                "r1", {"lo": "1.1.1.1/32", "eth1": "10.0.12.1/24", "eth2": "10.0.99.1/24"}, R1
            ),
            "r2": frr_device(
                "r2", {"lo": "2.2.2.2/32", "eth1": "10.0.12.2/24", "eth2": "10.0.23.2/24"}, R2
            ),
            "r3": frr_device(
                "r3", {"lo": "3.3.3.3/32", "eth1": "10.0.23.3/24", "eth2": "10.0.34.3/24"}, R3
            ),
        }
    )
    return DataPlane.from_loaded(eng.loaded)


def route(dp: DataPlane, node: str, prefix: str) -> RibRoute | None:
    rib = dp.rib(node)
    assert rib is not None
    return rib.get(parse_key(prefix))


def brief(dp: DataPlane, node: str, prefix: str) -> tuple[str, int, int, set[str]] | None:
    r = route(dp, node, prefix)
    if r is None:
        return None
    return (r.protocol, r.admin, r.metric, {h.ip or h.iface or "discard" for h in r.hops})


def test_intra_and_inter_area(dp: DataPlane) -> None:
    # FRR: O>* 2.2.2.2/32 [110/10] via 10.0.12.2 ; 3.3.3.3/32 [110/20] ; 10.0.23.0/24 [110/20]
    assert brief(dp, "r1", "2.2.2.2/32") == ("ospf", 110, 10, {"10.0.12.2"})
    assert brief(dp, "r1", "3.3.3.3/32") == ("ospfIA", 110, 20, {"10.0.12.2"})
    assert brief(dp, "r1", "10.0.23.0/24") == ("ospfIA", 110, 20, {"10.0.12.2"})
    # interface cost 7 on r3, loopbacks cost 0, passive stubs advertised
    assert brief(dp, "r3", "1.1.1.1/32") == ("ospfIA", 110, 17, {"10.0.23.2"})
    assert brief(dp, "r3", "10.0.99.0/24") == ("ospfIA", 110, 27, {"10.0.23.2"})
    assert brief(dp, "r2", "10.0.99.0/24") == ("ospf", 110, 20, {"10.0.12.1"})


def test_external_routes(dp: DataPlane) -> None:
    # E1 metric 33 plus the cost to r1; E2 keeps the external metric (20 by default)
    assert brief(dp, "r2", "172.16.0.0/16") == ("ospfE1", 110, 43, {"10.0.12.1"})
    assert brief(dp, "r3", "172.16.0.0/16") == ("ospfE1", 110, 50, {"10.0.23.2"})
    assert brief(dp, "r2", "10.77.0.0/16") == ("ospfE2", 110, 20, {"10.0.23.3"})
    # the default route is not redistributed (that needs default-information originate)
    assert route(dp, "r2", "0.0.0.0/0") is None


def test_static_routes(dp: DataPlane) -> None:
    assert brief(dp, "r1", "192.168.50.0/24") == ("static", 1, 0, {"discard"})
    # recursive through OSPF: FRR shows "via 3.3.3.3 (recursive)"
    assert brief(dp, "r1", "172.16.0.0/16") == ("static", 1, 0, {"3.3.3.3"})
    # FRR never resolves a static next hop through the default route
    assert route(dp, "r1", "172.17.0.0/16") is None
    assert ("unresolved", "r1", "172.17.0.0/16") in {(i.kind, i.node, i.prefix) for i in dp.issues}


def test_bgp_aggregate_and_import_check(dp: DataPlane) -> None:
    # FRR: B>* 192.168.0.0/16 [200/0] unreachable (blackhole)
    assert brief(dp, "r1", "192.168.0.0/16") == ("aggregate", 200, 0, {"discard"})
    # r3's network 10.99.0.0/16 has no route behind it: never announced
    assert route(dp, "r1", "10.99.0.0/16") is None
    # the iBGP session over loopbacks comes up through OSPF; r3 learns r1's aggregate
    assert brief(dp, "r3", "192.168.0.0/16") == ("ibgp", 200, 0, {"1.1.1.1"})
    statuses = {(p.view.node, p.view.peer.name): p.established for p in dp.sessions.peerings}
    assert statuses == {("r1", "3.3.3.3"): True, ("r3", "1.1.1.1"): True}


def test_connected_and_local(dp: DataPlane) -> None:
    assert brief(dp, "r1", "10.0.12.0/24") == ("connected", 0, 0, {"eth1"})
    assert brief(dp, "r1", "10.0.12.1/32") == ("local", 0, 0, {"eth1"})
    assert brief(dp, "r1", "1.1.1.1/32") == ("connected", 0, 0, {"lo"})
    assert route(dp, "r1", "1.1.1.1/32") is not None
