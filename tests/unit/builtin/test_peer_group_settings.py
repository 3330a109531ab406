"""A setting on a peer group reaches its members, whatever the setting: the data plane reads
the effective peer of the model, never the config text."""

from __future__ import annotations

import pytest

from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.prefix import parse_key
from tests.unit.builtin.conftest import MakeEngine, frr_device


def _triangle(r1_bgp: str) -> dict[str, str]:
    """r2 (AS 2, the lower router id: the tie-break) and r3 (AS 3) both announce
    10.99.0.0/24 to r1 (AS 1); without multipath-relax r1 picks one of them."""
    announce = (
        "ip route 10.99.0.0/24 Null0\nrouter bgp {asn}\n bgp router-id {rid}\n"
        " neighbor 10.0.{n}.1 remote-as 1\n address-family ipv4 unicast\n"
        "  network 10.99.0.0/24\n"
    )
    return {
        "r1": frr_device(
            "r1",
            {"eth1": "10.0.2.1/24", "eth2": "10.0.3.1/24"},
            "router bgp 1\n bgp router-id 10.255.0.1\n" + r1_bgp,
        ),
        "r2": frr_device(
            "r2", {"eth1": "10.0.2.2/24"}, announce.format(asn=2, rid="10.255.0.2", n=2)
        ),
        "r3": frr_device(
            "r3", {"eth1": "10.0.3.3/24"}, announce.format(asn=3, rid="10.255.0.3", n=3)
        ),
    }


def _best_hops(make_engine: MakeEngine, r1_bgp: str) -> set[str]:
    dp = DataPlane.from_loaded(make_engine(_triangle(r1_bgp)).loaded)
    rib = dp.rib("r1")
    assert rib is not None
    route = rib.get(parse_key("10.99.0.0/24"))
    assert route is not None and route.protocol == "bgp"
    return {h.ip or "" for h in route.hops}


NEIGHBORS = " neighbor 10.0.2.2 remote-as 2\n neighbor 10.0.3.3 remote-as 3\n"
IN_GROUP = (
    " neighbor PG peer-group\n neighbor 10.0.2.2 remote-as 2\n"
    " neighbor 10.0.3.3 remote-as 3\n neighbor 10.0.3.3 peer-group PG\n"
)


def test_without_weight_r1_prefers_r2(make_engine: MakeEngine) -> None:
    assert _best_hops(make_engine, NEIGHBORS) == {"10.0.2.2"}


@pytest.mark.parametrize(
    "where",
    [
        IN_GROUP + " neighbor PG weight 100\n",
        IN_GROUP + " address-family ipv4 unicast\n  neighbor PG weight 100\n",
        NEIGHBORS + " address-family ipv4 unicast\n  neighbor 10.0.3.3 weight 100\n",
    ],
    ids=["group", "group-in-address-family", "neighbor"],
)
def test_weight_chooses_the_best_path_wherever_it_is_set(
    make_engine: MakeEngine, where: str
) -> None:
    assert _best_hops(make_engine, where) == {"10.0.3.3"}


def test_a_members_own_weight_beats_its_groups(make_engine: MakeEngine) -> None:
    config = IN_GROUP + " neighbor PG weight 100\n neighbor 10.0.3.3 weight 0\n"
    assert _best_hops(make_engine, config) == {"10.0.2.2"}


def _ios(name: str, body: str) -> str:
    return f"hostname {name}\n!\n{body}\n!\nend\n"


def test_cisco_peer_group_weight_reaches_its_member(make_engine: MakeEngine) -> None:
    def announcer(name: str, asn: int, address: str, peer: str) -> str:
        return _ios(
            name,
            f"interface GigabitEthernet0/0\n ip address {address} 255.255.255.0\n!\n"
            "ip route 10.99.0.0 255.255.255.0 Null0\n!\n"
            f"router bgp {asn}\n bgp router-id {address}\n neighbor {peer} remote-as 1\n"
            " network 10.99.0.0 mask 255.255.255.0",
        )

    def r1(group_lines: str) -> str:
        return _ios(
            "r1",
            "interface GigabitEthernet0/0\n ip address 10.0.2.1 255.255.255.0\n!\n"
            "interface GigabitEthernet0/1\n ip address 10.0.3.1 255.255.255.0\n!\n"
            "router bgp 1\n bgp router-id 10.255.0.1\n neighbor PG peer-group\n"
            f"{group_lines} neighbor 10.0.2.2 remote-as 2\n neighbor 10.0.3.3 remote-as 3\n"
            " neighbor 10.0.3.3 peer-group PG",
        )

    def best(config: str) -> set[str]:
        files = {
            "r1": config,
            "r2": announcer("r2", 2, "10.0.2.2", "10.0.2.1"),
            "r3": announcer("r3", 3, "10.0.3.3", "10.0.3.1"),
        }
        dp = DataPlane.from_loaded(make_engine(files).loaded)
        rib = dp.rib("r1")
        assert rib is not None
        route = rib.get(parse_key("10.99.0.0/24"))
        assert route is not None and route.protocol == "bgp"
        return {h.ip or "" for h in route.hops}

    assert best(r1("")) == {"10.0.2.2"}
    assert best(r1(" neighbor PG weight 100\n")) == {"10.0.3.3"}
