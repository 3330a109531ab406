"""Shared normalizers (uptime, ASN, protocol, BGP state) and the platform registry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netval.errors import InputError
from netval.live.parsers import registry
from netval.live.parsers.base import ParseError
from netval.live.parsers.common import (
    bgp_state,
    check_output,
    parse_asn,
    parse_uptime,
    snippet,
)
from netval.protocols import normalize_protocol
from netval.state import BgpState


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("1d02h", 26 * 3600),
        ("00:05:12", 312),
        ("5w2d", 37 * 86400),
        ("3w0d", 21 * 86400),
        ("1y10w", (365 + 70) * 86400),
        ("12d03h07m", 12 * 86400 + 3 * 3600 + 7 * 60),
        ("1w2d 3:04:05", 9 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("2:44", 164),  # Junos elapsed-time, minutes:seconds
        ("P15DT16H28M27S", 15 * 86400 + 16 * 3600 + 28 * 60 + 27),  # NX-OS JSON
        ("PT17H3M49S", 17 * 3600 + 3 * 60 + 49),
        ("P1M17DT4H49M50S", 47 * 86400 + 4 * 3600 + 49 * 60 + 50),
        ("164", 164),
        (164, 164),
        (12.5, 12.5),
    ],
)
def test_uptime_spellings(raw: object, seconds: float) -> None:
    assert parse_uptime(raw) == seconds


@pytest.mark.parametrize("raw", [None, "", "never", "-", "n/a", "soon", "1x", -5, True])
def test_unknown_uptime_is_none(raw: object) -> None:
    assert parse_uptime(raw) is None


@given(st.text())
def test_uptime_never_raises(text: str) -> None:
    result = parse_uptime(text)
    assert result is None or result >= 0


def test_asn_plain_and_asdot() -> None:
    assert parse_asn("65001") == 65001
    assert parse_asn(65001) == 65001
    assert parse_asn("65001.1026") == 65001 * 65536 + 1026
    assert parse_asn("8.1201") == 8 * 65536 + 1201
    assert parse_asn("x") is None
    assert parse_asn(None) is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("eBGP", "bgp"),
        ("iBGP", "bgp"),
        ("bgp-65001", "bgp"),
        ("bgpAggregate", "aggregate"),
        ("connected", "connected"),
        ("Direct", "connected"),
        ("direct", "connected"),
        ("Local", "local"),
        ("Static", "static"),
        ("ospfIntraArea", "ospf"),
        ("ospf-UNDERLAY", "ospf"),
        ("OSPF3", "ospf"),
        ("IS-IS", "isis"),
        ("isisLevel2", "isis"),
        ("LDP", "ldp"),
        ("hsrp", "hsrp"),
    ],
)
def test_protocol_names(raw: str, name: str) -> None:
    assert normalize_protocol(raw) == name


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("Established", BgpState.ESTABLISHED),
        ("Idle (Admin)", BgpState.ADMIN_DOWN),
        ("Shut (Admin)", BgpState.ADMIN_DOWN),
        ("Idle", BgpState.IDLE),
        ("Idle!", BgpState.IDLE),
        ("Active", BgpState.ACTIVE),
        ("OpenConfirm", BgpState.OPENCONFIRM),
        ("gibberish", BgpState.UNKNOWN),
    ],
)
def test_bgp_states(raw: str, state: BgpState) -> None:
    assert bgp_state(raw) is state


@pytest.mark.parametrize(
    "banner",
    [
        "% Invalid input detected at '^' marker.",
        "% Invalid command at '^' marker.",
        "% Incomplete command.",
        "error: syntax error, expecting <command>: foo",
        "unknown command.",
    ],
)
def test_error_banners_are_parse_errors(banner: str) -> None:
    with pytest.raises(ParseError, match="show foo"):
        check_output("show foo", f"\n{banner}\n")


def test_snippet_is_short_and_first() -> None:
    text = "x" * 500
    assert len(snippet(text)) < 100
    assert snippet("  abc  ") == "'abc'"


def test_registry_has_every_platform() -> None:
    platforms = registry.supported_platforms()
    for platform in ("arista_eos", "cisco_nxos", "juniper_junos", "cisco_iosxe", "cisco_iosxr"):
        assert platform in platforms
        parser = registry.get_parser(platform)
        assert parser.platform == platform
        assert parser.commands


def test_unknown_platform_names_it_and_lists_supported() -> None:
    with pytest.raises(InputError) as info:
        registry.get_parser("hp_procurve")
    message = str(info.value)
    assert "hp_procurve" in message
    assert "arista_eos" in message and "cisco_iosxr" in message


def test_frr_slot_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    # A registry whose optional module does not exist (yet) still works.
    monkeypatch.setattr(registry, "OPTIONAL", {"cumulus_vtysh": "netval.live.parsers.not_written"})
    monkeypatch.setattr(
        registry,
        "PARSERS",
        {k: v for k, v in registry.PARSERS.items() if k != "cumulus_vtysh"},
    )
    assert "cumulus_vtysh" not in registry.supported_platforms()
    with pytest.raises(InputError, match="cumulus_vtysh"):
        registry.get_parser("cumulus_vtysh")
    assert registry.get_parser("arista_eos").platform == "arista_eos"


def test_frr_slot_loads_frr_parser_when_present() -> None:
    parser = registry.get_parser("cumulus_vtysh")
    assert parser.platform == "cumulus_vtysh"
