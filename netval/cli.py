"""The `netval` command line.

Exit codes: 0 all passed, 1 a check failed or errored (or a lab did not converge),
2 usage or input error, 130 interrupted (Ctrl-C or SIGTERM). User mistakes print one
paragraph, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netval import __version__, interrupts
from netval.errors import InputError, NetvalError
from netval.lab import naming
from netval.report.escape import printable

if TYPE_CHECKING:
    from netval.runner import Target
    from netval.state import Domain, State

app = typer.Typer(
    help="Test your network before and after every change.\n\n"
    "verify: pre-change gate on a candidate snapshot (Batfish or the built-in engine). "
    "check: post-change gate on live devices (Nornir + Scrapli). "
    "lab: the snapshot's FRR configs as real routers in network namespaces.\n\n"
    "Exit codes: 0 all passed, 1 a check failed or errored, 2 usage or input error, "
    "130 interrupted (Ctrl-C or SIGTERM).",
    epilog="Example: netval lab up snapshots/base --id demo --wait 60 && "
    "netval check --lab demo -c checks/fabric.yaml --junitxml check.xml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
lab_app = typer.Typer(
    help="A digital twin: the snapshot's FRR devices as real FRR routers in Linux network "
    "namespaces, each with an sshd that lands in vtysh (needs root, frr, openssh-server).",
    no_args_is_help=True,
)
app.add_typer(lab_app, name="lab")

out = Console()
err = Console(stderr=True, soft_wrap=True)

LabId = Annotated[
    str,
    typer.Option(
        "--id",
        help="lab id (1-12 lower-case letters/digits); labs with different ids run side by side",
        envvar="NETVAL_LAB_ID",
    ),
]


def _show(text: object) -> str:
    """Markup-safe and terminal-safe: names and messages come from configs and devices."""
    return escape(printable(str(text)))


def _fail(exc: NetvalError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {_show(exc.message)}", highlight=False)
    if exc.hint:
        err.print(f"[bold]fix:[/] {_show(exc.hint)}", highlight=False)
    return typer.Exit(exc.exit_code)


def _progress(message: str) -> None:
    err.print(f"[dim]…[/] {_show(message)}", highlight=False)


#: commands that write reports: a signal that comes while they start is theirs to report
REPORTING = {"check", "verify"}


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="print the version")] = False,
) -> None:
    if ctx.invoked_subcommand not in REPORTING:
        interrupts.release()
    if version:
        out.print(f"netval {__version__}")
        raise typer.Exit(0)


AllowRejectedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-rejected",
        help="run routers without the config lines FRR rejects (listed), as real FRR "
        "routers would; without it such lines are an input error",
    ),
]
SettleOpt = Annotated[
    float,
    typer.Option(
        help="converged means nothing changed for this many seconds (raise it when the "
        "configs set BGP advertisement intervals or slow timers)",
        min=0.5,
    ),
]


def _health_table(title: str, states: list, rec: object | None = None) -> Table:  # type: ignore[type-arg]
    table = Table(title=title)
    table.add_column("device")
    table.add_column("FRR")
    table.add_column("BGP up/total", justify="right")
    table.add_column("down peers")
    table.add_column("VRRP")
    table.add_column("mgmt address")
    mgmt = {n.name: n.mgmt_ip for n in getattr(rec, "nodes", [])}
    for h in states:
        ok = h.sessions_up == h.sessions_total
        table.add_row(
            _show(h.name),
            "[green]running[/]" if h.running else "[red]not running[/]",
            f"[{'green' if ok else 'red'}]{h.sessions_up}/{h.sessions_total}[/]",
            _show(", ".join(h.down_peers)) or (h.error and f"[red]{_show(h.error)}[/]") or "",
            _show(", ".join(h.vrrp)),
            _show(mgmt.get(h.name, "")),
        )
    return table


def _login_hint(rec: Any) -> str:
    from netval.lab import manager

    return (
        f"login: ssh -i {manager.login_key(rec.lab_id)} {rec.username}@<mgmt address> "
        "(as root; the key is the lab's only credential)"
    )


@lab_app.command("up")
def lab_up(
    snapshot: Annotated[Path, typer.Argument(help="snapshot folder holding configs/")],
    lab_id: LabId = naming.DEFAULT_LAB_ID,
    wait: Annotated[
        float,
        typer.Option(
            help="wait up to SECONDS until the lab has converged (every configured BGP "
            "session Established, no update queued, every selected route in the FIB, nothing "
            "changed for --settle seconds), then print a per-device table (0: do not wait)"
        ),
    ] = 0,
    settle: SettleOpt = 2.0,
    allow_rejected: AllowRejectedOpt = False,
    mgmt_net: Annotated[
        str, typer.Option(help="IPv4 block for management links (each lab takes a /22)")
    ] = naming.DEFAULT_MGMT_NET,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory",
            "-i",
            help="base Nornir inventory whose groups and host "
            "data the lab's inventory copies (default: ./inventory if present)",
        ),
    ] = None,
) -> None:
    """Boot SNAPSHOT's FRR devices as a lab and write its Nornir inventory."""
    from netval.lab import manager

    try:
        naming.check_mgmt_net(mgmt_net)
    except NetvalError as exc:
        raise _fail(exc) from None
    base = _base_inventory(snapshot, inventory)
    try:
        result = manager.up(
            snapshot,
            lab_id,
            mgmt_net=mgmt_net,
            base_inventory=base,
            progress=_progress,
            allow_rejected=allow_rejected,
        )
    except NetvalError as exc:
        raise _fail(exc) from None
    routers = result.record.router_names()
    out.print(
        f"lab [bold]{lab_id}[/] is up: {len(routers)} routers, "
        f"{len(result.record.nodes) - len(routers)} hosts, in {result.seconds:.1f} s"
    )
    out.print(f"inventory: {_show(result.inventory)}", highlight=False)
    out.print(_login_hint(result.record), highlight=False)
    if result.inferred:
        where = (
            "interfaces the layer-1 file does not cable"
            if result.has_topology
            else "no batfish/layer1_topology.json in the snapshot"
        )
        err.print(
            f"[yellow]{where}: {len(result.inferred)} link(s) inferred from shared subnets, "
            "as `netval verify` infers them:[/]"
        )
        for link in result.inferred:
            err.print(f"  {_show(link)}", highlight=False)
    elif not result.has_topology:
        err.print(
            "[yellow]no batfish/layer1_topology.json and no shared subnets: the routers have "
            "no links[/]"
        )
    if result.rejected:
        err.print(
            f"[yellow]FRR rejected {len(result.rejected)} config line(s); the routers run "
            "without them (--allow-rejected), as real routers would:[/]"
        )
        for line in result.rejected:
            err.print(f"  {escape(line)}", highlight=False)
    if wait > 0:
        result_wait = manager.wait_converged(
            result.record, wait, _progress, settle=settle, since=result.started
        )
        _report_convergence(lab_id, result.record, result_wait, "boot")


def _base_inventory(snapshot: Path, inventory: Path | None) -> Path | None:
    """The inventory whose groups and host data a lab copies (roles for the catalogs)."""
    if inventory is not None:
        return inventory
    # the example layout keeps inventory/ next to snapshots/; a user's cwd may hold their own
    candidates = [Path("inventory"), snapshot.resolve().parent.parent / "inventory"]
    return next((c for c in candidates if (c / "hosts.yaml").is_file()), None)


def _report_convergence(lab_id: str, rec: Any, conv: Any, what: str) -> None:
    """The health table and the verdict of a wait; exit 1 when the lab did not converge."""
    out.print(_health_table(f"lab {lab_id}", conv.states, rec))
    if not conv.converged:
        err.print(
            f"[bold red]not converged[/] {conv.waited:.1f} s into the wait; still moving:",
            highlight=False,
        )
        for name, why in sorted(conv.moving.items()):
            err.print(f"  {_show(name)}: {_show(why)}", highlight=False)
        err.print("the lab stays up for inspection (`netval lab status --id " + lab_id + "`)")
        raise typer.Exit(1)
    out.print(
        f"converged {conv.seconds:.1f} s after {what}: every BGP session Established, no "
        "update queued, every selected route in the FIB, nothing changed for the last "
        f"{conv.settle:g} s",
        highlight=False,
    )


@lab_app.command("apply")
def lab_apply(
    candidate: Annotated[Path, typer.Argument(help="snapshot to deploy (the base rolls back)")],
    lab_id: LabId = naming.DEFAULT_LAB_ID,
    order: Annotated[
        str | None,
        typer.Option(
            help="deploy router by router, these first (comma-separated), then the rest; "
            "default: all at once"
        ),
    ] = None,
    serial: Annotated[bool, typer.Option(help="deploy router by router")] = False,
    wait: Annotated[
        float, typer.Option(help="then wait up to SECONDS for convergence (0: do not wait)")
    ] = 60,
    settle: SettleOpt = 2.0,
    allow_rejected: AllowRejectedOpt = False,
) -> None:
    """Deploy CANDIDATE's configs into a running lab, as an operator deploys a change: FRR's
    own frr-reload.py applies only the difference on each router; new cables and addresses
    are made first. Then wait for convergence. Applying the lab's base snapshot rolls back."""
    from netval.lab import apply as lab_apply_mod
    from netval.lab import manager

    try:
        rec = manager.require(lab_id)
        result = lab_apply_mod.apply(
            lab_id,
            candidate,
            order=[d.strip() for d in order.split(",") if d.strip()] if order else None,
            serial=serial,
            allow_rejected=allow_rejected,
            progress=_progress,
        )
    except NetvalError as exc:
        raise _fail(exc) from None
    for line in result.wiring:
        out.print(f"  {_show(line)}", highlight=False)
    for name, lines in sorted(result.changed.items()):
        out.print(f"[bold]{_show(name)}[/]: {len(lines)} line(s) changed", highlight=False)
        for line in lines:
            out.print(f"    {_show(line)}", highlight=False)
    if result.unchanged:
        out.print(f"unchanged: {_show(', '.join(result.unchanged))}", highlight=False)
    for line in result.rejected:
        err.print(f"[yellow]rejected by FRR, not applied:[/] {_show(line)}", highlight=False)
    out.print(
        f"applied {_show(candidate)} to lab [bold]{lab_id}[/] in {result.seconds:.1f} s",
        highlight=False,
    )
    if wait > 0:
        if result.min_settle > settle:
            _progress(
                f"a routing policy changed: bgpd applies it after its route-map delay timer, "
                f"so nothing may change for {result.min_settle:g} s"
            )
        conv = manager.wait_converged(
            manager.require(lab_id),
            wait,
            _progress,
            settle=max(settle, result.min_settle),
            since=result.started,
        )
        _report_convergence(lab_id, rec, conv, "the apply started")


@lab_app.command("wait")
def lab_wait(
    lab_id: LabId = naming.DEFAULT_LAB_ID,
    timeout: Annotated[float, typer.Option(help="give up after SECONDS (exit 1)")] = 60,
    settle: SettleOpt = 2.0,
) -> None:
    """Wait until a running lab has converged (after a change, a failure or a repair)."""
    from netval.lab import manager

    try:
        rec = manager.require(lab_id)
        conv = manager.wait_converged(rec, timeout, _progress, settle=settle)
    except NetvalError as exc:
        raise _fail(exc) from None
    _report_convergence(lab_id, rec, conv, "the wait started")


@lab_app.command("down")
def lab_down(lab_id: LabId = naming.DEFAULT_LAB_ID) -> None:
    """Remove every namespace, veth, process and directory of the lab (idempotent)."""
    from netval.lab import manager, system

    try:
        system.preflight()
        result = manager.down(lab_id)
    except NetvalError as exc:
        raise _fail(exc) from None
    if result.namespaces == 0 and result.processes == 0:
        out.print(f"no lab with id [bold]{lab_id}[/] was running; nothing to remove")
        return
    out.print(
        f"lab [bold]{lab_id}[/] is down: removed {result.namespaces} namespaces and "
        f"{result.processes} processes in {result.seconds:.1f} s"
    )


@lab_app.command("status")
def lab_status(
    lab_id: Annotated[
        str | None, typer.Option("--id", help="one lab (default: all running labs)")
    ] = None,
) -> None:
    """Show running labs, or one lab's routers: FRR, BGP sessions, VRRP roles."""
    from netval.lab import manager, record

    try:
        if lab_id is None:
            records = record.all_records()
            if not records:
                out.print("no lab is running")
                return
            table = Table(title="labs")
            for col in ("id", "state", "routers", "hosts", "snapshot", "inventory"):
                table.add_column(col)
            for rec in records:
                routers = len(rec.router_names())
                table.add_row(
                    rec.lab_id,
                    rec.state,
                    str(routers),
                    str(len(rec.nodes) - routers),
                    _show(rec.snapshot),
                    _show(record.inventory_dir(rec.lab_id)),
                )
            out.print(table)
            for rec in records:
                if rec.state == "up":
                    out.print(_health_table(f"lab {rec.lab_id}", manager.health(rec), rec))
                    out.print(_login_hint(rec), highlight=False)
            return
        rec = manager.require(lab_id)
        out.print(_health_table(f"lab {lab_id} ({rec.state})", manager.health(rec), rec))
        out.print(_login_hint(rec), highlight=False)
    except NetvalError as exc:
        raise _fail(exc) from None


@lab_app.command("exec")
def lab_exec(
    device: Annotated[str, typer.Argument(help="a router (runs in vtysh) or a host (a shell)")],
    command: Annotated[str, typer.Argument(help='e.g. "show ip route"')],
    lab_id: LabId = naming.DEFAULT_LAB_ID,
) -> None:
    """Run a command on a lab device."""
    from netval.lab import manager

    try:
        rec = manager.require(lab_id)
        output, code = manager.exec_command(rec, device, command)
        sys.stdout.write(output)
    except NetvalError as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


@lab_app.command("inventory")
def lab_inventory(lab_id: LabId = naming.DEFAULT_LAB_ID) -> None:
    """Print the folder of the running lab's Nornir inventory (for --inventory / InitNornir)."""
    from netval.lab import manager, record

    try:
        manager.require(lab_id)
    except NetvalError as exc:
        raise _fail(exc) from None
    out.print(str(record.inventory_dir(lab_id)), highlight=False)


def _pytest_exit(code: int, interrupted: bool) -> int:
    """pytest's exit codes to netval's: 0 pass, 1 failures/errors, 2 input errors."""
    if interrupted:
        return 130
    return {0: 0, 1: 1, 2: 2, 3: 2, 4: 2, 5: 2}.get(int(code), 2)


def _check_output(path: Path | None, option: str) -> None:
    """Refuse an output path that cannot be written, before any device or engine is asked:
    finding out only when the report is written throws away the whole run."""
    if path is None:
        return
    hint = f"pass {option} a file path in a writable folder"
    shown = printable(str(path))
    if path.is_dir():
        raise InputError(f"{option} {shown} is a folder, not a file", hint=hint)
    folder = path
    try:
        if path.exists():
            with path.open("ab"):
                pass
            return
        folder = path.parent
        while not folder.exists():  # the report writers create missing folders
            folder = folder.parent
        if not folder.is_dir():
            raise InputError(
                f"{option} {shown}: {printable(str(folder))} is not a folder", hint=hint
            )
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise InputError(
            f"{option} {shown} cannot be written ({printable(str(folder))}: {exc.strerror or exc})",
            hint=hint,
        ) from exc


def _check_reports(
    junitxml: Path | None,
    html: Path | None,
    json_path: Path | None,
    md: Path | None = None,
    pytest_html: Path | None = None,
) -> None:
    _check_output(junitxml, "--junitxml")
    _check_output(html, "--html")
    _check_output(json_path, "--json")
    _check_output(md, "--md")
    _check_output(pytest_html, "--pytest-html")


def _report_args(
    junitxml: Path | None,
    html: Path | None,
    json_path: Path | None,
    md: Path | None = None,
    show_passed: bool = False,
    pytest_html: Path | None = None,
) -> list[str]:
    args: list[str] = []
    if junitxml:
        args += [
            f"--junitxml={junitxml}",
            "-o",
            "junit_family=xunit1",
        ]
    if html:
        args += ["--netval-html", str(html)]
    if pytest_html:
        args += [f"--html={pytest_html}", "--self-contained-html"]
    if json_path:
        args += ["--netval-json", str(json_path)]
    if md:
        args += ["--netval-md", str(md)]
    if show_passed:
        args.append("--netval-show-passed")
    return args


def _run_pytest(
    args: list[str], source: Any, planned: dict[Path, list[Target]] | None = None
) -> int:
    sharded = "--netval-shard" in args
    with interrupts.held(deliver=False):
        import pytest

        from netval import pytest_plugin
        from netval.pytest_launch import lean_session, plugin_args
        from netval.report import json_report

    try:
        plugins = plugin_args(args)
    except NetvalError as exc:
        raise _fail(exc) from None
    # the user's own pytest.ini, addopts and conftest.py are not part of a netval run
    isolation = [
        "-c",
        os.devnull,
        f"--rootdir={Path.cwd()}",
        "--noconftest",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    # a signal from here on stops device collection at once but never a report half-way
    # (pytest writes JUnit and HTML at the end of the session); it ends the run with 130
    with interrupts.held(deliver=False), lean_session():
        code = pytest.main(
            isolation + plugins + args, plugins=[pytest_plugin.SourceHolder(source, planned)]
        )
    if json_report.INTERRUPTED or interrupts.received() is not None:
        return 130
    ran = pytest_plugin.LAST_RUN
    if (
        int(code) in (0, 5)
        and ran is not None
        and ran.get("pass", 0) + ran.get("fail", 0) + (ran.get("error", 0)) == 0
    ):
        if sharded and not any(ran.values()):
            # more shards than parts: this one judges nothing, and `netval merge` the whole
            out.print("this shard holds no item (the other shards hold them all)")
            return 0
        err.print(
            f"[bold red]error:[/] no check ran ({ran.get('skip', 0)} skipped): the catalog, "
            "--limit or -k selected nothing this command can check",
            highlight=False,
        )
        return 2
    return _pytest_exit(int(code), False)


def _default_catalogs(catalogs: list[Path] | None, default: Path) -> list[Path]:
    if catalogs:
        return catalogs
    if default.is_file():
        return [default]
    raise typer.BadParameter(
        f"no catalog given and {default} does not exist; pass -c CATALOG "
        "(`netval init FOLDER` writes an example with its catalogs)"
    )


Catalogs = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog", "-c", help="intent catalog YAML (repeatable; default: checks/fabric.yaml)"
    ),
]
MaxPrefixDropOpt = Annotated[
    float, typer.Option(help="baseline: allowed drop of prefixes received, in percent")
]
JunitOpt = Annotated[Path | None, typer.Option("--junitxml", help="write a JUnit XML report")]
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html",
        help="write netval's HTML report: one self-contained page with a device x check "
        "matrix, the topology and every item",
    ),
]
PytestHtmlOpt = Annotated[
    Path | None, typer.Option("--pytest-html", help="write pytest-html's report as well")
]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="write a JSON report")]
MdOpt = Annotated[
    Path | None,
    typer.Option(
        "--md",
        "--summary-md",
        help='write a markdown summary for a CI job page, e.g. --md "$GITHUB_STEP_SUMMARY" '
        "(appended to when it is that file)",
    ),
]
ShowPassedOpt = Annotated[
    bool,
    typer.Option(
        "--show-passed",
        help="list every passed item in the console summary (default: past 20 only their count)",
    ),
]
InventoryOpt = Annotated[
    Path | None,
    typer.Option("--inventory", "-i", help="Nornir SimpleInventory folder (default: ./inventory)"),
]
LabOpt = Annotated[
    str | None, typer.Option("--lab", help="check the running lab with this id (its inventory)")
]
NornirConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--nornir-config",
        help="your nornir config.yaml, loaded by nornir's InitNornir: its inventory plugin "
        "(SimpleInventory, NetBox, Nautobot, ...), transform function, runner plugin and "
        "their options; instead of --inventory",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="devices collected from at once (default 32, or the num_workers of the nornir "
        "config's runner)",
    ),
]
LimitOpt = Annotated[
    str | None,
    typer.Option("--limit", help="only these devices: leaf1,leaf2 (globs allowed) or role=leaf"),
]
ShardOpt = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="INDEX/COUNT",
        help="run one shard of the items, e.g. --shard 2/4 in the second of 4 CI jobs: the "
        "items that need one device, and the devices one item needs (a VRRP group, an "
        "anycast check), stay in one shard; the split is the same for the same catalog and "
        "inventory. `netval merge` joins the shards' reports. A shard with no item exits 0",
    ),
]
RunIdOpt = Annotated[
    str | None,
    typer.Option(
        "--run-id",
        help="the id the shards of one run share, which `netval merge` compares (default: "
        "$NETVAL_RUN_ID, else $GITHUB_RUN_ID)",
    ),
]


def _shard_args(shard: str | None, run_id: str | None) -> list[str]:
    """pytest's options for one shard; an index out of range is an input error here."""
    if shard is None:
        if run_id is not None:
            raise InputError("--run-id names the run of a shard", hint="give --shard too")
        return []
    from netval.partition import parse_shard

    parsed = parse_shard(shard)
    args = ["--netval-shard", str(parsed)]
    return args + (["--netval-run-id", run_id] if run_id else [])


@app.command(
    "check",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def check(
    ctx: typer.Context,
    catalog: Catalogs = None,
    inventory: InventoryOpt = None,
    lab: LabOpt = None,
    nornir_config: NornirConfigOpt = None,
    workers: WorkersOpt = None,
    limit: LimitOpt = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="state captured before the change (`netval capture`): adds checks "
            "that no session, ECMP path or VRRP master was lost"
        ),
    ] = None,
    max_prefix_drop: MaxPrefixDropOpt = 10.0,
    shard: ShardOpt = None,
    run_id: RunIdOpt = None,
    junitxml: JunitOpt = None,
    html: HtmlOpt = None,
    json_path: JsonOpt = None,
    md: MdOpt = None,
    show_passed: ShowPassedOpt = False,
    pytest_html: PytestHtmlOpt = None,
) -> None:
    """Post-change gate: collect state from the devices and run the catalog's checks.

    Every check on every device is one pytest item; extra arguments after the options go to pytest (e.g. -k bgp, -x, -v). Exit 0 all passed, 1 a check failed or errored, 2 input error."""
    # the steps before the run are local (about a second): a Ctrl-C or SIGTERM there waits
    # for them, then the run stops before any device is contacted, with every report written
    with interrupts.held(deliver=False):
        try:
            from netval.catalog import load_catalogs
            from netval.live.inventory import parse_limit
            from netval.runner import plan_catalog

            _check_reports(junitxml, html, json_path, md, pytest_html)
            sharding = _shard_args(shard, run_id)
            files = _default_catalogs(catalog, Path("checks/fabric.yaml"))
            cat = load_catalogs(files)
            source = _live_source(inventory, lab, nornir_config, workers)
            planned = plan_catalog(
                cat, source.hosts(), "live", parse_limit(limit), origins=source.probe_origins()
            )
            source.check_platforms({d for ts in planned.values() for t in ts for d in t.devices})
            if baseline is not None:
                from netval.state import State

                State.load(baseline)
        except NetvalError as exc:
            raise _fail(exc) from None
        args = [str(f) for f in cat.files] + ["--netval", "live", "-q", "--no-header"]
        args += sharding
        if lab:
            args += ["--netval-lab", lab]
        elif nornir_config:
            args += ["--netval-nornir-config", str(nornir_config)]
        elif inventory:
            args += ["--netval-inventory", str(inventory)]
        if workers:
            args += ["--netval-workers", str(workers)]
        if limit:
            args += ["--netval-limit", limit]
        if baseline:
            args += [
                str(baseline),
                "--netval-baseline",
                str(baseline),
                "--netval-max-prefix-drop",
                str(max_prefix_drop),
            ]
        args += _report_args(junitxml, html, json_path, md, show_passed, pytest_html) + list(
            ctx.args
        )
        raise typer.Exit(_run_pytest(args, source, planned))


@app.command("rehearse")
def rehearse(
    base: Annotated[Path, typer.Argument(help="the snapshot the network runs today")],
    candidate: Annotated[Path, typer.Argument(help="the snapshot after the change")],
    catalog: Catalogs = None,
    lab_id: Annotated[
        str | None,
        typer.Option("--id", help="lab id for the rehearsal (default: a fresh one)"),
    ] = None,
    probe: Annotated[
        list[str] | None,
        typer.Option(
            help="traffic probe HOST:ADDRESS (repeatable; default: every host to every other host)"
        ),
    ] = None,
    interval: Annotated[
        float, typer.Option(help="seconds between a probe's packets", min=0.01)
    ] = 0.05,
    max_loss: Annotated[int, typer.Option(help="packets a probe may lose during the change")] = 0,
    wait: Annotated[float, typer.Option(help="seconds to wait for each convergence")] = 90,
    settle: SettleOpt = 2.0,
    order: Annotated[
        str | None,
        typer.Option(help="apply router by router, these first (comma-separated)"),
    ] = None,
    allow_rejected: AllowRejectedOpt = False,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory", "-i", help="base inventory for host data (default: ./inventory)"
        ),
    ] = None,
    keep: Annotated[bool, typer.Option(help="leave the lab up afterwards")] = False,
    max_prefix_drop: MaxPrefixDropOpt = 10.0,
    junitxml: JunitOpt = None,
    html: HtmlOpt = None,
    json_path: JsonOpt = None,
    md: MdOpt = None,
    show_passed: ShowPassedOpt = False,
    pytest_html: PytestHtmlOpt = None,
) -> None:
    """Rehearse a change on the digital twin: boot BASE, capture a baseline, start traffic
    probes between hosts, apply CANDIDATE with FRR's reload, wait for convergence, then run
    the catalog and the baseline comparison. Every probe (packets lost, longest outage) and
    the convergence are items of the same reports. The lab is taken down at the end.
    Exit 0 all passed, 1 a check or probe failed, 2 input error."""
    import tempfile as _tempfile

    from netval.catalog import load_catalogs
    from netval.lab import manager
    from netval.lab import rehearse as rehearsal
    from netval.lab.apply import PartialApply
    from netval.live.source import LiveSource
    from netval.runner import plan_catalog

    lab = lab_id or f"rh{os.getpid() % 100000}"
    work = Path(_tempfile.mkdtemp(prefix="netval-rehearse-"))
    record_path = work / "rehearsal.json"
    booted = False
    try:
        try:
            naming.check_lab_id(lab)
            _check_reports(junitxml, html, json_path, md, pytest_html)
            files = _default_catalogs(catalog, Path("checks/fabric.yaml"))
            cat = load_catalogs(files)
            booted = True
            done = rehearsal.run_change(
                lab,
                base,
                candidate,
                work,
                probe_texts=probe or [],
                interval=interval,
                timeout=wait,
                settle=settle,
                order=[d.strip() for d in order.split(",") if d.strip()] if order else None,
                allow_rejected=allow_rejected,
                progress=_progress,
                base_inventory=_base_inventory(base, inventory),
            )
            source = LiveSource(None, lab)
            planned = plan_catalog(
                cat, source.hosts(), "live", None, origins=source.probe_origins()
            )
        except (KeyboardInterrupt, PartialApply) as exc:
            if isinstance(exc, PartialApply) and not exc.interrupted:
                raise _fail(exc) from None
            if isinstance(exc, PartialApply):
                err.print(f"[bold red]{_show(exc.message)}[/]", highlight=False)
            if not record_path.is_file():
                raise
            # every report is still written: the catalogs' checks and the rehearsal's
            # items say they were interrupted, and where
            args = [str(f) for f in cat.files] + ["--netval", "live", "-q", "--no-header"]
            args += [str(record_path), "--netval-rehearsal", str(record_path)]
            args += _report_args(junitxml, html, json_path, md, show_passed, pytest_html)
            _run_pytest(args, None, None)
            raise typer.Exit(130) from None
        except NetvalError as exc:
            raise _fail(exc) from None
        for p in done.probes:
            out.print(
                f"probe {_show(p.source)} -> {_show(p.destination)}: {p.lost} of {p.sent} lost, "
                f"longest outage {p.longest_outage:.2f} s"
                + (f" [red]({_show(p.error)})[/]" if p.error else ""),
                highlight=False,
            )
        conv = done.convergence
        out.print(
            f"converged {conv['seconds']:.1f} s after the apply started"
            if conv.get("converged")
            else "[red]not converged[/] after the apply",
            highlight=False,
        )
        args = [str(f) for f in cat.files] + ["--netval", "live", "-q", "--no-header"]
        args += ["--netval-lab", lab]
        args += [str(done.baseline), "--netval-baseline", str(done.baseline)]
        args += ["--netval-max-prefix-drop", str(max_prefix_drop)]
        args += [str(done.record), "--netval-rehearsal", str(done.record)]
        args += ["--netval-max-loss", str(max_loss)]
        args += _report_args(junitxml, html, json_path, md, show_passed, pytest_html)
        code = _run_pytest(args, source, planned)
    finally:
        if booted and not keep:
            # a second Ctrl-C must not leave the lab half removed
            with interrupts.held():
                _progress(f"taking lab {lab} down")
                manager.down(lab)
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    raise typer.Exit(code)


EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="auto (Batfish when BATFISH_HOST is set, else built-in), batfish, or builtin",
    ),
]

_BF = "Batfish service (an option wins over its environment variable)"
BfHostOpt = Annotated[
    str | None,
    typer.Option(
        "--batfish-host",
        help="host of the Batfish service (env BATFISH_HOST); setting it selects Batfish "
        "for --engine auto",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfPortOpt = Annotated[
    int | None,
    typer.Option(
        "--batfish-port",
        help="its port (env BATFISH_PORT; default 9996)",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfNetworkOpt = Annotated[
    str | None,
    typer.Option(
        "--batfish-network",
        help="the Batfish network this run's snapshots go into (env BATFISH_NETWORK; "
        "default netval); created if missing, and a network this run created is deleted "
        "again when the run leaves it empty",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfSslOpt = Annotated[
    bool | None,
    typer.Option(
        "--batfish-ssl/--no-batfish-ssl",
        help="talk https to the service, e.g. one behind a TLS proxy (env BATFISH_SSL=1; "
        "default http)",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfVerifyOpt = Annotated[
    bool | None,
    typer.Option(
        "--batfish-verify-certs/--no-batfish-verify-certs",
        help="check the service's TLS certificate (env BATFISH_VERIFY_CERTS; default yes); "
        "turn off only for a self-signed test service",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfApiKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--batfish-api-key",
        help="API key the service (or its gateway) expects (env BATFISH_API_KEY); prefer the "
        "variable in CI, since a command line is visible to other users of the machine",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--batfish-timeout",
        help="seconds one HTTP request to the service may take (env BATFISH_TIMEOUT; "
        "default 30; 0: no limit)",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
BfQuestionTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--batfish-question-timeout",
        help="seconds Batfish may take to answer one question; past it the check is an error "
        "item naming the question and the run goes on (env BATFISH_QUESTION_TIMEOUT; "
        "default 900; 0: no limit)",
        rich_help_panel=_BF,
        show_default=False,
    ),
]
KeepSnapshotsOpt = Annotated[
    bool | None,
    typer.Option(
        "--keep-snapshots",
        help="leave this run's snapshots (and a network it created) on the Batfish service, "
        "e.g. to explore them with pybatfish; by default the run deletes them when it ends, "
        "also after a failure or Ctrl-C (env BATFISH_KEEP_SNAPSHOTS=1)",
        rich_help_panel=_BF,
        show_default=False,
    ),
]


# (command-line parameter, BatfishSettings field, option)
_BATFISH_OPTIONS: tuple[tuple[str, str, Any], ...] = (
    ("batfish_host", "host", BfHostOpt),
    ("batfish_port", "port", BfPortOpt),
    ("batfish_network", "network", BfNetworkOpt),
    ("batfish_ssl", "ssl", BfSslOpt),
    ("batfish_verify_certs", "verify_certs", BfVerifyOpt),
    ("batfish_api_key", "api_key", BfApiKeyOpt),
    ("batfish_timeout", "timeout", BfTimeoutOpt),
    ("batfish_question_timeout", "question_timeout", BfQuestionTimeoutOpt),
    ("keep_snapshots", "keep_snapshots", KeepSnapshotsOpt),
)


def batfish_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the Batfish service options; it gets them as its keyword-only
    ``batfish`` argument, {BatfishSettings field: value}, None where the option was not given
    (so the environment variable or the default applies)."""
    signature = inspect.signature(command, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != "batfish"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=option)
        for name, _field, option in _BATFISH_OPTIONS
    ]

    @functools.wraps(command)
    def with_batfish_options(*args: Any, **kwargs: Any) -> None:
        given = {field: kwargs.pop(name, None) for name, field, _option in _BATFISH_OPTIONS}
        command(*args, batfish=given, **kwargs)

    # typer reads the options from the signature and the annotations
    with_batfish_options.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*kept, *added]
    )
    with_batfish_options.__annotations__ = {
        **{p.name: p.annotation for p in [*kept, *added]},
        "return": signature.return_annotation,
    }
    return with_batfish_options


def _close(holder: Any) -> None:
    """Delete what the run left on a Batfish service (a source's or an engine's snapshots);
    a second Ctrl-C cannot cut it short."""
    close = getattr(holder, "close", None)
    if close is None:
        return
    with interrupts.held(deliver=False):
        problems: list[str] = close()
    for problem in problems:
        err.print(
            f"[yellow]warning:[/] could not clean up on Batfish: {_show(problem)}",
            highlight=False,
        )
    engine = getattr(holder, "engine", holder)
    kept = getattr(engine, "kept", None)
    if kept:
        settings = engine.settings
        err.print(
            f"kept on Batfish at {_show(settings.address)}, network "
            f"{_show(settings.network)}: {_show(', '.join(kept))}",
            highlight=False,
        )


MaxMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        help="memory verify may use, e.g. 4G or 800M (default: 80% of the memory available "
        "when it starts, from /proc/meminfo; off: no budget). Past it, verify stops with exit "
        "2 and names the snapshot's size, before the kernel's OOM killer would end it",
    ),
]


def _memory_message(snapshot: Path, base: Path | None, engine: str, budget: int) -> Any:
    """The error the memory watcher prints, naming the sizes of what verify was loading."""
    from netval.memory_budget import shown
    from netval.snapshot import load_snapshot

    def size(path: Path) -> str:
        snap = load_snapshot(path)
        total = sum(f.stat().st_size for f in (path / "configs").iterdir() if f.is_file())
        return f"{_show(str(path))} ({len(snap.devices)} devices, {shown(total)} of configs)"

    what = size(snapshot) + (f" and base {size(base)}" if base is not None else "")
    builtin = engine == "builtin" or (engine == "auto" and not os.environ.get("BATFISH_HOST"))

    def message(rss: int) -> str:
        text = (
            f"error: netval verify stopped: it used {shown(rss)}, over its memory budget of "
            f"{shown(budget)} (--max-memory), on snapshot {what}"
        )
        if builtin:
            text += (
                ". The built-in engine computes the data plane of every device in this "
                "process.\nfix: run the Batfish engine, which models a network in its own "
                "service (BATFISH_HOST=... netval verify --engine batfish), or give verify "
                "more memory with --max-memory if the machine has it"
            )
        else:
            text += "\nfix: give verify more memory with --max-memory if the machine has it"
        return text

    return message


@app.command(
    "verify",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@batfish_options
def verify(
    ctx: typer.Context,
    snapshot: Annotated[Path, typer.Argument(help="candidate snapshot (folder with configs/)")],
    base: Annotated[
        Path | None, typer.Option(help="the current network's snapshot, for differential checks")
    ] = None,
    catalog: Annotated[
        list[Path] | None,
        typer.Option(
            "--catalog",
            "-c",
            help="intent catalog YAML (repeatable; default: checks/pre-change.yaml)",
        ),
    ] = None,
    engine: EngineOpt = "auto",
    inventory: InventoryOpt = None,
    limit: LimitOpt = None,
    shard: ShardOpt = None,
    run_id: RunIdOpt = None,
    junitxml: JunitOpt = None,
    html: HtmlOpt = None,
    json_path: JsonOpt = None,
    md: MdOpt = None,
    show_passed: ShowPassedOpt = False,
    pytest_html: PytestHtmlOpt = None,
    max_memory: MaxMemoryOpt = None,
    *,
    batfish: dict[str, Any],
) -> None:
    """Pre-change gate: check a candidate snapshot before it is deployed.

    Parse status, undefined references, BGP compatibility, route-policy behaviour and reachability are asked of the engine; shared checks (bgp_sessions, ecmp, routes, vrrp, bgp_route, anycast) run on its predicted state. With a Batfish service, the run's snapshots get names of their own and are deleted when it ends. Exit 0 all passed, 1 a check failed or errored, 2 input error or a snapshot too big for --max-memory."""
    # as in check: nothing before the run is cut, except the engine's loading
    source: Any = None
    try:
        with interrupts.held(deliver=False):
            try:
                from netval import memory_budget
                from netval.catalog import load_catalogs
                from netval.live.inventory import parse_limit
                from netval.runner import plan_catalog
                from netval.snapshot import load_snapshot
                from netval.static.source import PredictedSource

                _check_reports(junitxml, html, json_path, md, pytest_html)
                sharding = _shard_args(shard, run_id)
                budget = (
                    memory_budget.parse_size(max_memory)
                    if max_memory is not None
                    else memory_budget.default_budget()
                )
                files = _default_catalogs(catalog, Path("checks/pre-change.yaml"))
                cat = load_catalogs(files)
                load_snapshot(snapshot)
                if base is not None:
                    load_snapshot(base)
                if budget is not None:
                    memory_budget.watch(budget, _memory_message(snapshot, base, engine, budget))
                if base is None and any(e.spec.kind == "differential" for e in cat.entries):
                    first = next(e for e in cat.entries if e.spec.kind == "differential")
                    raise NetvalError(
                        f"{first.file}:{first.line}: a differential check needs the base snapshot",
                        hint="pass --base SNAPSHOT (the network as it runs today)",
                    )
                _progress(f"loading {snapshot} into the {engine} engine")
                # loading can take long (a Batfish upload): a signal stops it at once
                with interrupts.interruptible():
                    source = PredictedSource(snapshot, engine, base, inventory, batfish)
                planned = plan_catalog(
                    cat, source.hosts(), "static", parse_limit(limit), source.narrow
                )
            except NetvalError as exc:
                raise _fail(exc) from None
            except KeyboardInterrupt:
                # the run still writes every report, saying that nothing was checked
                files = catalog or [Path("checks/pre-change.yaml")]
                args = [str(f) for f in files] + ["--netval", "static", "-q", "--no-header"]
                args += _report_args(
                    junitxml, html, json_path, md, show_passed, pytest_html
                ) + list(ctx.args)
                raise typer.Exit(_run_pytest(args, None)) from None
            args = [str(f) for f in cat.files] + [
                "--netval",
                "static",
                "-q",
                "--no-header",
                "--netval-snapshot",
                str(snapshot),
                "--netval-engine",
                engine,
            ]
            if base is not None:
                args += ["--netval-base", str(base)]
            if limit:
                args += ["--netval-limit", limit]
            args += sharding
            args += _report_args(junitxml, html, json_path, md, show_passed, pytest_html) + list(
                ctx.args
            )
            raise typer.Exit(_run_pytest(args, source, planned))
    finally:
        _close(source)


@app.command("init")
def init_cmd(
    folder: Annotated[Path, typer.Argument(help="where to write the example (created if missing)")],
    force: Annotated[bool, typer.Option(help="overwrite files of an earlier init")] = False,
) -> None:
    """Write the example network into FOLDER: three snapshots (base, a good and a bad candidate), the intent catalogs, a Nornir inventory with the devices' roles, and the pre-change and post-change pipeline templates."""
    from netval.starter import write_example

    try:
        written = write_example(folder, force=force)
    except NetvalError as exc:
        raise _fail(exc) from None
    out.print(f"wrote {len(written.files)} files into {_show(folder)}", highlight=False)
    shown = _show(folder)
    out.print(
        "next:\n"
        f"  cd {shown}\n"
        "  netval verify snapshots/candidate-good --base snapshots/base   # passes\n"
        "  netval verify snapshots/candidate-bad --base snapshots/base    # is caught: exit 1\n"
        "  netval lab up snapshots/base --id demo --wait 90               # as root: a live lab\n"
        "  netval check --lab demo                                        # checks/fabric.yaml on it\n"
        "  netval lab down --id demo\n"
        "pipeline templates: .github/workflows/pre-change.yml and post-change.yml",
        highlight=False,
    )


@app.command("ask")
@batfish_options
def ask_cmd(
    snapshot: Annotated[Path, typer.Argument(help="snapshot folder with configs/")],
    question: Annotated[
        str,
        typer.Argument(
            help="e.g. routes, bgpSessionCompatibility, "
            "undefinedReferences, testRoutePolicies, traceroute"
        ),
    ],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v (repeatable), e.g. nodes=leaf1")
    ] = None,
    engine: EngineOpt = "auto",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, json (Batfish's row shape) or csv")
    ] = "table",
    *,
    batfish: dict[str, Any],
) -> None:
    """Print one engine answer, in Batfish's shape: for exploration, scripts, and comparing the two engines row by row."""
    from netval.static import open_engine
    from netval.static.ask import ask, parse_params, render

    if fmt not in ("table", "json", "csv"):
        raise _fail(NetvalError(f"unknown format {fmt!r}", hint="use table, json or csv"))
    eng: Any = None
    try:
        params = parse_params(param or [])
        eng = open_engine(snapshot, engine, batfish)
        answer = ask(eng, question, params)
    except NetvalError as exc:
        raise _fail(exc) from None
    except NotImplementedError as exc:
        raise _fail(NetvalError(f"the engine cannot answer {question}: {exc}")) from None
    finally:
        _close(eng)
    text = render(answer, fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    for note in answer.notes if not answer.complete else []:
        # stderr: the answer on stdout stays Batfish's shape for scripts
        sys.stderr.write(f"incomplete answer: {note}\n")


def _live_source(
    inventory: Path | None, lab: str | None, nornir_config: Path | None, workers: int | None
) -> Any:
    from netval.live.source import LiveSource

    return LiveSource(inventory, lab, workers, nornir_config)


def _limited(source: Any, limit: str | None) -> list[str]:
    """The source's devices that --limit selects (all without it); none, or one whose
    platform netval cannot collect from, is an input error."""
    from netval.live.inventory import parse_limit, select

    hosts = source.hosts()
    lim = parse_limit(limit)
    names = select(hosts, lim, "--limit") if lim is not None else sorted(hosts)
    if not names:
        raise NetvalError(
            f"--limit {limit} selects no device of the {source.description}",
            hint="check the names (globs allowed) or key=value against the inventory",
        )
    source.check_platforms(set(names))
    return names


def _collect(source: Any, names: list[str], domains: tuple[Domain, ...]) -> State:
    from netval.report.console import collection_progress

    with collection_progress(source.description) as progress:
        state: State = source.collect({n: set(domains) for n in names}, progress)
    return state


def _count(items: list[Any] | None) -> str:
    return "-" if items is None else str(len(items))


@app.command("capture")
def capture(
    output: Annotated[Path, typer.Option("--output", "-o", help="where to write the state")],
    inventory: InventoryOpt = None,
    lab: LabOpt = None,
    nornir_config: NornirConfigOpt = None,
    workers: WorkersOpt = None,
    limit: LimitOpt = None,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="INDEX/COUNT",
            help="capture one shard of the devices (by name: every COUNT-th from the INDEX-th "
            "on); `netval merge --state` joins the shards' states into one baseline",
        ),
    ] = None,
) -> None:
    """Collect the observed state (BGP, routes, VRRP, interfaces) of every device into a JSON file, to check against after the change with `netval check --baseline`."""
    from netval.state import Problem

    try:
        _check_output(output, "--output")
        part = None
        if shard is not None:
            from netval.partition import parse_shard

            part = parse_shard(shard)
        source = _live_source(inventory, lab, nornir_config, workers)
        from netval.state import CAPTURED_DOMAINS

        names = _limited(source, limit)
        if part is not None:
            names = sorted(names)[part.index - 1 :: part.count]
        state = _collect(source, names, CAPTURED_DOMAINS)
    except NetvalError as exc:
        raise _fail(exc) from None
    try:
        state.dump(output)
    except OSError as exc:
        raise _fail(
            NetvalError(f"cannot write {output}: {exc.strerror}", hint="pass -o to a writable path")
        ) from None
    table = Table(title=f"captured {len(state.nodes)} devices to {_show(output)}")
    for col in (
        "device", "BGP peers", "routes", "VRRP groups", "interfaces", "OSPF", "problems",
    ):  # fmt: skip
        table.add_column(col)
    failed = 0
    for name, node in sorted(state.nodes.items()):
        problems = "; ".join(f"{k}: {v}" for k, v in node.errors.items())
        # a domain the platform does not offer is noted, not a failed capture
        failed += any(node.problems.get(k) is not Problem.UNSUPPORTED for k in node.errors)
        table.add_row(
            _show(name),
            _count(node.bgp_peers),
            _count(node.routes),
            _count(node.vrrp),
            _count(node.interfaces),
            _count(node.ospf_neighbors),
            f"[red]{_show(problems)}[/]" if problems else "",
        )
    out.print(table)
    raise typer.Exit(1 if failed else 0)


@app.command("merge")
def merge_cmd(
    out_dir: Annotated[
        Path, typer.Argument(help="folder for the merged report.json, junit.xml and state.json")
    ],
    reports: Annotated[
        list[Path],
        typer.Argument(help="the JSON report (--json) of every shard of one run"),
    ],
    junitxml: Annotated[
        list[Path] | None,
        typer.Option(
            "--junitxml", help="a shard's JUnit file (repeatable; all shards' or none): junit.xml"
        ),
    ] = None,
    state: Annotated[
        list[Path] | None,
        typer.Option(
            "--state",
            help="a state `netval capture --shard` wrote (repeatable): state.json, one baseline",
        ),
    ] = None,
) -> None:
    """Join the reports of a run's shards (`check` or `verify` with --shard INDEX/COUNT) into the reports of the whole run.

    Shards of different catalogs, items planned, runs (--run-id) or shard counts are refused, and so are a missing or repeated shard. Exit 0 every check passed, 1 a check failed or errored, 2 input error or no check ran, 130 a shard was interrupted."""
    from netval.report import merge

    try:
        docs = merge.load_shards(list(reports))
        merged = merge.merge_reports(docs)
        tree = merge.merge_junit(list(junitxml), merged) if junitxml else None
        baseline = merge.merge_states(list(state)) if state else None
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError(f"{_show(out_dir)} is not a folder", hint="pass OUT_DIR a folder")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [out_dir / "report.json"]
        written[0].write_text(json.dumps(merged, indent=2) + "\n")
        if tree is not None:
            written.append(out_dir / "junit.xml")
            tree.write(written[-1], encoding="utf-8", xml_declaration=True)
        if baseline is not None:
            written.append(out_dir / "state.json")
            baseline.dump(written[-1])
    except NetvalError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _fail(NetvalError(f"cannot write into {_show(out_dir)}: {exc}")) from None
    code, why = merge.exit_code(merged)
    s = merged["summary"]
    out.print(
        f"merged {len(docs)} shards: {s['pass']} passed, {s['fail']} failed, {s['error']} "
        f"errors, {s['skip']} skipped of {s['planned']} planned; wrote "
        + ", ".join(_show(p) for p in written),
        highlight=False,
    )
    if why:
        err.print(f"[bold red]error:[/] {why}", highlight=False)
    raise typer.Exit(code)


@app.command("compare")
@batfish_options
def compare_cmd(
    snapshot: Annotated[Path, typer.Argument(help="the snapshot the devices should be running")],
    inventory: InventoryOpt = None,
    lab: LabOpt = None,
    nornir_config: NornirConfigOpt = None,
    workers: WorkersOpt = None,
    engine: EngineOpt = "auto",
    limit: LimitOpt = None,
    json_path: JsonOpt = None,
    *,
    batfish: dict[str, Any],
) -> None:
    """Predicted vs observed: compare what the engine predicts for SNAPSHOT (routes, BGP sessions, VRRP roles) with what the devices actually do. Exit 0 when they agree, 1 when they differ."""
    import json

    from netval.compare import compare_states, uncompared_families
    from netval.static import open_engine

    try:
        _check_output(json_path, "--json")
        source = _live_source(inventory, lab, nornir_config, workers)
        names = _limited(source, limit)
        _progress(f"predicting {snapshot} with the {engine} engine")
        eng = open_engine(snapshot, engine, batfish)
        try:
            predicted = eng.state()
        finally:
            _close(eng)
        names = [n for n in names if n in predicted.nodes]
        if not names:
            raise NetvalError(
                f"no device is both in {snapshot} and in the {source.description}",
                hint="compare a snapshot with the inventory or lab of the same network",
            )
        observed = _collect(source, names, ("bgp", "routes", "vrrp"))
    except NetvalError as exc:
        raise _fail(exc) from None
    except NotImplementedError as exc:
        raise _fail(NetvalError(f"the {engine} engine cannot predict a state: {exc}")) from None
    predicted.nodes = {n: v for n, v in predicted.nodes.items() if n in names}
    # the lab's management links exist only in the lab, never in the snapshot
    ignore = []
    if lab:
        from netval.lab import manager

        ignore.append(manager.require(lab).mgmt_net)
    diffs, skipped = compare_states(predicted, observed, ignore)
    table = Table(title=_show(f"predicted ({snapshot}) vs observed ({source.description})"))
    for col in ("device", "what", "key", "predicted", "observed"):
        table.add_column(col, overflow="fold")
    for d in diffs:
        table.add_row(_show(d.node), d.domain, _show(d.key), _show(d.predicted), _show(d.observed))
    if diffs:
        out.print(table)
    for line in skipped:
        err.print(f"[magenta]not compared:[/] {_show(line)}", highlight=False)
    for line in uncompared_families(predicted, observed):
        err.print(f"[magenta]not compared:[/] {_show(line)}", highlight=False)
    out.print(f"{len(diffs)} difference(s) over {len(names) - len(skipped)} device(s)")
    if json_path:
        json_path.write_text(
            json.dumps(
                {
                    "differences": [d.__dict__ for d in diffs],
                    "not_compared": skipped,
                    "families_not_compared": uncompared_families(predicted, observed),
                },
                indent=2,
            )
            + "\n"
        )
    raise typer.Exit(1 if diffs or skipped else 0)


def _type_name(annotation: Any) -> str:
    """A catalog key's type as a user reads it (no Annotated/validator internals)."""
    import types
    import typing

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args if a is not type(None)) + (
            " (optional)" if type(None) in args else ""
        )
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}"
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    return getattr(annotation, "__name__", str(annotation))


def _doc(model: Any) -> str:
    return " ".join((model.__doc__ or "").replace("``", "").split())


@app.command("kinds")
def kinds_cmd(
    kind: Annotated[str | None, typer.Argument(help="one check kind, e.g. ecmp")] = None,
) -> None:
    """List the catalog's check kinds, or the keys of one kind with their types and defaults."""
    from netval.checks import CHECK_KINDS

    by_kind = {k.model_fields["kind"].annotation.__args__[0]: k for k in CHECK_KINDS}  # type: ignore[union-attr]
    if kind is None:
        table = Table(title="check kinds (netval kinds KIND for its keys)")
        for col in ("kind", "gate", "one item per", "what it checks"):
            table.add_column(col, overflow="fold")
        for name, model in sorted(by_kind.items()):
            table.add_row(name, "/".join(sorted(model.gates)), model.scope, _doc(model))
        out.print(table)
        return
    if kind not in by_kind:
        raise _fail(
            NetvalError(
                f"unknown check kind {kind!r}", hint=f"one of: {', '.join(sorted(by_kind))}"
            )
        )
    model = by_kind[kind]
    table = Table(title=f"{kind}: {_doc(model)}")
    for col in ("key", "type", "default", "meaning"):
        table.add_column(col, overflow="fold")
    for name, field in model.model_fields.items():
        if name == "kind":
            continue
        key = field.alias or name
        default = (
            "required"
            if field.is_required()
            else repr(field.get_default(call_default_factory=True))
        )
        table.add_row(
            key,
            escape(_type_name(field.annotation)),
            escape(default),
            escape(field.description or ""),
        )
    out.print(table)


def main() -> None:
    # SIGTERM (a cancelled CI job) ends a command like Ctrl-C. Until the command starts a
    # signal is held: `check` and `verify` then still write every report
    interrupts.install(hold=True)
    try:
        app()
    except SystemExit:
        if interrupts.received() is not None:
            _exit_now(130)
        raise
    except NetvalError as exc:  # errors raised outside a command's own handler
        err.print(f"error: {_show(exc)}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        _exit_now(130)


def _exit_now(code: int) -> None:
    """After an interrupt, once the reports are written: exit without joining the threads
    still waiting for a device (the interpreter would wait for their timeouts)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
