"""The static StateSource: a snapshot, answered by an engine (Batfish or built-in).

Shared checks (bgp_sessions, ecmp, routes, vrrp, interfaces) run on the engine's predicted
State; static checks (parse, undefined_references, route_policy, ...) ask the engine.
Device filters such as {role: leaf} use an inventory's host data when one is given.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netval.errors import EngineError, InputError, NetvalError
from netval.runner import Progress, RouteQueries
from netval.state import Domain, NodeState, State
from netval.static import close_engine, open_engine
from netval.static.engine import Engine


@dataclass
class _Group:
    name: str


@dataclass
class SnapshotHost:
    """A snapshot device with no inventory entry: a name and nothing else."""

    name: str
    platform: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def extended_groups(self) -> list[_Group]:
        return []


class PredictedSource:
    def __init__(
        self,
        snapshot: Path,
        engine_kind: str = "auto",
        base: Path | None = None,
        inventory: Path | None = None,
        batfish: Mapping[str, Any] | None = None,
    ) -> None:
        started = time.monotonic()
        self.snapshot = snapshot
        self.base = base
        self.inventory = inventory
        self.engine: Engine = open_engine(snapshot, engine_kind, batfish)
        self.description = f"snapshot {snapshot} ({self.engine.name} engine)"
        self._hosts: dict[str, Any] = {}
        try:
            inv_hosts: dict[str, Any] = {}
            folder = inventory or Path("inventory")
            if (folder / "hosts.yaml").is_file():
                from netval.live.inventory import open_nornir

                inv_hosts = dict(open_nornir(folder).inventory.hosts)
            #: devices the engine has no model of, with why: their checks are errors
            self.unparsed = self.engine.unparsed()
            for name in [*self._node_names(), *sorted(self.unparsed)]:
                self._hosts[name] = inv_hosts.get(name) or SnapshotHost(name)
        except BaseException:
            # nobody else gets the engine to close: what it uploaded goes now
            close_engine(self.engine)
            raise
        #: the reports count loading the snapshot into the engine as part of collection
        self.load_seconds = time.monotonic() - started

    def _node_names(self) -> list[str]:
        try:
            return self.engine.nodes()
        except NetvalError:
            # the engine could not list its nodes (e.g. a Batfish question failed); device
            # selection only needs names, which the config files give
            from netval.snapshot import load_snapshot

            return sorted(load_snapshot(self.snapshot).devices)

    @classmethod
    def from_options(cls, config: Any) -> PredictedSource:
        opt = config.getoption
        snapshot = opt("netval_snapshot")
        if not snapshot:
            raise EngineError("static mode needs --netval-snapshot SNAPSHOT")
        base = opt("netval_base")
        inv = opt("netval_inventory")
        return cls(
            Path(snapshot),
            opt("netval_engine") or "auto",
            Path(base) if base else None,
            Path(inv) if inv else None,
        )

    def hosts(self) -> dict[str, Any]:
        return self._hosts

    def close(self) -> list[str]:
        """Release the engine (a Batfish service's snapshots); returns what was left."""
        return close_engine(self.engine)

    def narrow(self, spec: Any, devices: list[str], where: str) -> list[str]:
        """Policy checks run where the policy is defined; naming a policy that a selected
        device does not define (or that no device defines) is an input error."""
        policy = getattr(spec, "policy", None)
        if policy is None:
            return devices
        # a device without a model may define the policy: its item is an error saying why
        unknown = [d for d in devices if d in self.unparsed]
        defined = {d: self.engine.policies(d) for d in devices if d not in self.unparsed}
        having = [d for d in devices if d in unknown or policy in defined[d]]
        if spec.devices is not None:
            missing = [d for d in defined if policy not in defined[d]]
            if missing:
                known = ", ".join(sorted(defined[missing[0]])) or "none"
                raise InputError(
                    f"{where}: routing policy {policy!r} is not defined on "
                    f"{', '.join(missing)} ({missing[0]} defines: {known})",
                    hint="fix the policy name or the devices of this catalog entry",
                )
        elif not having:
            raise InputError(
                f"{where}: no device of the snapshot defines routing policy {policy!r}",
                hint="fix the policy name, or add devices: [...]",
            )
        return having

    def collect(
        self,
        needs: dict[str, set[Domain]],
        progress: Progress | None,
        route_queries: RouteQueries | None = None,
    ) -> State:
        """The prediction of what ``needs`` names: only those devices and domains are turned
        into State (with --limit, or a catalog about two leaves, the rest is never built)."""
        try:
            predicted = self.engine.state(needs)
        except (NetvalError, NotImplementedError) as exc:
            reason = str(exc).splitlines()[0]
            predicted = State(source="predicted", origin=self.description)
            for name in needs:
                predicted.node(name).errors["device"] = (
                    f"the {self.engine.name} engine predicts no state: {reason}"
                )
        for name, why in self.unparsed.items():
            if name in needs:
                predicted.node(name).errors.setdefault(
                    "device", f"the {self.engine.name} engine has no model of {name}: {why}"
                )
        state = State(source="predicted", origin=self.description)
        for done, name in enumerate(sorted(needs), start=1):
            state.nodes[name] = predicted.nodes.get(name) or NodeState(
                name=name, errors={"device": f"the engine knows no device {name}"}
            )
            if progress is not None:
                progress(name, done, len(needs))
        return state
