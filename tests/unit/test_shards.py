"""--shard: the device-aware split (every item in one shard, a VRRP group's routers, an
anycast check's devices and a network-wide item kept together, the same split for the same
items), and `netval merge`'s refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import TypeAdapter

from netval.catalog import CatalogEntry, CatalogModel
from netval.errors import InputError
from netval.partition import assign, groups, parse_shard
from netval.runner import Target, plan

DEVICES = [f"leaf{i}" for i in range(1, 9)] + ["spine1", "spine2", "border1"]
CATALOG: list[dict[str, Any]] = [
    {"kind": "bgp_sessions"},
    {"kind": "interfaces", "devices": ["spine1", "spine2"]},
    {"kind": "vrrp", "interface": "eth3", "vrid": 10, "master": "leaf1", "backups": ["leaf2"]},
    {"kind": "vrrp", "interface": "eth3", "vrid": 20, "master": "leaf5", "backups": ["leaf6"]},
    {
        "kind": "anycast",
        "prefix": "10.9.0.0/24",
        "devices": ["leaf3", "border1"],
        "origin_devices": ["leaf3", "border1"],
    },
    {"kind": "reachability", "from": "leaf7", "to": "10.0.0.1"},
    {"kind": "parse"},
]


def _targets(raw: list[dict[str, Any]] = CATALOG, devices: list[str] = DEVICES) -> list[Target]:
    model = TypeAdapter(CatalogModel).validate_python({"checks": raw})
    entries = [
        CatalogEntry(spec=s, file=Path("c.yaml"), line=i + 2, index=i)
        for i, s in enumerate(model.checks)
    ]
    return plan(entries, {n: SimpleNamespace(data={}) for n in devices}, "live")


def _by_id(targets: list[Target], shards: dict[str, int]) -> dict[str, int]:
    return {t.item_id: shards[t.key] for t in targets}


@pytest.mark.parametrize("count", [1, 2, 3, 5, 40])
def test_every_item_lands_in_exactly_one_shard(count: int) -> None:
    targets = _targets()
    shards = assign(targets, "live", count)
    assert sorted(shards) == sorted(t.key for t in targets)
    assert set(shards.values()) <= set(range(1, count + 1))


def test_items_that_share_devices_share_a_shard() -> None:
    targets = _targets()
    for count in (2, 3, 4, 7):
        where = _by_id(targets, assign(targets, "live", count))
        # a VRRP group with both routers' own items
        assert (
            where["vrrp[eth3/10]"] == where["bgp_sessions[leaf1]"] == where["bgp_sessions[leaf2]"]
        )
        assert (
            where["vrrp[eth3/20]"] == where["bgp_sessions[leaf5]"] == where["bgp_sessions[leaf6]"]
        )
        anycast = next(i for i in where if i.startswith("anycast"))
        assert where[anycast] == where["bgp_sessions[leaf3]"] == where["bgp_sessions[border1]"]
        assert where["interfaces[spine1]"] == where["bgp_sessions[spine1]"]


def test_work_is_spread_over_the_shards() -> None:
    targets = _targets()
    where = assign(targets, "live", 3)
    per_shard = {
        i: {
            d for t in targets if where[t.key] == i and t.spec.scope != "network" for d in t.devices
        }
        for i in (1, 2, 3)
    }
    # 11 devices in parts of 2, 2, 2 and five single ones: no shard is left with nothing
    assert all(per_shard.values())
    assert max(len(d) for d in per_shard.values()) <= 5


def test_a_network_item_without_device_data_is_one_item_in_one_shard() -> None:
    targets = _targets()
    reach = next(t for t in targets if t.spec.kind == "reachability")
    parts = groups(targets, "live")
    assert [k for k, p in parts.items() if p == parts[reach.key]] == [reach.key]


def test_the_split_is_stable() -> None:
    first = _by_id(_targets(), assign(_targets(), "live", 3))
    # the same items in another order split the same way
    shuffled = list(reversed(CATALOG))
    again = _by_id(
        _targets(shuffled, list(reversed(DEVICES))),
        assign(_targets(shuffled, list(reversed(DEVICES))), "live", 3),
    )
    assert first == again
    assert first == _by_id(_targets(), assign(_targets(), "live", 3))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0/2", "out of range"),
        ("3/2", "out of range"),
        ("1/0", "out of range"),
        ("2", "not INDEX/COUNT"),
        ("a/b", "not INDEX/COUNT"),
    ],
)
def test_bad_shards_are_refused(text: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        parse_shard(text)


def test_a_shard_out_of_range_is_exit_2_before_any_device(tmp_path: Path) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text("checks:\n  - kind: bgp_sessions\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "netval.cli",
            "check",
            "-c",
            str(catalog),
            "-i",
            str(tmp_path / "nowhere"),
            "--shard",
            "3/2",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "--shard 3/2: index 3 is out of range 1..2" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- netval merge ------------------------------------------------------------------------


def _shard_report(
    index: int,
    count: int,
    uids: list[str],
    status: str = "pass",
    shard: dict[str, Any] | None = None,
) -> dict[str, Any]:
    info = {
        "index": index,
        "count": count,
        "items": 4,
        "items_digest": "i" * 64,
        "catalog_digest": "c" * 64,
        "run_id": "77",
    } | (shard or {})
    return {
        "schema_version": 1,
        "netval": "0.1.0",
        "gate": "check",
        "mode": "live",
        "source": "lab x",
        "engine": None,
        "snapshot": None,
        "base": None,
        "inventory": None,
        "lab": "x",
        "limit": None,
        "baseline": None,
        "catalogs": ["c.yaml"],
        "started": f"2026-01-01T00:00:0{index}.000+00:00",
        "finished": f"2026-01-01T00:00:1{index}.000+00:00",
        "duration": 10.0 + index,
        "collect_seconds": 1.0,
        "interrupted": False,
        "signal": None,
        "exitstatus": 0,
        "shard": info,
        "summary": {
            "pass": len(uids),
            "fail": 0,
            "error": 0,
            "skip": 0,
            "total": len(uids),
            "planned": len(uids),
        },
        "results": [{"uid": u, "id": u, "status": status} for u in uids],
    }


def _merge(tmp_path: Path, *docs: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    paths = []
    for n, doc in enumerate(docs):
        paths.append(tmp_path / f"s{n}.json")
        paths[-1].write_text(json.dumps(doc))
    return subprocess.run(
        [sys.executable, "-m", "netval.cli", "merge", str(tmp_path / "out"), *map(str, paths)],
        capture_output=True,
        text=True,
    )


def test_merge_joins_every_shard(tmp_path: Path) -> None:
    proc = _merge(
        tmp_path, _shard_report(2, 2, ["c::a", "c::b"]), _shard_report(1, 2, ["c::c", "c::d"])
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [r["uid"] for r in doc["results"]] == ["c::c", "c::d", "c::a", "c::b"]
    assert doc["summary"]["total"] == doc["summary"]["planned"] == 4
    assert doc["shard"]["index"] is None and doc["started"].endswith("01.000+00:00")


def test_merge_fails_when_a_shard_failed(tmp_path: Path) -> None:
    proc = _merge(
        tmp_path,
        _shard_report(1, 2, ["c::a", "c::b"]),
        _shard_report(2, 2, ["c::c", "c::d"], status="fail"),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"catalog_digest": "d" * 64}, "different catalogs"),
        ({"items_digest": "j" * 64}, "different items planned"),
        ({"run_id": "78"}, "different runs"),
        ({"count": 3}, "different shard counts"),
        ({"index": 1}, "both shard 1/2"),
    ],
)
def test_merge_refuses_shards_of_another_run(
    tmp_path: Path, second: dict[str, Any], why: str
) -> None:
    proc = _merge(
        tmp_path,
        _shard_report(1, 2, ["c::a", "c::b"]),
        _shard_report(2, 2, ["c::c", "c::d"], shard=second),
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert why in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_merge_refuses_a_missing_shard_and_an_unsharded_report(tmp_path: Path) -> None:
    proc = _merge(tmp_path, _shard_report(1, 3, ["c::a"]), _shard_report(3, 3, ["c::c"]))
    assert proc.returncode == 2 and "shard 2 of 3 is missing" in proc.stderr
    plain = _shard_report(1, 1, ["c::a"])
    plain["shard"] = None
    proc = _merge(tmp_path, plain)
    assert proc.returncode == 2 and "not the report of a shard" in proc.stderr


def test_verify_shards_merge_into_the_unsharded_run(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    def verify(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "netval.cli",
                "verify",
                "snapshots/candidate-bad",
                "--base",
                "snapshots/base",
                "-c",
                "checks/pre-change.yaml",
                "--engine",
                "builtin",
                *extra,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )

    whole = verify("--json", str(tmp_path / "whole.json"))
    assert whole.returncode == 1, whole.stdout + whole.stderr
    for i in (1, 2):
        proc = verify("--shard", f"{i}/2", "--json", str(tmp_path / f"s{i}.json"))
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "netval.cli",
            "merge",
            str(tmp_path / "m"),
            str(tmp_path / "s1.json"),
            str(tmp_path / "s2.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    statuses = [
        {r["uid"]: r["status"] for r in json.loads(p.read_text())["results"]}
        for p in (tmp_path / "whole.json", tmp_path / "m" / "report.json")
    ]
    assert statuses[0] == statuses[1]
    assert all(json.loads((tmp_path / f"s{i}.json").read_text())["results"] for i in (1, 2))
