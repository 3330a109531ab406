"""Values from a snapshot that could reach a shell are refused by the lab and fail `parse`."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval.errors import InputError
from netval.lab.plan import build_plan, frr_config_for_lab
from netval.safe_names import hostname_problem, interface_problem
from netval.snapshot import load_snapshot, scan_unsafe_values
from tests.conftest import ROOT
from tests.hostile import MINI, PAYLOADS, hostile_snapshot
from tests.verifytools import verify_catalog


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_lab_plan_refuses_the_payload_naming_file_and_value(tmp_path: Path, payload: str) -> None:
    snap, canary = hostile_snapshot(tmp_path, payload)
    with pytest.raises(InputError) as caught:
        build_plan(load_snapshot(snap), "t1", 0)
    assert str(snap) in caught.value.message
    assert not canary.exists()


@pytest.mark.parametrize("payload", ["frr_defaults", "hostname", "host_name_newline"])
def test_scan_lists_the_value_with_its_file(tmp_path: Path, payload: str) -> None:
    snap, _ = hostile_snapshot(tmp_path, payload)
    found = scan_unsafe_values(snap)
    assert len(found) == 1, found
    assert str(snap) in found[0]


def test_shipped_snapshots_have_no_unsafe_values() -> None:
    for snap in [*(ROOT / "snapshots").iterdir(), MINI]:
        if (snap / "configs").is_dir():
            assert scan_unsafe_values(snap) == [], snap


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_verify_parse_check_fails_on_the_payload(tmp_path: Path, payload: str) -> None:
    snap, canary = hostile_snapshot(tmp_path, payload)
    code, (result,), output = verify_catalog(
        snap, "checks:\n  - kind: parse\n    allow_unrecognized: ['.*']\n", tmp_path
    )
    assert code == 1, output
    assert result["status"] == "fail", result
    assert "configs/r1" in result["message"] or "hosts/h1.json" in result["message"]
    assert not canary.exists()


@pytest.mark.parametrize(
    "name",
    ["..", ".", "a" * 64, "leaf3;id", "leaf\n1", "-leaf", "leaf-", "a..b", "$(id)", "", "le af"],
)
def test_hostnames_outside_the_grammar(name: str) -> None:
    assert hostname_problem(name) is not None


@pytest.mark.parametrize("name", ["leaf1", "transit-ams-01.cdn.example", "core_rtr1", "a" * 63])
def test_hostnames_inside_the_grammar(name: str) -> None:
    assert hostname_problem(name) is None


@pytest.mark.parametrize("name", ["eth0;reboot", "swp1 x", "a\nb", "$(id)", "-x", "a" * 65])
def test_interface_names_outside_the_grammar(name: str) -> None:
    assert interface_problem(name) is not None


def test_dotted_hostname_boots_under_a_pathspace_without_dots(tmp_path: Path) -> None:
    import shutil

    snap = tmp_path / "dotted"
    shutil.copytree(MINI, snap)
    r1 = snap / "configs" / "r1"
    r1.write_text(
        r1.read_text()
        .replace("r1\n", "transit-ams-01.cdn.example\n", 1)
        .replace("hostname r1\n", "")
    )
    topo = snap / "batfish" / "layer1_topology.json"
    topo.write_text(topo.read_text().replace('"r1"', '"transit-ams-01.cdn.example"'))
    plan = build_plan(load_snapshot(snap), "t1", 0)
    node = plan.nodes["transit-ams-01.cdn.example"]
    assert node.namespace == "nv-t1-transit-ams-01_cdn_example"
    assert "hostname transit-ams-01.cdn.example" in node.frr_conf.splitlines()


def test_files_frr_writes_stay_in_the_routers_runtime_dir(tmp_path: Path) -> None:
    import shutil

    snap = tmp_path / "logs"
    shutil.copytree(MINI, snap)
    r1 = snap / "configs" / "r1"
    r1.write_text(
        r1.read_text().replace(
            "hostname r1\n",
            "hostname r1\nlog file /etc/frr/nv-other-r1/frr.conf informational\n"
            "dump bgp all /etc/frr/nv-other-r1/daemons 10m\n",
        )
    )
    text = frr_config_for_lab(load_snapshot(snap).devices["r1"], "nv-t1-r1")
    assert "log file /var/run/frr/nv-t1-r1/frr.log informational" in text.splitlines()
    assert "dump bgp all /var/run/frr/nv-t1-r1/all.dump 10m" in text.splitlines()
    assert "/etc/frr/nv-other" not in text


def test_duplicate_slug_is_refused(tmp_path: Path) -> None:
    import shutil

    snap = tmp_path / "dup"
    shutil.copytree(MINI, snap)
    r2 = snap / "configs" / "r2"
    (snap / "configs" / "r_1").write_text(
        r2.read_text().replace("r2\n", "r_1\n", 1).replace("hostname r2", "hostname r_1")
    )
    (snap / "configs" / "r1x").write_text(
        r2.read_text().replace("r2\n", "r.1\n", 1).replace("hostname r2", "hostname r.1")
    )
    with pytest.raises(InputError, match="differ only in"):
        build_plan(load_snapshot(snap), "t1", 0)


def test_daemons_file_refuses_a_profile_that_bypassed_the_plan(tmp_path: Path) -> None:
    from netval.errors import LabError
    from netval.lab import frr
    from netval.lab.plan import PlannedNode

    canary = tmp_path / "PWNED"
    node = PlannedNode(
        name="r9",
        kind="router",
        namespace="nv-unit-r9",
        daemons=["zebra"],
        frr_profile=f"datacenter$(id>{canary})",
    )
    with pytest.raises(LabError):
        frr.write_config(node)
    assert not frr.config_dir("nv-unit-r9").exists()


def test_empty_device_file_fails_parse(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    import shutil

    shutil.copytree(MINI, snap)
    (snap / "configs" / "r3").write_text("")
    code, (result,), output = verify_catalog(snap, "checks:\n  - kind: parse\n", tmp_path)
    assert code == 1, output
    assert "configs/r3: EMPTY" in result["message"]
