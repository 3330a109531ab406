"""The reports a run writes, read as CI tools and users read them: JUnit as Jenkins and GitLab
parse it, JSON against its published schema."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from netval import runner as runner_module
from netval.pytest_plugin import SourceHolder
from netval.report import json_report
from netval.state import Problem, State
from netval.static.source import SnapshotHost
from tests.conftest import ROOT, SNAPSHOTS
from tests.junit_schema import assert_valid_junit
from tests.verifytools import verify_catalog

BGP = """
checks:
  - kind: bgp_sessions
    devices: [leaf1, leaf2]
    expect: {state: established}
"""


def _suite(path: Path) -> ET.Element:
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    return suite


def _validate(doc: dict[str, Any]) -> None:
    schema = json_report.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(doc)


def test_a_verify_report_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    code, _, output = verify_catalog(
        SNAPSHOTS / "candidate-bad",
        (ROOT / "checks" / "pre-change.yaml").read_text(),
        tmp_path,
        "--base",
        str(SNAPSHOTS / "base"),
        "--junitxml",
        str(junit),
    )
    assert code == 1, output
    doc = json.loads((tmp_path / "report.json").read_text())
    _validate(doc)
    assert doc["schema_version"] == 1 and doc["gate"] == "verify" and doc["engine"] == "builtin"
    assert doc["snapshot"] == "snapshots/candidate-bad" and doc["base"] == "snapshots/base"
    for key in ("started", "finished"):
        assert datetime.fromisoformat(doc[key]).utcoffset() is not None
    statuses = {r["status"] for r in doc["results"]}
    assert statuses == {"pass", "fail"}
    # the schema documents every kind of error cause
    enum = json_report.schema()["$defs"]["result"]["properties"]["problem"]["enum"]
    assert set(enum) == {None, *(p.value for p in Problem)}
    # JUnit and JSON agree on each item's time
    times = {c.get("name"): float(c.get("time", "0")) for c in _suite(junit).iter("testcase")}
    for r in doc["results"]:
        assert times[r["id"]] == pytest.approx(r["duration"], abs=0.01)


def test_ids_carry_the_catalog_and_stay_apart_across_catalogs(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(BGP)
    _, results, output = verify_catalog(
        SNAPSHOTS / "candidate-good", BGP, tmp_path, "-c", str(other)
    )
    uids = [r["uid"] for r in results]
    assert len(results) == 4 and len(set(uids)) == 4, output
    assert {u.rsplit("::", 1)[0] for u in uids} == {
        (tmp_path / "catalog.yaml").as_posix(),
        other.as_posix(),
    }
    assert all(u.endswith("::" + r["id"]) for u, r in zip(uids, results, strict=True))


def test_junit_names_the_gate_catalog_and_kind_for_a_catalog_outside_the_cwd(
    tmp_path: Path,
) -> None:
    junit = tmp_path / "j.xml"
    # the helper runs in the repository, with the catalog in tmp_path: outside the cwd
    code, _, output = verify_catalog(
        SNAPSHOTS / "candidate-good", BGP, tmp_path, "--junitxml", str(junit)
    )
    assert code == 0, output
    suite = _suite(junit)
    assert suite.get("name") == "netval-verify"
    cases = list(suite.iter("testcase"))
    assert {(c.get("classname"), c.get("name")) for c in cases} == {
        ("verify.catalog.bgp_sessions", "bgp_sessions[leaf1]"),
        ("verify.catalog.bgp_sessions", "bgp_sessions[leaf2]"),
    }
    props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert props["gate"] == "verify" and props["mode"] == "static"
    assert props["engine"] == "builtin" and props["snapshot"] == "snapshots/candidate-good"
    assert props["catalogs"] == (tmp_path / "catalog.yaml").as_posix()
    assert "builtin engine" in props["source"]


class FakeClock:
    """The runner's clock: a run that waits half a minute, in no time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class SlowSessions:
    """Two routers: r1's session comes up 31 s after collection started; collecting takes
    1 s each time."""

    description = "lab fake"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.up_at = clock.now + 31

    def hosts(self) -> dict[str, Any]:
        return {n: SnapshotHost(n) for n in ("r1", "r2")}

    def collect(self, needs: dict[str, Any], progress: Any) -> State:
        self.clock.sleep(1)
        nodes = {}
        for name in needs:
            up = name == "r2" or self.clock.now >= self.up_at
            peer = {
                "peer": "10.0.0.1",
                "remote_as": 64500,
                "state": "established" if up else "idle",
            }
            nodes[name] = {"name": name, "bgp_peers": [peer]}
        return State.model_validate({"source": "observed", "nodes": nodes})


@pytest.mark.timeout(120)
def test_junit_time_is_the_time_a_check_took_its_wait_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(runner_module, "time", clock)
    catalog = tmp_path / "fabric.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n    within: 60\n")
    junit, report = tmp_path / "j.xml", tmp_path / "r.json"
    code = pytest.main(
        [
            str(catalog),
            "--netval",
            "live",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            f"--rootdir={tmp_path}",
            f"--junitxml={junit}",
            "--netval-json",
            str(report),
        ],
        plugins=[SourceHolder(SlowSessions(clock))],
    )
    assert code == 0
    suite = _suite(junit)
    assert suite.get("name") == "netval-check"
    times = {c.get("name"): float(c.get("time", "0")) for c in suite.iter("testcase")}
    classes = {c.get("classname") for c in suite.iter("testcase")}
    assert classes == {"check.fabric.bgp_sessions"}
    # r1 waited until its session came up; r2 passed at once, with half of the first
    # collection (pytest's own few milliseconds per item come on top)
    assert times["bgp_sessions[r1]"] == pytest.approx(31.0, abs=0.5)
    assert times["bgp_sessions[r2]"] == pytest.approx(0.5, abs=0.25)
    doc = json.loads(report.read_text())
    _validate(doc)
    assert doc["gate"] == "check" and doc["catalogs"] == [catalog.as_posix()]
    by_id = {r["id"]: r for r in doc["results"]}
    assert by_id["bgp_sessions[r1]"]["converged_after"] == pytest.approx(31.0)
    assert by_id["bgp_sessions[r1]"]["duration"] == pytest.approx(31.0)


MANY = (
    "checks:\n"
    + "  - kind: bgp_sessions\n" * 4
    + ("  - kind: ecmp\n    devices: [leaf1]\n    prefix: 0.0.0.0/0\n    min_paths: 5\n")
)


def test_the_console_summary_folds_passed_items_but_shows_every_failure(tmp_path: Path) -> None:
    code, results, output = verify_catalog(SNAPSHOTS / "candidate-good", MANY, tmp_path)
    assert code == 1 and len(results) == 29, output
    summary = output.split("short test summary")[0]
    assert "ecmp[leaf1]" in summary and "expected at least 5" in summary
    assert "bgp_sessions#2[leaf1]" not in summary
    assert "28 pass 1 fail 0 error 0 skip" in summary
    assert "28 passed items not listed" in summary
    _, _, listed = verify_catalog(SNAPSHOTS / "candidate-good", MANY, tmp_path, "--show-passed")
    assert "bgp_sessions#4[spine2]" in listed and "not listed" not in listed


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table of a GitHub-flavoured markdown text, as rows of cell texts."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    for tok in tokens:
        if tok.type == "table_open":
            tables.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and tables and tok.map is not None:
            row.append("".join(c.content for c in tok.children or [] if c.type == "text"))
        elif tok.type == "tr_close":
            tables[-1].append(row)
    return tables


def test_the_markdown_summary_is_a_short_table_of_what_did_not_pass(tmp_path: Path) -> None:
    md = tmp_path / "summary.md"
    md.write_text("earlier step\n")
    code, _, output = verify_catalog(
        SNAPSHOTS / "candidate-good",
        MANY,
        tmp_path,
        "--md",
        str(md),
        env={"GITHUB_STEP_SUMMARY": str(md)},
    )
    assert code == 1, output
    text = md.read_text()
    assert text.startswith("earlier step\n")  # a job's step summary is appended to
    assert "### netval verify: ❌ 1 failed" in text
    facts, counts, failed = _tables(text)
    assert ["engine", "builtin"] in facts and ["snapshot", "snapshots/candidate-good"] in facts
    assert counts[1] == ["28", "1", "0", "0", "29"]
    assert len(failed) == 2 and failed[1][:3] == ["❌ fail", "ecmp[leaf1]", "ecmp"]
    # any other file holds only this run
    other = tmp_path / "other.md"
    other.write_text("stale\n")
    verify_catalog(SNAPSHOTS / "candidate-good", MANY, tmp_path, "--md", str(other))
    assert other.read_text().startswith("### netval verify")


def test_markdown_cells_keep_device_text_inside_its_cell() -> None:
    from netval.report.markdown import cell

    hostile = "a|b *c* [x](http://e) <script>`d`\n\x1b[2J_e_"
    (row,) = _tables(f"| h | i |\n|---|---|\n| {cell(hostile)} | end |\n")[0][1:]
    assert len(row) == 2 and row[1] == "end"
    assert row[0].startswith("a|b *c* [x](http://e) <script>`d`")
    assert "\\x1b" in row[0]


def test_the_html_report_shows_the_run_the_matrix_and_the_failed_session(tmp_path: Path) -> None:
    import lxml.html

    page = tmp_path / "r.html"
    code, results, output = verify_catalog(
        SNAPSHOTS / "candidate-bad",
        (ROOT / "checks" / "pre-change.yaml").read_text(),
        tmp_path,
        "--base",
        str(SNAPSHOTS / "base"),
        "--html",
        str(page),
    )
    assert code == 1, output
    doc = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    # self-contained: nothing is fetched from anywhere
    assert not doc.xpath("//script[@src] | //link | //img | //iframe")
    facts = {tr.findtext("th"): tr.findtext("td") for tr in doc.xpath("//table[@id='facts']//tr")}
    assert facts["engine"] == "builtin" and facts["snapshot"] == "snapshots/candidate-bad"
    assert facts["base"] == "snapshots/base" and facts["command"] == "netval verify"
    # one row per item, saying what passed too, with the time the JSON report gives it
    rows = {
        r.get("data-status") + " " + r.findtext("td[@class='id']"): r
        for r in doc.xpath("//table[@id='items']//tr[contains(@class, 'item')]")
    }
    assert len(rows) == len(results) == 21
    passed = rows["pass bgp_sessions[spine1]"]
    assert "4 session(s) established" in passed.text_content()
    by_id = {r["id"]: r for r in results}
    assert (
        passed.findtext("td[@class='time']") == f"{by_id['bgp_sessions[spine1]']['duration']:.3f} s"
    )
    # expected and observed are indented JSON; route changes are added and removed tables
    # (tests/unit/test_route_change_views.py reads them row by row)
    failed = rows["fail bgp_sessions[leaf3]"]
    observed = failed.xpath(".//div[@class='value'][h4='observed']/pre")[0].text_content()
    assert json.loads(observed)["10.10.254.12"]["state"] == "idle" and "\n  " in observed
    diff = rows["fail differential"]
    added = [
        td.text_content()
        for td in diff.xpath(".//table[contains(@class, 'added')]//td[@class='prefix']")
    ]
    assert "+ 10.10.4.0/24" in added
    # the matrix: leaf3's sessions failed, spine1's passed
    cell = {
        (c.get("data-device"), c.get("data-kind")): c.get("class")
        for c in doc.xpath("//td[contains(@class, 'cell')]")
    }
    assert cell[("leaf3", "bgp_sessions")] == "cell fail"
    assert cell[("spine1", "bgp_sessions")] == "cell pass"
    assert cell[("(network)", "differential")] == "cell fail"
    # the picture: the one failed session's link is marked, and its devices
    svg = page.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg") : svg.index("</svg>") + 6]
    tree = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    marked = [
        {line.get("data-a"), line.get("data-b")}
        for line in tree.findall("s:line", ns)
        if "session" in (line.get("class") or "")
    ]
    assert marked == [{"spine2", "leaf3"}]
    nodes = {g.get("data-device"): g.get("class") for g in tree.findall("s:g", ns)}
    assert nodes["leaf3"] == "node fail" and nodes["spine1"] == "node pass"
    assert len(tree.findall("s:line", ns)) == 14  # every link of layer1_topology.json


def test_the_topology_lists_a_link_given_in_both_directions_once(tmp_path: Path) -> None:
    from netval.report.html_report import load_topology

    def end(host: str, name: str) -> dict[str, str]:
        return {"hostname": host, "interfaceName": name}

    (tmp_path / "batfish").mkdir()
    edges = [
        {"node1": end("r1", "eth1"), "node2": end("r2", "eth1")},
        {"node1": end("r2", "eth1"), "node2": end("r1", "eth1")},
        {"node1": end("r2", "eth2"), "node2": end("r3", "eth1")},
    ]
    (tmp_path / "batfish" / "layer1_topology.json").write_text(json.dumps({"edges": edges}))
    topo = load_topology(tmp_path)
    assert topo is not None and topo.nodes == ["r1", "r2", "r3"] and len(topo.links) == 2
    (tmp_path / "batfish" / "layer1_topology.json").write_text("{not json")
    assert load_topology(tmp_path) is None  # a report never fails for want of a picture


def test_a_live_runs_failed_session_is_found_by_the_snapshots_addresses() -> None:
    """A device shows no address on an interface that is down: the snapshot's configs name
    the peer."""
    from types import SimpleNamespace

    from netval.report.html_report import _address_owner, load_topology, mark_links
    from netval.results import Result, Status

    ctx: Any = SimpleNamespace(mode="live", state=None)
    owner = _address_owner(ctx, SNAPSHOTS / "base")
    assert owner["10.10.254.12"] == "spine2"
    topo = load_topology(SNAPSHOTS / "base")
    assert topo is not None
    down = Result(
        id="bgp_sessions[leaf3]",
        kind="bgp_sessions",
        target="leaf3",
        status=Status.FAIL,
        observed={"10.10.254.12": {"state": "active"}, "10.10.254.4": {"state": "established"}},
    )
    mark_links(topo, [down], owner)
    assert [{link.a, link.b} for link in topo.links if link.marks] == [{"spine2", "leaf3"}]


def test_verify_junit_validates_against_the_junit_schema(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    code, results, output = verify_catalog(
        SNAPSHOTS / "candidate-bad",
        (ROOT / "checks" / "pre-change.yaml").read_text(),
        tmp_path,
        "--base",
        str(SNAPSHOTS / "base"),
        "--junitxml",
        str(junit),
    )
    assert code == 1, output
    doc = assert_valid_junit(junit)
    cases = list(doc.iter("testcase"))
    assert len(cases) == len(results)
    assert sum(len(c.findall("failure")) for c in cases) == sum(
        r["status"] == "fail" for r in results
    )
    # what an item is and where it comes from stays in the report, as the case's output
    first = next(c for c in cases if c.get("name") == results[0]["id"])
    out = first.find("system-out")
    assert out is not None and f"kind: {results[0]['kind']}\n" in (out.text or "")


def test_the_junit_schema_refuses_properties_inside_a_testcase(tmp_path: Path) -> None:
    # pytest's own output put <properties> there; the schema must catch that, or the
    # validations above prove nothing
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<testsuites><testsuite name="s" tests="1"><testcase name="t" time="0.1">'
        '<properties><property name="kind" value="ecmp"/></properties>'
        "</testcase></testsuite></testsuites>"
    )
    with pytest.raises(AssertionError, match="properties"):
        assert_valid_junit(bad)
