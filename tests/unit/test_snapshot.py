from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netval.errors import InputError
from netval.snapshot import ConfigFormat, detect_format, load_snapshot, read_device
from tests.conftest import BATFISH_DATA, DATA

MINI = DATA / "snapshots" / "mini"
FRR_REF = BATFISH_DATA / "frr-snapshots"


def _copy(tmp_path: Path, src: Path = MINI) -> Path:
    dst = tmp_path / "snap"
    shutil.copytree(src, dst)
    return dst


def test_mini_snapshot_parts() -> None:
    snap = load_snapshot(MINI)
    assert sorted(snap.devices) == ["r1", "r2"]
    assert sorted(snap.hosts) == ["h1"]
    r1 = snap.devices["r1"]
    assert r1.format is ConfigFormat.CUMULUS_CONCATENATED
    assert r1.interfaces["lo"].addresses == ["10.1.255.1/32"]
    assert r1.interfaces["eth3"].addresses == ["10.1.100.2/24"]
    assert r1.frr_text.startswith("frr version 8.4.4")
    # the FRR part begins after the ports.conf marker; its line number points into the file
    lines = (MINI / "configs" / "r1").read_text().splitlines()
    assert lines[r1.frr_first_line - 1] == "frr version 8.4.4"
    [group] = r1.vrrp
    assert (group.interface, group.vrid, group.vips, group.priority) == (
        "eth3",
        10,
        ["10.1.100.1"],
        200,
    )
    assert lines[group.line - 1].strip().startswith("vrrp 10")
    assert len(snap.edges) == 5
    assert snap.hosts["h1"].interfaces["eth0"].gateway == "10.1.100.1"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FRR_REF.iterdir()) if FRR_REF.is_dir() else []
)
def test_batfish_frr_reference_snapshots_load(name: str) -> None:
    """Batfish's own FRR test snapshots are read without error (an outside format oracle)."""
    snap = load_snapshot(FRR_REF / name)
    for device in snap.devices.values():
        if device.format is ConfigFormat.CUMULUS_CONCATENATED:
            assert device.frr_text.lstrip().startswith("frr ")
    # their file names are their hostnames
    for path in (FRR_REF / name / "configs").iterdir():
        device = read_device(path)
        if device.format is ConfigFormat.CUMULUS_CONCATENATED:
            assert device.name == path.name.lower()


def test_reference_topology_at_snapshot_root() -> None:
    snap = load_snapshot(FRR_REF / "bgp-neighbor-compatibility")
    assert snap.topology_path is not None and snap.topology_path.name == "layer1_topology.json"
    assert len(snap.edges) == 10
    assert snap.devices["node1"].interfaces["swp4"].addresses == ["4.4.4.0/31", "4.4.5.1/24"]


def test_detect_format() -> None:
    assert detect_format("frr version 8.4\nrouter bgp 1\n") is ConfigFormat.FRR
    assert (
        detect_format("! Command: show running-config\n! device: x (vEOS, EOS-4)\nhostname x\n")
        is ConfigFormat.ARISTA_EOS
    )
    assert detect_format("version 15.2\n!\nhostname r1\ninterface Gi0/0\n") is (
        ConfigFormat.CISCO_IOS
    )
    assert detect_format("set system host-name x\n") is ConfigFormat.UNKNOWN


def test_no_configs_folder(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    with pytest.raises(InputError, match=r"has no configs/ folder") as exc:
        load_snapshot(tmp_path / "s")
    assert exc.value.hint and "configs" in exc.value.hint


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a directory"):
        load_snapshot(tmp_path / "missing")


def test_bad_address_is_kept_as_issue_with_line(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    path = snap / "configs" / "r1"
    text = path.read_text().replace("address 10.1.0.2/31", "address 10.1.0.300/31")
    path.write_text(text)
    line = text.splitlines().index("  address 10.1.0.300/31") + 1
    [issue] = load_snapshot(snap).devices["r1"].issues
    assert issue.line == line and "10.1.0.300/31" in issue.reason


def test_option_outside_stanza_is_an_issue(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    path = snap / "configs" / "r1"
    path.write_text(path.read_text().replace("auto lo\n", "  address 1.1.1.1/32\nauto lo\n"))
    [issue] = load_snapshot(snap).devices["r1"].issues
    assert issue.line == 3 and "outside any 'iface' stanza" in issue.reason


def test_missing_frr_part(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    path = snap / "configs" / "r2"
    text = path.read_text()
    path.write_text(text[: text.index("# ports.conf")])
    with pytest.raises(InputError, match=r"r2: no FRR part"):
        load_snapshot(snap)


def test_duplicate_hostname(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    shutil.copy(snap / "configs" / "r1", snap / "configs" / "r1-copy")
    with pytest.raises(InputError, match=r"hostname 'r1' is also used by"):
        load_snapshot(snap)


def test_topology_not_json(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    (snap / "batfish" / "layer1_topology.json").write_text('{"edges": [\n  {oops}\n]}')
    with pytest.raises(InputError, match=r"layer1_topology.json:2: not valid JSON"):
        load_snapshot(snap)


def test_topology_edge_without_interface(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    topo = snap / "batfish" / "layer1_topology.json"
    raw = json.loads(topo.read_text())
    del raw["edges"][1]["node2"]["interfaceName"]
    topo.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"edges\[1\]\.node2 needs 'hostname' and 'interfaceName'"):
        load_snapshot(snap)


def test_binary_file(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    (snap / "configs" / "blob").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match=r"blob:1: not a text file"):
        load_snapshot(snap)


def test_host_without_prefix(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    (snap / "hosts" / "h1.json").write_text(
        '{"hostname": "h1", "hostInterfaces": {"eth0": {"name": "eth0"}}}'
    )
    with pytest.raises(InputError, match=r"h1.json: hostInterfaces.eth0 needs a 'prefix'"):
        load_snapshot(snap)


def test_host_interfaces_of_the_wrong_type(tmp_path: Path) -> None:
    snap = _copy(tmp_path)
    (snap / "hosts" / "h1.json").write_text('{"hostname": "h1", "hostInterfaces": 5}')
    with pytest.raises(InputError, match=r"h1.json: 'hostInterfaces' must be an object"):
        load_snapshot(snap)
    (snap / "hosts" / "h1.json").write_text(
        '{"hostname": "h1", "hostInterfaces": {"eth0": {"prefix": "10.1.100.10/24", '
        '"gateway": "10.1.100.300"}}}'
    )
    with pytest.raises(InputError, match=r"gateway .10.1.100.300. is not an IPv4 address"):
        load_snapshot(snap)
