"""The NAPALM collector through nornir_napalm, on NAPALM's mock driver.

The mock driver replays getter results from files; the files are NAPALM's own recorded
getter results (tests/data/parsers/napalm, see SOURCES.md), so no device answer is invented.
Expected values are read from the same JSON independently of netval's mapping.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from netval.live.collect import collect
from netval.live.inventory import open_nornir
from netval.state import BgpState
from tests.conftest import DATA

NAPALM = DATA / "parsers" / "napalm"


def _inventory(tmp_path: Path, mock_dir: Path, fail_on_open: bool = False) -> Path:
    inv = tmp_path / "inv"
    inv.mkdir()
    hosts = {
        "eos1": {
            "hostname": "192.0.2.10",  # never contacted: the mock driver opens nothing
            "platform": "eos",
            "data": {"collector": "napalm"},
            "connection_options": {
                "napalm": {
                    "platform": "mock",
                    "extras": {
                        "optional_args": {"path": str(mock_dir), "fail_on_open": fail_on_open}
                    },
                }
            },
        }
    }
    (inv / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (inv / "defaults.yaml").write_text(yaml.safe_dump({"username": "u", "password": "p4ssw0rd!"}))
    return inv


def _mock_dir(tmp_path: Path) -> Path:
    d = tmp_path / "mock"
    d.mkdir()
    shutil.copy(next((NAPALM / "get_bgp_neighbors").glob("*.json")), d / "get_bgp_neighbors.1")
    shutil.copy(next((NAPALM / "get_interfaces").glob("*.json")), d / "get_interfaces.1")
    shutil.copy(next((NAPALM / "get_interfaces_ip").glob("*.json")), d / "get_interfaces_ip.1")
    return d


def test_napalm_getters_feed_the_state(tmp_path: Path) -> None:
    mock = _mock_dir(tmp_path)
    nr = open_nornir(_inventory(tmp_path, mock))
    state = collect(nr, {"eos1": {"bgp", "interfaces", "routes"}})
    node = state.nodes["eos1"]
    raw = json.loads((mock / "get_bgp_neighbors.1").read_text())
    expected = {ip: peer["is_up"] for vrf in raw.values() for ip, peer in vrf["peers"].items()}
    assert node.bgp_peers is not None
    got = {p.peer: p.state is BgpState.ESTABLISHED for p in node.bgp_peers}
    assert got == expected
    ifaces = json.loads((mock / "get_interfaces.1").read_text())
    assert node.interfaces is not None
    assert {i.name for i in node.interfaces} == set(ifaces)
    assert {i.name: i.oper_up for i in node.interfaces} == {
        name: v["is_up"] for name, v in ifaces.items()
    }
    # routes have no NAPALM getter here: an error for that domain, never an empty pass
    assert node.routes is None
    assert "not available through the NAPALM getters" in node.errors["routes"]


def test_napalm_open_failure_is_a_device_error(tmp_path: Path) -> None:
    nr = open_nornir(_inventory(tmp_path, _mock_dir(tmp_path), fail_on_open=True))
    node = collect(nr, {"eos1": {"bgp"}}).nodes["eos1"]
    assert node.bgp_peers is None
    assert "cannot collect from eos1" in node.errors["device"]
    assert "p4ssw0rd!" not in node.errors["device"]
