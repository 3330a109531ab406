"""Reports of a big run: whole `netval verify` processes with N items and every report.

The catalog repeats `bgp_sessions` on the example's candidate-good snapshot (7 devices, so
N/7 entries; all pass), and the run writes JSON, JUnit and HTML (and the markdown summary
where the checkout has it). Measured per run: wall time from process start to exit, the lines
the console printed, and the size of each report.

With ``--netval-src DIR`` the timed process imports netval from DIR instead (an older
checkout unpacked with `git archive`), to measure before and after on the same inputs; its
--html is then pytest-html's report.

    .venv/bin/python bench/report_scale.py [--items 1000 8000] [--netval-src DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports netval from a given folder: the editable install's finder would win otherwise.
_BOOT = """
import sys
src = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, src)
from netval.cli import main
sys.argv[0] = "netval"
main()
"""


def run(items: int, src: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="netval-bench-") as tmp:
        out = Path(tmp)
        catalog = out / "many.yaml"
        catalog.write_text("checks:\n" + "  - kind: bgp_sessions\n" * -(-items // 7))
        reports = {"json": out / "r.json", "junitxml": out / "r.xml", "html": out / "r.html"}
        args = [
            "verify",
            str(ROOT / "snapshots" / "candidate-good"),
            "--engine",
            "builtin",
            "-c",
            str(catalog),
        ]
        for option, path in reports.items():
            args += [f"--{option}", str(path)]
        if src is None:
            reports["md"] = out / "r.md"
            args += ["--md", str(reports["md"])]
            cmd = [sys.executable, "-m", "netval", *args]
        else:
            cmd = [sys.executable, "-c", _BOOT, src, *args]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        wall = time.perf_counter() - started
        assert proc.returncode == 0, proc.stderr[-2000:]
        return {
            "items": items,
            "wall": wall,
            "lines": proc.stdout.count("\n"),
            **{k: p.stat().st_size for k, p in reports.items()},
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 8000])
    parser.add_argument("--netval-src", default=None)
    opts = parser.parse_args()
    for n in opts.items:
        r = run(n, opts.netval_src)
        sizes = ", ".join(
            f"{k} {int(r[k]) / 1e6:.1f} MB"  # type: ignore[call-overload]
            for k in ("json", "junitxml", "html", "md")
            if k in r
        )
        print(f"{r['items']} items: {r['wall']:.1f} s, {r['lines']} console lines; {sizes}")


if __name__ == "__main__":
    main()
