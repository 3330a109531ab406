"""`netval verify` as a user runs it, on generated leaf-spine fabrics.

    .venv/bin/python bench/verify_scale.py [--sizes 300 1000 3000] [--spines 4 8] [--limit]

Fabrics come from bench/dataplane_scale.py's generator (each leaf announces a loopback and
a server /24). The base differs from the candidate by one leaf's outbound policy (leaf2 also
announces its server /24's first /25, which the spines accept). The catalog: parse,
undefined_references, bgp_compatibility, bgp_sessions and ecmp on two leaves, and a
differential against the base. Each run is the whole `netval verify` process: wall time and
peak RSS (the child's own, from wait4). Before any figure, every generated config must parse
PASSED (a figure from broken input is no figure), and each run must end with every item
passed. With --limit, a second run per size selects one device (`--limit leaf1`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOG = """\
checks:
  - kind: parse
  - kind: undefined_references
  - kind: bgp_compatibility
  - kind: bgp_sessions
    devices: [leaf1, leaf3]
  - kind: ecmp
    devices: [leaf1, leaf3]
    prefix: 10.64.1.0/24
    paths: {spines}
  - kind: differential
    allow_added: [10.64.1.0/25]
"""


def _generator() -> object:
    spec = importlib.util.spec_from_file_location(
        "dataplane_scale", ROOT / "bench" / "dataplane_scale.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _candidate(base: Path, out: Path) -> None:
    """The base plus one leaf policy change: leaf2 also announces 10.64.1.0/25."""
    import shutil

    shutil.copytree(base, out)
    leaf2 = out / "configs" / "leaf2"
    text = leaf2.read_text()
    assert "  network 10.64.1.0/24\n" in text, "the generator's leaf2 changed"
    text = text.replace(
        "  network 10.64.1.0/24\n", "  network 10.64.1.0/24\n  network 10.64.1.0/25\n"
    )
    text = text.replace(
        "ip prefix-list LOCAL_NETS seq 10 permit 10.64.1.0/24\n",
        "ip prefix-list LOCAL_NETS seq 10 permit 10.64.1.0/24\n"
        "ip prefix-list LOCAL_NETS seq 15 permit 10.64.1.0/25\n",
    )
    # the /25 needs a route to originate: a static discard, as operators write it
    text = text.replace(
        "route-map from_spine permit 10\n",
        "ip route 10.64.1.0/25 Null0\n!\nroute-map from_spine permit 10\n",
    )
    leaf2.write_text(text)


def _assert_parses(snapshot: Path, devices: int) -> None:
    sys.path.insert(0, str(ROOT))
    from netval.static.builtin.loader import load

    loaded = load(snapshot)
    bad = {f.filename: f.status.value for f in loaded.files if f.status.value != "PASSED"}
    assert not bad, f"generated configs do not parse PASSED: {dict(list(bad.items())[:5])}"
    assert len(loaded.files) == devices, len(loaded.files)


def _run(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, subprocess.CompletedProcess(args, code, out, err)


def measure(devices: int, spines: int, limit: bool) -> list[dict[str, object]]:
    gen = _generator()
    rows = []
    with tempfile.TemporaryDirectory(prefix="nv-verifyscale-") as tmp:
        base, candidate = Path(tmp) / "base", Path(tmp) / "candidate"
        gen.generate(base, devices, spines)  # type: ignore[attr-defined]
        _candidate(base, candidate)
        _assert_parses(base, devices)
        _assert_parses(candidate, devices)
        catalog = Path(tmp) / "catalog.yaml"
        catalog.write_text(CATALOG.format(spines=spines))
        report = Path(tmp) / "report.json"
        for extra in ([], ["--limit", "leaf1"]) if limit else ([],):
            args = [
                sys.executable, "-m", "netval.cli", "verify", str(candidate), "--base", str(base),
                "--engine", "builtin", "-c", str(catalog), "--json", str(report),
                "--max-memory", "off", *extra,
            ]  # fmt: skip
            wall, peak_mb, proc = _run(args)
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
            results = json.loads(report.read_text())["results"]
            assert results and all(r["status"] == "pass" for r in results), [
                (r["id"], r["status"], r["message"][:200]) for r in results if r["status"] != "pass"
            ]
            diff = next(r for r in results if r["kind"] == "differential")
            # the change must be seen: a differential that found nothing measures nothing
            assert diff["observed"]["added"] == ["10.64.1.0/25"], diff["observed"]["added"]
            rows.append(
                {
                    "devices": devices,
                    "spines": spines,
                    "limit": " ".join(extra) or "-",
                    "items": len(results),
                    "wall_s": round(wall, 1),
                    "peak_rss_mb": round(peak_mb),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 3000])
    parser.add_argument("--spines", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--limit", action="store_true", help="also time --limit leaf1")
    args = parser.parse_args()
    print("| devices | spines | --limit | items | wall | peak RSS |")
    print("|---|---|---|---|---|---|")
    for spines in args.spines:
        for size in args.sizes:
            for r in measure(size, spines, args.limit):
                print(
                    f"| {r['devices']} | {r['spines']} | {r['limit']} | {r['items']} | "
                    f"{r['wall_s']} s | {r['peak_rss_mb']} MB |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
