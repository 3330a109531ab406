"""Open a Nornir inventory (a folder, or a running lab's) and select devices in it."""

from __future__ import annotations

import os
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from netval.errors import InputError
from netval.userfiles import load_yaml_file

DEFAULT_INVENTORY = Path("inventory")
#: parallel device sessions when neither --workers nor the nornir config says
DEFAULT_WORKERS = 32


def _check_yaml(path: Path) -> None:
    data = load_yaml_file(path, "inventory file", "fix the YAML syntax")
    if data is not None and not isinstance(data, dict):
        raise InputError(
            f"{path}: a Nornir inventory file is a mapping of names to settings",
            hint="see https://nornir.readthedocs.io (SimpleInventory)",
        )
    if path.name == "hosts.yaml":
        for name, host in (data or {}).items():
            if host is not None and not isinstance(host, dict):
                raise InputError(f"{path}: host {name!r} must be a mapping", hint="fix it")
            for key in host or {}:
                if key not in {
                    "hostname",
                    "port",
                    "username",
                    "password",
                    "platform",
                    "groups",
                    "data",
                    "connection_options",
                }:
                    raise InputError(
                        f"{path}: host {name!r} has unknown key {key!r}",
                        hint="put custom values under 'data:'",
                    )


def open_nornir(
    inventory: Path | None = None,
    lab: str | None = None,
    workers: int | None = None,
    nornir_config: Path | None = None,
) -> Any:
    """The Nornir a run collects with: a SimpleInventory folder, a running lab's inventory,
    or the user's own nornir ``config.yaml`` (any inventory, transform and runner plugin).

    NETVAL_USERNAME/NETVAL_PASSWORD, when set, override the credentials of every host,
    whatever level of the inventory set them; a lab's inventory keeps its own account and
    key, always. ``workers`` (default 32, or the nornir config's ``num_workers``) is how
    many devices are collected from at once.
    """
    if nornir_config is not None:
        if lab is not None or inventory is not None:
            raise InputError(
                f"--nornir-config {nornir_config} names the inventory already; "
                f"--{'lab' if lab is not None else 'inventory'} cannot be given with it",
                hint="pass one of --nornir-config, --inventory or --lab",
            )
        from netval.live.nornir_config import init_nornir

        nr = init_nornir(nornir_config, workers)
        apply_env_credentials(nr)
        return nr
    if lab is not None:
        from netval.lab import manager, record

        manager.require(lab)
        return _simple_nornir(record.inventory_dir(lab), workers or DEFAULT_WORKERS)
    nr = _simple_nornir(inventory or DEFAULT_INVENTORY, workers or DEFAULT_WORKERS)
    apply_env_credentials(nr)
    return nr


def _simple_nornir(folder: Path, workers: int) -> Any:
    """A Nornir on a SimpleInventory folder.

    Built as InitNornir builds it, but without loading every installed connection plugin:
    that imports NAPALM and all its drivers (half a second) on every run. ``collect``
    registers the plugins its hosts use, just before it connects.
    """
    from nornir.core import Nornir
    from nornir.core.configuration import Config
    from nornir.core.state import GlobalState
    from nornir.plugins.inventory.simple import SimpleInventory
    from nornir.plugins.runners import ThreadedRunner

    hosts = folder / "hosts.yaml"
    if not hosts.is_file():
        raise InputError(
            f"no Nornir inventory at {folder} (missing {hosts})",
            hint="pass -i INVENTORY_DIR (hosts.yaml, groups.yaml, defaults.yaml), "
            "--nornir-config config.yaml, or --lab ID for a running lab",
        )
    for name in ("hosts.yaml", "groups.yaml", "defaults.yaml"):
        if (folder / name).is_file():
            _check_yaml(folder / name)
    options = {"host_file": str(hosts)}
    for key, name in (("group_file", "groups.yaml"), ("defaults_file", "defaults.yaml")):
        if (folder / name).is_file():
            options[key] = str(folder / name)
    try:
        config = Config.from_dict(
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
            inventory={"plugin": "SimpleInventory", "options": options},
            logging={"enabled": False},
        )
        config.logging.configure()
        return Nornir(
            inventory=SimpleInventory(**options).load(),
            runner=ThreadedRunner(num_workers=workers),
            config=config,
            data=GlobalState(dry_run=False),
        )
    except Exception as exc:  # nornir raises plain KeyError/ValueError on bad inventories
        raise InputError(
            f"the inventory in {folder} cannot be loaded: {type(exc).__name__}: {exc}",
            hint="check that every group a host names exists in groups.yaml",
        ) from exc


def apply_env_credentials(nr: Any) -> None:
    """NETVAL_USERNAME/NETVAL_PASSWORD win over every level of the inventory.

    Nornir resolves a host's username from the host, then its groups, then the defaults,
    and a connection's own options come before all of them: the value from the environment
    is set on each of those places that holds one, and on every host.
    """
    env = {
        "username": os.environ.get("NETVAL_USERNAME"),
        "password": os.environ.get("NETVAL_PASSWORD"),
    }
    env = {k: v for k, v in env.items() if v}
    if not env:
        return
    inv = nr.inventory
    levels = [inv.defaults, *inv.groups.values(), *inv.hosts.values()]
    for level in levels:
        for key, value in env.items():
            setattr(level, key, value)
        for options in (level.connection_options or {}).values():
            for key, value in env.items():
                if getattr(options, key, None) is not None:
                    setattr(options, key, value)


def _matches(host: Any, key: str, want: Any) -> bool:
    wants = want if isinstance(want, list) else [want]
    if key in ("group", "groups"):
        names = {g.name for g in host.extended_groups()}
        return all(w in names for w in wants)
    if key == "name":
        return any(fnmatch(host.name, str(w)) for w in wants)
    if key == "platform":
        return host.platform in wants
    try:
        value = host[key]
    except KeyError:
        return False
    return any(_same(value, w) for w in wants)


def _same(value: Any, want: Any) -> bool:
    """Host data equals a wanted value; `--limit asn=65000` gives the text "65000", which
    means the number 65000 (or true/false) that YAML made of the host's data."""
    if value == want:
        return True
    if isinstance(want, str) and isinstance(value, bool | int | float):
        return str(value).lower() == want.strip().lower()
    return False


def select(
    hosts: dict[str, Any], selector: list[str] | dict[str, Any] | None, where: str
) -> list[str]:
    """Device names a catalog entry selects; unknown names are input errors naming ``where``."""
    if selector is None:
        return sorted(hosts)
    if isinstance(selector, list):
        unknown = [n for n in selector if n not in hosts]
        if unknown:
            raise InputError(
                f"{where}: unknown device(s) {', '.join(map(repr, unknown))} "
                f"(the inventory has: {', '.join(sorted(hosts))})",
                hint="fix the device names in the catalog or the inventory",
            )
        return list(selector)
    return sorted(
        name
        for name, host in hosts.items()
        if all(_matches(host, key, want) for key, want in selector.items())
    )


def parse_limit(limit: str | None) -> list[str] | dict[str, Any] | None:
    """--limit leaf1,leaf2 (names, globs allowed) or --limit role=leaf."""
    if not limit:
        return None
    if "=" in limit:
        out: dict[str, Any] = {}
        for part in limit.split(","):
            key, _, value = part.partition("=")
            if not key or not value:
                raise InputError(
                    f"--limit {limit!r}: write key=value[,key=value]", hint="e.g. --limit role=leaf"
                )
            out[key.strip()] = value.strip()
        return out
    return {"name": [p.strip() for p in limit.split(",") if p.strip()]}
