"""AS-path and community regexes from a snapshot: linear-time matching, and an expression
that cannot be evaluated is a finding and an error, never a silent permit or deny."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netval.errors import InputError
from netval.static.builtin import regexes
from netval.static.engine import RouteInput
from tests.unit.builtin.conftest import MakeEngine, frr_device

# Each fails only after trying every way of splitting the digits between the groups: a
# backtracking matcher takes minutes on a path of six 5-digit ASNs.
CATASTROPHIC = "^(_?[0-9]+_?)*x$"
CATASTROPHIC_COMMUNITY = "^([0-9]+:?[0-9]*_?)*x$"
PATH = (65001, 65002, 65003, 65004, 65005, 65006, 65007, 65008)

EVIL = f"""
bgp as-path access-list EVIL permit {CATASTROPHIC}
bgp as-path access-list DIGITS permit ^([0-9]+_?)*$
bgp community-list expanded EVILC permit {CATASTROPHIC_COMMUNITY}
route-map RM permit 10
 match as-path EVIL
 set local-preference 300
route-map RM permit 15
 match community EVILC
 set local-preference 250
route-map RM permit 20
 match as-path DIGITS
 set local-preference 200
"""


@pytest.mark.timeout(60)
def test_catastrophic_regexes_are_matched_in_linear_time(make_engine: MakeEngine) -> None:
    e = make_engine({"r1": frr_device("r1", {"eth1": "10.0.0.1/31"}, EVIL)})
    assert e.file_parse_status().rows[0]["Status"] == "PASSED"
    communities = tuple(f"6500{i}:1000{i}" for i in range(8))
    rows = e.test_route_policies(
        "r1",
        "RM",
        "in",
        [
            RouteInput("10.1.0.0/16", as_path=PATH, communities=communities),
            RouteInput("10.1.0.0/16", as_path=(*PATH, 4200000000) * 3),
        ],
    ).rows
    # neither EVIL list can match (no "x"); DIGITS matches every path
    assert [r["Action"] for r in rows] == ["PERMIT", "PERMIT"]
    assert [r["Output_Route"]["localPreference"] for r in rows] == [200, 200]
    found = e.search_route_policies("r1", "RM", "in", ["10.0.0.0/8"], "deny").rows
    assert found == []  # DIGITS permits every path the search tries


BACKREF = r"^([0-9]+)_\1$"  # a prepend of the same AS: valid, but no linear-time matcher
UNEVALUABLE = f"""
bgp as-path access-list OK permit ^65001_
bgp as-path access-list PREPENDED permit {BACKREF}
bgp as-path access-list BROKEN permit ^[0-9
route-map RM permit 10
 match as-path OK
route-map RM permit 20
 match as-path PREPENDED
route-map RM permit 30
 match as-path BROKEN
"""


def _line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_unevaluable_regex_is_a_parse_finding_and_an_error(make_engine: MakeEngine) -> None:
    config = frr_device("r1", {"eth1": "10.0.0.1/31"}, UNEVALUABLE)
    e = make_engine({"r1": config})
    assert e.file_parse_status().rows[0]["Status"] == "PARTIALLY_UNRECOGNIZED"
    issues = {r["Source_Lines"][0]["lines"][0]: r for r in e.init_issues().rows}
    backref_line = _line_of(config, "PREPENDED permit")
    broken_line = _line_of(config, "BROKEN permit")
    assert set(issues) == {backref_line, broken_line}
    assert "cannot run it" in issues[backref_line]["Details"]
    assert "not a regular expression" in issues[broken_line]["Details"]
    # entry 10 decides without looking at the back-reference
    rows = e.test_route_policies("r1", "RM", "in", [RouteInput("10.0.0.0/8", as_path=(65001,))])
    assert rows.rows[0]["Action"] == "PERMIT"
    # a route that reaches entry 20 cannot be judged: an error naming file, line and regex
    with pytest.raises(InputError) as info:
        e.test_route_policies("r1", "RM", "in", [RouteInput("10.0.0.0/8", as_path=(7, 7))])
    message = str(info.value)
    assert f"configs/r1:{backref_line}" in message and BACKREF in message and "r1" in message


def test_unevaluable_regex_fails_verify_with_its_place(tmp_path: Path) -> None:
    config = frr_device("r1", {"eth1": "10.0.0.1/31"}, UNEVALUABLE)
    (tmp_path / "snap" / "configs").mkdir(parents=True)
    (tmp_path / "snap" / "configs" / "r1").write_text(config)
    catalog = tmp_path / "c.yaml"
    catalog.write_text(
        "checks:\n  - kind: parse\n  - kind: route_policy\n    devices: [r1]\n"
        "    policy: RM\n    direction: in\n    cases:\n"
        "      - route: {prefix: 10.0.0.0/8, as_path: [7, 7]}\n        expect: deny\n"
    )
    report = tmp_path / "r.json"
    args = ["verify", str(tmp_path / "snap"), "-c", str(catalog), "--engine", "builtin"]
    proc = subprocess.run(
        [sys.executable, "-m", "netval.cli", *args, "--json", str(report)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = {r["kind"]: r for r in json.loads(report.read_text())["results"]}
    line = _line_of(config, "PREPENDED permit")
    assert results["parse"]["status"] == "fail"
    assert f"configs/r1:{line}" in results["parse"]["message"]
    assert "cannot run it" in results["parse"]["message"]
    assert results["route_policy"]["status"] == "error"
    assert f"configs/r1:{line}" in results["route_policy"]["message"]
    assert BACKREF in results["route_policy"]["message"]


# --- the matcher agrees with Python's re on the expressions vendors use ---------------------

_ATOMS = ["_", "^", "$", ".", "[0-9]", "[^0-9]", "6", "5", "0", "1", " ", ":", "[1-5]", "6500"]


@st.composite
def vendor_regex(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 3 if depth < 2 else 1))
        if kind <= 1:
            atom = draw(st.sampled_from(_ATOMS))
        elif kind == 2:
            atom = "(" + draw(vendor_regex(depth + 1)) + ")"
        else:
            atom = "(" + draw(vendor_regex(depth + 1)) + "|" + draw(vendor_regex(depth + 1)) + ")"
        parts.append(atom + draw(st.sampled_from(["", "", "*", "+", "?", "{1,2}"])))
    return "".join(parts)


_TEXTS = st.one_of(
    st.lists(st.sampled_from([1, 5, 65, 650, 6500, 65000, 65001, 64512]), max_size=4).map(
        lambda p: " ".join(map(str, p))
    ),
    st.lists(st.sampled_from(["65000:1", "65001:15", "1:0", "0:65000"]), max_size=3).map(" ".join),
)


@settings(max_examples=400, deadline=None)
@given(vendor_regex(), st.lists(_TEXTS, min_size=1, max_size=6))
def test_matcher_agrees_with_python_re(regex: str, texts: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reference = re.compile(regexes.translate(regex))
        except re.error:
            assert regexes.compile_vendor(regex) is None
            return
    for text in texts:  # short texts: the backtracking reference stays fast
        assert regexes.search(regex, text) == (reference.search(text) is not None), (regex, text)
