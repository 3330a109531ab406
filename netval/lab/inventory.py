"""A Nornir SimpleInventory for a running lab.

Host data and groups come from a base inventory (the example's ``inventory/``) when it
names the same devices; the hostname becomes the router's management address in this lab.
Nothing that says how to log in is copied from the base inventory, at any level (a production
inventory's username, password, port, platform or connection options must not reach a lab,
nor leak into its files): the lab logs in with its own account and key pair, and holds no
password. The groups the hosts are in come along with the groups those inherit from, so the
lab's inventory loads as the base one does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netval.errors import InputError
from netval.lab.plan import LabPlan
from netval.lab.sshd import Credentials
from netval.userfiles import load_yaml_file


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = load_yaml_file(path, "inventory file", "fix the YAML syntax")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top", hint="see Nornir's inventory")
    for name, entry in data.items():
        if entry is None:
            continue
        if not isinstance(entry, dict):
            raise InputError(f"{path}: {name!r} must be a mapping", hint="see Nornir's inventory")
        if not isinstance(entry.get("data") or {}, dict):
            raise InputError(f"{path}: {name!r}: 'data' must be a mapping", hint="fix it")
        groups = entry.get("groups") or []
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise InputError(
                f"{path}: {name!r}: 'groups' must be a list of group names", hint="fix it"
            )
    return data


# keys of a host or group that say how to log in (the platform picks the driver); the lab
# sets its own
_LOGIN_KEYS = ("hostname", "port", "username", "password", "platform", "connection_options")


def scrapli_options(key: Path) -> dict[str, Any]:
    # a lab's host keys are new at every boot: do not pin them
    return {
        "scrapli": {
            "platform": "cumulus_vtysh",
            "extras": {
                "transport": "system",
                "auth_private_key": str(key),
                "auth_strict_key": False,
                "ssh_config_file": False,
                "timeout_socket": 10,
                "timeout_ops": 30,
            },
        }
    }


def _with_parents(names: set[str], groups: dict[str, Any]) -> set[str]:
    """The groups named and every group they inherit from."""
    found: set[str] = set()
    pending = sorted(names)
    while pending:
        name = pending.pop()
        if name in found or name not in groups:
            continue
        found.add(name)
        spec = groups[name]
        pending += list(spec.get("groups") or []) if isinstance(spec, dict) else []
    return found


def write(plan: LabPlan, directory: Path, creds: Credentials, base: Path | None) -> Path:
    base_hosts = _read_yaml(base / "hosts.yaml") if base else {}
    base_groups = _read_yaml(base / "groups.yaml") if base else {}
    hosts: dict[str, Any] = {}
    for node in plan.routers:
        src = dict(base_hosts.get(node.name) or {})
        data = dict(src.get("data") or {})
        data.update({"lab_id": plan.lab_id, "namespace": node.namespace})
        entry: dict[str, Any] = {
            "hostname": node.mgmt_ip,
            # a lab router is FRR whatever the production device is
            "platform": "cumulus_vtysh",
            "groups": list(src.get("groups") or []),
            "data": data,
        }
        hosts[node.name] = entry
    used_groups = _with_parents({g for h in hosts.values() for g in h["groups"]}, base_groups)
    groups = {
        name: {k: v for k, v in spec.items() if k not in _LOGIN_KEYS}
        if isinstance(spec, dict)
        else spec
        for name, spec in base_groups.items()
        if name in used_groups
    }
    defaults = {
        "username": creds.username,
        "platform": "cumulus_vtysh",
        "connection_options": scrapli_options(creds.key),
    }
    directory.mkdir(parents=True, exist_ok=True)
    header = f"# written by `netval lab up` for lab {plan.lab_id!r}; removed by `lab down`\n"
    for name, content in (("hosts", hosts), ("groups", groups), ("defaults", defaults)):
        if not content:
            continue  # Nornir warns about an empty groups file; a missing one is fine
        path = directory / f"{name}.yaml"
        path.write_text(header + yaml.safe_dump(content, sort_keys=False))
        path.chmod(0o600)
    return directory
