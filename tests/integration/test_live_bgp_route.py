"""`bgp_route` on a real lab: a transit that stops sending a community fails the check,
judged after the change was deployed with `netval lab apply`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import check_lab, run_netval, running_lab, vtysh_json

ROOT = Path(__file__).resolve().parents[2]
TAGGED = (
    "route-map to_customer permit 30\n match ip address prefix-list ISP_ORIGINATED\n"
    " set community 64500:100 no-export\n set large-community 64500:1:1\n"
)
CATALOG = """\
checks:
  - kind: bgp_route
    devices: [border1]
    prefix: 0.0.0.0/0
    peer: 192.0.2.1
    communities: [64500:100, no-export, 64500:1:1]
    local_pref: 150
    as_path: [64500]
"""


def snapshot(root: Path, tagged: bool) -> Path:
    shutil.copytree(ROOT / "snapshots" / "base", root)
    isp1 = root / "configs" / "isp1"
    plain = "route-map to_customer permit 30\n match ip address prefix-list ISP_ORIGINATED\n"
    text = isp1.read_text()
    assert plain in text
    if tagged:
        isp1.write_text(text.replace(plain, TAGGED))
    return root


@pytest.mark.timeout(300)
def test_a_community_filtered_at_the_transit_fails_the_check(tmp_path: Path) -> None:
    tagged = snapshot(tmp_path / "tagged", True)
    untagged = snapshot(tmp_path / "untagged", False)
    catalog = tmp_path / "bgp.yaml"
    catalog.write_text(CATALOG)
    with running_lab(tagged, "br", ROOT / "inventory") as lab:
        lab_id = lab.record.lab_id
        assert manager.wait_converged(lab.record, 90).converged
        code, results = check_lab(lab_id, catalog, tmp_path / "before.json")
        assert code == 0, results
        assert results["bgp_route[border1]"]["status"] == "pass"

        proc = run_netval("lab", "apply", str(untagged), "--id", lab_id, timeout=200)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        border1 = lab.record.node("border1")
        assert border1 is not None
        # FRR itself no longer holds the community on the path
        paths = vtysh_json(border1.namespace, "show bgp ipv4 unicast 0.0.0.0/0 json")["paths"]
        assert paths and all("community" not in p for p in paths)

        code, results = check_lab(lab_id, catalog, tmp_path / "after.json")
        assert code == 1
        item = results["bgp_route[border1]"]
        assert item["status"] == "fail"
        assert "lacks communit(ies) 64500:100, no-export, 64500:1:1" in item["message"]
