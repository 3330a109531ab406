"""Credentials on a real FRR lab: NETVAL_USERNAME wins over a wrong username at any level of
the inventory, and a lab's own inventory never takes the user's credentials."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from netval.lab import manager
from tests.conftest import DATA
from tests.integration.labtools import CLI, ROOT, running_lab

pytestmark = pytest.mark.lab
MINI = DATA / "snapshots" / "mini"
CATALOG = "checks:\n  - kind: bgp_sessions\n    expect: {state: established}\n"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(MINI, "cr") as result:
        conv = manager.wait_converged(result.record, 60)
        assert conv.converged, conv.moving
        yield result


def _check(tmp_path: Path, where: list[str], env: dict[str, str]) -> dict[str, Any]:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG)
    report = tmp_path / "report.json"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NETVAL_")}
    proc = subprocess.run(
        [*CLI, "check", *where, "-c", str(catalog), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**clean, **env},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return {r["id"]: r for r in json.loads(report.read_text())["results"]}


def test_netval_username_wins_over_every_level(lab: manager.UpResult, tmp_path: Path) -> None:
    """Wrong usernames on a host, on a group's parent group and on the defaults' scrapli
    options: logins fail with them, and work once NETVAL_USERNAME names the lab's account."""
    inv = tmp_path / "inv"
    inv.mkdir()
    hosts = yaml.safe_load((lab.inventory / "hosts.yaml").read_text())
    defaults = yaml.safe_load((lab.inventory / "defaults.yaml").read_text())
    account = defaults["username"]
    hosts["r1"]["username"] = "prod-admin"
    hosts["r2"]["groups"] = ["leaf"]
    groups = {"leaf": {"groups": ["prod"]}, "prod": {"username": "prod-admin"}}
    defaults["connection_options"]["scrapli"]["username"] = "prod-admin"
    for name, content in (("hosts", hosts), ("groups", groups), ("defaults", defaults)):
        (inv / f"{name}.yaml").write_text(yaml.safe_dump(content))
    refused = _check(tmp_path, ["-i", str(inv)], {})
    assert {r["problem"] for r in refused.values()} == {"auth_failed"}, refused
    results = _check(tmp_path, ["-i", str(inv)], {"NETVAL_USERNAME": account})
    assert {i: r["status"] for i, r in results.items()} == {
        "bgp_sessions[r1]": "pass",
        "bgp_sessions[r2]": "pass",
    }


def test_a_labs_inventory_ignores_the_users_credentials(
    lab: manager.UpResult, tmp_path: Path
) -> None:
    env = {"NETVAL_USERNAME": "prod-admin", "NETVAL_PASSWORD": "Pr0d-Secret"}
    results = _check(tmp_path, ["--lab", lab.record.lab_id], env)
    assert {r["status"] for r in results.values()} == {"pass"}, results
    assert len(results) == 2
