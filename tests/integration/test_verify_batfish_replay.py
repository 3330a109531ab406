"""`netval verify --engine batfish` end to end, against Batfish's recorded answers.

The replay serves Batfish's real `routes` answer for the dc-as-reuse snapshot and nothing
else, so the ECMP items are judged on Batfish's own prediction, and every check that needs
another question must come out as an error item naming it (never a pass).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from netval.testing.batfish_replay import start_replay
from tests.conftest import BATFISH_DATA, ROOT

DC = BATFISH_DATA / "dc-as-reuse"
CLI = [sys.executable, "-m", "netval.cli"]


@pytest.fixture(scope="module")
def replay_port() -> Iterator[int]:
    server, port = start_replay([(DC, {"routes": DC / "routes.ref"})])
    yield port
    server.stop()


def _widths() -> Counter[tuple[str, str]]:
    rows = json.loads((DC / "routes.ref").read_text())[0]["rows"]
    return Counter((r["Node"]["name"], r["Network"]) for r in rows)


def _verify(port: int, catalog: Path, tmp_path: Path) -> tuple[int, dict[str, dict], str]:
    report = tmp_path / "r.json"
    env = {**os.environ, "BATFISH_HOST": "127.0.0.1", "BATFISH_PORT": str(port)}
    proc = subprocess.run(
        [*CLI, "verify", str(DC), "--engine", "batfish", "-c", str(catalog), "--json", str(report)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert report.is_file(), proc.stdout + proc.stderr
    results = {r["id"]: r for r in json.loads(report.read_text())["results"]}
    return proc.returncode, results, proc.stdout + proc.stderr


def test_ecmp_judged_on_batfish_routes(replay_port: int, tmp_path: Path) -> None:
    widths = _widths()
    multi = sorted(k for k, v in widths.items() if v >= 2)
    single = sorted(k for k, v in widths.items() if v == 1 and k[1].endswith("/32"))
    (node_a, prefix_a), (node_b, prefix_b) = multi[0], single[0]
    cat = tmp_path / "cat.yaml"
    cat.write_text(
        "checks:\n"
        f"  - kind: ecmp\n    name: wide\n    devices: [{node_a}]\n    prefix: {prefix_a}\n"
        f"    paths: {widths[(node_a, prefix_a)]}\n"
        f"  - kind: ecmp\n    name: narrow\n    devices: [{node_b}]\n    prefix: {prefix_b}\n"
        "    min_paths: 2\n"
        "  - kind: undefined_references\n"
    )
    code, results, output = _verify(replay_port, cat, tmp_path)
    assert code == 1, output
    assert results[f"wide[{node_a}]"]["status"] == "pass", results
    narrow = results[f"narrow[{node_b}]"]
    assert narrow["status"] == "fail"
    assert "1 path(s), expected at least 2" in narrow["message"]
    undefined = results["undefined_references"]
    assert undefined["status"] == "error"
    assert "undefinedReferences" in undefined["message"]


def test_unreachable_batfish_exits_2_naming_host(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: parse\n")
    env = {**os.environ, "BATFISH_HOST": "127.0.0.1", "BATFISH_PORT": "9"}
    proc = subprocess.run(
        [*CLI, "verify", str(DC), "--engine", "batfish", "-c", str(cat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 2
    text = proc.stderr.replace("\n", " ")
    assert "127.0.0.1:9" in text and "batfish/allinone" in text
    assert "Traceback" not in proc.stderr


def test_batfish_engine_without_host_is_a_usage_error(tmp_path: Path) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: parse\n")
    env = {k: v for k, v in os.environ.items() if k != "BATFISH_HOST"}
    proc = subprocess.run(
        [*CLI, "verify", str(DC), "--engine", "batfish", "-c", str(cat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 2 and "BATFISH_HOST" in proc.stderr
