"""`interface_health` and `link_mtu` on recorded output: EOS `show interfaces | json` (cEOS,
with counters), NX-OS `show interface | json` (no error counters in that capture), and
FRR's `show interface vrf all json` from the example lab (MTU and speed, no counters)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from netval.checks.interface_health import InterfaceHealth, LinkMtu
from netval.live.parsers.registry import get_parser
from netval.results import Status
from netval.state import NodeState, State

DATA = Path(__file__).parents[1] / "data" / "parsers"
EOS = DATA / "arista_eos" / "show_interfaces" / "lab_validation_eos_ceos_ebgp_r1.json"
NXOS = DATA / "cisco_nxos" / "show_interface" / "ansible_nxos_facts_show_interface.json"


def node(name: str, platform: str, path: Path) -> NodeState:
    items = get_parser(platform).parse("interfaces", path.read_text())
    return NodeState(name=name, interfaces=items)  # type: ignore[arg-type]


def judge(n: NodeState, **keys: Any) -> Any:
    spec = InterfaceHealth.model_validate({"kind": "interface_health", **keys})
    return spec.evaluate(State(source="observed", nodes={n.name: n}), n.name, [n.name])


def test_eos_counters_mtu_and_speed_come_from_the_capture() -> None:
    raw = json.loads(EOS.read_text())["interfaces"]["Ethernet1"]
    eth1 = next(i for i in node("r1", "arista_eos", EOS).interfaces or [] if i.name == "Ethernet1")
    counters = raw["interfaceCounters"]
    assert (eth1.in_errors, eth1.out_errors) == (
        counters["totalInErrors"],
        counters["totalOutErrors"],
    )
    assert (eth1.in_discards, eth1.out_discards) == (
        counters["inDiscards"],
        counters["outDiscards"],
    )
    assert eth1.mtu == raw["mtu"] and eth1.speed_mbps == raw["bandwidth"] // 1_000_000


def test_eos_healthy_ports() -> None:
    outcome = judge(
        node("r1", "arista_eos", EOS), interfaces=["Ethernet1"], max_errors=0, max_discards=0,
        mtu=1500, min_speed_mbps=1000,
    )  # fmt: skip
    assert outcome.status is Status.PASS, outcome.message


def test_wrong_mtu_and_slow_port_fail() -> None:
    outcome = judge(node("r1", "arista_eos", EOS), interfaces=["Ethernet1"], mtu=9214,
                    min_speed_mbps=10000)  # fmt: skip
    assert outcome.status is Status.FAIL
    assert "Ethernet1 has MTU 1500, expected 9214" in outcome.message
    assert "Ethernet1 runs at 1000 Mb/s, expected at least 10000" in outcome.message


def test_counters_frr_does_not_show_are_an_error_not_a_pass() -> None:
    outcome = judge(node("leaf1", "cumulus_vtysh", DATA / "frr" / "interface_leaf1.json"),
                    max_errors=0)  # fmt: skip
    assert outcome.status is Status.ERROR
    assert "leaf1 does not report eth1 errors" in outcome.message


def test_nxos_mtu_is_read_and_missing_counters_are_an_error() -> None:
    n = node("n1", "cisco_nxos", NXOS)
    assert judge(n, mtu=1500).status is Status.PASS
    assert judge(n, max_discards=0).status is Status.ERROR


def test_a_listed_interface_that_does_not_exist_fails() -> None:
    outcome = judge(node("r1", "arista_eos", EOS), interfaces=["Ethernet9"], mtu=1500)
    assert outcome.status is Status.FAIL
    assert "Ethernet9 does not exist" in outcome.message


def test_no_expectation_is_an_input_error() -> None:
    with pytest.raises(ValidationError):
        InterfaceHealth.model_validate({"kind": "interface_health"})


def test_link_mtu_on_the_server_segment_shared_by_leaf1_and_leaf2() -> None:
    frr = DATA / "frr"
    state = State(
        source="observed",
        nodes={
            "leaf1": node("leaf1", "cumulus_vtysh", frr / "interface_leaf1.json"),
            "leaf2": node("leaf2", "cumulus_vtysh", frr / "interface_leaf2.json"),
        },
    )
    spec = LinkMtu.model_validate({"kind": "link_mtu"})
    outcome = spec.evaluate(state, "links", ["leaf1", "leaf2"])
    assert outcome.status is Status.PASS, outcome.message
    assert "10.0.100.0/24" in outcome.observed
    assert spec.evaluate(state, "links", ["leaf1"]).status is Status.ERROR  # nothing shared
