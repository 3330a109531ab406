"""Inputs that once gave tracebacks, hangs or broken reports: each is now an input finding.

A value the parsers cannot use is a line the parse status reports (and the data plane never
sees); a file that cannot be read, nests too deeply or expands through aliases is an
InputError naming the file and the line; report paths are checked before any check runs;
and whatever a file or device says reaches the terminal and the reports escaped.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest

from netval.catalog import load_catalog_file
from netval.errors import InputError
from netval.lab.inventory import _read_yaml as lab_inventory_yaml
from netval.live.inventory import _check_yaml as check_inventory_yaml
from netval.snapshot import load_snapshot
from netval.state import State
from netval.static.builtin.engine import BuiltinEngine
from tests.conftest import DATA, ROOT

CLI = [sys.executable, "-m", "netval.cli"]
MINI = DATA / "snapshots" / "mini"


def _snapshot(tmp_path: Path, source: Path = ROOT / "snapshots" / "base") -> Path:
    snap = tmp_path / "snap"
    shutil.copytree(source, snap)
    return snap


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in a config; the 1-based line of the change."""
    text = path.read_text()
    assert old in text, old
    at = text.index(old)
    path.write_text(text.replace(old, new, 1))
    return text.count("\n", 0, at) + 1


def _unrecognized(engine: BuiltinEngine, filename: str) -> dict[int, str]:
    rows = engine.init_issues().rows
    return {
        line: row["Details"]
        for row in rows
        for src in row["Source_Lines"]
        if src["filename"] == filename
        for line in src["lines"]
    }


# --- values the parsers accepted and the data plane could not use ---------------------------

FRR_BAD_VALUES = [
    ("bgp router-id 10.10.255.11", "bgp router-id 10.10.\x00255.12"),
    ("bgp router-id 10.10.255.11", "bgp router-id 2.1.1e309.1"),
    ("vrrp 10 ip 10.0.100.1", "vrrp 10 ip 2.1.1e309.1"),
    ("vrrp 10 ip 10.0.100.1", "vrrp 10 ipv6 fe80::zz"),
]


@pytest.mark.parametrize(("old", "new"), FRR_BAD_VALUES, ids=["nul", "1e309", "vrrp", "vrrp6"])
def test_frr_address_the_data_plane_cannot_use_is_a_parse_finding(
    tmp_path: Path, old: str, new: str
) -> None:
    snap = _snapshot(tmp_path)
    line = _edit(snap / "configs" / "leaf1", old, new)
    engine = BuiltinEngine(snap)
    status = {r["File_Name"]: r["Status"] for r in engine.file_parse_status().rows}
    assert status["configs/leaf1"] == "PARTIALLY_UNRECOGNIZED"
    assert line in _unrecognized(engine, "configs/leaf1")
    state = engine.state()  # the data plane computes without the bad value
    assert state.nodes["leaf1"].bgp_peers


def test_ipv6_vrrp_address_is_not_modelled_as_ipv4(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path)
    _edit(
        snap / "configs" / "leaf1",
        " vrrp 10 ip 10.0.100.1",
        " vrrp 10 ip 10.0.100.1\n vrrp 10 ipv6 fe80::1",
    )
    engine = BuiltinEngine(snap)
    assert _unrecognized(engine, "configs/leaf1") == {}
    vrrp = engine.state().nodes["leaf1"].vrrp
    assert vrrp and all(":" not in ip for group in vrrp for ip in group.vips)


def test_ios_router_id_and_vrrp_address_are_parse_findings(tmp_path: Path) -> None:
    snap = tmp_path / "ios"
    (snap / "configs").mkdir(parents=True)
    (snap / "configs" / "r1").write_text(
        "!\nhostname r1\n!\ninterface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n"
        " vrrp 1 ip 2.1.1e309.1\n!\nrouter ospf 1\n router-id 10.10.\x00255.12\n"
        " network 10.0.0.0 0.0.0.255 area 0\n!\nrouter bgp 65000\n bgp router-id 2.1.1e309.1\n"
        " neighbor 10.0.0.2 remote-as 65001\n!\nend\n"
    )
    engine = BuiltinEngine(snap)
    assert set(_unrecognized(engine, "configs/r1")) == {6, 9, 13}
    engine.state()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("interface eth3\n", "interface eth3\n ip ospf area " + "9" * 5000 + "\n"),
        (
            "route-map from_spine permit 10\n",
            "route-map from_spine permit 10\n set weight " + "9" * 5000 + "\n",
        ),
        (
            "route-map from_spine permit 10\n",
            "route-map from_spine permit 10\n set weight \u00b2\n",
        ),
        (
            "route-map from_spine permit 10\n",
            "route-map from_spine permit 10\n set as-path prepend \u00b2\n",
        ),
        (
            "route-map from_spine permit 10\n",
            "route-map from_spine permit 10\n set as-path prepend last-as 999999999\n",
        ),
        (" vrrp 10 priority 200", " vrrp " + "9" * 5000 + " priority 200"),
        (" vrrp 10 priority 200", " vrrp 10 priority " + "9" * 5000),
    ],
    ids=["ospf-area", "weight", "weight-superscript", "prepend", "last-as", "vrid", "priority"],
)
@pytest.mark.timeout(60)
def test_numbers_the_data_plane_cannot_use_are_parse_findings(
    tmp_path: Path, old: str, new: str
) -> None:
    snap = _snapshot(tmp_path)
    _edit(snap / "configs" / "leaf1", old, new)
    load_snapshot(snap)  # the lab's reader keeps going too
    engine = BuiltinEngine(snap)
    engine.state()
    engine.bgp_session_status()
    assert _unrecognized(engine, "configs/leaf1")


@pytest.mark.timeout(60)
def test_long_digit_run_does_not_stall_format_detection(tmp_path: Path) -> None:
    snap = tmp_path / "ios"
    (snap / "configs").mkdir(parents=True)
    (snap / "configs" / "r1").write_text("!\nhostname r1\nip ssh version " + "9" * 5000 + "\n!\n")
    status = BuiltinEngine(snap).file_parse_status().rows
    assert status[0]["File_Format"] == "CISCO_IOS"


def test_verify_parse_check_fails_on_an_address_the_parser_refuses(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path)
    line = _edit(
        snap / "configs" / "leaf1", "bgp router-id 10.10.255.11", "bgp router-id 2.1.1e309.1"
    )
    catalog = tmp_path / "parse.yaml"
    catalog.write_text("checks:\n  - kind: parse\n  - kind: bgp_sessions\n    devices: [leaf2]\n")
    proc = subprocess.run(
        [*CLI, "verify", str(snap), "--engine", "builtin", "-c", str(catalog)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"configs/leaf1:{line}" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# --- snapshot JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"hostname": "h1\xff"}', r"h1.json:1: not a text file"),
        (b"[" * 5000 + b"]" * 5000, r"h1.json:1: JSON nested deeper than"),
        (b'{"hostname": "h1", "x": ' + b"1" * 5000 + b"}", r"h1.json: not valid JSON"),
        (
            b'{"hostname": "h1", "hostInterfaces": {"eth0": {"prefix": 167772161}}}',
            r"prefix 167772161 is not an IPv4",
        ),
        (
            b'{"hostname": "h1", "hostInterfaces": {"eth0": {"prefix": "2001:db8::1/64"}}}',
            r"is not an IPv4",
        ),
        (
            b'{"hostname": "h1", "hostInterfaces": '
            b'{"eth0": {"prefix": "10.0.0.1/24", "gateway": 167772161}}}',
            r"gateway 167772161 is not an IPv4",
        ),
        (
            b'{"hostname": "h1", "hostInterfaces": {"eth0": {"prefix": "10.0.0.1/24", "name": 5}}}',
            r"name 5 is not a string",
        ),
    ],
    ids=["latin1", "deep", "bigint", "int-prefix", "v6-prefix", "int-gateway", "int-name"],
)
def test_bad_host_json_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    snap = _snapshot(tmp_path, MINI)
    (snap / "hosts" / "h1.json").write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_snapshot(snap)
    BuiltinEngine(snap).state()  # the engine goes on without the host (as `ask` does)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"edges": []}\n\xff', r"layer1_topology.json:2: not a text file"),
        (
            b'{"edges":\n' + b"[" * 5000 + b"]" * 5000 + b"}",
            r"layer1_topology.json:2: JSON nested deeper",
        ),
    ],
    ids=["latin1", "deep"],
)
def test_bad_topology_json_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    snap = _snapshot(tmp_path, MINI)
    (snap / "batfish" / "layer1_topology.json").write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_snapshot(snap)
    BuiltinEngine(snap).state()


# --- catalogs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"checks:\n  - kind: parse\x00\n", r"cat.yaml:2: character 0x00 is not allowed"),
        (
            b"checks:\n  - kind: parse\n    allow_unrecognized: "
            + b"[" * 5000
            + b"]" * 5000
            + b"\n",
            r"cat.yaml:3: nested deeper than",
        ),
        (
            b"checks:\n" + b"".join(b"  " * i + b"- \n" for i in range(2, 300)),
            r"cat.yaml:\d+: nested deeper than",
        ),
        (b"checks:\n  - kind: parse # \xff\n", r"cat.yaml:2: not a text file"),
        (
            b"checks:\n  - kind: routes\n    prefix: 10.0.0.0/8\n    devices: &a {role: *a}\n",
            r"cat.yaml:4: alias \*a is inside the node it refers to",
        ),
        (
            b"checks:\n  - kind: ecmp\n    prefix: 10.0.0.0/8\n    min_paths: "
            + b"9" * 5000
            + b"\n",
            r"cat.yaml:4: a number of 5000 digits",
        ),
    ],
    ids=["nul", "deep-flow", "deep-block", "latin1", "self-alias", "bigint"],
)
def test_bad_catalog_is_an_input_error_with_its_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "cat.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_catalog_file(path)


BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
checks:
  - kind: parse
    allow_unrecognized: *g
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, resource.RLIM_INFINITY))


@pytest.mark.timeout(120)
def test_alias_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    modest = tmp_path / "modest.yaml"  # aliases that share a device list stay fine
    modest.write_text(
        "checks:\n  - kind: routes\n    devices: &leaves [leaf1, leaf2]\n    prefix: 10.0.0.0/8\n"
        "  - kind: ecmp\n    devices: *leaves\n    prefix: 10.0.0.0/8\n    min_paths: 2\n"
    )
    script = (
        "import sys\nfrom pathlib import Path\nfrom netval.catalog import load_catalog_file\n"
        "from netval.errors import InputError\n"
        "print(len(load_catalog_file(Path(sys.argv[2]))))\n"
        "try:\n    load_catalog_file(Path(sys.argv[1]))\n"
        "except InputError as exc:\n    print(exc.message)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(bomb), str(modest)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    count, message = proc.stdout.splitlines()
    assert count == "2"
    assert "bomb.yaml:4: aliases expand the document by more than 10000 nodes" in message


@pytest.mark.timeout(120)
def test_device_file_as_catalog_is_refused_in_little_memory() -> None:
    script = (
        "from pathlib import Path\nfrom netval.catalog import load_catalog_file\n"
        "from netval.errors import InputError\n"
        "try:\n    load_catalog_file(Path('/dev/zero'))\n"
        "except InputError as exc:\n    print(exc.message)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "catalog /dev/zero is a device, not a file"


# --- inventories and baselines ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"leaf1:\n  hostname: leaf1\n  data: {role: leaf} # \xff\n",
            r"hosts.yaml:3: not a text file",
        ),
        (
            b"leaf1:\n  data:\n    x: " + b"[" * 5000 + b"]" * 5000 + b"\n",
            r"hosts.yaml:3: nested deeper than",
        ),
        (b"leaf1:\n  hostname: leaf1\x00\n", r"hosts.yaml:2: character 0x00"),
    ],
    ids=["latin1", "deep", "nul"],
)
def test_bad_inventory_is_an_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "hosts.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        check_inventory_yaml(path)
    with pytest.raises(InputError, match=message):
        lab_inventory_yaml(path)


def test_lab_base_inventory_with_wrong_types_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yaml"
    path.write_text("leaf1:\n  data: [1, 2]\n")
    with pytest.raises(InputError, match=r"'leaf1': 'data' must be a mapping"):
        lab_inventory_yaml(path)


def test_deep_baseline_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"nodes":\n' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(InputError, match=r"state.json:2: JSON nested deeper than"):
        State.load(path)


# --- the command line: report paths, file names, control characters -----------------------


def _verify(
    tmp_path: Path, *args: str, catalog: str = "checks/pre-change.yaml"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *CLI,
            "verify",
            "snapshots/candidate-good",
            "--base",
            "snapshots/base",
            "--engine",
            "builtin",
            "-c",
            catalog,
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("option", "where", "message"),
    [
        ("--json", "dir", "is a folder, not a file"),
        ("--html", "dir", "is a folder, not a file"),
        ("--junitxml", "dir", "is a folder, not a file"),
        ("--json", "/proc/netval-report.json", "cannot be written"),
        ("--junitxml", "file/report.xml", "is not a folder"),
    ],
    ids=["json-dir", "html-dir", "junit-dir", "json-unwritable", "junit-under-file"],
)
def test_unusable_report_path_is_refused_before_any_check(
    tmp_path: Path, option: str, where: str, message: str
) -> None:
    (tmp_path / "file").write_text("x")
    target = where if where.startswith("/") else str(tmp_path / where)
    if where == "dir":
        target = str(tmp_path)
    proc = _verify(tmp_path, option, target)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{option} " in proc.stderr and message in proc.stderr
    assert "loading" not in proc.stderr  # refused before the engine was even started
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("command", "option"),
    [(["check", "-c", "checks/fabric.yaml"], "--json"), (["capture"], "--output")],
    ids=["check", "capture"],
)
def test_live_commands_refuse_an_unusable_output_before_any_device(
    tmp_path: Path, command: list[str], option: str
) -> None:
    # the inventory does not exist either: the output is refused before it is even looked for
    args = [*CLI, *command, "-i", str(tmp_path / "no-inventory"), option, str(tmp_path)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{option} {tmp_path} is a folder, not a file" in proc.stderr


def test_reports_stay_valid_with_a_catalog_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"cat\xff\x1b.yaml")
    shutil.copy(ROOT / "checks" / "pre-change.yaml", tmp_path / name)
    xml_path, html_path, json_path = (tmp_path / f"r.{e}" for e in ("xml", "html", "json"))
    proc = subprocess.run(
        [
            *CLI,
            "verify",
            "snapshots/candidate-good",
            "--base",
            "snapshots/base",
            "--engine",
            "builtin",
            "-c",
            str(tmp_path / name),
            "--junitxml",
            str(xml_path),
            "--html",
            str(html_path),
            "--json",
            str(json_path),
        ],
        capture_output=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    cases = xml.dom.minidom.parse(str(xml_path)).getElementsByTagName("testcase")
    assert len(cases) == len(json.loads(json_path.read_text())["results"]) > 0
    assert "cat\\udcff\\x1b.yaml" in xml_path.read_text(encoding="utf-8")
    html_path.read_text(encoding="utf-8")
    assert b"\x1b" not in proc.stdout + proc.stderr


def test_control_characters_reach_the_terminal_escaped(tmp_path: Path) -> None:
    snap = _snapshot(tmp_path, ROOT / "snapshots" / "candidate-good")
    with (snap / "configs" / "leaf1").open("a") as config:
        config.write("bogus \x1b[2J\x1b]0;owned\x07 line\n")
    catalog = tmp_path / "ctl.yaml"
    catalog.write_text('checks:\n  - kind: parse\n    name: "evil\\e[31m"\n')
    proc = subprocess.run(
        [*CLI, "verify", str(snap), "--engine", "builtin", "-c", str(catalog)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert "bogus \\x1b[2J\\x1b]0;owned\\x07 line" in out
    assert "evil\\x1b[31m" in out
    missing = subprocess.run(
        [*CLI, "verify", str(snap), "--engine", "builtin", "-c", str(tmp_path / "no\x1b[2J.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert missing.returncode == 2
    assert "\x1b" not in missing.stderr and "no\\x1b[2J.yaml" in missing.stderr
