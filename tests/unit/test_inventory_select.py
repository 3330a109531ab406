"""Device selection on a real Nornir inventory: --limit values typed as text on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from netval.live.inventory import open_nornir, parse_limit, select


@pytest.fixture
def hosts(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "hosts.yaml").write_text(
        "leaf1:\n  hostname: 192.0.2.11\n  data: {role: leaf, asn: 65001, edge: false}\n"
        "leaf2:\n  hostname: 192.0.2.12\n  data: {role: leaf, asn: 65002, edge: true}\n"
        "spine1:\n  hostname: 192.0.2.21\n  data: {role: spine, asn: 65100}\n"
    )
    nr = open_nornir(tmp_path)
    return dict(nr.inventory.hosts)


@pytest.mark.parametrize(
    ("limit", "selected"),
    [
        ("asn=65001", ["leaf1"]),
        ("role=leaf,edge=true", ["leaf2"]),
        ("edge=False", ["leaf1"]),
        ("role=spine", ["spine1"]),
        ("asn=6500", []),
        ("leaf*", ["leaf1", "leaf2"]),
    ],
)
def test_limit_values_match_typed_host_data(
    hosts: dict[str, object], limit: str, selected: list[str]
) -> None:
    assert select(hosts, parse_limit(limit), "--limit") == selected


def test_catalog_filters_keep_their_types(hosts: dict[str, object]) -> None:
    assert select(hosts, {"asn": 65100}, "catalog") == ["spine1"]
    assert select(hosts, {"asn": [65001, 65002]}, "catalog") == ["leaf1", "leaf2"]
