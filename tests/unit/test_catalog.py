from __future__ import annotations

import re
from pathlib import Path

import pytest

from netval.catalog import load_catalog_file, load_catalogs
from netval.checks.bgp import BgpSessions
from netval.checks.ecmp import Ecmp
from netval.errors import InputError
from tests.conftest import DATA

DESIGN = DATA / "catalogs" / "design-example.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(text)
    return path


def test_design_examples_stay_valid() -> None:
    entries = load_catalog_file(DESIGN)
    kinds = [e.spec.kind for e in entries]
    assert kinds == [
        "bgp_sessions",
        "ecmp",
        "vrrp",
        "routes",
        "route_policy",
        "route_policy_search",
        "reachability",
        "parse",
        "undefined_references",
        "bgp_compatibility",
    ]
    bgp = entries[0].spec
    assert isinstance(bgp, BgpSessions)
    assert bgp.devices == {"role": "leaf"}
    assert bgp.expect.min_prefixes_received == 1
    text = DESIGN.read_text().splitlines()
    for entry in entries:  # each entry's line is its '- kind:' line
        assert text[entry.line - 1].split("#")[0].strip() == f"- kind: {entry.spec.kind}"


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/24\n    min_paths: 2\n    min_path: 3\n",
    )
    with pytest.raises(InputError) as exc:
        load_catalog_file(path)
    assert f"{path}:5: checks[0].min_path: unknown key 'min_path'" in str(exc.value)


def test_unknown_kind_lists_known_kinds(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/24\n    paths: 2\n  - kind: bgp_sesions\n",
    )
    with pytest.raises(InputError) as exc:
        load_catalog_file(path)
    msg = str(exc.value)
    assert f"{path}:5: checks[1]: unknown check kind 'bgp_sesions'" in msg
    assert "bgp_sessions" in msg and "vrrp" in msg


def test_bad_prefix_and_wrong_type(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "checks:\n  - kind: ecmp\n    prefix: 10.0.0.1/24\n    min_paths: two\n"
    )
    with pytest.raises(InputError) as exc:
        load_catalog_file(path)
    msg = str(exc.value)
    assert f"{path}:3: checks[0].prefix: '10.0.0.1/24' is not a valid prefix" in msg
    assert f"{path}:4: checks[0].min_paths: Input should be a valid integer" in msg


def test_missing_required_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "checks:\n  - kind: vrrp\n    interface: eth3\n")
    with pytest.raises(InputError, match=r"cat.yaml:2: checks\[0\].vrid: missing required key"):
        load_catalog_file(path)


def test_ecmp_needs_a_width(tmp_path: Path) -> None:
    path = _write(tmp_path, "checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/24\n")
    with pytest.raises(InputError, match="give min_paths, paths or next_hops"):
        load_catalog_file(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("kind: ecmp\n    prefix: 10.0.0.0/24\n    paths: 2\n    min_paths: 3", "contradicts"),
        (
            "kind: ecmp\n    prefix: 10.0.0.0/24\n    paths: 3\n"
            "    next_hops: [10.0.0.1, 10.0.0.3]",
            "contradicts the 2 next_hops",
        ),
        (
            "kind: ecmp\n    prefix: 10.0.0.0/24\n    min_paths: 3\n    next_hops: [10.0.0.1]",
            "contradicts the 1 next_hops",
        ),
        (
            "kind: bgp_sessions\n    expect: {min_prefixes_received: 5, max_prefixes_received: 2}",
            "is above max_prefixes_received",
        ),
        (
            "kind: bgp_sessions\n    peers: [10.0.0.1]\n    remote_as: {10.0.0.3: 65001}",
            "which peers: does not list",
        ),
    ],
)
def test_contradictory_expectations_are_input_errors(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = _write(tmp_path, f"checks:\n  - {entry}\n")
    with pytest.raises(InputError, match=message) as caught:
        load_catalog_file(path)
    assert re.search(r"cat\.yaml:[23]: checks\[0\]", caught.value.message)


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "checks:\n  - kind: ecmp\n    prefix: [10.0.0.0/24\n  - x\n")
    with pytest.raises(InputError, match=r"cat.yaml:\d+: invalid YAML"):
        load_catalog_file(path)


@pytest.mark.parametrize("text", ["", "- kind: ecmp\n", "checks: []\n"])
def test_empty_or_misshapen_catalog(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError):
        load_catalog_file(_write(tmp_path, text))


def test_missing_file_has_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist") as exc:
        load_catalogs([tmp_path / "nope.yaml"])
    assert exc.value.hint and "-c" in exc.value.hint


def test_durations_and_asns(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  - kind: bgp_sessions\n    within: 2m\n"
        "    remote_as: {10.0.0.1: '1.10'}\n    expect: {no_reset_within: 500ms}\n"
        "  - kind: ecmp\n    prefix: 10.0.0.0/24\n    min_paths: 2\n    within: 30\n",
    )
    bgp, ecmp = (e.spec for e in load_catalog_file(path))
    assert isinstance(bgp, BgpSessions) and isinstance(ecmp, Ecmp)
    assert bgp.within == 120.0 and ecmp.within == 30.0
    assert bgp.remote_as == {"10.0.0.1": 65546}
    assert bgp.expect.no_reset_within == 0.5


def test_bad_duration(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/24\n    paths: 2\n    within: soon\n",
    )
    with pytest.raises(InputError, match=r"cat.yaml:5: checks\[0\].within: 'soon' is not a dur"):
        load_catalog_file(path)
