"""The `dask` nornir runner plugin on a real FRR lab: a LocalCluster of 2 worker processes
collects, and `netval check` gives the same results as with nornir's threaded runner."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netval.lab import manager, record
from netval.live.source import LiveSource
from tests.conftest import DATA
from tests.integration.labtools import run_netval, running_lab

pytest.importorskip("distributed", reason="the dask runner needs netval[dask]")
pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CATALOG = """\
checks:
  - kind: bgp_sessions
    expect: {state: established}
  - kind: interfaces
  - kind: ecmp
    devices: [r1]
    prefix: 10.1.255.2/32
    paths: 2
  - kind: routes
    prefix: 10.9.9.0/24
    present: true
"""


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "dsk") as result:
        assert manager.wait_converged(result.record, 60).converged
        yield result


def _config(lab: manager.UpResult, tmp_path: Path, runner: dict[str, Any]) -> Path:
    inv = Path(record.inventory_dir(lab.record.lab_id))
    config = tmp_path / f"{runner['plugin']}.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inventory": {
                    "plugin": "SimpleInventory",
                    "options": {
                        "host_file": str(inv / "hosts.yaml"),
                        "defaults_file": str(inv / "defaults.yaml"),
                    },
                },
                "runner": runner,
                "logging": {"enabled": False},
            }
        )
    )
    return config


DASK = {"plugin": "dask", "options": {"n_workers": 2, "threads_per_worker": 2}}


@pytest.mark.timeout(180)
def test_two_worker_processes_collect(lab: manager.UpResult, tmp_path: Path) -> None:
    source = LiveSource(nornir_config=_config(lab, tmp_path, DASK))
    runner = source.nr.runner
    try:
        state = source.collect({n: {"bgp", "interfaces"} for n in source.hosts()}, None)
        workers = runner.client().scheduler_info()["workers"]
        pids = set(runner.client().run(os.getpid).values())
    finally:
        runner.close()
    assert len(workers) == 2
    assert len(pids) == 2 and os.getpid() not in pids
    for name in ("r1", "r2"):
        node = state.nodes[name]
        assert not node.errors, node.errors
        assert {p.state for p in node.bgp_peers or []} == {"established"}


@pytest.mark.timeout(240)
def test_dask_gives_the_threaded_runners_results(lab: manager.UpResult, tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(CATALOG)
    found = {}
    for runner in ({"plugin": "threaded", "options": {"num_workers": 4}}, DASK):
        report = tmp_path / f"{runner['plugin']}.json"
        proc = run_netval(
            "check", "--nornir-config", str(_config(lab, tmp_path, runner)), "-c", str(catalog),
            "--json", str(report),
        )  # fmt: skip
        assert "Traceback" not in proc.stderr, proc.stderr
        results = json.loads(report.read_text())["results"]
        found[runner["plugin"]] = (
            proc.returncode,
            {r["id"]: (r["status"], r["message"]) for r in results},
        )
    assert found["dask"] == found["threaded"]
    code, results = found["dask"]
    assert code == 1  # 10.9.9.0/24 is nowhere: the fail is judged the same way on both
    assert results["routes[r1]"][0] == "fail"
    assert results["ecmp[r1]"][0] == "pass"
    assert results["bgp_sessions[r2]"][0] == "pass"
