"""pytest-xdist on a real FRR lab: `netval check -n 2` and plain `pytest --netval live -n 2`
log in to each router once, exit as the run without workers does, and write complete JSON,
JUnit, HTML and markdown reports.

Logins are counted by the kernel: the TCP connections each router's sshd accepted in its
management namespace (PassiveOpens), where nothing else listens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.lab import manager, naming
from tests.integration.labtools import ROOT, run_netval, running_lab

pytestmark = pytest.mark.lab
BASE = ROOT / "snapshots" / "base"
FABRIC = ROOT / "checks" / "fabric.yaml"


def accepted_logins(lab: manager.UpResult) -> dict[str, int]:
    """Per router, the TCP connections its management namespace has accepted so far."""
    counts = {}
    for node in lab.record.nodes:
        if node.kind == "host":
            continue
        mgmt = naming.mgmt_namespace(node.namespace)
        snmp = subprocess.run(
            ["ip", "netns", "exec", mgmt, "cat", "/proc/net/snmp"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        tcp = [line.split() for line in snmp if line.startswith("Tcp:")]
        counts[node.name] = int(tcp[1][tcp[0].index("PassiveOpens")])
    return counts


@pytest.fixture(scope="module")
def lab() -> Iterator[manager.UpResult]:
    with running_lab(BASE, "xd", ROOT / "inventory") as result:
        conv = manager.wait_converged(result.record, 90)
        assert conv.converged, conv.moving
        yield result


@pytest.fixture(scope="module")
def unsplit(lab: manager.UpResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Item uid -> status of the run without workers."""
    out = tmp_path_factory.mktemp("plain") / "r.json"
    proc = run_netval("check", "--lab", lab.record.lab_id, "-c", str(FABRIC), "--json", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {r["uid"]: r["status"] for r in json.loads(out.read_text())["results"]}


def _logged_in_once(before: dict[str, int], after: dict[str, int]) -> None:
    assert {name: after[name] - before[name] for name in before} == dict.fromkeys(before, 1)


def test_check_with_two_workers(
    lab: manager.UpResult, unsplit: dict[str, str], tmp_path: Path
) -> None:
    reports = {
        "--json": tmp_path / "r.json",
        "--junitxml": tmp_path / "r.xml",
        "--html": tmp_path / "r.html",
        "--md": tmp_path / "r.md",
    }
    before = accepted_logins(lab)
    proc = run_netval(
        "check",
        "--lab",
        lab.record.lab_id,
        "-c",
        str(FABRIC),
        *[a for option, path in reports.items() for a in (option, str(path))],
        "-n",
        "2",
    )
    after = accepted_logins(lab)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _logged_in_once(before, after)
    assert f"{len(unsplit)} passed" in proc.stdout

    doc = json.loads(reports["--json"].read_text())
    assert {r["uid"]: r["status"] for r in doc["results"]} == unsplit
    assert doc["summary"]["planned"] == doc["summary"]["total"] == len(unsplit)
    assert doc["exitstatus"] == 0 and doc["source"] and doc["catalogs"] == ["checks/fabric.yaml"]
    assert doc["collect_seconds"] > 0

    suite = ET.parse(reports["--junitxml"]).getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests", 0)) == len(unsplit)
    cases = suite.findall("testcase")
    # the gate's classname and the case details travel from the workers as without them
    assert {c.get("classname", "").split(".")[0] for c in cases} == {"check"}
    assert all("kind: " in (c.findtext("system-out") or "") for c in cases)

    page = reports["--html"].read_text()
    markdown = reports["--md"].read_text()
    for uid in unsplit:
        item = uid.split("::")[-1]
        assert item in page
    n = len(unsplit)
    assert f"all {n} checks passed" in markdown and f"| {n} | 0 | 0 | 0 | {n} |" in markdown


def test_plain_pytest_with_two_workers(
    lab: manager.UpResult, unsplit: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    before = accepted_logins(lab)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            os.devnull,
            f"--rootdir={ROOT}",
            "--noconftest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--netval",
            "live",
            "--netval-lab",
            lab.record.lab_id,
            "--netval-json",
            str(report),
            "-n",
            "2",
            str(FABRIC),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    after = accepted_logins(lab)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _logged_in_once(before, after)
    doc = json.loads(report.read_text())
    assert {r["uid"]: r["status"] for r in doc["results"]} == unsplit
    assert doc["summary"]["planned"] == len(unsplit)


def test_a_failing_item_fails_the_run_with_workers(lab: manager.UpResult, tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(
        "checks:\n"
        "  - kind: bgp_sessions\n    devices: [leaf1]\n"
        "  - kind: routes\n    devices: [leaf2]\n    prefix: 203.0.113.0/24\n    present: true\n"
    )
    report = tmp_path / "r.json"
    proc = run_netval(
        "check",
        "--lab",
        lab.record.lab_id,
        "-c",
        str(catalog),
        "--json",
        str(report),
        "-n",
        "2",
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    statuses = {r["id"]: r["status"] for r in json.loads(report.read_text())["results"]}
    assert statuses == {"bgp_sessions[leaf1]": "pass", "routes[leaf2]": "fail"}
