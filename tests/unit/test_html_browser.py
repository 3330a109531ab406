"""netval's HTML report in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium. Skipped where either is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.verifytools import CLI

webdriver = pytest.importorskip("selenium.webdriver")
if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402

#: the screenshot docs/reports.md shows; NETVAL_SCREENSHOT=1 rewrites it
SCREENSHOT = ROOT / "docs" / "report-candidate-bad.png"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1800"):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def _shown(browser) -> list[str]:  # type: ignore[no-untyped-def]
    rows = browser.find_elements(By.CSS_SELECTOR, "#items tr.item")
    return [r.find_element(By.CSS_SELECTOR, "td.id").text for r in rows if r.is_displayed()]


@pytest.mark.timeout(300)
def test_the_report_renders_and_filters_in_a_browser(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "r.html"
    # as the README runs it, so that the screenshot shows what a user sees
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/candidate-bad", "--base", "snapshots/base",
         "--engine", "builtin", "--html", str(page), "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    browser.get(page.as_uri())
    assert browser.title.startswith("netval verify")
    # the matrix and the picture are on screen, with the failed items of the run
    cell = browser.find_element(
        By.CSS_SELECTOR, "#matrix td[data-device='leaf3'][data-kind='bgp_sessions']"
    )
    assert cell.is_displayed() and "1 fail" in cell.text
    svg = browser.find_element(By.ID, "topology")
    assert svg.is_displayed() and svg.size["width"] > 200
    failed_link = browser.find_elements(By.CSS_SELECTOR, "#topology line.session")
    assert len(failed_link) == 1 and failed_link[0].is_displayed()
    assert len(_shown(browser)) == len(results) == 21
    if os.environ.get("NETVAL_SCREENSHOT"):
        browser.save_screenshot(str(SCREENSHOT))
    # status filter: without passed items only the 14 failures are left
    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=pass]").click()
    shown = _shown(browser)
    assert len(shown) == 14 and "bgp_sessions[spine1]" not in shown
    assert "14 of 21 items shown" in browser.find_element(By.ID, "shown").text
    # a device in the picture: leaf3's failing items
    browser.find_element(By.CSS_SELECTOR, "#topology g.node[data-device='leaf3']").click()
    assert sorted(_shown(browser)) == ["bgp_sessions[leaf3]", "ecmp[leaf3]"]
    # a matrix cell: device and kind
    browser.find_element(
        By.CSS_SELECTOR, "#matrix td[data-device='(network)'][data-kind='differential']"
    ).click()
    assert _shown(browser) == ["differential"]
    # free text
    browser.find_element(By.ID, "device").send_keys("all devices")
    browser.execute_script("document.getElementById('kind').value=''")
    text = browser.find_element(By.ID, "text")
    text.send_keys("HALF_OPEN")
    assert _shown(browser) == ["bgp_compatibility"]
