"""One way for tests to run `netval verify` with a small catalog and read its JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, SNAPSHOTS

CLI = [sys.executable, "-m", "netval.cli"]


def verify_catalog(
    snapshot: Path | str,
    catalog: str,
    tmp_path: Path,
    *extra: str,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> tuple[int, list[dict[str, Any]], str]:
    """(exit code, report results, output) of `netval verify SNAPSHOT` with the built-in
    engine and the catalog text ``catalog``; ``env`` adds to the environment."""
    cat = tmp_path / "catalog.yaml"
    cat.write_text(catalog)
    report = tmp_path / "report.json"
    args = ["verify", str(snapshot), "--engine", "builtin", "-c", str(cat), "--json", str(report)]
    proc = subprocess.run(
        [*CLI, *args, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
    )
    output = proc.stdout + proc.stderr
    assert report.is_file(), output
    return proc.returncode, json.loads(report.read_text())["results"], output


def verify_candidate_bad(cwd: Path, *extra: str) -> tuple[int, list[dict[str, Any]], str]:
    """(exit code, report results, output) of the example's candidate-bad against base with
    checks/pre-change.yaml, run in ``cwd`` (where pytest keeps its cache for --lf/--ff)."""
    report = cwd / "r.json"
    report.unlink(missing_ok=True)
    proc = subprocess.run(
        [
            *CLI, "verify", str(SNAPSHOTS / "candidate-bad"), "--base", str(SNAPSHOTS / "base"),
            "--engine", "builtin", "-c", str(ROOT / "checks" / "pre-change.yaml"),
            "--json", str(report), *extra,
        ],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert report.is_file(), output
    return proc.returncode, json.loads(report.read_text())["results"], output


def plain_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest itself, as a user runs it with netval's plugin (and no other) in a folder of
    their own: ``args`` are the run's options and files."""
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "netval.pytest_plugin", "-c", os.devnull,
            "--rootdir", str(cwd), "-p", "no:cacheprovider", *args,
        ],
        capture_output=True, text=True, cwd=cwd, timeout=300,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
