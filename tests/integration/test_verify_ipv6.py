"""A static check on an IPv6 prefix with the built-in engine is an error that says why,
never a pass or an 'absent'."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.labtools import run_netval


def test_ipv6_prefix_on_the_builtin_engine_is_an_error(tmp_path: Path) -> None:
    catalog = tmp_path / "v6.yaml"
    catalog.write_text(
        "checks:\n"
        "  - kind: routes\n    devices: [leaf1]\n    prefix: 2001:db8:9::/64\n    present: false\n"
        "  - kind: ecmp\n    devices: [leaf1]\n    prefix: 2001:db8:9::/64\n    paths: 2\n"
    )
    report = tmp_path / "v6.json"
    proc = run_netval(
        "verify", "snapshots/base", "--engine", "builtin", "-c", str(catalog), "--json", str(report)
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = {r["id"]: r for r in json.loads(report.read_text())["results"]}
    assert set(results) == {"routes[leaf1]", "ecmp[leaf1]"}
    for item in results.values():
        assert item["status"] == "error"
        assert "the built-in engine does not model IPv6" in item["message"]
