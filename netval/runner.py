"""Plan and evaluate a run: catalog entries x targets, one State, convergence retries.

The runner is independent of pytest (the plugin drives it) and of where the State comes
from (a ``StateSource``: live collection, or an engine's prediction).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from netval import interrupts
from netval.catalog import Catalog, CatalogEntry
from netval.checks.base import CheckSpec, evaluate
from netval.errors import InputError, NetvalError
from netval.live.inventory import select
from netval.results import Outcome, Status
from netval.state import Domain, Problem, State

Progress = Callable[[str, int, int], None]  # (device just done, done, total)
#: device -> the (VRF, prefix) pairs its routing table is asked about, instead of all of it
RouteQueries = dict[str, set[tuple[str, str]]]


class StateSource(Protocol):
    """Where a run's State comes from."""

    description: str

    def hosts(self) -> dict[str, Any]:
        """Device name -> host object (data and groups for selectors)."""
        ...

    def collect(
        self,
        needs: dict[str, set[Domain]],
        progress: Progress | None,
        route_queries: RouteQueries | None = None,
    ) -> State:
        """Collect ``needs``; a device in ``route_queries`` is asked about those (VRF,
        prefix) pairs instead of its whole routing table, where its platform can."""
        ...


@dataclass
class Target:
    entry: CatalogEntry
    target: str
    devices: list[str]
    item_id: str
    note: str = ""  # why a target cannot be judged as asked (e.g. --limit cut a VRRP group)

    @property
    def key(self) -> str:
        """Unique within a run: two catalogs may hold the same item id."""
        return f"{self.entry.file}::{self.item_id}"

    @property
    def spec(self) -> CheckSpec:
        return self.entry.spec

    def needs(self) -> dict[str, set[Domain]]:
        return {d: set(self.spec.needed_domains()) for d in self.devices}


@dataclass
class Evaluation:
    outcome: Outcome
    duration: float = 0.0
    converged_after: float | None = None
    attempts: int = 1
    #: a retried check: seconds from the start of collection to its last evaluation
    elapsed: float | None = None


def plan(
    entries: list[CatalogEntry],
    hosts: dict[str, Any],
    gate: str,
    limit: list[str] | dict[str, Any] | None = None,
    narrow: Callable[[CheckSpec, list[str], str], list[str]] | None = None,
    origins: frozenset[str] = frozenset(),
) -> list[Target]:
    """Expand entries into targets; device names a catalog gets wrong are input errors.
    ``origins`` are the other names a flow may start from (a lab's hosts)."""
    allowed = set(select(hosts, limit, "--limit")) if limit is not None else set(hosts)
    if not allowed:
        raise InputError(
            f"--limit selects no device (devices: {', '.join(sorted(hosts))})",
            hint="check the names (globs allowed) or key=value against the inventory",
        )
    targets: list[Target] = []
    seen: set[str] = set()
    # the next suffix to try per base id: repeated checks get #2, #3, ... without rescanning
    next_suffix: dict[str, int] = {}
    for entry in entries:
        spec = entry.spec
        note = ""
        where = f"{entry.file}:{entry.line}"
        if spec.devices is not None and not select(hosts, spec.devices, where):
            no_data = all(not getattr(h, "data", None) for h in hosts.values())
            raise InputError(
                f"{where}: devices {spec.devices} select no device of the inventory"
                + (" (the devices have no host data: no inventory was found)" if no_data else ""),
                hint="fix the filter (keys are host data such as role, or group/name/platform)"
                + ("; pass -i INVENTORY for host data" if no_data else ""),
            )
        if spec.scope == "device":
            devices = [d for d in select(hosts, spec.devices, where) if d in allowed]
            if narrow is not None and gate in spec.gates:
                devices = narrow(spec, devices, where)
            pairs = [(d, [d]) for d in devices]
        elif spec.scope == "group":
            members = getattr(spec, "members", None)
            chosen = select(hosts, spec.devices, where) if spec.devices is not None else None
            if members is not None:
                named = members(chosen if chosen is not None else sorted(hosts))
                select(hosts, named, where)  # unknown master/backup names are input errors
                devices = [d for d in named if d in allowed]
                left_out = [d for d in named if d not in allowed]
            else:
                devices = [d for d in (chosen or sorted(hosts)) if d in allowed]
                left_out = []
            pairs = [(spec.group_target(), devices)] if devices else []
            if devices and left_out:
                note = (
                    f"--limit leaves out {', '.join(left_out)} of this group; "
                    "a group is judged on all its routers"
                )
        else:
            origin = getattr(spec, "from_", None)
            if origin is not None and origin not in hosts and origin not in origins:
                raise InputError(
                    f"{where}: 'from: {origin}' is not a device "
                    f"(devices: {', '.join(sorted(hosts))}"
                    + (f"; hosts: {', '.join(sorted(origins))}" if origins else "")
                    + ")",
                    hint="start the flow at one of the listed devices",
                )
            pairs = [(spec.group_target(), sorted(allowed))]
        for target, devices in pairs:
            base_id = (
                spec.label()
                if spec.scope == "network" and target == spec.kind
                else (f"{spec.label()}[{target}]")
            )
            item_id = base_id
            n = next_suffix.get(base_id, 2)
            while item_id in seen:
                item_id = (
                    f"{spec.label()}#{n}"
                    if base_id == spec.label()
                    else f"{spec.label()}#{n}[{target}]"
                )
                n += 1
            next_suffix[base_id] = n
            seen.add(item_id)
            targets.append(Target(entry, target, devices, item_id, note))
    return targets


def plan_catalog(
    catalog: Catalog,
    hosts: dict[str, Any],
    gate: str,
    limit: list[str] | dict[str, Any] | None = None,
    narrow: Callable[[CheckSpec, list[str], str], list[str]] | None = None,
    origins: frozenset[str] = frozenset(),
) -> dict[Path, list[Target]]:
    """Targets per catalog file (by resolved path), with item ids unique within each file as
    the pytest plugin names them; a file given twice is planned once."""
    by_file: dict[Path, list[CatalogEntry]] = {}
    taken: set[tuple[Path, int]] = set()
    for entry in catalog.entries:
        key = entry.file.resolve()
        if (key, entry.index) in taken:
            continue
        taken.add((key, entry.index))
        by_file.setdefault(key, []).append(entry)
    return {
        key: plan(entries, hosts, gate, limit, narrow, origins) for key, entries in by_file.items()
    }


def _probe_requests(targets: list[Target]) -> list[tuple[str, str, int]]:
    """The reachability probes the live gate must send, each once."""
    wanted: dict[tuple[str, str], int] = {}
    for t in targets:
        request = getattr(t.spec, "probe_request", lambda: None)()
        if request is not None:
            source, destination, count = request
            wanted[(source, destination)] = max(count, wanted.get((source, destination), 0))
    return [(s, d, c) for (s, d), c in sorted(wanted.items())]


def _merge_route_queries(targets: list[Target]) -> RouteQueries:
    """Devices whose every routes-reading check names its prefixes: those are asked about
    the prefixes alone; one check that needs the whole table gets the whole table."""
    queries: RouteQueries = {}
    whole: set[str] = set()
    for t in targets:
        if "routes" not in t.spec.needed_domains():
            continue
        asked = t.spec.route_queries()
        for device in t.devices:
            if asked is None:
                whole.add(device)
            else:
                queries.setdefault(device, set()).update(asked)
    return {d: q for d, q in queries.items() if d not in whole}


def _collect(source: StateSource, targets: list[Target], progress: Progress | None) -> State:
    """The source's State for these targets; a source whose ``collect`` takes no
    ``route_queries`` (one written before it existed) collects whole tables."""
    import inspect

    needs = _merge_needs(targets)
    queries = _merge_route_queries(targets)
    try:
        takes = "route_queries" in inspect.signature(source.collect).parameters
    except (TypeError, ValueError):
        takes = False
    if queries and takes:
        return source.collect(needs, progress, route_queries=queries)
    return source.collect(needs, progress)


def _merge_needs(targets: list[Target]) -> dict[str, set[Domain]]:
    needs: dict[str, set[Domain]] = {}
    for t in targets:
        for device, domains in t.needs().items():
            needs.setdefault(device, set()).update(domains)
    return needs


@dataclass
class Runner:
    targets: list[Target]
    source: StateSource
    gate: str
    poll_interval: float = 1.0
    state: State | None = None
    results: dict[str, Evaluation] = field(default_factory=dict)
    collect_seconds: float = 0.0
    interrupted: bool = False
    #: collection (and the engine's loading) split over the checks that needed it
    _collect_share: float = 0.0
    _shared_by: set[str] = field(default_factory=set)

    def _evaluate(self, target: Target, state: State) -> Evaluation:
        started = time.perf_counter()
        try:
            outcome = self._outcome(target, state)
        except NetvalError as exc:
            outcome = Outcome.error(f"{target.spec.kind}: {exc.message}")
        except Exception as exc:  # a bug must not hide the other results: report it here
            outcome = Outcome.error(
                f"{target.spec.kind} raised {type(exc).__name__}: {exc} (a netval bug; "
                "please report it with the catalog entry)"
            )
        return Evaluation(outcome, time.perf_counter() - started)

    def _outcome(self, target: Target, state: State) -> Outcome:
        spec = target.spec
        if target.note:
            return Outcome.skipped(target.note)
        static_eval = getattr(spec, "evaluate_static", None)
        if self.gate == "static" and static_eval is not None:
            engine = getattr(self.source, "engine", None)
            try:
                result: Outcome = static_eval(
                    engine, target.target, target.devices, getattr(self.source, "base", None)
                )
            except NotImplementedError as exc:
                return Outcome.error(
                    f"the {getattr(engine, 'name', '?')} engine cannot answer {spec.kind}: {exc}"
                )
            return result
        if self.gate not in spec.gates:
            return Outcome.skipped(
                f"{spec.kind} is a {'/'.join(sorted(spec.gates))} check; it runs in "
                + ("`netval verify`" if "static" in spec.gates else "`netval check`")
            )
        return evaluate(spec, state, target.target, target.devices)

    def prepare(self, progress: Progress | None = None) -> None:
        """Collect once, evaluate everything, then retry `within` checks until they pass."""
        if interrupts.received() is not None:
            # the signal came while pytest started: no device is contacted any more
            self.interrupt(interrupts.current_label(), "before collection started")
            return
        runnable = [t for t in self.targets if self.gate in t.spec.gates]
        started = time.monotonic()
        try:
            with interrupts.interruptible():
                self.state = _collect(self.source, runnable, progress)
                if self.gate == "live":
                    self._probe(runnable)
                self.collect_seconds = time.monotonic() - started
                loading = float(getattr(self.source, "load_seconds", 0.0))
                self._shared_by = {t.key for t in runnable}
                self._collect_share = (loading + self.collect_seconds) / max(1, len(runnable))
                for t in self.targets:
                    self.results[t.key] = self._evaluate(t, self.state)
        except KeyboardInterrupt as exc:
            self.interrupt(interrupts.label_of(exc), "before it was evaluated")
            return
        self._converge(started)

    def _probe(self, targets: list[Target]) -> None:
        """Send the reachability probes these targets judge, and keep their answers with
        the source's node (a device, or a lab host that has no other data)."""
        assert self.state is not None
        requests = _probe_requests(targets)
        if not requests:
            return
        send = getattr(self.source, "probe", None)
        if send is None:
            for source, _, _ in requests:
                node = self.state.node(source)
                node.fail(
                    "probes", Problem.UNSUPPORTED, f"{self.source.description} sends no probes"
                )
            return
        for result in send(requests):
            node = self.state.node(result.source)
            kept = [p for p in node.probes or [] if p.destination != result.destination]
            node.probes = [*kept, result]

    def interrupt(self, how: str, when: str) -> None:
        """Ctrl-C or SIGTERM: every target not evaluated yet becomes an error that says so."""
        self.interrupted = True
        for t in self.targets:
            if t.key not in self.results:
                self.results[t.key] = Evaluation(
                    Outcome.error(f"interrupted ({how}) {when}", problem=Problem.INTERRUPTED)
                )

    def _converge(self, started: float) -> None:
        assert self.state is not None
        if self.gate != "live":
            # a prediction never changes: waiting for it to converge would only sleep
            return
        pending = [
            t
            for t in self.targets
            if t.spec.within
            and t.key in self.results
            and self.gate in t.spec.gates
            and self.results[t.key].outcome.status not in (Status.PASS, Status.SKIP)
            and not self._hopeless(t)
        ]
        try:
            with interrupts.interruptible():
                self._retry(pending, started)
        except KeyboardInterrupt as exc:
            # interrupted while waiting for convergence: report what is known, mark the rest
            self.interrupted = True
            how = interrupts.label_of(exc)
            for t in pending:
                ev = self.results[t.key]
                if ev.outcome.status is not Status.PASS:
                    ev.outcome = Outcome.error(
                        f"interrupted ({how}) while waiting for convergence: {ev.outcome.message}",
                        problem=Problem.INTERRUPTED,
                    )

    def _retry(self, pending: list[Target], started: float) -> None:
        """Retry until nothing is pending; ``pending`` is updated in place, so that an
        interrupt marks only the targets still waiting."""
        assert self.state is not None
        while pending:
            if getattr(self.source, "interrupted", False):
                raise interrupts.Interrupted(interrupts.received() or signal.SIGINT)
            now = time.monotonic()
            pending[:] = [t for t in pending if now - started < (t.spec.within or 0)]
            if not pending:
                return
            time.sleep(self.poll_interval)
            fresh = _collect(self.source, pending, None)
            for name, node in fresh.nodes.items():
                self.state.nodes[name] = node
            self._probe(pending)
            still = []
            for t in pending:
                ev = self._evaluate(t, self.state)
                ev.attempts = self.results[t.key].attempts + 1
                ev.elapsed = time.monotonic() - started
                if ev.outcome.status is Status.PASS:
                    ev.converged_after = time.monotonic() - started
                    ev.outcome.message += f" (converged after {ev.converged_after:.1f} s)"
                elif ev.outcome.status is not Status.SKIP:
                    ev.outcome.message += (
                        f" (still failing after {time.monotonic() - started:.1f} s, "
                        f"{ev.attempts} attempts, within {t.spec.within:.0f} s)"
                    )
                    if not self._hopeless(t):
                        still.append(t)
                self.results[t.key] = ev
            pending[:] = still

    def seconds(self, key: str) -> float:
        """The time one check took: its share of collection and its evaluation, or for a
        check retried until it converged (or gave up), the whole wait from collection on."""
        ev = self.results[key]
        if ev.elapsed is not None:
            return ev.elapsed
        return ev.duration + (self._collect_share if key in self._shared_by else 0.0)

    def _hopeless(self, target: Target) -> bool:
        """Device errors that waiting cannot fix (credentials, platform): do not retry."""
        assert self.state is not None
        for device in target.devices:
            node = self.state.nodes.get(device)
            if node is None:
                continue
            for key in ("device", *target.spec.needed_domains()):
                problem = node.problems.get(key)
                if problem is not None and not problem.retryable:
                    return True
        return False
