"""Devices this machine routes nowhere fail at once, in a namespace the test creates (only
its loopback, 198.18.0.0/15 routed `unreachable`: nothing is sent anywhere)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.labtools import require_lab_support

pytestmark = pytest.mark.lab
DEVICES = 600
DEFAULTS = """\
username: nobody
password: not-a-secret
platform: cumulus_vtysh
connection_options:
  scrapli:
    platform: cumulus_vtysh
    extras: {transport: system, auth_strict_key: false, ssh_config_file: false}
"""


@pytest.fixture
def namespace() -> Iterator[str]:
    require_lab_support()
    name = f"nvtu{os.getpid() % 100000}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        ns = ["ip", "netns", "exec", name]
        subprocess.run([*ns, "ip", "link", "set", "lo", "up"], check=True)
        subprocess.run([*ns, "ip", "route", "add", "unreachable", "198.18.0.0/15"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


@pytest.mark.timeout(120)
def test_unroutable_devices_are_errors_in_seconds(namespace: str, tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    inv.mkdir()
    (inv / "defaults.yaml").write_text(DEFAULTS)
    (inv / "groups.yaml").write_text("{}\n")
    hosts = "".join(f"d{n}:\n  hostname: 198.18.{n // 250}.{n % 250 + 1}\n" for n in range(DEVICES))
    # one device by name: it is not looked up before ssh runs (a name may be proxied)
    (inv / "hosts.yaml").write_text(hosts + "named:\n  hostname: nowhere.invalid\n")
    catalog = tmp_path / "c.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n")
    report = tmp_path / "r.json"
    started = time.monotonic()
    proc = subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "netval.cli", "check",
         "-c", str(catalog), "-i", str(inv), "--json", str(report)],
        capture_output=True, text=True, timeout=110, cwd=ROOT,
    )  # fmt: skip
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = {r["id"].split("::")[-1]: r for r in json.loads(report.read_text())["results"]}
    assert len(results) == DEVICES + 1
    assert {r["status"] for r in results.values()} == {"error"}
    assert (
        "unreachable: No route to host (no route from this machine)"
        in (results["bgp_sessions[d7]"]["message"])
    )
    assert "198.18.0.8" in results["bgp_sessions[d7]"]["message"]
    # ssh itself said so for the name (it was started): not the route lookup's words
    assert "no route from this machine" not in results["bgp_sessions[named]"]["message"]
    # an ssh process per device took 0.3 s of a worker each: 600 / 32 workers * 0.3 s, plus
    # the start, was about 7 s on 2 cores; without any, the start and the reports remain
    assert took < 6, took
