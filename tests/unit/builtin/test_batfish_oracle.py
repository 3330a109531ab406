"""Batfish's own undefinedReferences / unusedStructures answers as the oracle."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from netval.static.builtin import BuiltinEngine

REPO = Path(__file__).resolve().parents[3]
REFS = REPO / "tests" / "data" / "batfish" / "parsing-unit-tests"  # Batfish refs, copied
FLOOR = 0.99  # measured: 289 of 289 IOS/EOS rows, no extra (bench/builtin_refs.py)


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "builtin_refs", REPO / "bench" / "builtin_refs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_match_rate_floor() -> None:
    bench = _bench()
    report = bench.compare(bench.SNAPSHOT, REFS)
    assert bench.rate(report) >= FLOOR
    assert report["undefined"]["ios"]["matched"] >= 175
    assert report["unused"]["ios"]["matched"] >= 95
    assert report["undefined"]["eos"]["matched"] + report["unused"]["eos"]["matched"] >= 10


def test_undefined_floor_with_repo_copy() -> None:
    """The undefined answer ships in the repo (tests/data), so this runs without shared/."""
    bench = _bench()
    snap = bench.SNAPSHOT
    theirs = json.loads((snap / "unit-tests-undefined.ref").read_text())[0]["rows"]
    engine = BuiltinEngine(snap)
    formats = {f.filename: f.format for f in engine.loaded.files}
    key = lambda r: bench._key("undefined", r)  # noqa: E731
    want = {key(r) for r in theirs if formats.get(r["File_Name"]) in ("CISCO_IOS", "ARISTA")}
    got = {
        key(r)
        for r in engine.undefined_references().rows
        if formats.get(r["File_Name"]) in ("CISCO_IOS", "ARISTA")
    }
    assert len(want & got) / len(want | got) >= FLOOR
