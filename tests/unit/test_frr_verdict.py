"""The parse check asks FRR itself (vtysh's dry run) about every FRR line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netval import frr_verdict
from tests.conftest import DATA, ROOT
from tests.verifytools import verify_catalog

MINI = DATA / "snapshots" / "mini"

pytestmark = pytest.mark.skipif(not frr_verdict.available(), reason="FRR (vtysh) is not installed")


def _with_lines(tmp_path: Path, after: str, lines: str) -> Path:
    snap = tmp_path / "snap"
    shutil.copytree(MINI, snap)
    r1 = snap / "configs" / "r1"
    text = r1.read_text()
    assert after in text
    r1.write_text(text.replace(after, after + lines, 1))
    return snap


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_typo_in_route_map_fails_parse_with_file_and_line(tmp_path: Path) -> None:
    snap = _with_lines(
        tmp_path,
        "hostname r1\n",
        "ip prefix-list CDN_OUT seq 5 permit 10.1.0.0/16 le 24\n"
        "route-map TO_PEER permit 10\n match ip adress prefix-list CDN_OUT\n!\n",
    )
    code, (result,), output = verify_catalog(
        snap, "checks:\n  - kind: parse\n    allow_unrecognized: ['.*']\n", tmp_path
    )
    assert code == 1, output
    line = _line_of(snap / "configs" / "r1", "match ip adress")
    assert result["status"] == "fail"
    assert f"configs/r1:{line}: 'match ip adress prefix-list CDN_OUT'" in result["message"]


def test_shipped_snapshots_have_no_line_frr_rejects() -> None:
    for snap in (ROOT / "snapshots").iterdir():
        if (snap / "configs").is_dir():
            assert frr_verdict.snapshot_rejections(snap) == [], snap


def test_each_device_is_judged_from_a_clean_start() -> None:
    texts = {
        "a": "router bgp 1\n bogus one\n",  # ends inside `router bgp`
        "b": "router bgp 2\n neighbor 10.0.0.1 remote-as 3\nexit\nexit\nrouter bgp 9\n",
        "c": "interface eth0\n bogus three\n",
    }
    verdict = frr_verdict.rejected_lines(texts)
    assert verdict is not None
    assert [(r.line, r.text.strip()) for r in verdict["a"]] == [(2, "bogus one")]
    # a top-level exit: FRR's reader leaves configuration mode; b is flagged, c read afresh
    assert any("not in configuration mode" in r.message for r in verdict["b"])
    assert [(r.line, r.text.strip()) for r in verdict["c"]] == [(2, "bogus three")]
