"""Planning a large catalog: linear in its size, and done once per command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import TypeAdapter

from netval.catalog import CatalogEntry, CatalogModel
from netval.runner import plan
from tests.conftest import ROOT

CHECKS = 20_000


@pytest.mark.timeout(30)
def test_repeated_checks_get_numbered_ids_in_linear_time() -> None:
    raw = [{"kind": "routes", "devices": ["leaf1"], "prefix": "10.0.0.0/24"}] * CHECKS
    raw.insert(1, {"kind": "routes", "devices": ["leaf2"], "prefix": "10.0.0.0/24"})
    model = TypeAdapter(CatalogModel).validate_python({"checks": raw})
    entries = [
        CatalogEntry(spec=s, file=Path("c.yaml"), line=i + 2, index=i)
        for i, s in enumerate(model.checks)
    ]
    hosts = {n: SimpleNamespace(data={}) for n in ("leaf1", "leaf2")}
    ids = [t.item_id for t in plan(entries, hosts, "static")]
    assert ids[:4] == ["routes[leaf1]", "routes[leaf2]", "routes#2[leaf1]", "routes#3[leaf1]"]
    assert ids[-1] == f"routes#{CHECKS}[leaf1]"
    assert len(set(ids)) == len(ids)


# Runs `netval verify` with the catalog loader and the planner wrapped, and prints how often
# each ran (the command line once validates, the pytest plugin once collects).
_COUNTING = """
import atexit, json, sys
import netval.catalog as catalog, netval.pytest_plugin as plugin, netval.runner as runner

calls = {"load": 0, "plan": 0}

def counted(name, fn):
    def wrapper(*a, **k):
        calls[name] += 1
        return fn(*a, **k)
    return wrapper

catalog.load_catalog_file = plugin.load_catalog_file = counted("load", catalog.load_catalog_file)
runner.plan = plugin.plan = counted("plan", runner.plan)
atexit.register(lambda: print("CALLS " + json.dumps(calls)))
from netval.cli import main
sys.argv = ["netval", *sys.argv[1:]]
main()
"""


@pytest.mark.timeout(120)
def test_verify_loads_and_plans_each_catalog_file_once(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(
        "checks:\n  - kind: parse\n  - kind: routes\n    devices: [leaf1]\n"
        "    prefix: 0.0.0.0/0\n    present: true\n"
    )
    snapshot = ROOT / "snapshots" / "base"
    args = ["verify", str(snapshot), "-c", str(catalog), "--engine", "builtin"]
    proc = subprocess.run(
        [sys.executable, "-c", _COUNTING, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("CALLS "))
    assert json.loads(line[len("CALLS ") :]) == {"load": 1, "plan": 1}
