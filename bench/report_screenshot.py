"""The screenshot in docs/reports.md: netval's HTML page of the example's bad candidate, in
the headless Chromium the browser test uses (tests/browsertools.py).

    .venv/bin/python bench/report_screenshot.py [--out docs/report-candidate-bad.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import browsertools  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=browsertools.SCREENSHOT)
    args = parser.parse_args()
    why = browsertools.missing()
    if why is not None:
        print(f"cannot take the screenshot: {why}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html, report = Path(tmp) / "report.html", Path(tmp) / "report.json"
        proc = browsertools.run_candidate_bad(html, report)
        if proc.returncode != 1:
            print(proc.stdout + proc.stderr, file=sys.stderr)
            print(f"expected exit 1 (the bad candidate caught), got {proc.returncode}")
            return 1
        with browsertools.chromium() as browser:
            browser.get(html.as_uri())
            # the whole top of the page: header, matrix, picture and the first items
            browser.save_screenshot(str(args.out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
