"""A user's own pytest file run by `netval check` on a real FRR lab, next to a catalog: its
own Nornir task through netval_nornir, and netval_state with every domain. What it saw is
compared with FRR's own answers (vtysh)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import manager
from tests.conftest import DATA
from tests.integration.labtools import bgp_peer_states, run_netval, running_lab, vtysh_json

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"

USER_TEST = """
from pathlib import Path

from nornir_scrapli.tasks import send_command


def test_my_own_nornir_task(netval_nornir):
    result = netval_nornir.run(task=send_command, command="show version")
    assert sorted(result) == ["r1", "r2"]
    for name, multi in result.items():
        assert not multi.failed, multi[0].exception
        assert "FRRouting" in multi[0].result


def test_state_of_every_domain(netval_state):
    Path({dump!r}).write_text(netval_state.model_dump_json())
    for node in netval_state.nodes.values():
        assert not node.errors, node.errors
        assert node.bgp_peers and node.routes and node.interfaces and node.vrrp
"""


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "uf") as result:
        conv = manager.wait_converged(result.record, 60)
        assert conv.converged, conv.moving
        yield result


def test_user_tests_use_the_runs_nornir_and_state(lab: manager.UpResult, tmp_path: Path) -> None:
    dump = tmp_path / "state.json"
    user = tmp_path / "test_lab_by_hand.py"
    user.write_text(USER_TEST.format(dump=str(dump)))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n")
    junit = tmp_path / "out.xml"
    proc = run_netval(
        "check", "--lab", lab.record.lab_id, "-c", str(catalog), "--junitxml", str(junit),
        str(user),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cases = {c.get("name"): list(c) for c in ET.parse(junit).getroot().iter("testcase")}
    assert set(cases) == {
        "bgp_sessions[r1]", "bgp_sessions[r2]", "test_my_own_nornir_task",
        "test_state_of_every_domain",
    }  # fmt: skip
    assert not any(c.tag in ("failure", "error") for kids in cases.values() for c in kids)
    nodes = json.loads(dump.read_text())["nodes"]
    for name in ("r1", "r2"):
        node = lab.record.node(name)
        assert node is not None
        frr_peers = {p for p, s in bgp_peer_states(node.namespace).items() if s == "Established"}
        assert {p["peer"] for p in nodes[name]["bgp_peers"] if p["state"] == "established"} == (
            frr_peers
        )
        roles = {
            g["vrid"]: g["v4"]["status"].lower()
            for g in vtysh_json(node.namespace, "show vrrp json")
        }
        assert {g["vrid"]: g["role"] for g in nodes[name]["vrrp"]} == roles
