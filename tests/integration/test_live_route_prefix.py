"""Routes asked one prefix at a time on a real FRR lab: what a `routes` or `ecmp` check on
a prefix collects, the same answer as the whole table gives for that prefix, and the whole
table as soon as one check (or `netval capture`) needs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.catalog import load_catalogs
from netval.checks.baseline import baseline_targets
from netval.lab import manager
from netval.live.source import LiveSource
from netval.runner import Runner, plan
from tests.conftest import DATA
from tests.integration.labtools import check_lab, run_netval, running_lab, vtysh_json

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
REMOTE = "10.1.255.2/32"  # r2's loopback, ECMP over both links on r1
ABSENT = "10.9.9.0/24"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "rpfx") as result:
        assert manager.wait_converged(result.record, 60).converged
        yield result


def _runner(
    lab: manager.UpResult, tmp_path: Path, text: str, baseline: Path | None = None
) -> Runner:
    catalog = tmp_path / "checks.yaml"
    catalog.write_text(text)
    source = LiveSource(lab=lab.record.lab_id)
    hosts = source.hosts()
    targets = plan(load_catalogs([catalog]).entries, hosts, "live")
    if baseline is not None:
        targets += baseline_targets(baseline, hosts, ["r1"], 0.0, targets)
    runner = Runner(targets, source, "live")
    runner.prepare()
    return runner


def test_a_prefix_check_reads_that_prefix_alone(lab: manager.UpResult, tmp_path: Path) -> None:
    r1 = lab.record.node("r1")
    assert r1 is not None
    whole = vtysh_json(r1.namespace, "show ip route json")
    assert len(whole) > 3 and REMOTE in whole
    runner = _runner(
        lab,
        tmp_path,
        f"checks:\n  - kind: ecmp\n    devices: [r1]\n    prefix: {REMOTE}\n    paths: 2\n"
        f"  - kind: routes\n    devices: [r1]\n    prefix: {ABSENT}\n    present: false\n",
    )
    assert runner.state is not None
    node = runner.state.nodes["r1"]
    assert node.routes_asked == {"default": sorted([ABSENT, REMOTE])}
    assert {r.prefix for r in node.routes or []} == {REMOTE}
    statuses = {t.item_id: runner.results[t.key].outcome.status.value for t in runner.targets}
    assert statuses == {"ecmp[r1]": "pass", "routes[r1]": "pass"}

    # a check that reads the whole table (a baseline) makes the device send all of it
    baseline = tmp_path / "base.json"
    proc = run_netval("capture", "--lab", lab.record.lab_id, "-o", str(baseline))
    assert proc.returncode == 0, proc.stderr
    full = _runner(
        lab, tmp_path, f"checks:\n  - kind: routes\n    devices: [r1]\n    prefix: {REMOTE}\n",
        baseline,
    )  # fmt: skip
    assert full.state is not None
    full_node = full.state.nodes["r1"]
    assert full_node.routes_asked is None
    six = vtysh_json(r1.namespace, "show ipv6 route json")
    assert {r.prefix for r in full_node.routes or []} == set(whole) | set(six)
    # the prefix as the whole table shows it
    assert full_node.routes_for(REMOTE) == node.routes_for(REMOTE)


def test_an_unknown_vrf_is_an_error_naming_it(lab: manager.UpResult, tmp_path: Path) -> None:
    catalog = tmp_path / "vrf.yaml"
    catalog.write_text(
        f"checks:\n  - kind: routes\n    devices: [r1]\n    prefix: {REMOTE}\n    vrf: blue\n"
        f"    present: false\n"
    )
    code, results = check_lab(lab.record.lab_id, catalog, tmp_path / "vrf.json")
    assert code != 0
    result = results["routes[r1]"]
    assert result["status"] == "error", result
    assert "VRF blue not found" in result["message"]


def test_capture_keeps_the_whole_table(lab: manager.UpResult, tmp_path: Path) -> None:
    out = tmp_path / "state.json"
    proc = run_netval("capture", "--lab", lab.record.lab_id, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    r1 = lab.record.node("r1")
    assert r1 is not None
    node = json.loads(out.read_text())["nodes"]["r1"]
    assert node["routes_asked"] is None
    whole = vtysh_json(r1.namespace, "show ip route json")
    assert {r["prefix"] for r in node["routes"]} >= set(whole)
