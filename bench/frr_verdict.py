"""What asking FRR itself costs the `parse` check: whole `netval verify` processes.

A snapshot of N devices is generated from snapshots/base (each device file copied under a new
hostname, so every copy is a valid FRR config). Before anything is timed, the built-in engine
must parse every file PASSED and FRR's dry run must reject no line. Then `netval verify
--engine builtin` with a catalog of one `parse` check is timed as a whole process, with FRR's
verdict (vtysh installed, the default) and without it (a process whose verdict points at a
missing vtysh), so the difference is FRR's share.

    .venv/bin/python bench/frr_verdict.py [--devices 100 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netval import frr_verdict  # noqa: E402
from netval.static.builtin.engine import BuiltinEngine  # noqa: E402

_WITHOUT_VTYSH = (
    "import sys; from netval import frr_verdict; frr_verdict.VTYSH = '/nonexistent/vtysh'; "
    "from netval.cli import main; sys.argv[0] = 'netval'; main()"
)


def generate(root: Path, count: int) -> Path:
    snap = root / f"copies-{count}"
    (snap / "configs").mkdir(parents=True)
    sources = sorted((ROOT / "snapshots" / "base" / "configs").iterdir())
    for i in range(count):
        src = sources[i % len(sources)]
        name = f"{src.name}-{i}"
        text = src.read_text().replace(src.name, name)
        (snap / "configs" / name).write_text(text)
    return snap


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, nargs="+", default=[100, 1000])
    opts = parser.parse_args()
    assert frr_verdict.available(), "FRR (vtysh) is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "parse.yaml"
        catalog.write_text("checks:\n  - kind: parse\n")
        print("| devices | verify with FRR's verdict | without | FRR's share |")
        print("|---|---|---|---|")
        for count in opts.devices:
            snap = generate(Path(tmp), count)
            statuses = {r["Status"] for r in BuiltinEngine(snap).file_parse_status().rows}
            assert statuses == {"PASSED"}, statuses
            assert frr_verdict.snapshot_rejections(snap) == []
            verify = ["verify", str(snap), "--engine", "builtin", "-c", str(catalog)]
            with_frr = timed([sys.executable, "-m", "netval", *verify])
            without = timed([sys.executable, "-c", _WITHOUT_VTYSH, *verify])
            print(f"| {count} | {with_frr:.1f} s | {without:.1f} s | {with_frr - without:+.1f} s |")
            shutil.rmtree(snap)


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "120")
    main()
