"""netval as Nornir building blocks, for a team's own Nornir scripts.

    from nornir import InitNornir
    from netval.tasks import HostProgress, evaluate, netval_collect, state_of

    nr = InitNornir(config_file="config.yaml")
    watched = nr.with_processors([HostProgress(lambda name, node, done, total: print(name))])
    result = watched.run(task=netval_collect, domains=["bgp", "routes"])
    state = state_of(result)               # netval's State: what every check reads
    for item in evaluate(["checks/fabric.yaml"], state, nr):
        print(item.item_id, item.status, item.message)

`netval_collect` is the task `netval check` runs on every device; `evaluate` judges a
catalog on a State exactly as `netval check` does (the same planning, selectors and rules:
missing data is an error, never a pass), without pytest and without contacting a device.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netval.errors import InputError
from netval.live.collect import classify, collect_host, register_connections
from netval.live.progress import HostProgress
from netval.results import Outcome
from netval.state import CAPTURED_DOMAINS, Domain, NodeState, Problem, State

__all__ = ["HostProgress", "ItemResult", "evaluate", "netval_collect", "state_of"]


def netval_collect(task: Any, domains: Iterable[str] = CAPTURED_DOMAINS) -> Any:
    """Nornir task: collect the given State domains from ``task.host`` into a NodeState
    (the Result's ``result``). The Result is failed when the device could not be reached
    or logged into; a domain it could not read is in the NodeState's ``errors``."""
    from nornir.core.task import Result

    from netval.state import DOMAIN_FIELDS

    wanted = set(domains)
    unknown = sorted(wanted - set(DOMAIN_FIELDS))
    if unknown:
        raise InputError(
            f"netval_collect: unknown domain(s) {', '.join(unknown)}",
            hint=f"domains: {', '.join(DOMAIN_FIELDS)}",
        )
    register_connections([task.host])
    node = collect_host(task, wanted)  # type: ignore[arg-type]
    return Result(host=task.host, result=node, failed="device" in node.errors)


def state_of(result: Any, origin: str = "nornir") -> State:
    """The State of a ``nr.run(task=netval_collect)``: one NodeState per host, and for a
    host whose task raised, a NodeState that says why (its checks are errors)."""
    state = State(source="observed", origin=origin)
    for name, multi in result.items():
        value = multi[0].result if len(multi) else None
        if isinstance(value, NodeState):
            state.nodes[name] = value
            continue
        node = state.node(name)
        exc = multi[0].exception if len(multi) else None
        if exc is not None:
            problem, why = classify(exc)
            node.fail("device", problem, f"collection from {name} failed: {why}")
        else:
            node.fail("device", Problem.CONNECTION, f"collection from {name} returned nothing")
    return state


@dataclass
class ItemResult:
    item_id: str
    kind: str
    target: str
    catalog: str
    outcome: Outcome

    @property
    def status(self) -> str:
        return self.outcome.status.value

    @property
    def message(self) -> str:
        return self.outcome.message


@dataclass
class _GivenState:
    """A StateSource that serves a State collected elsewhere."""

    state: State
    host_objects: dict[str, Any]
    description: str = "a given state"
    asked: list[dict[str, set[Domain]]] = field(default_factory=list)

    def hosts(self) -> dict[str, Any]:
        return self.host_objects

    def collect(self, needs: dict[str, set[Domain]], progress: Any, *_: Any) -> State:
        self.asked.append(needs)
        served = State(source=self.state.source, origin=self.state.origin)
        for name in needs:
            served.nodes[name] = self.state.nodes.get(name) or NodeState(
                name=name, errors={"device": f"the given state has no device {name}"}
            )
        return served


def evaluate(
    catalogs: Sequence[str | Path], state: State, nr: Any | None = None
) -> list[ItemResult]:
    """Judge the catalogs' live checks on ``state``. Device selectors ({role: leaf}) read
    ``nr``'s inventory; without it, the devices are the State's, with no host data. A
    check the State holds no data for is an error item, as in `netval check`; `within` is
    not waited for (the State does not change)."""
    from netval.catalog import load_catalogs
    from netval.runner import Runner, plan
    from netval.static.source import SnapshotHost

    cat = load_catalogs([Path(c) for c in catalogs])
    hosts: dict[str, Any] = (
        dict(nr.inventory.hosts) if nr is not None else {n: SnapshotHost(n) for n in state.nodes}
    )
    source = _GivenState(state, hosts, description=state.origin or "a given state")
    targets = plan(cat.entries, hosts, "live")
    runner = Runner(targets, source, "live")
    for t in targets:
        t.entry.spec.within = None
    runner.prepare()
    return [
        ItemResult(
            t.item_id, t.spec.kind, t.target, str(t.entry.file), runner.results[t.key].outcome
        )
        for t in targets
    ]
