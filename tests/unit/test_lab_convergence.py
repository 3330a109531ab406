"""The convergence rules of the lab probe, on FRR's own JSON shapes."""

from __future__ import annotations

from netval.lab import probe


def test_json_documents_splits_what_vtysh_prints_for_several_commands() -> None:
    assert probe.json_documents('{"a": 1}\n{\n"b": [2]\n}\n[]\n') == [{"a": 1}, {"b": [2]}, []]


def test_configured_neighbors_skips_peer_groups_and_other_vrfs() -> None:
    conf = (
        "router bgp 65000\n"
        " neighbor FABRIC peer-group\n"
        " neighbor FABRIC remote-as external\n"
        " neighbor 10.0.0.1 peer-group FABRIC\n"
        " neighbor 10.0.0.3 remote-as 65001\n"
        " neighbor swp1 interface peer-group FABRIC\n"
        " address-family ipv4 unicast\n"
        "  neighbor 10.0.0.3 activate\n"
        "!\n"
        "router bgp 65000 vrf RED\n"
        " neighbor 192.0.2.1 remote-as 64500\n"
    )
    assert probe.configured_neighbors(conf) == {"10.0.0.1", "10.0.0.3", "swp1"}


def _neighbor(state: str, eor: dict[str, bool], gr: str = "advertisedAndReceived") -> dict:  # type: ignore[type-arg]
    return {
        "bgpState": state,
        "neighborCapabilities": {"gracefulRestart": gr},
        "gracefulRestartInfo": {"endOfRibRecv": eor},
        "addressFamilyInfo": {"ipv4Unicast": {}, "ipv6Unicast": {}},
    }


def test_an_established_peer_is_pending_until_its_end_of_rib() -> None:
    neighbors = {
        "10.0.0.1": _neighbor("Established", {"ipv4Unicast": True}),
        "10.0.0.3": _neighbor("Established", {"ipv4Unicast": True, "ipv6Unicast": True}),
        "10.0.0.5": _neighbor("Active", {}),
        # a peer without graceful restart never sends End-of-RIB: nothing to wait for
        "10.0.0.7": _neighbor("Established", {}, gr="advertised"),
    }
    assert probe.missing_end_of_rib(neighbors) == ["no End-of-RIB from 10.0.0.1 yet (ipv6Unicast)"]


def test_rib_state_counts_selected_routes_missing_from_the_fib() -> None:
    rib = {
        "10.1.0.0/24": [
            {"protocol": "bgp", "selected": True, "installed": True, "nexthops": [{"ip": "a"}]},
            {"protocol": "ospf", "installed": False, "nexthops": []},
        ],
        "10.2.0.0/24": [{"protocol": "bgp", "selected": True, "queued": True, "nexthops": []}],
        "10.3.0.0/24": [{"protocol": "static", "selected": True, "nexthops": []}],
    }
    selected, not_installed = probe.rib_state(rib)
    assert [r[0] for r in selected] == ["10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24"]
    assert not_installed == 2


def _health(name: str, digest: str, pending: list[str] | None = None) -> probe.RouterHealth:
    return probe.RouterHealth(
        name=name, sessions_total=1, sessions_up=1, digest=digest, pending=pending or []
    )


def test_wait_needs_the_settle_window_without_a_change() -> None:
    timeline = iter(
        [
            [_health("r1", "a", ["no End-of-RIB from x yet (ipv4Unicast)"]), _health("r2", "b")],
            [_health("r1", "a"), _health("r2", "b")],
            [_health("r1", "c"), _health("r2", "b")],  # a route arrives late
            [_health("r1", "c"), _health("r2", "b")],
            [_health("r1", "c"), _health("r2", "b")],
            [_health("r1", "c"), _health("r2", "b")],
        ]
    )
    calls = []

    def next_probe() -> list[probe.RouterHealth]:
        calls.append(1)
        return next(timeline)

    conv = probe.wait(next_probe, timeout=30, settle=0.1, interval=0.05)
    assert conv.converged
    # not before the change on the third probe plus the settle window
    assert len(calls) >= 4


def test_wait_times_out_naming_what_still_moves() -> None:
    flip = iter(range(1000))

    def moving() -> list[probe.RouterHealth]:
        return [_health("r1", str(next(flip))), _health("r2", "b", ["BGP queue to/from p"])]

    conv = probe.wait(moving, timeout=0.3, settle=0.2, interval=0.05)
    assert not conv.converged
    assert conv.moving["r2"] == "BGP queue to/from p"
    assert "changed" in conv.moving["r1"]
