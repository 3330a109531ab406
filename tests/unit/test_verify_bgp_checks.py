"""`netval verify` judges bgp_route and anycast on the engine's prediction of the example
snapshot. The expected values are FRR's, from a lab of snapshots/base: border1 holds isp1's
default route with local-pref 150 and AS path 64500 and no community (the recorded tables
in tests/data/parsers/frr and the lab test test_live_bgp_route.py), and spine1 hears the
server segment from leaf1 (AS 65001) and leaf2 (AS 65002)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CATALOG = """\
checks:
  - kind: bgp_route
    name: isp-default
    devices: [border1]
    prefix: 0.0.0.0/0
    peer: 192.0.2.1
    best: true
    local_pref: 150
    as_path: [64500]
    origin: igp
    next_hop: 192.0.2.1
  - kind: bgp_route
    name: isp-default-tagged
    devices: [border1]
    prefix: 0.0.0.0/0
    peer: 192.0.2.1
    communities: [64500:100]
  - kind: anycast
    name: segment
    devices: [spine1, leaf1, leaf2]
    prefix: 10.0.100.0/24
    origin_asns: [65001, 65002]
    origin_devices: [leaf1, leaf2]
  - kind: anycast
    name: segment-one-origin
    devices: [spine1, leaf1, leaf2]
    prefix: 10.0.100.0/24
    origin_asns: [65001]
"""


def test_verify_judges_bgp_route_and_anycast_statically(tmp_path: Path) -> None:
    catalog = tmp_path / "bgp.yaml"
    catalog.write_text(CATALOG)
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [
            sys.executable, "-m", "netval.cli", "verify", "snapshots/base", "--engine",
            "builtin", "-c", str(catalog), "--json", str(report),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = {r["id"]: r for r in json.loads(report.read_text())["results"]}
    status = {k: r["status"] for k, r in results.items()}
    assert status == {
        "isp-default[border1]": "pass",
        "isp-default-tagged[border1]": "fail",
        "segment[10.0.100.0/24]": "pass",
        "segment-one-origin[10.0.100.0/24]": "fail",
    }
    assert "lacks communit(ies) 64500:100" in results["isp-default-tagged[border1]"]["message"]
    assert (
        "spine1 sees unexpected origin AS 65002"
        in results["segment-one-origin[10.0.100.0/24]"]["message"]
    )
    assert results["isp-default[border1]"]["observed"]["local_pref"] == 150
