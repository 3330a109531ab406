"""netval's HTML report in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium, on the example's bad candidate. Skipped where either is
missing, unless NETVAL_REQUIRE_BROWSER is set (.ci/run sets it: there a skip would hide a
failed install)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests import browsertools

_why = browsertools.missing()
if _why is not None:
    if os.environ.get("NETVAL_REQUIRE_BROWSER"):
        raise RuntimeError(f"NETVAL_REQUIRE_BROWSER is set, but the browser test {_why}")
    pytest.skip(_why, allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

# What the five mistakes of candidate-bad (snapshots/README.md) must show, written from that
# table, not from a run: the matrix cells that fail, and the devices with a failing item.
FAILED_CELLS = {
    ("(network)", "undefined_references"),  # 1: prefix-list BOGON
    ("(network)", "bgp_compatibility"),  # 2: leaf3 -> spine2 with the wrong AS
    ("(network)", "differential"),
    ("border1", "route_policy"),  # 1 and 3: from_isp, to_isp
    ("border1", "route_policy_search"),
    ("leaf3", "bgp_sessions"),  # 2, both ends
    ("spine2", "bgp_sessions"),
    ("leaf1", "ecmp"),  # 4: maximum-paths 1; 2: one path less on leaf2 and leaf3
    ("leaf2", "ecmp"),
    ("leaf3", "ecmp"),
    ("leaf1", "vrrp"),  # 5: priorities swapped
    ("leaf2", "vrrp"),
}
PASSED_CELLS = {
    ("(network)", "parse"),
    ("(network)", "reachability"),
    ("leaf1", "bgp_sessions"),
    ("leaf2", "bgp_sessions"),
    ("spine1", "bgp_sessions"),
    ("border1", "bgp_sessions"),
}
FAILED_DEVICES = {"border1", "leaf1", "leaf2", "leaf3", "spine2"}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("browser")
    proc = browsertools.run_candidate_bad(tmp / "r.html", tmp / "r.json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return tmp / "r.html", json.loads((tmp / "r.json").read_text())["results"]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with browsertools.chromium() as driver:
        yield driver


def _shown(browser) -> list[str]:  # type: ignore[no-untyped-def]
    rows = browser.find_elements(By.CSS_SELECTOR, "#items tr.item")
    return [r.find_element(By.CSS_SELECTOR, "td.id").text for r in rows if r.is_displayed()]


def _cells(browser, status: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    cells = browser.find_elements(By.CSS_SELECTOR, f"#matrix td.cell.{status}")
    return {
        (c.get_attribute("data-device"), c.get_attribute("data-kind"))
        for c in cells
        if c.is_displayed()
    }


@pytest.mark.timeout(300)
def test_the_report_renders_and_filters_in_a_browser(browser, page) -> None:  # type: ignore[no-untyped-def]
    path, results = page
    browser.get(path.as_uri())
    assert browser.title.startswith("netval verify")
    assert "14 of 21 not passed" in browser.find_element(By.CSS_SELECTOR, ".verdict").text
    # the matrix: every mistake's cell fails, the rest pass, each counted
    assert _cells(browser, "fail") == FAILED_CELLS
    assert _cells(browser, "pass") == PASSED_CELLS
    cell = browser.find_element(
        By.CSS_SELECTOR, "#matrix td[data-device='leaf3'][data-kind='bgp_sessions']"
    )
    assert cell.text == "1 fail"
    # the picture: drawn, with exactly the failed session's link in red and the failing
    # devices marked
    svg = browser.find_element(By.ID, "topology")
    assert svg.is_displayed() and svg.size["width"] > 200
    failed_links = browser.find_elements(By.CSS_SELECTOR, "#topology line.session")
    assert [
        {link.get_attribute("data-a"), link.get_attribute("data-b")} for link in failed_links
    ] == [{"leaf3", "spine2"}]
    assert failed_links[0].is_displayed()
    nodes = browser.find_elements(By.CSS_SELECTOR, "#topology g.node.fail")
    assert {n.get_attribute("data-device") for n in nodes} == FAILED_DEVICES
    assert len(_shown(browser)) == len(results) == 21
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
    # its route changes are tables on screen, with leaf1's lost path through spine2
    removed = browser.find_element(By.CSS_SELECTOR, "#items table.routes.removed")
    assert removed.is_displayed() and "10.10.254.8" in removed.text
    # free text
    browser.find_element(By.ID, "device").send_keys("all devices")
    browser.execute_script("document.getElementById('kind').value=''")
    text = browser.find_element(By.ID, "text")
    text.send_keys("HALF_OPEN")
    assert _shown(browser) == ["bgp_compatibility"]
    # back to everything: the passed ones return
    text.send_keys(Keys.BACKSPACE * len("HALF_OPEN"))
    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=pass]").click()
    assert len(_shown(browser)) == 21
