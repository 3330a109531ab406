"""The screenshots in docs/reports.md: netval's HTML page of the example's bad candidate,
in the headless Chromium the browser test uses (tests/browsertools.py): the top of the page,
and two items drawn as tables (the route policy from_isp, the differential).

    .venv/bin/python bench/report_screenshot.py [--out docs/report-candidate-bad.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from tests import browsertools  # noqa: E402

#: items shown on their own, and the suffix of their file
ITEMS = (("from_isp[border1]", "policy"), ("differential", "routes"))


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
            written = [args.out]
            for item, suffix in ITEMS:
                [row] = [
                    r
                    for r in browser.find_elements(By.CSS_SELECTOR, "#items tr.item")
                    if r.find_element(By.CSS_SELECTOR, "td.id").text == item
                ]
                browser.execute_script("arguments[0].scrollIntoView()", row)
                # the details cell alone: the tables, without the item's other columns
                path = args.out.with_name(f"{args.out.stem}-{suffix}.png")
                row.find_element(By.CSS_SELECTOR, "td.message").screenshot(str(path))
                written.append(path)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
