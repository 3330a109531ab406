"""NETVAL_USERNAME / NETVAL_PASSWORD win over every level of an inventory: host, group,
parent group, defaults, and a connection's own options, for SimpleInventory folders and
nornir configs alike. Without them, the inventory's own precedence holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netval.live.inventory import open_nornir

WRONG = {"username": "wrong-user", "password": "wrong-pass"}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    hosts = {
        "on-host": {"hostname": "192.0.2.1", **WRONG, "groups": ["leaf"]},
        "on-group": {"hostname": "192.0.2.2", "groups": ["leaf"]},
        "on-parent": {"hostname": "192.0.2.3", "groups": ["plain"]},
        "on-defaults": {"hostname": "192.0.2.4"},
        "on-connection": {
            "hostname": "192.0.2.5",
            "connection_options": {"scrapli": {"username": "conn-user", "password": "conn-pass"}},
        },
    }
    groups = {
        "leaf": {"username": "group-user", "password": "group-pass"},
        "plain": {"groups": ["prod"]},
        "prod": {"username": "parent-user", "password": "parent-pass"},
    }
    defaults = {
        "username": "default-user",
        "password": "default-pass",
        "platform": "cumulus_vtysh",
    }
    for name, content in (("hosts", hosts), ("groups", groups), ("defaults", defaults)):
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(content))
    return tmp_path


def _logins(nr: object) -> dict[str, tuple[str, str]]:
    out = {}
    for name, host in nr.inventory.hosts.items():  # type: ignore[attr-defined]
        params = host.get_connection_parameters("scrapli")
        out[name] = (params.username, params.password)
    return out


def test_without_the_environment_the_inventory_decides(
    inv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETVAL_USERNAME", raising=False)
    monkeypatch.delenv("NETVAL_PASSWORD", raising=False)
    assert _logins(open_nornir(inv)) == {
        "on-host": ("wrong-user", "wrong-pass"),
        "on-group": ("group-user", "group-pass"),
        "on-parent": ("parent-user", "parent-pass"),
        "on-defaults": ("default-user", "default-pass"),
        "on-connection": ("conn-user", "conn-pass"),
    }


@pytest.mark.parametrize("through", ["folder", "nornir-config"])
def test_the_environment_overrides_every_level(
    inv: Path, monkeypatch: pytest.MonkeyPatch, through: str
) -> None:
    monkeypatch.setenv("NETVAL_USERNAME", "ops")
    monkeypatch.setenv("NETVAL_PASSWORD", "from-env")
    if through == "folder":
        nr = open_nornir(inv)
    else:
        config = inv / "config.yaml"
        options = {f"{n}_file": str(inv / f"{n}s.yaml") for n in ("host", "group")}
        options["defaults_file"] = str(inv / "defaults.yaml")
        config.write_text(
            yaml.safe_dump(
                {
                    "inventory": {"plugin": "SimpleInventory", "options": options},
                    "logging": {"enabled": False},
                }
            )
        )
        nr = open_nornir(nornir_config=config)
    assert set(_logins(nr).values()) == {("ops", "from-env")}


def test_only_the_variable_set_overrides(inv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETVAL_USERNAME", raising=False)
    monkeypatch.setenv("NETVAL_PASSWORD", "from-env")
    logins = _logins(open_nornir(inv))
    assert logins["on-group"] == ("group-user", "from-env")
    assert logins["on-connection"] == ("conn-user", "from-env")
