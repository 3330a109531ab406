"""Bad input: unknown vendors fail one file, bad names are input errors, data plane is later."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netval.errors import EngineError, InputError
from netval.static.builtin import BuiltinEngine
from netval.static.builtin.vendors.frr import parse as parse_frr
from netval.static.engine import Engine, RouteInput
from tests.conftest import DATA
from tests.unit.builtin.conftest import SNAPSHOTS, MakeEngine, frr_device
from tests.verifytools import verify_catalog


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
    assert status["configs/junos"]["Status"] == "UNSUPPORTED"
    assert status["configs/junos"]["File_Format"] == "FLAT_JUNIPER"
    assert status["configs/broken"]["Status"] == "FAILED"
    assert status["configs/garbage"]["Status"] == "UNKNOWN"
    assert e.nodes() == ["r1"]
    issues = [r for r in e.init_issues().rows if r["Type"] != "Parse warning"]
    assert any(
        "configs/junos is a FLAT_JUNIPER configuration, which the built-in engine does not "
        "support" in r["Details"]
        for r in issues
    )
    assert any("FRR part" in r["Details"] for r in issues)
    # the devices stay known by name, with the reason, for the checks that target them
    assert set(e.unparsed()) == {"j1", "garbage", "broken"}
    assert "FLAT_JUNIPER" in e.unparsed()["j1"]


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


def test_a_parser_crash_fails_its_file_naming_the_line(
    make_engine: MakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a bug in a parser is injected: the route-map handler raises on its first line
    def crash(*args: object) -> bool:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(parse_frr, "route_map_statement", crash)
    body = "route-map RM permit 10\n match tag 5\n"
    e = make_engine(
        {
            "r1": frr_device("r1", {}, body),
            "r2": frr_device("r2", {}, "router bgp 2\n neighbor 10.0.0.1 remote-as 1"),
        }
    )
    status = {r["File_Name"]: r["Status"] for r in e.file_parse_status().rows}
    assert status == {"configs/r1": "FAILED", "configs/r2": "PASSED"}
    line = next(
        i
        for i, text in enumerate((e.path / "configs" / "r1").read_text().splitlines(), 1)
        if text == " match tag 5"
    )
    (issue,) = [r for r in e.init_issues().rows if r["Type"] == "Parse error"]
    assert issue["Source_Lines"] == [{"filename": "configs/r1", "lines": [line]}]
    assert (
        f"configs/r1:{line}: the built-in CUMULUS_CONCATENATED parser failed on "
        in (issue["Details"])
    )
    assert "'match tag 5' (ZeroDivisionError: injected)" in issue["Details"]
    with pytest.raises(EngineError, match="r1: configs/r1 was not parsed"):
        e.test_route_policies("r1", "RM", "in", [RouteInput("10.0.0.0/8")])


def test_binary_and_undecodable_files_are_reported_one_by_one(tmp_path: Path) -> None:
    configs = tmp_path / "snap" / "configs"
    configs.mkdir(parents=True)
    (configs / "image.bin").write_bytes(bytes(range(256)) * 8)
    (configs / "latin1").write_bytes(b"hostname r3\n!\ninterface Ethernet1\n description caf\xe9\n")
    (configs / "r1").write_text(
        frr_device("r1", {}, "router bgp 1\n neighbor 10.0.0.2 remote-as 2")
    )
    e = BuiltinEngine(tmp_path / "snap")
    rows = {r["File_Name"]: r["Status"] for r in e.file_parse_status().rows}
    assert rows == {
        "configs/image.bin": "FAILED",
        "configs/latin1": "FAILED",
        "configs/r1": "PASSED",
    }
    details = {
        r["Source_Lines"][0]["filename"]: r["Details"]
        for r in e.init_issues().rows
        if r["Type"] == "Parse error"
    }
    assert "a binary file" in details["configs/image.bin"]
    assert "line 4: not UTF-8 text (byte 0xe9 at offset" in details["configs/latin1"]
    assert "r3" in e.unparsed()


def test_checks_on_a_device_of_an_unsupported_vendor_are_errors(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    shutil.copytree(DATA / "snapshots" / "mini", snap)
    (snap / "configs" / "j1").write_text(
        "set system host-name j1\nset interfaces ge-0/0/0 unit 0 family inet address 10.9.0.1/31\n"
    )
    catalog = "checks:\n  - kind: parse\n  - kind: bgp_sessions\n    expect: {state: established}\n"
    code, results, output = verify_catalog(snap, catalog, tmp_path)
    assert code == 1, output
    by_id = {r["id"]: r for r in results}
    assert by_id["parse"]["status"] == "fail"
    assert "configs/j1: UNSUPPORTED" in by_id["parse"]["message"]
    j1 = by_id["bgp_sessions[j1]"]
    assert j1["status"] == "error"
    assert "configs/j1 is a FLAT_JUNIPER configuration" in j1["message"]
    assert all(r["status"] == "pass" for r in results if r["id"].startswith("bgp_sessions[r")), (
        output
    )
