"""What the Batfish engine does without a service: FRR wrapping, settings, VRRP election,
and choosing an engine."""

from __future__ import annotations

from pathlib import Path

import pytest

import netval.static as static
from netval.errors import EngineError, InputError
from netval.snapshot import ConfigFormat, detect_format, read_device
from netval.static import open_engine
from netval.static.batfish import (
    DEFAULT_NETWORK,
    DEFAULT_PORT,
    BatfishSettings,
    default_snapshot_name,
    predicted_vrrp_master,
    wrap_frr_config,
)
from tests.conftest import ROOT

BASE_LEAF1 = ROOT / "snapshots" / "base" / "configs" / "leaf1"


def _bare_frr(tmp_path: Path, text: str, name: str = "r1.conf") -> Path:
    path = tmp_path / "bare" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_wrapped_frr_reads_as_cumulus_concatenated_with_the_same_frr_text(
    tmp_path: Path,
) -> None:
    # The FRR part of a real example device, as a bare frr.conf.
    frr_text = read_device(BASE_LEAF1).frr_text
    bare = _bare_frr(tmp_path, frr_text)
    assert detect_format(bare.read_text()) is ConfigFormat.FRR
    original = read_device(bare)

    wrapped = tmp_path / "wrapped" / "r1.conf"
    wrapped.parent.mkdir()
    wrapped.write_text(wrap_frr_config(bare.read_text(), bare.name))
    device = read_device(wrapped)

    assert device.format is ConfigFormat.CUMULUS_CONCATENATED
    assert device.frr_text == original.frr_text == frr_text
    assert device.name == original.name == "leaf1"
    assert list(device.interfaces) == ["lo"]
    assert [(g.interface, g.vrid, g.priority, g.vips) for g in device.vrrp] == [
        (g.interface, g.vrid, g.priority, g.vips) for g in original.vrrp
    ]


def test_wrapped_frr_layout_is_batfish_cumulus_concatenated() -> None:
    text = wrap_frr_config("frr version 8.4.4\nhostname spine9\nrouter bgp 65009\n", "x")

    assert text.splitlines()[:6] == [
        "spine9",
        "# This file describes the network interfaces",
        "auto lo",
        "iface lo inet loopback",
        "",
        "# ports.conf --",
    ]
    assert text.splitlines()[6] == "frr version 8.4.4"
    assert text.endswith("router bgp 65009\n")


def test_wrapped_frr_without_hostname_takes_the_file_name(tmp_path: Path) -> None:
    text = "!\n! comment before the FRR part\nfrr defaults datacenter\nrouter bgp 65001\n"
    wrapped = _bare_frr(tmp_path, wrap_frr_config(text, "edge7"), "edge7")

    device = read_device(wrapped)

    assert device.name == "edge7"
    assert device.frr_text == "frr defaults datacenter\nrouter bgp 65001\n"


def test_default_snapshot_name_is_a_valid_batfish_name(tmp_path: Path) -> None:
    snap = tmp_path / "my snapshot.v2"
    (snap / "configs").mkdir(parents=True)
    (snap / "configs" / "r1").write_text("hostname r1\n")

    name = default_snapshot_name(snap)

    assert name.startswith("my_snapshot_v2-")
    assert all(c.isalnum() or c in "-_" for c in name)


def test_settings_from_environment() -> None:
    assert BatfishSettings.from_env({"BATFISH_HOST": "bf.example"}) == BatfishSettings(
        host="bf.example", port=DEFAULT_PORT, network=DEFAULT_NETWORK
    )
    settings = BatfishSettings.from_env(
        {"BATFISH_HOST": "10.0.0.5", "BATFISH_PORT": "19996", "BATFISH_NETWORK": "ci-net"}
    )
    assert (settings.address, settings.network) == ("10.0.0.5:19996", "ci-net")


def test_shared_service_settings_from_environment() -> None:
    settings = BatfishSettings.from_env(
        {
            "BATFISH_HOST": "bf.ci",
            "BATFISH_SSL": "yes",
            "BATFISH_VERIFY_CERTS": "0",
            "BATFISH_API_KEY": "s3cret",
            "BATFISH_TIMEOUT": "12.5",
            "BATFISH_QUESTION_TIMEOUT": "0",
            "BATFISH_KEEP_SNAPSHOTS": "true",
        }
    )
    assert (settings.ssl, settings.verify_certs, settings.api_key) == (True, False, "s3cret")
    assert (settings.timeout, settings.question_timeout) == (12.5, None)
    assert settings.keep_snapshots is True
    assert "s3cret" not in repr(settings)
    defaults = BatfishSettings.from_env({"BATFISH_HOST": "bf.ci"})
    assert (defaults.ssl, defaults.verify_certs, defaults.api_key) == (False, True, None)
    assert (defaults.timeout, defaults.question_timeout) == (30.0, 900.0)
    assert defaults.keep_snapshots is False


def test_command_line_settings_win_over_the_environment() -> None:
    env = {"BATFISH_HOST": "env-host", "BATFISH_SSL": "1", "BATFISH_TIMEOUT": "5"}
    settings = BatfishSettings.from_env(
        env, {"host": "cli-host", "ssl": False, "timeout": 60.0, "port": None}
    )
    assert (settings.host, settings.ssl, settings.timeout, settings.port) == (
        "cli-host",
        False,
        60.0,
        DEFAULT_PORT,
    )
    with pytest.raises(InputError, match="--batfish-timeout='-1'"):
        BatfishSettings.from_env(env, {"timeout": -1})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BATFISH_HOST": "h", "BATFISH_SSL": "maybe"}, "BATFISH_SSL='maybe' is not a yes/no"),
        ({"BATFISH_HOST": "h", "BATFISH_TIMEOUT": "soon"}, "BATFISH_TIMEOUT='soon'"),
        ({"BATFISH_HOST": "h", "BATFISH_QUESTION_TIMEOUT": "-3"}, "BATFISH_QUESTION_TIMEOUT"),
        ({"BATFISH_HOST": "h", "BATFISH_TIMEOUT": "nan"}, "BATFISH_TIMEOUT='nan'"),
        ({}, "BATFISH_HOST is not set"),
        ({"BATFISH_HOST": "  "}, "BATFISH_HOST is not set"),
        ({"BATFISH_HOST": "h", "BATFISH_PORT": "http"}, "BATFISH_PORT='http'"),
        ({"BATFISH_HOST": "h", "BATFISH_PORT": "70000"}, "BATFISH_PORT='70000'"),
        ({"BATFISH_HOST": "h", "BATFISH_NETWORK": "a/b"}, "BATFISH_NETWORK='a/b'"),
    ],
)
def test_bad_settings_are_input_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        BatfishSettings.from_env(env)


@pytest.mark.parametrize(
    ("candidates", "master"),
    [
        ({"leaf1": (200, "10.0.100.2/24"), "leaf2": (100, "10.0.100.3/24")}, "leaf1"),
        ({"leaf1": (100, "10.0.100.2/24"), "leaf2": (200, "10.0.100.3/24")}, "leaf2"),
        # equal priority: the higher primary address wins
        ({"leaf1": (150, "10.0.100.2/24"), "leaf2": (150, "10.0.100.3/24")}, "leaf2"),
        ({"a": (150, "10.0.100.20"), "b": (150, "10.0.100.3")}, "a"),
        # an unset priority is VRRP's default 100
        ({"leaf1": (None, "10.0.100.9"), "leaf2": (101, "10.0.100.3")}, "leaf2"),
        ({"leaf1": (None, "10.0.100.9"), "leaf2": (100, "10.0.100.3")}, "leaf1"),
    ],
)
def test_predicted_vrrp_master(
    candidates: dict[str, tuple[int | None, str | None]], master: str
) -> None:
    assert predicted_vrrp_master(candidates) == master


def test_open_engine_batfish_needs_batfish_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATFISH_HOST", raising=False)

    with pytest.raises(InputError) as excinfo:
        open_engine(ROOT / "snapshots" / "base", "batfish")

    assert "BATFISH_HOST" in str(excinfo.value)
    assert "batfish/allinone" in str(excinfo.value)


@pytest.mark.parametrize("kind", ["auto", "builtin"])
def test_open_engine_without_any_engine(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATFISH_HOST", raising=False)
    monkeypatch.setattr(static, "_BUILTIN_MODULE", "netval.static._engine_not_installed")

    with pytest.raises(EngineError, match="no static engine is available: set BATFISH_HOST"):
        open_engine(ROOT / "snapshots" / "base", kind)


def test_open_engine_unknown_kind() -> None:
    with pytest.raises(InputError, match="unknown engine 'jvm'"):
        open_engine(ROOT / "snapshots" / "base", "jvm")
