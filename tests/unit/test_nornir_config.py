"""A user's nornir config.yaml: inventories from its plugins, and each mistake in it named.

Inventories come from SimpleInventory files and from nornir-netbox's NetBoxInventory2
against a NetBox API on 127.0.0.1 that answers with recorded NetBox JSON.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from netval.errors import InputError
from netval.live.source import LiveSource
from tests.netbox_fake import fake_netbox, recorded_devices
from tests.verifytools import CLI

CATALOG = "checks:\n  - kind: bgp_sessions\n    expect: {state: established}\n"
HOSTS = "r1:\n  hostname: 192.0.2.1\n  platform: cumulus_vtysh\n  groups: [edge]\n"
GROUPS = "edge:\n  data: {role: edge}\n"
SIMPLE = (
    "inventory:\n"
    "  plugin: SimpleInventory\n"
    "  options:\n"
    "    host_file: inv/hosts.yaml\n"
    "    group_file: inv/groups.yaml\n"
    "logging: {enabled: false}\n"
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "hosts.yaml").write_text(HOSTS)
    (tmp_path / "inv" / "groups.yaml").write_text(GROUPS)
    (tmp_path / "catalog.yaml").write_text(CATALOG)
    return tmp_path


def _check(work: Path, config: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (work / "config.yaml").write_text(config)
    return subprocess.run(
        [*CLI, "check", "--nornir-config", "config.yaml", "-c", "catalog.yaml", *extra],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=120,
    )


BAD = [
    ("broken-yaml", "inventory:\n  plugin: [SimpleInventory\n", ["config.yaml:3", "invalid YAML"]),
    (
        "unknown-key",
        "inventry:\n  plugin: SimpleInventory\n",
        ["config.yaml:1: inventry", "'inventry'"],
    ),
    (
        "key-in-section",
        "inventory:\n  plugin: SimpleInventory\n  option: {}\n",
        ["config.yaml:3: inventory.option: unknown key"],
    ),
    (
        "unknown-inventory-plugin",
        "inventory:\n  plugin: NautobotInventory\n",
        ["config.yaml:2: inventory.plugin", "'NautobotInventory' is installed", "SimpleInventory"],
    ),
    (
        "unknown-runner",
        SIMPLE + "runner:\n  plugin: nosuch\n",
        ["config.yaml:8: runner.plugin", "no runner plugin 'nosuch'", "threaded"],
    ),
    (
        "unknown-transform",
        SIMPLE.replace("  options:", "  transform_function: add_creds\n  options:"),
        ["config.yaml:3: inventory.transform_function", "'add_creds'", "load_credentials"],
    ),
    (
        "transform-options",
        SIMPLE.replace(
            "  options:",
            "  transform_function: load_credentials\n"
            "  transform_function_options: {user: ops}\n  options:",
        ),
        ["config.yaml:3: inventory.transform_function: load_credentials failed", "'user'"],
    ),
    (
        "runner-options",
        SIMPLE + "runner:\n  plugin: threaded\n  options: {workers: 4}\n",
        ["config.yaml:7: runner: the threaded runner", "'workers'"],
    ),
    (
        "missing-host-file",
        SIMPLE.replace("inv/hosts.yaml", "nothere/hosts.yaml"),
        ["config.yaml:1: inventory", "host_file=nothere/hosts.yaml", "No such file"],
    ),
    (
        "group-not-defined",
        SIMPLE.replace("    group_file: inv/groups.yaml\n", ""),
        ["SimpleInventory plugin cannot load", "'edge' is named but not defined"],
    ),
]


@pytest.mark.parametrize(
    ("config", "words"), [(c, w) for _, c, w in BAD], ids=[i for i, _, _ in BAD]
)
def test_a_broken_config_is_an_input_error_naming_file_and_key(
    work: Path, config: str, words: list[str]
) -> None:
    proc = _check(work, config)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


def test_an_unreachable_netbox_is_an_input_error_naming_it(work: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    config = yaml.safe_dump(
        {"inventory": {"plugin": "NetBoxInventory2", "options": {"nb_url": url, "nb_token": "x"}}}
    )
    proc = _check(work, config)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"NetBoxInventory2 plugin cannot load the inventory from nb_url={url}" in proc.stderr
    assert "Connection refused" in proc.stderr


@pytest.mark.parametrize(("status", "words"), [(500, "Failed to get data"), (200, "holds no host")])
def test_a_netbox_that_fails_or_has_no_device_is_an_input_error(
    work: Path, status: int, words: str
) -> None:
    with fake_netbox([], status=status) as netbox:
        proc = _check(work, netbox.config())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert words in proc.stderr and netbox.url in proc.stderr


def test_a_wrong_netbox_token_is_named(work: Path) -> None:
    with fake_netbox(recorded_devices()) as netbox:
        proc = _check(work, netbox.config(nb_token="wrong"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"nb_url={netbox.url}" in proc.stderr


def test_nornir_config_and_inventory_folder_exclude_each_other(work: Path) -> None:
    proc = _check(work, SIMPLE, "-i", "inv")
    assert proc.returncode == 2
    assert "--inventory cannot be given with it" in proc.stderr


def test_simple_inventory_through_a_config_file_keeps_groups_and_data(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)  # nornir reads the file's relative paths from the working directory
    (work / "config.yaml").write_text(SIMPLE)
    source = LiveSource(nornir_config=work / "config.yaml")
    host = source.hosts()["r1"]
    assert host.hostname == "192.0.2.1"
    assert host["role"] == "edge"
    assert source.description == f"nornir config {work / 'config.yaml'}"


def test_netbox_inventory_from_recorded_api_json(tmp_path: Path) -> None:
    recorded = recorded_devices()
    with fake_netbox(recorded) as netbox:
        config = tmp_path / "config.yaml"
        config.write_text(netbox.config())
        hosts = LiveSource(nornir_config=config).hosts()
    assert netbox.requests and netbox.requests[0].startswith("/api/dcim/devices/")
    # NetBoxInventory2 names a device by its name, or its id when it has none
    want = {d["name"] or str(d["id"]): d["primary_ip"]["address"].split("/")[0] for d in recorded}
    assert {name: h.hostname for name, h in hosts.items()} == want


def test_workers_replaces_the_configs_num_workers_and_keeps_its_other_options(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    (work / "config.yaml").write_text(SIMPLE + "runner:\n  plugin: threaded\n  options: {x: 1}\n")
    with pytest.raises(InputError) as err:
        LiveSource(nornir_config=work / "config.yaml", workers=3)
    # the file's own option reaches the runner next to the one --workers set
    assert "{'x': 1, 'num_workers': 3}" in err.value.message
