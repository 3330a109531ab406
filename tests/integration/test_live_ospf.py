"""`ospf_neighbors` on a real FRR lab (OSPF core, iBGP on top): an interface taken down for
real loses its adjacency, and the check names it; `verify` leaves the kind to the live gate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import check_lab, poll, run_netval, running_lab, vtysh_json

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "data" / "snapshots" / "ibgp-ospf"
CATALOG = """\
checks:
  - kind: ospf_neighbors
    devices: [r1]
    interfaces: [eth1, eth2]
    neighbors: [10.0.0.2, 10.0.0.3]
  - kind: ospf_neighbors
    devices: [r4]
    count: 2
"""


@pytest.mark.timeout(300)
def test_a_downed_interface_loses_its_adjacency_and_the_check_says_where(tmp_path: Path) -> None:
    catalog = tmp_path / "ospf.yaml"
    catalog.write_text(CATALOG)
    with running_lab(SNAPSHOT, "os") as lab:
        lab_id = lab.record.lab_id
        assert manager.wait_converged(lab.record, 90).converged
        code, results = check_lab(lab_id, catalog, tmp_path / "before.json")
        assert code == 0, results
        assert results["ospf_neighbors[r1]"]["status"] == "pass"
        baseline = tmp_path / "before-state.json"
        captured = run_netval("capture", "--lab", lab_id, "-o", str(baseline), timeout=120)
        assert captured.returncode == 0, captured.stdout + captured.stderr
        ns = {n.name: n.namespace for n in lab.record.nodes}
        subprocess.run(["ip", "-n", ns["r2"], "link", "set", "eth1", "down"], check=True)
        try:

            def r1_lost_r2() -> bool:
                seen = vtysh_json(ns["r1"], "show ip ospf neighbor json")["neighbors"]
                return "10.0.0.2" not in seen

            assert poll(r1_lost_r2, timeout=20)  # dead interval 3 s
            code, results = check_lab(lab_id, catalog, tmp_path / "after.json")
            assert code == 1
            r1 = results["ospf_neighbors[r1]"]
            assert r1["status"] == "fail"
            assert "no OSPF adjacency up on eth1" in r1["message"]
            assert "neighbor 10.0.0.2 is missing" in r1["message"]
            # r4's adjacencies (to r2's other link and to r3) are untouched
            assert results["ospf_neighbors[r4]"]["status"] == "pass"
            # the baseline comparison sees the lost adjacency on both ends, nothing on r4
            _, rows = check_lab(
                lab_id, catalog, tmp_path / "baseline.json", "--baseline", str(baseline)
            )
            assert rows["baseline_ospf[r1]"]["message"] == (
                "OSPF adjacency(ies) lost: 10.0.0.2 on eth1"
            )
            assert rows["baseline_ospf[r2]"]["status"] == "fail"
            assert rows["baseline_ospf[r4]"]["status"] == "pass"
        finally:
            subprocess.run(["ip", "-n", ns["r2"], "link", "set", "eth1", "up"], check=True)


def test_verify_leaves_ospf_neighbors_to_the_live_gate(tmp_path: Path) -> None:
    from tests.verifytools import verify_catalog

    code, rows, output = verify_catalog(SNAPSHOT, CATALOG, tmp_path)
    results = {r["id"].split("::")[-1]: r for r in rows}
    assert {r["status"] for r in rows} == {"skip"}, output
    assert "runs in `netval check`" in results["ospf_neighbors[r1]"]["message"]
    assert code == 2  # nothing this command can check ran: never a green result
