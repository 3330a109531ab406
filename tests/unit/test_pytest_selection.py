"""pytest's selection on netval items: each item carries its kind and its devices as markers
and keywords (-m, -k), and only catalogs are collected from a folder pytest walks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SNAPSHOTS
from tests.verifytools import plain_pytest, verify_candidate_bad


def _verify(tmp_path: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    code, results, output = verify_candidate_bad(tmp_path, *extra)
    assert "Traceback" not in output, output
    return code, results


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    code, results = _verify(tmp_path_factory.mktemp("all"))
    assert code == 1
    return results


def _ids(results: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in results}


@pytest.mark.parametrize("kind", ["bgp_sessions", "route_policy", "vrrp"])
def test_minus_m_selects_a_kind(
    tmp_path: Path, everything: list[dict[str, Any]], kind: str
) -> None:
    want = {r["id"] for r in everything if r["kind"] == kind}
    assert want
    # --strict-markers: the markers netval puts on its items are registered
    _, results = _verify(tmp_path, "-m", kind, "--strict-markers")
    assert _ids(results) == want


def test_minus_k_selects_a_kind_even_for_named_checks(
    tmp_path: Path, everything: list[dict[str, Any]]
) -> None:
    # route_policy items are named after their policy (from_isp[border1]); -k matches
    # substrings, so route_policy_search items come along, as pytest's -k does
    want = {r["id"] for r in everything if r["kind"].startswith("route_policy")}
    _, results = _verify(tmp_path, "-k", "route_policy")
    assert _ids(results) == want


def test_minus_k_selects_a_device_also_in_a_group_check(
    tmp_path: Path, everything: list[dict[str, Any]]
) -> None:
    want = {
        r["id"]
        for r in everything
        if "leaf2" in r["id"] or (r["scope"] != "network" and "leaf2" in r["devices"])
    }
    assert "vrrp[eth3/10]" in want  # leaf2 is a member of the VRRP pair, not in the id
    _, results = _verify(tmp_path, "-k", "leaf2")
    assert _ids(results) == want


def test_kind_and_device_markers_combine(tmp_path: Path) -> None:
    _, results = _verify(tmp_path, "-m", "ecmp and leaf1")
    assert _ids(results) == {"ecmp[leaf1]", "ecmp#2[leaf1]"}


def _pytest_here(work: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """pytest itself, as a user runs it with the plugin, in a folder of their own."""
    report = work / "r.json"
    proc = plain_pytest(
        work, "--netval", "static", "--netval-snapshot", str(SNAPSHOTS / "candidate-good"),
        "--netval-engine", "builtin", "--netval-json", str(report), *args,
    )  # fmt: skip
    results = json.loads(report.read_text())["results"] if report.exists() else []
    return proc, results


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repository as users keep one: catalogs, an inventory and other YAML side by side."""
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "pre.yaml").write_text(
        "# the pre-change gate\ndescription: parse only\nchecks:\n  - kind: parse\n"
    )
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    (tmp_path / ".github").mkdir()
    (tmp_path / "ci.yml").write_text("jobs:\n  check:\n    runs-on: ubuntu-latest\n")
    return tmp_path


def test_a_walked_folder_yields_only_its_catalogs(tree: Path) -> None:
    proc, results = _pytest_here(tree, ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [(r["id"], r["status"]) for r in results] == [("parse", "pass")]
    assert "error" not in proc.stdout.lower().split("passed")[-1]
    assert "1 passed" in proc.stdout


def test_a_yaml_file_named_on_the_command_line_is_read_as_a_catalog(tree: Path) -> None:
    proc, _ = _pytest_here(tree, "inventory/hosts.yaml")
    assert proc.returncode != 0
    assert "inventory/hosts.yaml" in proc.stdout
    assert "unknown key" in proc.stdout  # read as a catalog, so its mistakes are shown
