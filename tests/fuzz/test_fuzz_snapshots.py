"""Fuzz: mutated snapshots through what `netval verify --engine builtin` and `netval ask` run.

The seeds are the shipped example snapshots and the reference snapshots under tests/data.
A case mutates one or two files of a seed (bytes, lines, tokens; JSON structurally), and
sometimes renames, removes or duplicates a file; then it runs ``load_snapshot`` (verify's
first step) and the built-in engine's questions: parse status, init issues, undefined and
unused structures, BGP compatibility, the data plane (session status, routes, predicted
state), a traceroute and a route-policy test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netval.errors import InputError
from netval.snapshot import load_snapshot
from netval.static.builtin.engine import BuiltinEngine
from netval.static.engine import Headers, RouteInput
from netval.vendor_format import detect
from tests.conftest import BATFISH_DATA, DATA, ROOT
from tests.fuzz.harness import diff, fuzz_settings, json_mutations, rel, run_case, text_mutations

SEEDS = [
    ROOT / "snapshots" / "base",
    ROOT / "snapshots" / "candidate-good",
    ROOT / "snapshots" / "candidate-bad",
    DATA / "snapshots" / "mini",
    *sorted(p for p in (BATFISH_DATA / "frr-snapshots").iterdir() if p.is_dir()),
    BATFISH_DATA / "dc-as-reuse",
]
UNIT_CONFIGS = BATFISH_DATA / "parsing-unit-tests" / "configs"
# one-device snapshots of the Batfish parsing unit tests the built-in engine reads (IOS, EOS,
# FRR): many vendors' statements, each file small
UNIT_SEEDS = sorted(
    p
    for p in UNIT_CONFIGS.iterdir()
    if p.is_file()
    and detect(p.read_text(errors="replace"))
    in ("CISCO_IOS", "ARISTA", "FRR", "CUMULUS_CONCATENATED")
)
HOSTILE_NAMES = [
    b"x\xff",
    b"con\x1bfig",
    b"a b",
    b"..x",
    b"-rf",
    b"x" * 200,
    b"leaf1",
    b"\xe2\x80\xae",
]


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


class Work:
    """A writable copy of a seed; each case edits it and puts it back."""

    def __init__(self, seed: Path, root: Path, files: list[Path]) -> None:
        self.seed = seed
        self.root = root
        self.files = files

    def original(self, rel_path: Path) -> bytes:
        return (self.seed / rel_path).read_bytes()

    def __repr__(self) -> str:  # hypothesis prints the test's arguments with a failure
        return f"Work({rel(self.seed)})"


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """Where cases write their files: memory when the machine has a tmpfs (every case writes
    and removes files, which costs a disk's journal more than the case itself)."""
    shm = Path("/dev/shm")
    path = Path(tempfile.mkdtemp(prefix="netval-fuzz-", dir=shm if shm.is_dir() else None))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def works(scratch: Path) -> dict[str, Work]:
    out: dict[str, Work] = {}
    for i, seed in enumerate(SEEDS):
        root = scratch / f"seed{i}" / seed.name
        shutil.copytree(seed, root)
        out[rel(seed)] = Work(seed, root, _files(seed))
    return out


def verify_pipeline(path: Path) -> None:
    """What verify and ask compute for a snapshot with the built-in engine."""
    with contextlib.suppress(InputError):
        # verify stops here (exit 2); the engine, for `netval ask`, reads file by file
        load_snapshot(path)
    engine = BuiltinEngine(path)
    for result in engine.loaded.files:
        # the loader turns an exception inside a parser into a FAILED file: still a bug
        if "This is a bug in netval" in (result.reason or ""):
            raise RuntimeError(f"{result.filename}: a parser raised: {result.reason}")
    engine.file_parse_status()
    engine.init_issues()
    engine.undefined_references()
    engine.unused_structures()
    engine.bgp_session_compatibility()
    engine.bgp_session_status()
    engine.routes()
    engine.state()
    nodes = engine.nodes()
    if nodes:
        engine.traceroute(nodes[0], Headers(dst_ip="10.0.100.10", ip_protocol="TCP", dst_port=443))
    for dev in list(engine.devices.values())[:3]:
        for policy in sorted(dev.route_maps)[:1]:
            route = RouteInput("10.1.0.0/16", ("65000:1",), (65001, 64512))
            engine.test_route_policies(dev.hostname, policy, "in", [route])


@st.composite
def snapshot_case(draw: st.DrawFn, seeds: list[str]) -> tuple[str, dict[Path, bytes | None]]:
    """A seed and its edits: relative path -> new bytes (None: removed)."""
    seed = draw(st.sampled_from(seeds))
    files = _files(ROOT / seed)
    edits: dict[Path, bytes | None] = {}
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from(files))
        data = edits.get(target) or (ROOT / seed / target).read_bytes()
        if target.suffix == ".json":
            edits[target] = draw(json_mutations(data))
        else:
            edits[target] = draw(text_mutations(data))
    op = draw(st.sampled_from(["none", "none", "none", "rename", "remove", "copy"]))
    if op != "none":
        target = draw(st.sampled_from(files))
        data = edits.get(target) or (ROOT / seed / target).read_bytes()
        name = draw(st.sampled_from(HOSTILE_NAMES))
        new = target.parent / os.fsdecode(name + (b".json" if target.suffix == ".json" else b""))
        if op in ("rename", "remove"):
            edits[target] = None
        if op in ("rename", "copy"):
            edits[new] = data
    return seed, edits


def _apply(work: Work, edits: dict[Path, bytes | None]) -> None:
    for path, data in edits.items():
        full = work.root / path
        if data is None:
            full.unlink(missing_ok=True)
        else:
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_bytes(data)


def _restore(work: Work, edits: dict[Path, bytes | None]) -> None:
    for path in edits:
        full = work.root / path
        if path in work.files:
            full.write_bytes(work.original(path))
        else:
            full.unlink(missing_ok=True)


def _reproducer(work: Work, edits: dict[Path, bytes | None]) -> str:
    parts = [f"seed {rel(work.seed)}"]
    for path, data in edits.items():
        if data is None:
            parts.append(f"removed {path}")
        elif path in work.files:
            parts.append(diff(str(path), work.original(path), data))
        else:
            parts.append(f"added {os.fsencode(path)!r}:\n{data[:2000]!r}")
    return "\n".join(parts)


@fuzz_settings(3000)
@given(case=snapshot_case([rel(s) for s in SEEDS]))
def test_mutated_snapshots(
    works: dict[str, Work], case: tuple[str, dict[Path, bytes | None]]
) -> None:
    seed, edits = case
    work = works[seed]
    _apply(work, edits)
    try:
        run_case("snapshot", lambda: verify_pipeline(work.root), lambda: _reproducer(work, edits))
    finally:
        _restore(work, edits)


@pytest.fixture(scope="module")
def one_device(scratch: Path) -> Path:
    root = scratch / "unit"
    (root / "configs").mkdir(parents=True)
    return root


@fuzz_settings(2000)
@given(
    seed=st.sampled_from(UNIT_SEEDS),
    data=st.data(),
)
def test_mutated_vendor_configs(one_device: Path, seed: Path, data: st.DataObject) -> None:
    original = seed.read_bytes()
    mutated = data.draw(text_mutations(original, max_ops=6))
    target = one_device / "configs" / seed.name
    target.write_bytes(mutated)
    try:
        run_case(
            "vendor config",
            lambda: verify_pipeline(one_device),
            lambda: diff(rel(seed), original, mutated),
        )
    finally:
        target.unlink()
