"""bgpSessionCompatibility statuses beyond the example network."""

from __future__ import annotations

from tests.unit.builtin.conftest import MakeEngine, frr_device


def _statuses(make_engine: MakeEngine, files: dict[str, str]) -> dict[tuple[str, str], str]:
    rows = make_engine(files).bgp_session_compatibility().rows
    return {
        (
            r["Node"]["name"],
            (r["Remote_IP"] or {}).get("value") or r["Local_Interface"]["interface"],
        ): r["Configured_Status"]
        for r in rows
    }


def test_local_problems(make_engine: MakeEngine) -> None:
    r1 = frr_device(
        "r1",
        {"eth1": "10.0.0.0/31", "lo": "1.1.1.1/32"},
        """
        router bgp 65001
         neighbor 10.0.0.1 remote-as 65002
         neighbor 10.9.9.9 remote-as 65003
         neighbor 2.2.2.2 remote-as 65001
         neighbor 3.3.3.3 remote-as 65004
         neighbor 3.3.3.3 update-source 9.9.9.9
         neighbor 10.0.0.5 remote-as 65005
         neighbor 10.0.0.5 update-source lo
         neighbor 10.0.0.1 description peer-r2
        """,
    )
    r2 = frr_device(
        "r2",
        {"eth1": "10.0.0.1/31"},
        """
        router bgp 65002
         neighbor 10.0.0.0 remote-as external
        """,
    )
    s = _statuses(make_engine, {"r1": r1, "r2": r2})
    assert s[("r1", "10.0.0.1")] == "UNIQUE_MATCH"
    assert s[("r2", "10.0.0.0")] == "UNIQUE_MATCH"
    assert s[("r1", "10.9.9.9")] == "NO_LOCAL_IP"
    assert s[("r1", "2.2.2.2")] == "LOCAL_IP_UNKNOWN_STATICALLY"  # iBGP, no update-source
    assert s[("r1", "3.3.3.3")] == "INVALID_LOCAL_IP"
    assert s[("r1", "10.0.0.5")] == "UNKNOWN_REMOTE"
    assert len(s) == 6  # the description line adds no second peering


def test_multiple_remotes_and_dynamic(make_engine: MakeEngine) -> None:
    hub = frr_device(
        "hub",
        {"eth1": "10.0.0.1/24"},
        """
        router bgp 65000
         neighbor SPOKES peer-group
         neighbor SPOKES remote-as external
         bgp listen range 10.0.0.0/24 peer-group SPOKES
        """,
    )
    spoke = """
        router bgp {asn}
         neighbor 10.0.0.1 remote-as 65000
        """
    files = {
        "hub": hub,
        "s1": frr_device("s1", {"eth1": "10.0.0.2/24"}, spoke.format(asn=65001)),
        "s2": frr_device("s2", {"eth1": "10.0.0.3/24"}, spoke.format(asn=65002)),
    }
    rows = make_engine(files).bgp_session_compatibility().rows
    dyn = [r for r in rows if r["Node"]["name"] == "hub"]
    assert sorted(r["Remote_Node"]["name"] for r in dyn) == ["s1", "s2"]
    assert {r["Configured_Status"] for r in dyn} == {"DYNAMIC_MATCH"}
    spokes = [r for r in rows if r["Node"]["name"] != "hub"]
    assert {r["Configured_Status"] for r in spokes} == {"UNIQUE_MATCH"}


def test_unnumbered_uses_layer1(make_engine: MakeEngine, tmp_path: object) -> None:
    a = frr_device(
        "a",
        {"swp1": "10.1.1.1/32"},
        """
        router bgp 65001
         neighbor swp1 interface remote-as external
        """,
    )
    b = frr_device(
        "b",
        {"swp1": "10.1.1.2/32"},
        """
        router bgp 65002
         neighbor swp1 interface remote-as external
        """,
    )
    e = make_engine({"a": a, "b": b})
    assert {r["Configured_Status"] for r in e.bgp_session_compatibility().rows} == {"HALF_OPEN"}
    topo = e.path / "batfish"
    topo.mkdir()
    (topo / "layer1_topology.json").write_text(
        '{"edges": [{"node1": {"hostname": "a", "interfaceName": "swp1"},'
        ' "node2": {"hostname": "b", "interfaceName": "swp1"}}]}'
    )
    from netval.static.builtin import BuiltinEngine

    rows = BuiltinEngine(e.path).bgp_session_compatibility().rows
    assert {r["Configured_Status"] for r in rows} == {"UNIQUE_MATCH"}
    assert {r["Session_Type"] for r in rows} == {"EBGP_UNNUMBERED"}
