"""--shard on a real FRR lab: two shards of `netval check`, merged by `netval merge`, hold the
same items with the same statuses as the unsharded run, each router logged in to by one
shard only; two shards of `netval capture` merge into one baseline of every router."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import manager
from tests.integration.labtools import ROOT, run_netval, running_lab
from tests.integration.test_live_xdist import accepted_logins

pytestmark = pytest.mark.lab
BASE = ROOT / "snapshots" / "base"
FABRIC = ROOT / "checks" / "fabric.yaml"


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(BASE, "sh", ROOT / "inventory") as result:
        conv = manager.wait_converged(result.record, 90)
        assert conv.converged, conv.moving
        yield result


def test_two_shards_merge_into_the_unsharded_run(lab: manager.UpResult, tmp_path: Path) -> None:
    lab_id = lab.record.lab_id
    whole = tmp_path / "whole.json"
    proc = run_netval("check", "--lab", lab_id, "-c", str(FABRIC), "--json", str(whole))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    unsplit = {r["uid"]: r["status"] for r in json.loads(whole.read_text())["results"]}

    logins = []
    for i in (1, 2):
        before = accepted_logins(lab)
        proc = run_netval(
            "check",
            "--lab",
            lab_id,
            "-c",
            str(FABRIC),
            "--shard",
            f"{i}/2",
            "--run-id",
            "r1",
            "--json",
            str(tmp_path / f"s{i}.json"),
            "--junitxml",
            str(tmp_path / f"s{i}.xml"),
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        after = accepted_logins(lab)
        logins.append({name: after[name] - before[name] for name in before})
    shard_items = [
        {r["uid"] for r in json.loads((tmp_path / f"s{i}.json").read_text())["results"]}
        for i in (1, 2)
    ]
    assert shard_items[0] and shard_items[1] and not shard_items[0] & shard_items[1]
    # every router is logged in to by exactly one of the shards
    assert {n: logins[0][n] + logins[1][n] for n in logins[0]} == dict.fromkeys(logins[0], 1)

    out = tmp_path / "merged"
    proc = run_netval(
        "merge",
        str(out),
        str(tmp_path / "s2.json"),
        str(tmp_path / "s1.json"),
        "--junitxml",
        str(tmp_path / "s1.xml"),
        "--junitxml",
        str(tmp_path / "s2.xml"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    merged = json.loads((out / "report.json").read_text())
    assert {r["uid"]: r["status"] for r in merged["results"]} == unsplit
    assert merged["summary"]["planned"] == merged["summary"]["total"] == len(unsplit)
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests", 0)) == len(unsplit)
    names = {c.get("name") for c in suite.findall("testcase")}
    assert names == {uid.split("::")[-1] for uid in unsplit}

    # a shard of another catalog is refused
    other = tmp_path / "other.yaml"
    other.write_text("checks:\n  - kind: bgp_sessions\n")
    proc = run_netval(
        "check",
        "--lab",
        lab_id,
        "-c",
        str(other),
        "--shard",
        "2/2",
        "--run-id",
        "r1",
        "--json",
        str(tmp_path / "o2.json"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_netval(
        "merge", str(tmp_path / "bad"), str(tmp_path / "s1.json"), str(tmp_path / "o2.json")
    )
    assert proc.returncode == 2 and "different catalogs" in proc.stderr, proc.stderr


def test_captured_shards_merge_into_one_baseline(lab: manager.UpResult, tmp_path: Path) -> None:
    for i in (1, 2):
        proc = run_netval(
            "capture",
            "--lab",
            lab.record.lab_id,
            "--shard",
            f"{i}/2",
            "-o",
            str(tmp_path / f"c{i}.json"),
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    parts = [set(json.loads((tmp_path / f"c{i}.json").read_text())["nodes"]) for i in (1, 2)]
    assert parts[0] and parts[1] and not parts[0] & parts[1]
    # merge needs a run's JSON reports too: the unsharded check of nothing is no shard, so
    # use a shard run of one catalog for both
    for i in (1, 2):
        proc = run_netval(
            "check",
            "--lab",
            lab.record.lab_id,
            "-c",
            str(FABRIC),
            "--shard",
            f"{i}/2",
            "--json",
            str(tmp_path / f"s{i}.json"),
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_netval(
        "merge",
        str(tmp_path / "m"),
        str(tmp_path / "s1.json"),
        str(tmp_path / "s2.json"),
        "--state",
        str(tmp_path / "c1.json"),
        "--state",
        str(tmp_path / "c2.json"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    state = json.loads((tmp_path / "m" / "state.json").read_text())
    assert set(state["nodes"]) == set(lab.record.router_names())
    for node in state["nodes"].values():
        assert node["bgp_peers"], node["name"]
    proc = run_netval(
        "check",
        "--lab",
        lab.record.lab_id,
        "-c",
        str(FABRIC),
        "--baseline",
        str(tmp_path / "m" / "state.json"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
