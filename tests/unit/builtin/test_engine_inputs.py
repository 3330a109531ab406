"""Bad input: unknown vendors fail one file, bad names are input errors, data plane is later."""

from __future__ import annotations

import pytest

from netval.errors import InputError
from netval.static.builtin import BuiltinEngine
from netval.static.engine import Engine, RouteInput
from tests.unit.builtin.conftest import SNAPSHOTS, MakeEngine, frr_device


def test_protocol() -> None:
    assert isinstance(BuiltinEngine(SNAPSHOTS / "base"), Engine)


def test_unknown_vendor_fails_alone(make_engine: MakeEngine) -> None:
    e = make_engine(
        {
            "junos": "set system host-name j1\nset interfaces ge-0/0/0 unit 0\n",
            "garbage": "\x00\x01 this is not a config\n",
            "r1": frr_device(
                "r1", {"eth1": "10.0.0.0/31"}, "router bgp 1\n neighbor 10.0.0.1 remote-as 2"
            ),
            "broken": "r9\n# This file describes the network interfaces\nauto lo\n",
        }
    )
    status = {r["File_Name"]: r for r in e.file_parse_status().rows}
    assert status["configs/r1"]["Status"] == "PASSED"
    assert status["configs/junos"]["Status"] == "FAILED"
    assert status["configs/junos"]["File_Format"] == "FLAT_JUNIPER"
    assert status["configs/broken"]["Status"] == "FAILED"
    assert status["configs/garbage"]["Status"] == "FAILED"
    assert e.nodes() == ["r1"]
    issues = [r for r in e.init_issues().rows if r["Type"] == "Parse error"]
    assert any("does not parse FLAT_JUNIPER" in r["Details"] for r in issues)
    assert any("FRR part" in r["Details"] for r in issues)


def test_unrecognized_lines_are_reported(make_engine: MakeEngine) -> None:
    e = make_engine(
        {"r1": frr_device("r1", {}, "router bgp 1\n frobnicate the widget\nwat is this")}
    )
    assert e.file_parse_status().rows[0]["Status"] == "PARTIALLY_UNRECOGNIZED"
    issues = e.init_issues().rows
    assert [i["Line_Text"] for i in issues] == ["frobnicate the widget", "wat is this"]
    assert issues[0]["Source_Lines"][0]["filename"] == "configs/r1"


def test_bad_names_are_input_errors() -> None:
    e = BuiltinEngine(SNAPSHOTS / "base")
    with pytest.raises(InputError, match="no routing policy"):
        e.test_route_policies("border1", "nope", "in", [RouteInput("10.0.0.0/8")])
    with pytest.raises(InputError, match="not in snapshot"):
        e.test_route_policies("nosuch", "to_isp", "in", [RouteInput("10.0.0.0/8")])
    with pytest.raises(InputError):
        e.test_route_policies("border1", "to_isp", "sideways", [RouteInput("10.0.0.0/8")])
    with pytest.raises(InputError):
        e.test_route_policies("border1", "to_isp", "in", [RouteInput("10.0.0.0/33")])
    with pytest.raises(InputError):
        e.search_route_policies("border1", "to_isp", "out", ["10.0.0.0/8:40"], "permit")
    assert e.policies("border1") == ["from_fabric", "from_isp", "to_fabric", "to_isp"]
