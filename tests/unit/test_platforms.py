"""Platform names as NAPALM, netmiko, scrapli, netutils or NetBox write them reach the
collector netval uses; an unknown one is an input error naming host and value."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netval.live.parsers.registry import get_parser
from netval.live.platforms import napalm_driver
from tests.netbox_fake import fake_netbox, recorded_devices
from tests.verifytools import CLI

# (as an inventory writes it, scrapli's name that netval's parser and Scrapli use)
SCRAPLI = [
    ("eos", "arista_eos"),  # NAPALM
    ("arista_eos", "arista_eos"),  # scrapli, netmiko, netutils
    ("Arista EOS", "arista_eos"),  # a NetBox platform name
    ("cisco_ios", "cisco_iosxe"),  # netmiko
    ("ios", "cisco_iosxe"),  # NAPALM
    ("cisco_xe", "cisco_iosxe"),  # netmiko
    ("cisco_iosxe", "cisco_iosxe"),
    ("nxos", "cisco_nxos"),  # NAPALM
    ("nxos_ssh", "cisco_nxos"),  # NAPALM
    ("cisco-nxos", "cisco_nxos"),  # a NetBox slug
    ("junos", "juniper_junos"),  # NAPALM
    ("juniper_junos", "juniper_junos"),
    ("iosxr", "cisco_iosxr"),  # NAPALM
    ("cisco_xr", "cisco_iosxr"),  # netmiko, netutils
    ("cumulus_vtysh", "cumulus_vtysh"),  # scrapli-community, FRR
]


@pytest.mark.parametrize(("written", "scrapli"), SCRAPLI)
def test_platform_names_reach_the_parser_for_the_platform(written: str, scrapli: str) -> None:
    assert get_parser(written).platform == scrapli


NAPALM = [
    ("arista_eos", "eos"),
    ("eos", "eos"),
    ("cisco_ios", "ios"),
    ("Cisco NXOS", "nxos"),
    ("nxos_ssh", "nxos_ssh"),
    ("junos", "junos"),
    ("juniper_junos", "junos"),
    ("cisco_xr", "iosxr"),
]


@pytest.mark.parametrize(("written", "driver"), NAPALM)
def test_napalm_hosts_get_the_napalm_driver(written: str, driver: str) -> None:
    assert napalm_driver(written) == driver


def _check(tmp_path: Path, hosts: str, command: str = "check") -> subprocess.CompletedProcess[str]:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "hosts.yaml").write_text(hosts)
    (tmp_path / "catalog.yaml").write_text("checks:\n  - kind: bgp_sessions\n")
    then = ["-c", "catalog.yaml"] if command == "check" else ["-o", "state.json"]
    return subprocess.run(
        [*CLI, command, "-i", "inv", *then],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("napalm", "words", "command"),
    [
        (False, "no parser for platform 'procurve_x'", "check"),
        (False, "no parser for platform 'procurve_x'", "capture"),
        (True, "'procurve_x' names no NAPALM driver", "check"),
    ],
)
def test_an_unknown_platform_names_host_and_value(
    tmp_path: Path, napalm: bool, words: str, command: str
) -> None:
    data = "  data: {collector: napalm}\n" if napalm else ""
    hosts = f"r1:\n  hostname: 192.0.2.1\n  platform: procurve_x\n{data}"
    proc = _check(tmp_path, hosts, command)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "host 'r1'" in proc.stderr and words in proc.stderr


def test_netbox_platforms_resolve_and_a_device_without_one_is_named(tmp_path: Path) -> None:
    """The recorded NetBox devices say `junos` and `ios` (they resolve) and one has none."""
    devices = recorded_devices()
    assert [d["platform"] and d["platform"]["name"] for d in devices] == [
        "junos", None, "ios", "junos",
    ]  # fmt: skip
    (tmp_path / "catalog.yaml").write_text("checks:\n  - kind: bgp_sessions\n")
    with fake_netbox(devices) as netbox:
        (tmp_path / "config.yaml").write_text(netbox.config())
        proc = subprocess.run(
            [*CLI, "check", "--nornir-config", "config.yaml", "-c", "catalog.yaml"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    # hosts are checked in name order: 1-Core (junos) passed before 2-Distribution
    assert "host '2-Distribution': has no platform" in proc.stderr
