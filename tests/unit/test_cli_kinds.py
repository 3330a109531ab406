from __future__ import annotations

import subprocess
import sys

from netval.checks import CHECK_KINDS

CLI = [sys.executable, "-m", "netval.cli", "kinds"]


def test_kinds_lists_every_check_kind() -> None:
    proc = subprocess.run(
        CLI, capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    )
    assert proc.returncode == 0, proc.stderr
    for model in CHECK_KINDS:
        name = model.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
        assert name in proc.stdout


def test_kind_shows_its_keys_and_unknown_kind_is_a_usage_error() -> None:
    proc = subprocess.run(
        [*CLI, "ecmp"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0
    line = next(ln for ln in proc.stdout.splitlines() if "│ prefix" in ln)
    assert "required" in line
    proc = subprocess.run([*CLI, "ecmpp"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown check kind 'ecmpp'" in proc.stderr
