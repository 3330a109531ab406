"""Fuzz: the other files users hand netval, each through the code that reads and uses it.

- host and topology JSON, in a small snapshot, through verify's pipeline;
- intent catalogs (YAML): ``load_catalog_file``, then planning against the example
  inventory's hosts, then the shared checks on a predicted state;
- inventory YAML (hosts, groups, defaults): the checks of ``netval check`` and the lab's
  reader of a base inventory;
- state files for ``--baseline``: ``State.load``, the baseline checks planned and evaluated.

Seeds are the shipped files and the reference files under tests/data; hypothesis also builds
documents from scratch (host JSON of any shape, YAML alias chains and deep nesting).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from netval.catalog import load_catalog_file
from netval.checks.base import evaluate
from netval.checks.baseline import baseline_targets
from netval.lab.inventory import _read_yaml as lab_inventory_yaml
from netval.live.inventory import _check_yaml as check_inventory_yaml
from netval.runner import plan
from netval.state import State
from netval.static.builtin.engine import BuiltinEngine
from netval.static.source import SnapshotHost
from tests.conftest import BATFISH_DATA, DATA, ROOT
from tests.fuzz.harness import (
    HOSTILE_TOKENS,
    JSON_HOSTILE,
    diff,
    fuzz_settings,
    json_mutations,
    rel,
    run_case,
    text_mutations,
)
from tests.fuzz.test_fuzz_snapshots import SEEDS, verify_pipeline

JSON_SEEDS = sorted(
    p
    for seed in [*SEEDS, BATFISH_DATA / "parsing-unit-tests"]
    for p in seed.rglob("*.json")
    if p.parent.name in ("hosts", "batfish") or p.name == "layer1_topology.json"
)
CATALOGS = [
    ROOT / "checks" / "pre-change.yaml",
    ROOT / "checks" / "fabric.yaml",
    DATA / "catalogs" / "design-example.yaml",
]
INVENTORY = ROOT / "inventory"
#: YAML that YAML parsers handle in surprising ways: anchors and aliases, merge keys, tags,
#: flow collections, document markers, directives, tabs, complex keys
HOSTILE_YAML_LINES = [
    "x: &a [1, 2, 3]",
    "y: *a",
    "<<: *a",
    "  - *a",
    "a: &a [*a]",
    "!!python/object/apply:os.system ['id']",
    "x: !!binary AAAA",
    "x: !custom 1",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "\tkind: parse",
    "? [a, b]",
    ": x",
    "{",
    "[[[[[[[[[[",
    "- " * 80 + "x",
    "x: " + "[" * 80 + "]" * 80,
    "kind: parse",
    "checks:",
    "devices: {role: [leaf, {x: y}]}",
    "prefix: 10.10.\x00255.12/24",
    "within: 99999999999999999999s",
    "within: -1s",
    "vrid: 99999999999999999999",
    'name: "\\e[2J\\x00"',
    "name: \x85",
    "x: 1e309",
    "x: .nan",
    "x: 0x10",
    "x: 0o17",
    "x: 1_000",
    "x: 2001-12-14",
    "x: yes",
    "x: ~",
]


def _split_checks(path: Path) -> list[bytes]:
    """One small catalog per check entry of ``path`` (small seeds make cheap cases)."""
    doc = yaml.safe_load(path.read_text())
    return [yaml.safe_dump({"checks": [c]}, sort_keys=False).encode() for c in doc["checks"]]


CATALOG_SEEDS: list[tuple[str, bytes]] = [(rel(p), p.read_bytes()) for p in CATALOGS] + [
    (f"{rel(p)}#{i}", data) for p in CATALOGS for i, data in enumerate(_split_checks(p))
]
INVENTORY_SEEDS = [(rel(p), p.read_bytes()) for p in sorted(INVENTORY.glob("*.yaml"))]


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    shm = Path("/dev/shm")
    path = Path(tempfile.mkdtemp(prefix="netval-fuzz-", dir=shm if shm.is_dir() else None))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def mini(scratch: Path) -> Path:
    root = scratch / "mini"
    shutil.copytree(DATA / "snapshots" / "mini", root)
    return root


class Env:
    """What the cases use besides their input: the example inventory's hosts (as the planner
    sees them) and the predicted state of snapshots/base (as the checks see one)."""

    def __init__(self) -> None:
        inventory = yaml.safe_load((INVENTORY / "hosts.yaml").read_text())
        self.hosts: dict[str, Any] = {
            name: SnapshotHost(name, data=dict(spec.get("data") or {}))
            for name, spec in inventory.items()
        }
        self.state = BuiltinEngine(ROOT / "snapshots" / "base").state()
        self.baseline = self.state.model_dump_json(indent=1).encode()

    def __repr__(self) -> str:  # hypothesis prints the test's arguments with a failure
        return "Env(snapshots/base, inventory/hosts.yaml)"


@pytest.fixture(scope="module")
def env() -> Env:
    return Env()


# --- host and topology JSON ----------------------------------------------------------------


def _json_case(mini: Path, target: Path, data: bytes, reproducer: Any) -> None:
    original = target.read_bytes() if target.exists() else None
    target.write_bytes(data)
    try:
        run_case("host/topology JSON", lambda: verify_pipeline(mini), reproducer)
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)


@fuzz_settings(1500)
@given(seed=st.sampled_from(JSON_SEEDS), data=st.data())
def test_mutated_host_and_topology_json(mini: Path, seed: Path, data: st.DataObject) -> None:
    original = seed.read_bytes()
    mutated = data.draw(json_mutations(original))
    topology = seed.name == "layer1_topology.json"
    target = mini / ("batfish/layer1_topology.json" if topology else "hosts/h1.json")
    _json_case(mini, target, mutated, lambda: diff(rel(seed), original, mutated))


ADDRESSES = st.one_of(
    st.sampled_from(["10.0.100.10/24", "10.0.100.1", "0.0.0.0/0", "10.0.0.1/32"]),
    st.sampled_from(HOSTILE_TOKENS),
    JSON_HOSTILE,
)


@fuzz_settings(500)
@given(
    doc=st.fixed_dictionaries(
        {"hostname": st.one_of(st.sampled_from(["h1", "r1", "H1", ""]), JSON_HOSTILE)},
        optional={
            "hostInterfaces": st.one_of(
                st.dictionaries(
                    st.sampled_from(["eth0", "eth1", "", "\x1b", "a" * 300]),
                    st.fixed_dictionaries(
                        {"prefix": ADDRESSES},
                        optional={
                            "name": st.one_of(st.just("eth0"), JSON_HOSTILE),
                            "gateway": ADDRESSES,
                        },
                    ),
                    max_size=3,
                ),
                JSON_HOSTILE,
            ),
            "iptablesFile": JSON_HOSTILE,
            "hostType": JSON_HOSTILE,
        },
    )
)
def test_generated_host_json(mini: Path, doc: dict[str, Any]) -> None:
    data = json.dumps(doc).encode()
    _json_case(mini, mini / "hosts" / "h1.json", data, lambda: data.decode())


# --- catalogs ------------------------------------------------------------------------------


def catalog_pipeline(path: Path, hosts: dict[str, Any], state: State) -> None:
    """What verify and check do with a catalog before and after collecting state."""
    entries = load_catalog_file(path)
    for target in plan(entries, hosts, "static"):
        if "live" in target.spec.gates:  # shared checks run on the predicted state
            evaluate(target.spec, state, target.target, target.devices)


@st.composite
def catalog_text(draw: st.DrawFn) -> tuple[str, bytes, bytes]:
    name, original = draw(st.sampled_from(CATALOG_SEEDS))
    mutated = draw(text_mutations(original))
    if draw(st.booleans()):
        lines = mutated.split(b"\n")
        i = draw(st.integers(0, len(lines)))
        indent = draw(st.sampled_from([b"", b"  ", b"    "]))
        lines.insert(i, indent + draw(st.sampled_from(HOSTILE_YAML_LINES)).encode())
        mutated = b"\n".join(lines)
    return name, original, mutated


@fuzz_settings(1500)
@given(case=catalog_text())
def test_mutated_catalogs(scratch: Path, env: Env, case: tuple[str, bytes, bytes]) -> None:
    name, original, mutated = case
    path = scratch / "catalog.yaml"
    path.write_bytes(mutated)
    run_case(
        "catalog",
        lambda: catalog_pipeline(path, env.hosts, env.state),
        lambda: diff(name, original, mutated),
    )


@st.composite
def alias_chains(draw: st.DrawFn) -> str:
    """Anchors that alias earlier ones, ``width`` times per level: width ** levels nodes."""
    levels = draw(st.integers(1, 9))
    width = draw(st.integers(1, 12))
    lines = ["a0: &a0 [x, y]"]
    for level in range(1, levels + 1):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    where = draw(st.sampled_from(["allow_unrecognized", "devices"]))
    lines += ["checks:", "  - kind: parse" if where != "devices" else "  - kind: routes"]
    if where == "devices":
        lines += ["    prefix: 10.0.0.0/8", f"    devices: *a{levels}"]
    else:
        lines.append(f"    allow_unrecognized: *a{levels}")
    return "\n".join(lines) + "\n"


@fuzz_settings(300)
@given(
    doc=st.one_of(
        alias_chains(),
        st.integers(1, 3000).map(
            lambda n: "checks:\n  - kind: parse\n    x: " + "[" * n + "]" * n + "\n"
        ),
        st.integers(1, 300).map(
            lambda n: "checks:\n" + "".join("  " * i + "- \n" for i in range(n))
        ),
        st.integers(1, 300).map(
            lambda n: "checks:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(n))
        ),
    )
)
def test_generated_yaml_structures(scratch: Path, env: Env, doc: str) -> None:
    path = scratch / "generated.yaml"
    path.write_text(doc)
    run_case("catalog", lambda: catalog_pipeline(path, env.hosts, env.state), lambda: doc[:3000])
    inventory = scratch / "hosts.yaml"
    inventory.write_text(doc)
    run_case("inventory", lambda: check_inventory_yaml(inventory), lambda: doc[:3000])


# --- inventories ---------------------------------------------------------------------------


def inventory_pipeline(path: Path) -> None:
    check_inventory_yaml(path)
    lab_inventory_yaml(path)


@fuzz_settings(1000)
@given(seed=st.sampled_from(INVENTORY_SEEDS), data=st.data())
def test_mutated_inventories(scratch: Path, seed: tuple[str, bytes], data: st.DataObject) -> None:
    name, original = seed
    mutated = data.draw(text_mutations(original))
    if data.draw(st.booleans()):
        mutated += b"\n" + data.draw(st.sampled_from(HOSTILE_YAML_LINES)).encode()
    path = scratch / name.split("/")[-1]
    path.write_bytes(mutated)
    run_case("inventory", lambda: inventory_pipeline(path), lambda: diff(name, original, mutated))


# --- baselines -----------------------------------------------------------------------------


def baseline_pipeline(path: Path, hosts: dict[str, Any], state: State) -> None:
    for target in baseline_targets(path, hosts, None, 10.0, []):
        evaluate(target.spec, state, target.target, target.devices)


@fuzz_settings(700)
@given(data=st.data())
def test_mutated_baselines(scratch: Path, env: Env, data: st.DataObject) -> None:
    mutated = data.draw(json_mutations(env.baseline))
    path = scratch / "baseline.json"
    path.write_bytes(mutated)
    run_case(
        "baseline",
        lambda: baseline_pipeline(path, env.hosts, env.state),
        lambda: diff("baseline.json", env.baseline, mutated),
    )
