"""SIGTERM (a cancelled CI job) and Ctrl-C during `netval verify`: the run ends with 130 and
still writes JUnit, JSON and HTML that say nothing was checked."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT
from tests.integration.labtools import poll
from tests.junit_schema import assert_valid_junit

CLI = [sys.executable, "-m", "netval.cli"]


def handles_sigterm(pid: int) -> bool:
    """True once the process has installed its own SIGTERM handler."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_verify_interrupted_at_once_writes_every_report(
    tmp_path: Path, signum: signal.Signals
) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("checks:\n  - kind: parse\n  - kind: bgp_sessions\n")
    report, junit, page = tmp_path / "r.json", tmp_path / "j.xml", tmp_path / "r.html"
    proc = subprocess.Popen(
        [
            *CLI,
            "verify",
            str(DATA / "snapshots" / "mini"),
            "-c",
            str(cat),
            "--engine",
            "builtin",
            "--json",
            str(report),
            "--junitxml",
            str(junit),
            "--html",
            str(page),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # the earliest moment netval can answer a signal (a netval that never installs a handler
    # gets the signal a little later, while it still loads)
    poll(lambda: handles_sigterm(proc.pid), timeout=1.5, interval=0.005)
    proc.send_signal(signum)
    _, err = proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    doc = json.loads(report.read_text())
    label = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    assert doc["interrupted"] is True and doc["signal"] == label
    assert doc["results"], "the report says what was not checked"
    for result in doc["results"]:
        assert result["status"] == "error"
        assert f"interrupted ({label})" in result["message"]
    assert_valid_junit(junit)
    suite = ET.parse(junit).getroot()
    errors = sum(int(s.get("errors", 0)) for s in suite.iter("testsuite"))
    assert errors == len(doc["results"])
    HTMLParser().feed(page.read_text())
    assert page.read_text().rstrip().endswith("</html>")
