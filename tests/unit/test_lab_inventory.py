"""The inventory `lab up` writes: the lab's own account and key, nothing of how the base
inventory logs in to production devices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netval.lab import inventory
from netval.lab.plan import build_plan
from netval.lab.sshd import Credentials
from netval.snapshot import load_snapshot
from tests.conftest import DATA

MINI = DATA / "snapshots" / "mini"
PROD = {"username": "prod-admin", "password": "Pr0d-Secret", "port": 2200}
PROD_OPTIONS = {"scrapli": {"extras": {"auth_private_key": "/home/ops/.ssh/prod_key"}}}


def _values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [k for k in data] + [v for x in data.values() for v in _values(x)]
    if isinstance(data, list):
        return [v for x in data for v in _values(x)]
    return [data]


def test_lab_inventory_holds_no_password_and_no_production_login(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "hosts.yaml").write_text(
        yaml.safe_dump(
            {
                "r1": {"hostname": "r1.prod", "groups": ["edge"], **PROD, "data": {"asn": 1}},
                "r2": {"groups": ["edge"]},
            }
        )
    )
    (base / "groups.yaml").write_text(
        yaml.safe_dump(
            {
                "edge": {**PROD, "connection_options": PROD_OPTIONS, "data": {"role": "edge"}},
                "unused": {"data": {}},
            }
        )
    )
    (base / "defaults.yaml").write_text(yaml.safe_dump({**PROD}))
    plan = build_plan(load_snapshot(MINI), "t1", slot=0)
    key = tmp_path / "ssh" / "id_ed25519"
    out = inventory.write(plan, tmp_path / "inv", Credentials("nv-t1", key), base)
    files = {p.name: yaml.safe_load(p.read_text()) for p in out.glob("*.yaml")}
    everything = _values(files)
    for secret in ("Pr0d-Secret", "prod-admin", 2200, "r1.prod", "/home/ops/.ssh/prod_key"):
        assert secret not in everything, secret
    assert "password" not in everything
    assert files["groups.yaml"] == {"edge": {"data": {"role": "edge"}}}
    assert files["hosts.yaml"]["r1"]["data"]["asn"] == 1
    defaults = files["defaults.yaml"]
    assert defaults["username"] == "nv-t1"
    assert defaults["connection_options"]["scrapli"]["extras"]["auth_private_key"] == str(key)
    for path in out.glob("*.yaml"):
        assert path.stat().st_mode & 0o077 == 0


def test_inherited_groups_come_along_without_their_login(tmp_path: Path) -> None:
    """A group's parent group holds the production login: the lab's inventory keeps the
    parent (it must load in Nornir) and none of its login; a production platform does not
    reach the lab's FRR routers either."""
    from netval.live.inventory import open_nornir

    base = tmp_path / "base"
    base.mkdir()
    (base / "hosts.yaml").write_text(
        yaml.safe_dump({"r1": {"groups": ["edge"], "platform": "eos"}, "r2": {"groups": ["edge"]}})
    )
    (base / "groups.yaml").write_text(
        yaml.safe_dump(
            {
                "edge": {"groups": ["prod"], "data": {"role": "edge"}},
                "prod": {**PROD, "platform": "eos", "data": {"site": "ams1"}},
            }
        )
    )
    plan = build_plan(load_snapshot(MINI), "t1", slot=0)
    out = inventory.write(plan, tmp_path / "inv", Credentials("nv-t1", tmp_path / "key"), base)
    everything = _values([yaml.safe_load(p.read_text()) for p in out.glob("*.yaml")])
    for secret in ("Pr0d-Secret", "prod-admin", 2200, "eos"):
        assert secret not in everything, secret
    nr = open_nornir(out)
    for name in ("r1", "r2"):
        host = nr.inventory.hosts[name]
        assert (host["role"], host["site"]) == ("edge", "ams1")
        params = host.get_connection_parameters("scrapli")
        assert (params.username, params.password, params.port) == ("nv-t1", None, None)
        assert params.platform == "cumulus_vtysh"
