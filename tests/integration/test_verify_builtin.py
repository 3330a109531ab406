"""`netval verify` and `netval ask` with the built-in engine on the example snapshots.

The mistakes are the ones documented in snapshots/README.md (file, line, consequence);
each must fail its check with a message that points at it, and base must not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.verifytools import verify_catalog

CLI = [sys.executable, "-m", "netval.cli"]
CONFIG_ITEMS = [
    "parse",
    "undefined_references",
    "bgp_compatibility",
    "from_isp[border1]",
    "no_bogons_in[border1]",
    "to_isp[border1]",
    "no_more_specifics_out[border1]",
]


def _verify(snapshot: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """`netval verify` of an example snapshot against base with checks/pre-change.yaml."""
    report = tmp_path / f"{snapshot}.json"
    proc = subprocess.run(
        [
            *CLI,
            "verify",
            f"snapshots/{snapshot}",
            "--base",
            "snapshots/base",
            "--engine",
            "builtin",
            "-c",
            "checks/pre-change.yaml",
            "--json",
            str(report),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert report.is_file(), proc.stdout + proc.stderr
    return proc.returncode, {r["id"]: r for r in json.loads(report.read_text())["results"]}


def _config_items(snapshot: str, tmp_path: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    return _verify(snapshot, tmp_path, "-k", " or ".join(i.split("[")[0] for i in CONFIG_ITEMS))


@pytest.mark.parametrize("snapshot", ["base", "candidate-good"])
def test_good_snapshots_pass_the_config_checks(snapshot: str, tmp_path: Path) -> None:
    code, results = _config_items(snapshot, tmp_path)
    assert sorted(results) == sorted(CONFIG_ITEMS)
    assert {i: r["status"] for i, r in results.items()} == dict.fromkeys(CONFIG_ITEMS, "pass")
    assert code == 0


def test_candidate_bad_mistakes_are_pointed_at(tmp_path: Path) -> None:
    code, results = _config_items("candidate-bad", tmp_path)
    assert code == 1
    undefined = results["undefined_references"]
    assert undefined["status"] == "fail"
    assert "configs/border1:86" in undefined["message"] and "'BOGON'" in undefined["message"]
    compat = results["bgp_compatibility"]
    assert compat["status"] == "fail"
    assert "leaf3 10.10.254.13" in compat["message"] and "AS 65202" in compat["message"]
    from_isp = results["from_isp[border1]"]
    assert from_isp["status"] == "fail"
    assert "10.0.0.0/8 is permitted by from_isp on border1, expected deny" in from_isp["message"]
    assert "192.168.0.0/16 is permitted" in from_isp["message"]
    assert results["no_bogons_in[border1]"]["status"] == "fail"
    to_isp = results["to_isp[border1]"]
    assert to_isp["status"] == "fail" and "10.10.3.0/24 is permitted" in to_isp["message"]
    leak = results["no_more_specifics_out[border1]"]
    assert leak["status"] == "fail" and "counterexample" in leak["message"]
    assert results["parse"]["status"] == "pass"


def test_ask_json_is_batfish_row_shape(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            *CLI,
            "ask",
            "snapshots/candidate-bad",
            "undefinedReferences",
            "--engine",
            "builtin",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["Ref_Name"] for r in rows] == ["BOGON"]
    assert rows[0]["Lines"]["lines"] == [86]
    proc = subprocess.run(
        [
            *CLI,
            "ask",
            "snapshots/base",
            "bgpSessionCompatibility",
            "--engine",
            "builtin",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("Node,") and len(lines) == 1 + 18
    assert all("UNIQUE_MATCH" in line for line in lines[1:])


def test_ask_unknown_question_is_a_usage_error() -> None:
    proc = subprocess.run(
        [*CLI, "ask", "snapshots/base", "nosuchQuestion", "--engine", "builtin"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "nosuchQuestion" in proc.stderr and "routes" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_policy_in_catalog_is_an_input_error(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        "checks:\n  - kind: route_policy\n    devices: [border1]\n"
        "    policy: from_customer\n    cases:\n"
        "      - route: {prefix: 10.0.0.0/8}\n        expect: deny\n"
        "  - kind: route_policy_search\n    policy: nope\n"
        "    input: {prefixes: ['10.0.0.0/8:8-32']}\n"
    )
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/base", "--engine", "builtin", "-c", str(cat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    text = proc.stderr.replace("\n", " ")
    assert f"{cat}:2: routing policy 'from_customer' is not defined on border1" in text
    assert "from_isp" in text  # the policies border1 does define
    cat.write_text(
        "checks:\n  - kind: route_policy_search\n    policy: nope\n"
        "    input: {prefixes: ['10.0.0.0/8:8-32']}\n"
    )
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/base", "--engine", "builtin", "-c", str(cat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "no device of the snapshot defines routing policy 'nope'" in proc.stderr


def test_route_policy_cases_sharing_a_prefix_are_judged_separately(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        "checks:\n  - kind: route_policy\n    devices: [border1]\n    policy: from_isp\n"
        "    cases:\n"
        "      - route: {prefix: 198.51.100.0/24, communities: ['64500:666']}\n"
        "        expect: deny\n"
        "      - route: {prefix: 198.51.100.0/24}\n"
        "        expect: deny\n"
    )
    report = tmp_path / "r.json"
    proc = subprocess.run(
        [
            *CLI,
            "verify",
            "snapshots/base",
            "--engine",
            "builtin",
            "-c",
            str(cat),
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    [result] = json.loads(report.read_text())["results"]
    # only the second case is wrong: without the blackhole community the route is permitted
    assert result["message"].count("is permitted by from_isp") == 1
    # each case with its own input and trace: deny 30 is the blackhole community, permit 40
    # the accepted space with local-pref 150 (snapshots/README.md)
    assert [
        (o["route"], o.get("communities"), o["action"], o["expect"], o["trace"])
        for o in result["observed"]
    ] == [
        ("198.51.100.0/24", ["64500:666"], "deny", "deny",
         ["Matched route-map from_isp clause 30 (deny)"]),
        ("198.51.100.0/24", None, "permit", "deny",
         ["Matched route-map from_isp clause 40 (permit)"]),
    ]  # fmt: skip
    assert result["observed"][1]["changes"] == [
        {"field": "localPreference", "old": "100", "new": "150"}
    ]


def test_differential_without_base_is_a_usage_error(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: differential\n    allow_added: [10.10.4.0/24]\n")
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/base", "--engine", "builtin", "-c", str(cat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert f"{cat}:2: a differential check needs the base snapshot" in proc.stderr


def test_nothing_checkable_is_a_usage_error(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: parse\n")
    proc = subprocess.run(
        [
            *CLI,
            "verify",
            "snapshots/base",
            "--engine",
            "builtin",
            "-c",
            str(cat),
            "-k",
            "nothing_matches_this",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "no check ran" in proc.stderr


@pytest.mark.parametrize("snapshot", ["base", "candidate-good"])
def test_whole_pre_change_gate_passes_good_snapshots(snapshot: str, tmp_path: Path) -> None:
    code, results = _verify(snapshot, tmp_path)
    assert {i: r["message"] for i, r in results.items() if r["status"] != "pass"} == {}
    assert code == 0 and len(results) >= 20


def test_whole_pre_change_gate_fails_each_documented_mistake(tmp_path: Path) -> None:
    code, results = _verify("candidate-bad", tmp_path)
    assert code == 1
    failed = {i: r["message"] for i, r in results.items() if r["status"] == "fail"}
    # mistake 4 (snapshots/README.md): leaf1 `maximum-paths 1` kills its ECMP
    assert "0.0.0.0/0 on leaf1: 1 path(s), expected at least 2" in failed["ecmp[leaf1]"]
    # mistake 2: leaf3's session to spine2 is predicted down, and leaf3 loses ECMP
    assert "10.10.254.12 (AS 65202) is idle" in failed["bgp_sessions[leaf3]"]
    assert "0.0.0.0/0 on leaf3: 1 path(s)" in failed["ecmp[leaf3]"]
    # mistake 5: the VRRP priorities swapped make leaf2 master
    assert "master is leaf2, expected leaf1" in failed["vrrp[eth3/10]"]
    # mistakes 1 and 3 change the routes against the base: bogons in, more-specifics out
    diff = failed["differential"]
    assert "border1: +10.0.0.0/8" in diff and "isp1: +10.10.3.0/24" in diff
    # reachability is not what breaks (snapshots/README.md)
    assert results["reachability[leaf1->10.10.3.10:443]"]["status"] == "pass"


@pytest.mark.timeout(60)
def test_within_does_not_wait_on_a_prediction(tmp_path: Path) -> None:
    code, (result,), output = verify_catalog(
        "snapshots/base",
        "checks:\n  - kind: routes\n    devices: [leaf1]\n    prefix: 203.0.113.0/24\n"
        "    within: 120s\n",
        tmp_path,
        timeout=50,
    )
    assert code == 1, output
    assert result["status"] == "fail"
    assert "still failing" not in result["message"]


def _to_bare_frr_conf(snapshot: Path, dst: Path) -> Path:
    """The snapshot as bare frr.conf files, as `show running-config` prints them: the
    interfaces part's addresses become FRR `interface` stanzas."""
    import shutil

    from netval.snapshot import read_device

    shutil.copytree(snapshot / "batfish", dst / "batfish")
    (dst / "configs").mkdir(parents=True)
    for file in sorted((snapshot / "configs").iterdir()):
        device = read_device(file)
        lines = device.frr_text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("hostname")) + 1
        for name, stanza in device.interfaces.items():
            if stanza.addresses:
                block = [f"interface {name}", *(f" ip address {a}" for a in stanza.addresses)]
                lines[at:at] = [*block, "!"]
        (dst / "configs" / file.name).write_text("\n".join(lines) + "\n")
    return dst


@pytest.mark.parametrize("snapshot", ["base", "candidate-good", "candidate-bad"])
def test_bare_frr_conf_gives_the_same_results(snapshot: str, tmp_path: Path) -> None:
    bare = _to_bare_frr_conf(ROOT / "snapshots" / snapshot, tmp_path / f"{snapshot}-bare")
    results = {}
    for name, path in (("concatenated", f"snapshots/{snapshot}"), ("bare", str(bare))):
        report = tmp_path / f"{name}.json"
        args = ["verify", path, "--base", "snapshots/base", "--engine", "builtin"]
        proc = subprocess.run(
            [*CLI, *args, "-c", "checks/pre-change.yaml", "--json", str(report)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert report.is_file(), proc.stdout + proc.stderr
        results[name] = {r["id"]: r["status"] for r in json.loads(report.read_text())["results"]}
    assert results["bare"] == results["concatenated"]
