"""pytest plugin: catalog entries x targets become pytest items.

Active only with ``--netval live`` (or ``static``): then every YAML file given on the
command line is collected as a catalog, and so is YAML whose top level has a ``checks:`` key
in a folder pytest walks. Each check on each device is one item with a readable id
(``bgp_sessions[leaf1]``) that carries its kind and its devices as markers and keywords
(``-m bgp_sessions``, ``-k leaf1``). A check that had no usable data is reported as a pytest
*error* (raised in setup), a check that saw the wrong thing as a *failure*; JUnit XML,
pytest-html, ``-m``, ``-k``, ``-x``, ``--lf``, ``--ff`` and ``--sw`` work as usual. The
fixtures of ``netval.pytest_fixtures`` serve users' own tests. ``--netval-json`` writes a JSON
report, also when the run is interrupted.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from netval.catalog import CatalogEntry, load_catalog_file
from netval.errors import NetvalError
from netval.partition import Shard
from netval.pytest_fixtures import netval_engine, netval_nornir, netval_source, netval_state
from netval.report.escape import printable
from netval.results import Result, Status
from netval.runner import Evaluation, Runner, StateSource, Target, plan
from netval.state import Problem, State

#: fixtures for users' own tests, offered wherever the plugin is loaded
FIXTURES = (netval_engine, netval_nornir, netval_source, netval_state)
CONTEXT_KEY = pytest.StashKey["RunContext"]()
_MARKERS_KEY = pytest.StashKey[set[str]]()
#: status counts of the last run in this process (the command line reads them)
LAST_RUN: dict[str, int] | None = None


class CheckFailed(AssertionError):
    """The check saw something other than the intent."""


class CheckDataError(Exception):
    """The check had no usable data (unreachable device, unparsable output)."""


class SourceHolder:
    """Hands a source the command line already opened to the plugin (no second upload), and
    the targets it already planned per catalog file (no second load and plan).

    ``None``: the command was interrupted before its source was open; the run then only
    reports that, and opens nothing.
    """

    def __init__(
        self, source: StateSource | None, planned: dict[Path, list[Target]] | None = None
    ) -> None:
        self.netval_source = source
        self.netval_planned = planned or {}


class RunContext:
    """One run's source, targets, runner and results (shared by all collectors)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.mode: str = config.getoption("netval_mode")
        self._source: StateSource | None = None
        self.targets: list[Target] = []
        self.runner: Runner | None = None
        self.results: dict[str, Result] = {}
        #: an xdist worker runs its items' parts one by one, each logged in to when its
        #: first item runs; the controller has no items, only the reports workers send
        self.worker = hasattr(config, "workerinput")
        self.controller = (
            not self.worker
            and getattr(config.option, "dist", "no") != "no"
            and not config.option.collectonly
        )
        self.parts: dict[str, str] = {}
        self.part_runners: dict[str, Runner] = {}
        #: what each worker reported at its end (items planned, collection time, state)
        self.remote: list[dict[str, Any]] = []
        #: --netval-shard: which shard this run is, and what identifies the whole it is of
        self.shard: Shard | None = None
        self._shard_info: dict[str, Any] | None = None
        self.started = time.time()
        self.interrupted = False
        self.extra_targets: list[Target] = []
        holders = [p for p in config.pluginmanager.get_plugins() if isinstance(p, SourceHolder)]
        self.no_source = bool(holders) and holders[0].netval_source is None
        #: the plugin opened the source itself (plain pytest), so it closes it too
        self.owns_source = False
        if holders and holders[0].netval_source is not None:
            self._source = holders[0].netval_source

    @property
    def opened(self) -> StateSource | None:
        """The source if one is open (the reports never open one just to describe it)."""
        return self._source

    @property
    def description(self) -> str:
        """The source's description, without opening a source for it."""
        if self._source is not None:
            return self._source.description
        for out in self.remote:
            if out.get("description"):
                return str(out["description"])
        return "interrupted before the source was opened" if self.no_source else ""

    @property
    def shard_info(self) -> dict[str, Any] | None:
        """This shard and the whole: the items of every shard (count and digest), the
        catalogs' digest and the run id, which `netval merge` compares."""
        if self._shard_info is None:
            return next((o["shard"] for o in self.remote if o.get("shard")), None)
        return self._shard_info

    def runner_for(self, key: str) -> Runner | None:
        """The runner that evaluated this item; on an xdist worker, the runner of the
        item's part, which collects from the part's devices the first time it is asked."""
        if not self.worker or self.runner is not None:
            return self.runner
        part = self.parts.get(key)
        if part is None:
            return None
        runner = self.part_runners.get(part)
        if runner is None:
            targets = [t for t in self.targets if self.parts.get(t.key) == part]
            runner = self.part_runners[part] = Runner(targets, self.source, self.mode)
            runner.prepare(None)
            if getattr(self.source, "interrupted", False) or runner.interrupted:
                from netval.report import json_report

                json_report.INTERRUPTED = True
        return runner

    def _runners(self) -> list[Runner]:
        return [self.runner] if self.runner is not None else list(self.part_runners.values())

    @property
    def planned_count(self) -> int:
        """Items selected to run (the same on every xdist worker)."""
        if self.remote:
            return max(int(out.get("planned", 0)) for out in self.remote)
        if self.runner is not None:
            return len(self.runner.targets)
        return len(self.parts) if self.parts else len(self.targets)

    @property
    def collect_seconds(self) -> float | None:
        """Time spent collecting: on xdist, the longest any worker spent."""
        if self.remote:
            return max(float(out.get("collect_seconds") or 0.0) for out in self.remote)
        runners = self._runners()
        return sum(r.collect_seconds for r in runners) if runners else None

    @property
    def state(self) -> State | None:
        """The state the checks ran on (on xdist, the workers' states together)."""
        if self.remote:
            states = [State.model_validate(o["state"]) for o in self.remote if o.get("state")]
        else:
            states = [r.state for r in self._runners() if r.state is not None]
        if not states:
            return None
        if len(states) == 1:
            return states[0]
        merged = State(source=states[0].source, origin=states[0].origin)
        for state in states:
            merged.nodes.update(state.nodes)
        return merged

    def _holder(self) -> SourceHolder | None:
        for plugin in self.config.pluginmanager.get_plugins():
            if isinstance(plugin, SourceHolder):
                return plugin
        return None

    def planned(self, path: Path) -> list[Target] | None:
        """The targets the command line planned for this catalog file, if it did."""
        holder = self._holder()
        return None if holder is None else holder.netval_planned.get(path.resolve())

    @property
    def source(self) -> StateSource:
        if self._source is None:
            opt = self.config.getoption
            if self.mode == "live":
                from netval.live.source import LiveSource

                inv, config = opt("netval_inventory"), opt("netval_nornir_config")
                self._source = LiveSource(
                    Path(inv) if inv else None,
                    opt("netval_lab"),
                    opt("netval_workers"),
                    Path(config) if config else None,
                )
            else:
                from netval.static.source import PredictedSource

                self._source = PredictedSource.from_options(self.config)
            self.owns_source = True
        return self._source

    def limit(self) -> Any:
        from netval.live.inventory import parse_limit

        return parse_limit(self.config.getoption("netval_limit"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("netval", "netval network checks")
    group.addoption(
        "--netval",
        dest="netval_mode",
        choices=["live", "static"],
        default=None,
        help="collect catalog YAML files as netval checks (live: devices; "
        "static: a snapshot through an engine)",
    )
    group.addoption(
        "--netval-inventory",
        dest="netval_inventory",
        default=None,
        help="Nornir SimpleInventory folder (default: ./inventory)",
    )
    group.addoption(
        "--netval-nornir-config",
        dest="netval_nornir_config",
        default=None,
        help="a nornir config.yaml (InitNornir: any inventory, transform and runner plugin)",
    )
    group.addoption(
        "--netval-workers",
        dest="netval_workers",
        type=int,
        default=None,
        help="devices collected from at once (default 32, or the nornir config's num_workers)",
    )
    group.addoption(
        "--netval-lab",
        dest="netval_lab",
        default=None,
        help="use the inventory of the running lab with this id",
    )
    group.addoption(
        "--netval-limit",
        dest="netval_limit",
        default=None,
        help="only these devices: names (globs) or key=value on host data",
    )
    group.addoption(
        "--netval-json",
        dest="netval_json",
        default=None,
        help="write a JSON report of every result to this file",
    )
    group.addoption(
        "--netval-shard",
        dest="netval_shard",
        default=None,
        help="run only shard INDEX/COUNT of the items, e.g. 2/4: items that share a device "
        "stay in one shard; `netval merge` joins the shards' reports",
    )
    group.addoption(
        "--netval-run-id",
        dest="netval_run_id",
        default=None,
        help="the id the shards of one run share (default: $NETVAL_RUN_ID, else "
        "$GITHUB_RUN_ID); `netval merge` refuses shards of different runs",
    )
    group.addoption("--netval-rehearsal", dest="netval_rehearsal", default=None)
    group.addoption("--netval-max-loss", dest="netval_max_loss", type=int, default=0)
    group.addoption(
        "--netval-html",
        dest="netval_html",
        default=None,
        help="write netval's self-contained HTML report to this file",
    )
    group.addoption(
        "--netval-md",
        dest="netval_md",
        default=None,
        help="write a markdown summary to this file (appended to when it is $GITHUB_STEP_SUMMARY)",
    )
    group.addoption(
        "--netval-show-passed",
        dest="netval_show_passed",
        action="store_true",
        default=False,
        help="list every passed item in the console summary (default: only their count past 20)",
    )
    group.addoption("--netval-snapshot", dest="netval_snapshot", default=None)
    group.addoption("--netval-base", dest="netval_base", default=None)
    group.addoption("--netval-engine", dest="netval_engine", default="auto")
    group.addoption(
        "--netval-baseline",
        dest="netval_baseline",
        default=None,
        help="a state captured by `netval capture`: add baseline checks",
    )
    group.addoption(
        "--netval-max-prefix-drop",
        dest="netval_max_prefix_drop",
        type=float,
        default=10.0,
        help="baseline: allowed drop of prefixes received, percent",
    )


@pytest.hookimpl(trylast=True)  # after junitxml has set up its writer
def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("netval_mode")
    if mode:
        from netval.report import json_report
        from netval.report.run import GATES

        json_report.INTERRUPTED = False
        ctx = config.stash[CONTEXT_KEY] = RunContext(config)
        shard = config.getoption("netval_shard")
        if shard:
            from netval.partition import parse_shard

            try:
                ctx.shard = parse_shard(shard, "--netval-shard")
            except NetvalError as exc:
                raise pytest.UsageError(str(exc)) from None
        config.pluginmanager.register(ReportHooks(ctx), "netval-reports")
        if ctx.controller or ctx.worker:
            from netval.pytest_xdist import XdistHooks

            config.pluginmanager.register(XdistHooks(ctx), "netval-xdist")
        xml = _junit(config)
        if xml is not None and config.getini("junit_suite_name") == "pytest":
            # verify and check reports land side by side in CI: each suite says which it is
            xml.suite_name = f"netval-{GATES[mode]}"


def _junit(config: pytest.Config) -> Any:
    """pytest's JUnit writer when --junitxml is given (it has no public handle)."""
    from _pytest.junitxml import xml_key

    return config.stash.get(xml_key, None)


def junit_classname(gate: str, catalog: Path, kind: str) -> str:
    """``<gate>.<catalog stem>.<kind>``: Jenkins shows the part after the last dot as the
    class and the rest as the package, so the stem's own dots must not split it."""
    stem = catalog.name.rsplit(".", 1)[0] if "." in catalog.name else catalog.name
    return ".".join(printable(p, lines=False).replace(".", "_") for p in (gate, stem, kind))


def _context(config: pytest.Config) -> RunContext | None:
    return config.stash.get(CONTEXT_KEY, None)


#: a catalog's top level holds a `checks:` list; other YAML (an inventory) is no catalog
_CATALOG_KEY = re.compile(rb"^checks[ \t]*:", re.M)


def is_catalog(path: Path, limit: int = 1 << 20) -> bool:
    """Whether YAML found in a folder pytest walks is a catalog: its top level has a
    ``checks:`` key. A broken catalog still is one (its error becomes an item)."""
    try:
        with path.open("rb") as f:
            return _CATALOG_KEY.search(f.read(limit)) is not None
    except OSError:
        return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    ctx = _context(parent.config)
    if ctx is None:
        return None
    if file_path.suffix in (".yaml", ".yml") and (
        parent.session.isinitpath(file_path) or is_catalog(file_path)
    ):
        return _collector(CatalogFile, parent, file_path)
    baseline = parent.config.getoption("netval_baseline")
    if baseline and file_path.resolve() == Path(baseline).resolve():
        return _collector(BaselineFile, parent, file_path)
    rehearsal = parent.config.getoption("netval_rehearsal")
    if rehearsal and file_path.resolve() == Path(rehearsal).resolve():
        return _collector(RehearsalFile, parent, file_path)
    return None


def _collector(
    cls: type[_NetvalCollector], parent: pytest.Collector, file_path: Path
) -> _NetvalCollector:
    node = cls.from_parent(parent, path=file_path)
    name, nodeid = printable(node.name, lines=False), printable(node.nodeid, lines=False)
    if (name, nodeid) == (node.name, node.nodeid):
        return node
    # pytest writes node ids as they are into JUnit's classname, the HTML report and the
    # terminal; a file name that is not UTF-8 makes that fail halfway through a report
    return cls.from_parent(parent, path=file_path, name=name, nodeid=nodeid)


class InputProblem(Exception):
    """A user's input error surfaced during collection, shown without a traceback."""


class _NetvalCollector(pytest.File):
    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, NetvalError | InputProblem):
            return printable(f"netval: {excinfo.value}")
        return str(super().repr_failure(excinfo))

    def _items(self, targets: list[Target]) -> Iterator[CheckItem]:
        for target in targets:
            name = printable(target.item_id, lines=False)
            # pytest 9 reads a node id's trailing [...] as parameters when it loads --lf's
            # list; an id built from the parent's would not match it (bgp_sessions[leaf1]
            # would never rerun), one parsed from the text does
            yield CheckItem.from_parent(
                self, name=name, nodeid=f"{self.nodeid}::{name}", target=target
            )

    def _interrupted(self) -> Iterator[InterruptedItem]:
        from netval import interrupts

        yield InterruptedItem.from_parent(
            self,
            name="interrupted",
            message=f"interrupted ({interrupts.current_label()}) before the checks of "
            f"{self.path.name} were planned: none of them ran",
        )


class CatalogFile(_NetvalCollector):
    def collect(self) -> Iterator[pytest.Item]:
        ctx = _context(self.config)
        assert ctx is not None
        if ctx.no_source:
            yield from self._interrupted()
            return
        planned = ctx.planned(self.path)
        if planned is None:
            entries = load_catalog_file(self.path)
            narrow = getattr(ctx.source, "narrow", None)
            origins = frozenset(getattr(ctx.source, "probe_origins", lambda: ())())
            targets = plan(entries, ctx.source.hosts(), ctx.mode, ctx.limit(), narrow, origins)
        else:
            # the command line read the file by the name it was given; reports name it as
            # pytest collected it, as when the plugin reads it itself
            moved: dict[int, CatalogEntry] = {}
            targets = []
            for t in planned:
                entry = moved.get(id(t.entry))
                if entry is None:
                    entry = moved[id(t.entry)] = replace(t.entry, file=self.path)
                targets.append(replace(t, entry=entry))
        ctx.targets += targets
        yield from self._items(targets)


class BaselineFile(_NetvalCollector):
    def collect(self) -> Iterator[pytest.Item]:
        from netval.checks.baseline import baseline_targets

        ctx = _context(self.config)
        assert ctx is not None
        if ctx.no_source:
            yield from self._interrupted()
            return
        targets = baseline_targets(
            self.path,
            ctx.source.hosts(),
            ctx.limit(),
            self.config.getoption("netval_max_prefix_drop"),
            ctx.targets,
        )
        ctx.targets += targets
        yield from self._items(targets)


class RehearsalFile(_NetvalCollector):
    """What `netval rehearse` measured while it applied the change: one item per probe."""

    def collect(self) -> Iterator[pytest.Item]:
        from netval.checks.rehearsal import rehearsal_targets

        ctx = _context(self.config)
        assert ctx is not None
        if ctx.no_source:
            # the rehearsal was interrupted: its record says where, and its probes' traffic
            data = json.loads(self.path.read_text())
            yield InterruptedItem.from_parent(
                self,
                name="interrupted",
                message=data.get("interrupted") or "interrupted before the checks ran",
            )
            return
        targets = rehearsal_targets(self.path, self.config.getoption("netval_max_loss"))
        ctx.targets += targets
        yield from self._items(targets)


class InterruptedItem(pytest.Item):
    """Stands for the checks of a catalog that an interrupt kept from being planned."""

    def __init__(self, *, message: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.message = message

    def setup(self) -> None:
        raise CheckDataError(self.message)

    def runtest(self) -> None:
        raise CheckDataError(self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def _repr_failure_py(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> Any:
        return self.repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


#: markers pytest and common plugins act on: a device of that name gets only a keyword
_ACTING_MARKERS = frozenset(
    {"skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings", "timeout"}
    | {"flaky", "order", "dependency", "asyncio", "django_db", "no_cover", "tryfirst", "trylast"}
)


def _selectable(item: pytest.Item, name: str, meaning: str) -> None:
    """``name`` as a marker (``-m name``) and a keyword (``-k name``) of the item."""
    item.extra_keyword_matches.add(name)
    if not name or name.startswith("_") or name in _ACTING_MARKERS:
        return
    registered = {
        line.split(":")[0].split("(")[0].strip() for line in item.config.getini("markers")
    }
    if name not in registered:
        # registered so that --strict-markers accepts it
        item.config.addinivalue_line("markers", f"{name}: {meaning}")
    item.add_marker(name)


class CheckItem(pytest.Item):
    def __init__(self, *, target: Target, **kw: Any) -> None:
        super().__init__(**kw)
        self.target = target
        spec = target.spec
        # -m bgp_sessions, -k leaf1: a check's kind and the devices it judges select it; a
        # network-wide check judges no device of its own
        _selectable(self, spec.kind, f"netval check kind {spec.kind}")
        if spec.scope != "network":
            for device in dict.fromkeys(target.devices):
                _selectable(self, printable(device, lines=False), f"netval device {device}")
        self.user_properties += [
            ("kind", spec.kind),
            ("target", printable(target.target, lines=False)),
            ("devices", printable(",".join(target.devices), lines=False)),
            ("catalog", printable(f"{target.entry.file}:{target.entry.line}", lines=False)),
        ]
        if spec.scope == "device":
            self.user_properties.append(("device", printable(target.target, lines=False)))

    def _evaluation(self) -> Evaluation:
        ctx = _context(self.config)
        assert ctx is not None
        runner = ctx.runner_for(self.target.key)
        assert runner is not None
        return runner.results[self.target.key]

    def setup(self) -> None:
        ev = self._evaluation()
        if ev.outcome.status is Status.ERROR:
            raise CheckDataError(ev.outcome.message)
        if ev.outcome.status is Status.SKIP:
            pytest.skip(ev.outcome.message)

    def runtest(self) -> None:
        ev = self._evaluation()
        self.user_properties.append(("check_seconds", f"{ev.duration:.6f}"))
        if ev.converged_after is not None:
            self.user_properties.append(("converged_after", f"{ev.converged_after:.2f}"))
        if ev.outcome.status is Status.FAIL:
            raise CheckFailed(ev.outcome.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailed | CheckDataError):
            ev = self._evaluation()
            lines = [str(excinfo.value)]
            if ev.outcome.expected is not None:
                lines.append(f"expected: {json.dumps(ev.outcome.expected, default=str)}")
            if ev.outcome.observed is not None:
                lines.append(f"observed: {json.dumps(ev.outcome.observed, default=str)}")
            return printable("\n".join(lines))
        return str(super().repr_failure(excinfo))

    def _repr_failure_py(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> Any:
        # setup errors are rendered here, not in repr_failure: keep them one paragraph too
        if isinstance(excinfo.value, CheckFailed | CheckDataError):
            return self.repr_failure(excinfo)
        return super()._repr_failure_py(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        # the location lands in JUnit's "file" attribute as is: keep it writable as UTF-8
        path = Path(printable(str(self.path), lines=False))
        return path, self.target.entry.line - 1, printable(self.target.item_id, lines=False)


@pytest.hookimpl(trylast=True)  # after -k, -m and --lf chose
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    ctx = _context(config)
    if ctx is None or ctx.shard is None:
        return
    from netval import partition
    from netval.report.run import shown_path

    checks = [i for i in items if isinstance(i, CheckItem)]
    where = partition.assign([i.target for i in checks], ctx.mode, ctx.shard.count)
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        # the first shard takes what is no catalog check (a user's own tests)
        shard = where[item.target.key] if isinstance(item, CheckItem) else 1
        (keep if shard == ctx.shard.index else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    uids = sorted(f"{shown_path(i.target.entry.file)}::{i.target.item_id}" for i in checks)
    files = sorted({shown_path(i.target.entry.file): i.target.entry.file for i in checks}.items())
    catalogs = hashlib.sha256()
    for name, path in files:
        catalogs.update(name.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    run_id = config.getoption("netval_run_id") or os.environ.get("NETVAL_RUN_ID")
    ctx._shard_info = {
        "index": ctx.shard.index,
        "count": ctx.shard.count,
        "items": len(uids),
        "items_digest": hashlib.sha256("\n".join(uids).encode()).hexdigest(),
        "catalog_digest": catalogs.hexdigest(),
        "run_id": run_id or os.environ.get("GITHUB_RUN_ID") or None,
    }


def shard_properties(info: dict[str, Any] | None) -> dict[str, str]:
    """The shard facts as JUnit suite properties, which `netval merge` compares too."""
    if info is None:
        return {}
    props = {
        "shard": f"{info['index']}/{info['count']}",
        "shard_items": str(info["items"]),
        "shard_items_digest": info["items_digest"],
        "shard_catalog_digest": info["catalog_digest"],
    }
    if info.get("run_id"):
        props["shard_run_id"] = str(info["run_id"])
    return props


def _junit_properties(config: pytest.Config, ctx: RunContext) -> None:
    xml = _junit(config)
    if xml is None:
        return
    from netval.report.run import run_info

    props = run_info(ctx).properties() | shard_properties(ctx.shard_info)
    for name, value in props.items():
        xml.add_global_property(name, printable(value, lines=False))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    ctx = _context(session.config)
    if ctx is None:
        return
    baseline = session.config.getoption("netval_baseline")
    if baseline and not any(
        t.entry.file.resolve() == Path(baseline).resolve() for t in ctx.targets
    ):
        raise pytest.UsageError(
            f"--netval-baseline {baseline}: pass the file as an argument too, so that its "
            "checks are collected (netval check does this for you)"
        )
    _junit_properties(session.config, ctx)
    if not ctx.targets or session.config.option.collectonly:
        return  # listing items must not log in to every device
    from netval.report.console import collection_progress

    items = {i.target.key for i in session.items if isinstance(i, CheckItem)}
    targets = [t for t in ctx.targets if t.key in items]
    if ctx.worker:
        # xdist's scheduler sends each part to one worker: collection waits for the part
        from netval import partition
        from netval.pytest_xdist import publish_parts

        ctx.parts = partition.groups(targets, ctx.mode)
        publish_parts(session, ctx.parts)
        return
    ctx.runner = Runner(targets, ctx.source, ctx.mode)
    with collection_progress(ctx.source.description) as progress:
        ctx.runner.prepare(progress)
    if getattr(ctx.source, "interrupted", False) or ctx.runner.interrupted:
        from netval.report import json_report

        json_report.INTERRUPTED = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    ctx = _context(item.config)
    if ctx is not None and report.when == "setup":
        classname = _classname(item, ctx)
        if classname is not None:
            report.netval_classname = classname
    if ctx is not None and isinstance(item, InterruptedItem) and report.when == "setup":
        from netval.report.run import shown_path

        ctx.results[item.nodeid] = result = Result(
            uid=f"{shown_path(item.path)}::{item.name}",
            id=item.name,
            kind="interrupted",
            target="",
            scope="network",
            catalog=str(item.path),
            status=Status.ERROR,
            message=item.message,
            problem=Problem.INTERRUPTED,
            source=ctx.description,
        )
        _send(ctx, report, item.nodeid, result)
        return
    if ctx is None or not isinstance(item, CheckItem):
        return
    runner = ctx.runner_for(item.target.key)
    if runner is None:
        return
    ev = runner.results[item.target.key]
    status: Status | None = None
    if report.when == "setup" and report.failed:
        status = Status.ERROR
    elif report.when == "setup" and report.skipped:
        status = Status.SKIP
    elif report.when == "call":
        status = (
            Status.PASS
            if report.passed
            else Status.FAIL
            if isinstance(call.excinfo and call.excinfo.value, CheckFailed)
            else Status.ERROR
        )
    if status is None:
        return
    from netval.report.run import shown_path

    # the check ran before pytest called the item: its time goes to the report that
    # carries its verdict, so JUnit, pytest-html and --durations show it
    seconds = runner.seconds(item.target.key)
    report.duration += seconds
    spec = item.target.spec
    ctx.results[item.target.key] = result = Result(
        uid=f"{shown_path(item.target.entry.file)}::{item.target.item_id}",
        id=item.target.item_id,
        kind=spec.kind,
        target=item.target.target,
        devices=item.target.devices,
        scope=spec.scope,
        catalog=f"{item.target.entry.file}:{item.target.entry.line}",
        status=status,
        message=ev.outcome.message
        if status is not Status.ERROR
        or not call.excinfo
        or isinstance(call.excinfo.value, CheckDataError)
        else str(call.excinfo.value),
        expected=ev.outcome.expected,
        observed=ev.outcome.observed,
        duration=seconds,
        converged_after=ev.converged_after,
        source=ctx.source.description,
        problem=ev.outcome.problem if status is Status.ERROR else None,
    )
    _send(ctx, report, item.target.key, result)


def _send(ctx: RunContext, report: pytest.TestReport, key: str, result: Result) -> None:
    """On an xdist worker, the result rides on the report to the controller, which writes
    the reports."""
    if ctx.worker:
        # TestReport keeps extra attributes, and xdist sends them along
        setattr(report, "netval_key", key)  # noqa: B010
        setattr(report, "netval_result", result.model_dump(mode="json"))  # noqa: B010


class ReportHooks:
    """Each report as it arrives, from this process or from an xdist worker: the result it
    carries, and JUnit's classname and case details."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes the case
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.ctx.controller and hasattr(report, "netval_result"):
            self.ctx.results[report.netval_key] = Result.model_validate(report.netval_result)
        xml = _junit(self.ctx.config)
        if xml is None:
            return
        classname = getattr(report, "netval_classname", None)
        if report.when == "setup" and classname is not None:
            name = f"{xml.prefix}.{classname}" if xml.prefix else classname
            xml.node_reporter(report).add_attribute("classname", name)
        if report.when == "teardown":
            _junit_case_details(xml, report)


def _classname(item: pytest.Item, ctx: RunContext) -> str | None:
    """JUnit's classname from the gate, the catalog and the check's kind (pytest's dotted
    file path reads as class "yaml" in Jenkins, and breaks for a catalog outside the cwd)."""
    from netval.report.run import GATES

    if isinstance(item, CheckItem):
        catalog, kind = item.target.entry.file, item.target.spec.kind
    elif isinstance(item, InterruptedItem):
        catalog, kind = item.path, "interrupted"
    else:
        return None
    return junit_classname(GATES.get(ctx.mode, ctx.mode), catalog, kind)


def _junit_case_details(writer: Any, report: pytest.TestReport) -> None:
    """An item's details (kind, target, devices, catalog line, times) as the testcase's
    ``<system-out>``, one ``key: value`` a line.

    pytest writes them as ``<properties>`` inside ``<testcase>``, which the JUnit schema that
    Jenkins' xUnit plugin publishes (junit-10.xsd, the one pytest itself follows) does not
    allow; ``<system-out>`` is allowed there and every JUnit viewer shows it with the case.
    """
    if not report.user_properties:
        return
    import xml.etree.ElementTree as ET

    from _pytest.junitxml import bin_xml_escape

    details = ET.Element("system-out")
    details.text = bin_xml_escape(
        "".join(f"{name}: {value}\n" for name, value in report.user_properties)
    )
    writer.node_reporter(report).append(details)
    # junitxml reads them off the teardown report right after this hook
    report.user_properties = []


def _stopped_by_pytest(excinfo: pytest.ExceptionInfo[BaseException]) -> bool:
    """pytest's own stop after a failure (``--sw``): not a signal, though pytest reports it
    through the same hook as one."""
    return type(excinfo.value) is pytest.Session.Interrupted


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    from netval.report import json_report

    if not _stopped_by_pytest(excinfo):
        json_report.INTERRUPTED = True


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ctx = _context(session.config)
    if ctx is None:
        return
    from netval.report import json_report

    if (
        exitstatus == pytest.ExitCode.INTERRUPTED
        and session.shouldstop
        and not json_report.INTERRUPTED
    ):
        # --sw stopped at a failure: the run failed, it was not interrupted
        session.exitstatus = exitstatus = pytest.ExitCode.TESTS_FAILED
    if ctx.worker:
        from netval.pytest_xdist import send_summary

        send_summary(session.config, ctx)  # the controller writes the reports
        return
    if any(out.get("interrupted") for out in ctx.remote):
        json_report.INTERRUPTED = True
    if ctx.controller:
        _junit_properties(session.config, ctx)  # the controller collected nothing

    global LAST_RUN
    LAST_RUN = {s.value: 0 for s in Status}
    for result in ctx.results.values():
        LAST_RUN[result.status.value] += 1
    path = session.config.getoption("netval_json")
    if path:
        json_report.write(Path(path), ctx, exitstatus)
    page = session.config.getoption("netval_html")
    if page:
        from netval.report import html_report

        html_report.write(Path(page), ctx, exitstatus)
    md = session.config.getoption("netval_md")
    if md:
        from netval.report import markdown

        markdown.write(Path(md), ctx, exitstatus)
    if ctx.owns_source and ctx.mode == "static" and ctx.opened is not None:
        from netval.static.source import PredictedSource

        if isinstance(ctx.opened, PredictedSource):
            # what the run uploaded to a Batfish service goes with the run
            for problem in ctx.opened.close():
                sys.stderr.write(f"netval: could not clean up on Batfish: {problem}\n")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    ctx = _context(config)
    if ctx is None or not ctx.results:
        return
    from netval.report.console import summary_table

    summary_table(ctx, show_passed=config.getoption("netval_show_passed"))


# pytest-html's hooks: loaded only in a run that writes an HTML report
@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list[str]) -> None:
    cells.insert(1, "<th>Device / target</th>")
    cells.insert(2, "<th>Check</th>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report: Any, cells: list[str]) -> None:
    props = dict(getattr(report, "user_properties", []) or [])
    cells.insert(1, f"<td>{html.escape(str(props.get('target', '')))}</td>")
    cells.insert(2, f"<td>{html.escape(str(props.get('kind', '')))}</td>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_report_title(report: Any) -> None:
    report.title = "netval report"
