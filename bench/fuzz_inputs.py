"""Run the input fuzz harness (tests/fuzz) as CI does and report what it covered.

    .venv/bin/python bench/fuzz_inputs.py [--scale 1] [--explore SEED]

Times the whole pytest process, and prints the cases per entry point, the slowest case
(each case is bounded at tests/fuzz/harness.py BOUND_SECONDS), the process's peak RSS and
pytest's verdict: a green run means every case ended in success or an InputError.
``--explore SEED`` draws new cases (hypothesis seed SEED) instead of CI's fixed ones.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the case counts")
    parser.add_argument("--explore", type=int, default=None, help="new cases from this seed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fuzz.json"
        env = dict(os.environ, NETVAL_FUZZ_REPORT=str(report), NETVAL_FUZZ_SCALE=str(args.scale))
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/fuzz"]
        if args.explore is not None:
            env["NETVAL_FUZZ_EXPLORE"] = "1"
            command.append(f"--hypothesis-seed={args.explore}")
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "?"
        data = json.loads(report.read_text()) if report.exists() else {"cases": {}, "total": 0}
    print(f"pytest: {summary} (exit {proc.returncode})")
    for entry, count in sorted(data["cases"].items()):
        print(f"  {entry:20s} {count:6d} cases")
    print(f"  {'total':20s} {data['total']:6d} cases")
    slowest = data.get("slowest_case_s", 0)
    print(f"slowest case {slowest:.2f} s, wall {wall:.1f} s, peak RSS {peak:.0f} MB")
    if proc.returncode != 0:
        print(proc.stdout[-5000:])
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
