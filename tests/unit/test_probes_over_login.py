"""Reachability probes over a device's login: IOS-XE's ping and traceroute read on real
captures from ntc-templates' test suite (expected values from the captures themselves and
from ntc-templates' expected parse), and the sending path on a real Nornir inventory."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

from netval.live import probes
from netval.live.inventory import open_nornir
from netval.live.parsers.base import ParseError
from netval.live.parsers.iosxe import IosxeParser

DATA = Path(__file__).parents[1] / "data" / "parsers" / "cisco_iosxe"
PARSER = IosxeParser()


def capture(name: str) -> str:
    return (DATA / name).read_text()


@pytest.mark.parametrize(
    ("name", "sent", "received", "rtt"),
    [
        ("ping/cisco_ios_ping.raw", 5, 5, 2.0),
        ("ping/cisco_ios_ping_fail.raw", 5, 0, None),
        ("ping/cisco_ios_ping_source_fail.raw", 4, 0, None),
    ],
)
def test_ping_totals(name: str, sent: int, received: int, rtt: float | None) -> None:
    probe = PARSER.parse_ping("r1", "192.168.0.1", capture(name))
    assert (probe.sent, probe.received, probe.rtt_avg_ms) == (sent, received, rtt)
    assert probe.loss_percent == 100.0 * (sent - received) / sent
    assert probe.error is None


def test_a_traceroute_keeps_one_address_a_hop() -> None:
    rows = YAML(typ="safe").load(capture("traceroute/cisco_ios_traceroute_1.yml"))
    first: dict[int, str] = {}
    for row in rows["parsed_sample"]:
        first.setdefault(int(row["hop_num"]), row["nh_address"])
    hops = PARSER.parse_traceroute("10.133.2.1", capture("traceroute/cisco_ios_traceroute_1.raw"))
    assert hops == [first[1], first[2]]
    assert "10.133.2.1" not in hops  # that trace never reached its destination


def test_a_traceroute_that_reaches_names_the_destination_at_its_hop() -> None:
    text = capture("traceroute/cisco_ios_traceroute_ip.raw")
    hops = PARSER.parse_traceroute("216.58.212.238", text)
    # the capture starts at TTL 10, which nobody answered; hop 13 has the destination
    # among several ECMP answers
    assert hops[:10] == [None] * 10
    assert hops[10] == "74.125.242.97" and hops[11] == "74.125.242.114"
    assert hops[-1] == "216.58.212.238" and len(hops) == 13


@pytest.mark.parametrize(
    "output",
    ["", "% Unrecognized host or address, or protocol not running.", "garbage\n", "!!!!!\n"],
)
def test_ping_without_totals_is_an_error(output: str) -> None:
    with pytest.raises(ParseError) as info:
        PARSER.parse_ping("r1", "192.0.2.9", output)
    assert "ping 192.0.2.9" in info.value.message


@pytest.mark.parametrize("output", ["", "garbage\n", "Type escape sequence to abort.\n"])
def test_traceroute_without_hops_is_an_error(output: str) -> None:
    with pytest.raises(ParseError):
        PARSER.parse_traceroute("192.0.2.9", output)


def test_commands_stop_by_themselves() -> None:
    assert PARSER.ping_command("192.0.2.9", 3) == "ping 192.0.2.9 repeat 3"
    trace = PARSER.traceroute_command("192.0.2.9")
    assert trace.startswith("traceroute 192.0.2.9 numeric") and "probe 1" in trace


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_sending_names_each_source_and_why(tmp_path: Path) -> None:
    port = _closed_port()
    hosts = {
        "xe1": {"hostname": "127.0.0.1", "port": port, "platform": "cisco_iosxe"},
        "frr1": {"hostname": "127.0.0.1", "port": port, "platform": "cumulus_vtysh"},
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    (tmp_path / "groups.yaml").write_text("{}\n")
    login = {"username": "netval", "password": "not-a-real-secret"}
    (tmp_path / "defaults.yaml").write_text(yaml.safe_dump(login))
    nr = open_nornir(tmp_path)
    got = {
        (p.source, p.destination): p
        for p in probes.send(
            nr, [("xe1", "192.0.2.9", 3), ("frr1", "192.0.2.9", 3), ("nosuch", "192.0.2.9", 3)]
        )
    }
    assert set(got) == {("xe1", "192.0.2.9"), ("frr1", "192.0.2.9"), ("nosuch", "192.0.2.9")}
    assert all(p.error and p.sent is None for p in got.values())
    refused = got[("xe1", "192.0.2.9")].error or ""
    assert "ping 192.0.2.9 repeat 3" in refused and "refused" in refused
    assert "sends no probes" in (got[("frr1", "192.0.2.9")].error or "")
    assert "not in the inventory" in (got[("nosuch", "192.0.2.9")].error or "")
