"""The built-in data plane against FRR itself (issue 6's oracle).

For snapshots/base, snapshots/candidate-good and 24 generated topologies (topogen.py: eBGP
fabrics, OSPF areas, OSPF with iBGP over loopbacks, eBGP with policies), boot the lab, wait
until every router's RIB stops changing, and compare each router's FRR RIB with the predicted
main RIB (frr_compare.py says what is compared and what is left out). Then follow packets
through the kernels' forwarding tables and compare the paths with the predicted traceroute.

Labs boot three at a time (distinct lab ids; `up` and `down` are serialised because they pick
management slots); one booted lab serves both tests of its case.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from netval.lab import manager, naming, probe
from netval.static.builtin.dataplane import DataPlane
from netval.static.builtin.dataplane.ospf import Ospf
from netval.static.builtin.loader import load
from tests.integration import topogen
from tests.integration.frr_compare import (
    KernelFib,
    frr_routes,
    kernel_paths,
    predicted_paths,
    predicted_routes,
    read_kernel,
    route_differences,
)
from tests.integration.labtools import new_lab_id, require_lab_support

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
SEEDS = range(1, 25)
CASES = ["base", "candidate-good", *[f"topo{s:03d}" for s in SEEDS]]
WORKERS = 3
# seconds without any RIB change once sessions and adjacencies are up: longer than FRR's
# largest SPF hold time (5 s), so a pending OSPF recomputation cannot pass for convergence
STABLE_FOR = 12.0
TIMEOUT = 150.0
_lab_lock = threading.Lock()

# flows checked in the example network (start, destination)
EXAMPLE_FLOWS = [
    ("leaf1", "10.10.3.10"),
    ("server1", "10.10.3.10"),
    ("server3", "10.0.100.10"),
    ("leaf3", "10.10.255.11"),
    ("isp1", "10.10.3.10"),
    ("server1", "203.0.113.5"),
    ("server1", "8.8.8.8"),
    ("border1", "10.0.100.10"),
]


@dataclass
class LabRun:
    case: str
    snapshot: Path
    dp: DataPlane | None = None
    frr: dict[str, dict[str, Any]] = field(default_factory=dict)
    kernels: dict[str, KernelFib] = field(default_factory=dict)
    converged: bool = False
    seconds: float = 0.0
    error: str = ""


def _snapshot(case: str, root: Path) -> Path:
    if not case.startswith("topo"):
        return REPO / "snapshots" / case
    seed = int(case[4:])
    return topogen.generate(seed).write(root / case)


def _vtysh_json(namespace: str, command: str) -> Any:
    proc = subprocess.run(
        ["vtysh", "-N", namespace, "-c", command], capture_output=True, text=True, timeout=30
    )
    return json.loads(proc.stdout or "{}")


def _expected(dp: DataPlane) -> tuple[dict[str, set[str]], dict[str, int]]:
    """BGP peers predicted Established, and OSPF adjacencies predicted, per router."""
    peers: dict[str, set[str]] = {}
    for p in dp.sessions.peerings:
        if p.established and p.view.kind == "ip":
            peers.setdefault(p.view.node, set()).add(p.view.peer.name)
    ospf = Ospf(dp.net) if any(n.model and n.model.ospf for n in dp.net.nodes.values()) else None
    adjacencies: dict[str, int] = {}
    if ospf is not None:
        for (node, _vrf), ifaces in ospf.ifaces.items():
            adjacencies[node] = sum(len(o.adjacent) for o in ifaces)
    return peers, adjacencies


def wait_for_adjacencies(dp: DataPlane | None, routers: dict[str, str], started: float) -> None:
    """Until every predicted BGP session is Established and OSPF adjacency Full (or half the
    timeout): a RIB that is merely quiet while sessions still come up is not converged."""
    if dp is None:
        return
    peers, adjacencies = _expected(dp)
    while time.monotonic() - started < TIMEOUT / 2:
        missing = 0
        for router, ns in routers.items():
            if peers.get(router):
                states = probe.bgp_sessions(_vtysh_json(ns, "show bgp summary json"))
                missing += sum(1 for p in peers[router] if states.get(p) != "Established")
            if adjacencies.get(router):
                raw = _vtysh_json(ns, "show ip ospf neighbor json").get("neighbors", {})
                full = sum(
                    1
                    for lst in raw.values()
                    for n in lst
                    if str(n.get("state", n.get("nbrState", ""))).startswith("Full")
                )
                missing += max(0, adjacencies[router] - full)
        if not missing:
            return
        time.sleep(1.0)


def _boot(run: LabRun) -> LabRun:
    lab_id = new_lab_id("dp")
    started = time.monotonic()
    try:
        run.dp = DataPlane.from_loaded(load(run.snapshot))
        with _lab_lock:
            up = manager.up(run.snapshot, lab_id)
        routers = {n.name: n.namespace for n in up.record.nodes if n.kind == "router"}
        everything = {n.name: n.namespace for n in up.record.nodes}
        wait_for_adjacencies(run.dp, routers, started)
        last: dict[str, Any] = {}
        stable_since = time.monotonic()
        while time.monotonic() - started < TIMEOUT:
            time.sleep(1.0)
            now = {name: _vtysh_json(ns, "show ip route json") for name, ns in routers.items()}
            shape = {
                n: {
                    p: [
                        (e.get("protocol"), e.get("selected"), len(e.get("nexthops", [])))
                        for e in v
                    ]
                    for p, v in r.items()
                }
                for n, r in now.items()
            }
            if shape != last:
                last, stable_since = shape, time.monotonic()
            elif time.monotonic() - stable_since >= STABLE_FOR:
                run.converged = True
                run.frr = now
                break
        if not run.converged:
            run.frr = {name: _vtysh_json(ns, "show ip route json") for name, ns in routers.items()}
        run.kernels = {name: read_kernel(ns) for name, ns in everything.items()}
    except Exception as exc:  # reported by the test that reads the run
        run.error = f"{type(exc).__name__}: {exc}"
    finally:
        with _lab_lock:
            manager.down(lab_id)
        run.seconds = time.monotonic() - started
    return run


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, LabRun]:
    require_lab_support()
    root = tmp_path_factory.mktemp("topos")
    wanted = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is request.module and callspec is not None:
            case = callspec.params.get("case")
            if case and case not in wanted:
                wanted.append(case)
    pending = [LabRun(c, _snapshot(c, root)) for c in wanted]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = list(pool.map(_boot, pending))
    return {r.case: r for r in done}


def _usable(run: LabRun) -> DataPlane:
    assert not run.error, f"{run.case}: the lab run failed: {run.error}"
    assert run.dp is not None
    assert run.converged, f"{run.case}: FRR's RIBs did not settle within {TIMEOUT:.0f} s"
    return run.dp


@pytest.mark.parametrize("case", CASES)
def test_rib_matches_frr(runs: dict[str, LabRun], case: str) -> None:
    run = runs[case]
    dp = _usable(run)
    problems: list[str] = []
    for router, raw in sorted(run.frr.items()):
        problems += route_differences(router, predicted_routes(dp, router), frr_routes(raw))
    assert not problems, (
        f"{case} ({run.snapshot}): {len(problems)} route difference(s):\n  " + "\n  ".join(problems)
    )


def _flows(case: str, dp: DataPlane) -> list[tuple[str, str]]:
    if not case.startswith("topo"):
        flows = list(EXAMPLE_FLOWS)
        if case == "candidate-good":
            flows.append(("server1", "10.10.4.10"))
        return flows
    rng = random.Random(int(case[4:]))
    routers = sorted(n for n, node in dp.net.nodes.items() if not node.is_host)
    targets = [
        str(a.ip)
        for n in routers
        for i in dp.net.nodes[n].ifaces.values()
        for a in i.addresses
        if i.loopback or i.name.startswith("eth")
    ]
    return [(rng.choice(routers), rng.choice(targets)) for _ in range(4)]


@pytest.mark.parametrize("case", CASES)
def test_paths_match_kernel(runs: dict[str, LabRun], case: str) -> None:
    run = runs[case]
    dp = _usable(run)
    owners = {
        str(__import__("ipaddress").IPv4Address(a)): ids[0][0]
        for a, ids in dp.net.owners.items()
        if ids
    }
    problems = []
    for start, dst in _flows(case, dp):
        real = kernel_paths(run.kernels, owners, start, dst)
        predicted = predicted_paths(dp, start, dst)
        if real != predicted:
            problems.append(
                f"{start} -> {dst}: predicted {sorted(predicted)}; kernels {sorted(real)}"
            )
    assert not problems, f"{case}: path difference(s):\n  " + "\n  ".join(problems)


def test_lab_ids_are_valid() -> None:
    naming.check_lab_id(new_lab_id("dp"))
