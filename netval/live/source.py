"""The live StateSource: a Nornir inventory, collected with Scrapli."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from netval import interrupts
from netval.errors import InputError, require_extra
from netval.live.collect import collect
from netval.live.inventory import open_nornir
from netval.runner import Progress, RouteQueries
from netval.state import Domain, NodeState, Probe, Problem, State


class LiveSource:
    def __init__(
        self,
        inventory: Path | None = None,
        lab: str | None = None,
        workers: int | None = None,
        nornir_config: Path | None = None,
    ) -> None:
        self.nr = open_nornir(inventory, lab, workers, nornir_config)
        self.lab = lab
        if lab:
            self.description = f"lab {lab}"
        elif nornir_config is not None:
            self.description = f"nornir config {nornir_config}"
        else:
            self.description = f"inventory {inventory or 'inventory'}"
        self.interrupted = False

    def check_platforms(self, devices: set[str]) -> None:
        """Every selected host names a platform netval can collect from, in scrapli's,
        netutils', NAPALM's or netmiko's terms (else an input error naming host and value)."""
        from netval.live.collect import napalm_platform, scrapli_parser
        from netval.live.retry import policy_for

        for name in sorted(devices):
            host = self.nr.inventory.hosts[name]
            try:
                if host.get("collector") == "napalm":
                    require_extra("napalm", "nornir_napalm", f"host {name!r} (collector: napalm)")
                    napalm_platform(host)
                else:
                    scrapli_parser(host)
                policy_for(host)
            except InputError as exc:
                raise InputError(
                    f"{self.description}: host {name!r}: {exc.message}", hint=exc.hint
                ) from exc

    def hosts(self) -> dict[str, Any]:
        return dict(self.nr.inventory.hosts)

    def probe_origins(self) -> frozenset[str]:
        """Where else a reachability flow may start: a lab's hosts (they have no login)."""
        if self.lab is None:
            return frozenset()
        from netval.lab import manager

        return frozenset(n.name for n in manager.require(self.lab).nodes if n.kind == "host")

    def probe(self, requests: list[tuple[str, str, int]]) -> list[Probe]:
        """Reachability probes: in a lab, ping and traceroute in each source's namespace;
        on an inventory, the device's own CLI over its login, where its platform has one
        that stops by itself (IOS-XE)."""
        if self.lab is None:
            from netval.live import probes

            with interrupts.interruptible():
                return probes.send(self.nr, requests)
        from netval.lab import reach

        with interrupts.interruptible():
            return reach.run(self.lab, requests)

    def collect(
        self,
        needs: dict[str, set[Domain]],
        progress: Progress | None,
        route_queries: RouteQueries | None = None,
    ) -> State:
        lock = threading.Lock()
        finished: dict[str, NodeState] = {}
        total = len([d for d in needs.values() if d])
        stopped = False

        def on_done(name: str, node: NodeState) -> None:
            with lock:
                if stopped:  # an abandoned device that finished late: the report is written
                    return
                finished[name] = node
                if progress is not None:
                    progress(name, len(finished), total)

        try:
            with interrupts.interruptible():
                return collect(
                    self.nr,
                    needs,
                    on_host_done=on_done,
                    origin=self.description,
                    route_queries=route_queries,
                )
        except KeyboardInterrupt as exc:
            # keep what was collected so the reports show it; the rest is an error
            self.interrupted = True
            how = interrupts.label_of(exc)
            state = State(source="observed", origin=self.description)
            with lock:
                stopped = True
                state.nodes.update(finished)
            for name, domains in needs.items():
                if domains and name not in state.nodes:
                    node = state.nodes[name] = NodeState(name=name)
                    node.fail(
                        "device",
                        Problem.INTERRUPTED,
                        f"interrupted ({how}) before collection from {name} finished",
                    )
            return state
