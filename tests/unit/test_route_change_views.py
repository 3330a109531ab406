"""Route changes and policy traces in the reports, on real runs of the shipped example:
`netval verify snapshots/candidate-bad --base snapshots/base` (JSON and HTML), and baseline
checks on the two snapshots' predicted states. The expected facts come from the mistakes
and addressing plan in snapshots/README.md, not from a run."""

from __future__ import annotations

import ipaddress
import json
import subprocess
from typing import Any

import lxml.html
import pytest

from netval.checks.baseline import BaselineEcmp, BaselineRoutes
from netval.report.html_values import readable
from netval.results import Result, Status
from netval.state import State
from netval.static import open_engine
from tests.conftest import ROOT, SNAPSHOTS
from tests.verifytools import CLI


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Any]:
    tmp = tmp_path_factory.mktemp("views")
    proc = subprocess.run(
        [*CLI, "verify", "snapshots/candidate-bad", "--base", "snapshots/base",
         "-c", "checks/pre-change.yaml", "--engine", "builtin",
         "--json", str(tmp / "r.json"), "--html", str(tmp / "r.html")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = {r["id"]: r for r in json.loads((tmp / "r.json").read_text())["results"]}
    return results, lxml.html.fromstring((tmp / "r.html").read_text(encoding="utf-8"))


def _find(el: Any, tag: str, *classes: str) -> list[Any]:
    """Descendants ``tag.class1.class2`` (lxml without cssselect)."""
    test = " and ".join(f"contains(concat(' ', @class, ' '), ' {c} ')" for c in classes)
    return list(el.xpath(f".//{tag}" + (f"[{test}]" if test else "")))


def _rows(el: Any, table_classes: str) -> list[list[str]]:
    return [
        [td.text_content().strip() for td in tr.findall("td")]
        for table in _find(el, "table", *table_classes.split())
        for tr in table.xpath("./tbody/tr")
    ]


def _item(page: Any, item_id: str) -> Any:
    [row] = [r for r in _find(page, "tr", "item") if _find(r, "td", "id")[0].text == item_id]
    return row


def _entries(observed: dict[str, Any], change: str) -> set[tuple[str, str, str, str | None]]:
    return {
        (r["device"], r["prefix"], r["next_hop"], r["protocol"])
        for r in observed["routes"]
        if r["change"] == change
    }


def test_differential_rows_carry_device_prefix_and_next_hop(run) -> None:  # type: ignore[no-untyped-def]
    results, _ = run
    observed = results["differential"]["observed"]
    added, removed = _entries(observed, "added"), _entries(observed, "removed")
    # mistake 4: leaf1's maximum-paths 1 drops its spine2 path (spine2 eth1 is 10.10.254.8)
    assert ("leaf1", "0.0.0.0/0", "10.10.254.8", "bgp") in removed
    # mistake 1: border1 accepts bogons from isp1 (isp1 eth1 is 192.0.2.1)
    assert {("border1", "10.0.0.0/8", "192.0.2.1", "bgp"),
            ("border1", "192.168.0.0/16", "192.0.2.1", "bgp")} <= added  # fmt: skip
    # mistake 3: isp1 receives more-specifics from border1 (border1 eth3 is 192.0.2.0)
    assert {("isp1", "10.0.100.0/24", "192.0.2.0", "bgp"),
            ("isp1", "10.10.3.0/24", "192.0.2.0", "bgp")} <= added  # fmt: skip
    # the change itself: leaf3's new server subnet on eth4, allowed by the catalog
    [new] = [
        r for r in observed["routes"]
        if r["device"] == "leaf3" and r["prefix"] == "10.10.4.0/24"
    ]  # fmt: skip
    assert (new["next_hop"], new["protocol"], new["allowed"]) == ("eth4", "connected", True)
    bogon = next(r for r in observed["routes"] if r["prefix"] == "10.0.0.0/8")
    assert bogon["allowed"] is False
    assert observed["routes_total"] == len(observed["routes"])
    # the prefix lists stay for scripts that read them
    assert "10.0.0.0/8" in observed["added"] and "0.0.0.0/0" in observed["removed"]


def test_the_html_shows_the_differential_as_added_and_removed_tables(run) -> None:  # type: ignore[no-untyped-def]
    results, page = run
    item = _item(page, "differential")
    observed = results["differential"]["observed"]
    added, removed = _rows(item, "routes added"), _rows(item, "routes removed")
    assert len(added) == len(_entries(observed, "added"))
    assert len(removed) == len(_entries(observed, "removed"))
    assert ["leaf1", "\u2212 0.0.0.0/0", "10.10.254.8", "bgp", "0", "no"] in removed
    assert ["border1", "+ 10.0.0.0/8", "192.0.2.1", "bgp", "0", "no"] in added
    assert ["leaf3", "+ 10.10.4.0/24", "eth4", "connected", "0", "yes"] in added
    assert "added: 10.10.4.0/24; removed: none" in item.text_content()
    assert not _find(item, "pre")  # no raw JSON left for this item


def test_policy_results_carry_each_route_s_steps(run) -> None:  # type: ignore[no-untyped-def]
    results, page = run
    cases = {o["route"]: o for o in results["from_isp[border1]"]["observed"]}
    # mistake 1: deny 10 matches the undefined BOGON list, so bogons fall through to permit 40
    bogon = cases["10.0.0.0/8"]
    assert (bogon["expect"], bogon["action"]) == ("deny", "permit")
    assert bogon["trace"] == ["Matched route-map from_isp clause 40 (permit)"]
    assert bogon["changes"] == [{"field": "localPreference", "old": "100", "new": "150"}]
    # the other denies come from the entries snapshots/README.md names
    assert cases["198.18.0.0/24"]["trace"] == ["Matched route-map from_isp clause 20 (deny)"]
    assert cases["198.18.0.0/24"]["as_path"] == [64500, 65222]
    assert cases["198.19.0.0/24"]["trace"] == ["Matched route-map from_isp clause 30 (deny)"]
    assert cases["198.19.0.0/24"]["communities"] == ["64500:666"]
    assert (cases["192.0.2.255/32"]["action"], cases["192.0.2.255/32"]["trace"]) == ("deny", [])
    assert cases["0.0.0.0/0"]["expect_output"] == {"local_preference": 150}
    # in the page: one row per case, the wrong ones marked, steps ending in the action
    item = _item(page, "from_isp[border1]")
    rows = [tr for t in _find(item, "table", "policy") for tr in t.xpath("./tbody/tr")]
    assert len(rows) == len(cases)
    wrong = [r.findall("td")[0].text_content() for r in rows if "wrong" in r.get("class")]
    assert [w.split("as-path")[0] for w in wrong] == ["10.0.0.0/8", "192.168.0.0/16"]
    steps = [li.text_content() for ol in _find(rows[2], "ol", "steps") for li in ol]
    assert steps == ["Matched route-map from_isp clause 40 (permit)", "\u2192 permit"]
    assert "localPreference: 100 \u2192 150" in rows[2].text_content()


def test_a_search_counterexample_is_shown_as_steps(run) -> None:  # type: ignore[no-untyped-def]
    results, page = run
    # mistake 3: `le 24` on OUR_AGGREGATES lets more-specifics out through to_isp permit 10
    [found] = results["no_more_specifics_out[border1]"]["observed"]
    net = ipaddress.ip_network(found["route"])
    assert net.subnet_of(ipaddress.ip_network("10.10.0.0/16")) or net.subnet_of(
        ipaddress.ip_network("10.0.0.0/16")
    )
    assert 17 <= net.prefixlen <= 24
    assert (found["action"], found["trace"]) == (
        "permit",
        ["Matched route-map to_isp clause 10 (permit)"],
    )
    item = _item(page, "no_more_specifics_out[border1]")
    assert "expected: no route in the space is permitted" in item.text_content()
    assert [li.text_content() for ol in _find(item, "ol", "steps") for li in ol][
        -1
    ] == "\u2192 permit"


def _predicted(snapshot: str) -> State:
    return open_engine(SNAPSHOTS / snapshot, "builtin").state()


def _result(kind: str, outcome: Any) -> Result:
    return Result(
        id=kind, kind=kind, target="r", status=outcome.status, message=outcome.message,
        expected=outcome.expected, observed=outcome.observed,
    )  # fmt: skip


def test_baseline_checks_show_the_lost_next_hops() -> None:
    base, bad = _predicted("base"), _predicted("candidate-bad")
    # mistake 4 after the change: leaf1's default route lost its path through spine2
    ecmp = BaselineEcmp().with_base(base).evaluate(bad, "leaf1", ["leaf1"])
    assert ecmp.status is Status.FAIL
    lost = {(r["prefix"], r["next_hop"]) for r in ecmp.observed["routes"]}
    assert ("0.0.0.0/0", "10.10.254.8") in lost
    assert all(r["change"] == "removed" for r in ecmp.observed["routes"])
    summary, body = readable(_result("baseline_ecmp", ecmp)) or ("", "")
    assert summary == "route changes"
    table = lxml.html.fromstring(f"<div>{body}</div>")
    assert ["leaf1", "\u2212 0.0.0.0/0", "10.10.254.8"] in _rows(table, "routes removed")
    assert not _find(table, "table", "routes", "added")  # nothing added: no table for it
    # rolled back after the bad candidate was captured: border1's bogon routes are gone, and
    # the table says where they pointed (isp1)
    routes = BaselineRoutes().with_base(bad).evaluate(base, "border1", ["border1"])
    assert routes.status is Status.FAIL
    assert {("10.0.0.0/8", "192.0.2.1"), ("192.168.0.0/16", "192.0.2.1")} <= {
        (r["prefix"], r["next_hop"]) for r in routes.observed["routes"]
    }
    _, body = readable(_result("baseline_routes", routes)) or ("", "")
    rows = _rows(lxml.html.fromstring(f"<div>{body}</div>"), "routes removed")
    assert any(r[:4] == ["border1", "\u2212 10.0.0.0/8", "192.0.2.1", "bgp"] for r in rows)
