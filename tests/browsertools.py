"""netval's HTML report in a real browser: headless Chromium from Debian's `chromium` and
`chromium-driver` packages, driven by Selenium. Used by the browser test and by
bench/report_screenshot.py, so that docs/ shows the page exactly as the test sees it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.verifytools import CLI

#: the screenshot docs/reports.md shows
SCREENSHOT = ROOT / "docs" / "report-candidate-bad.png"
#: the run the test and the screenshot show: the example's bad candidate against its base
CANDIDATE_BAD = [
    "verify", "snapshots/candidate-bad", "--base", "snapshots/base",
    "-c", "checks/pre-change.yaml", "--engine", "builtin",
]  # fmt: skip
WINDOW = (1400, 1800)


def missing() -> str | None:
    """Why no browser can be started here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium (the test extra)"
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        return "needs Debian's chromium and chromium-driver (make system-deps installs them)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium session; quit on exit."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in CI containers
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def run_candidate_bad(html: Path, json_path: Path) -> subprocess.CompletedProcess[str]:
    """`netval verify` of the example's bad candidate, as the README runs it."""
    return subprocess.run(
        [*CLI, *CANDIDATE_BAD, "--html", str(html), "--json", str(json_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
