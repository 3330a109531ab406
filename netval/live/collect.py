"""Collect observed State from devices with Nornir + nornir_scrapli.

Each device runs every distinct show command at most once per collection, whatever the
number of checks that read it. A device that cannot be reached (refused, timed out,
authentication failed) gets ``errors["device"]``; a command whose output is unusable gets
``errors[domain]``. Nothing here raises for a device problem: the run goes on.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from netval.errors import InputError, NetvalError
from netval.live.parsers.base import ExtraCommands, ParseError, PlatformParser, PrefixCommands
from netval.live.parsers.registry import get_parser
from netval.live.progress import HostProgress
from netval.live.retry import policy_for
from netval.live.workers import StoppableRunner
from netval.state import DOMAIN_FIELDS, Domain, NodeState, Problem, State

log = logging.getLogger("netval.live")
log.addHandler(logging.NullHandler())

HostDone = Callable[[str, NodeState], None]


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "********")
    return text


def _root_cause(exc: BaseException) -> BaseException:
    """The exception behind a nornir subtask failure (nornir wraps it in its result)."""
    result = getattr(exc, "result", None)
    if result is not None:
        for r in getattr(result, "__iter__", lambda: iter(()))():
            if getattr(r, "exception", None) is not None:
                return _root_cause(r.exception)
    return exc


# Scrapli's system transport reads ssh's own messages from the terminal and raises
# ScrapliAuthenticationFailed for all of them, timeouts and unreachable hosts included: the
# message says which it was.
_SSH_MESSAGES: tuple[tuple[str, Problem], ...] = (
    ("timed out", Problem.TIMEOUT),
    ("no route to host", Problem.UNREACHABLE),
    ("could not resolve", Problem.UNREACHABLE),
    ("connection refused", Problem.UNREACHABLE),
    ("network is unreachable", Problem.UNREACHABLE),
    ("no matching", Problem.PLATFORM),
    ("bad ssh configuration", Problem.PLATFORM),
)

_BY_NAME: dict[str, Problem] = {
    "ScrapliTimeout": Problem.TIMEOUT,
    "TimeoutError": Problem.TIMEOUT,
    "timeout": Problem.TIMEOUT,
    "ScrapliAuthenticationFailed": Problem.AUTH_FAILED,
    "ConnectAuthError": Problem.AUTH_FAILED,  # napalm
    "ScrapliConnectionNotOpened": Problem.UNREACHABLE,
    "ConnectionRefusedError": Problem.UNREACHABLE,
    "ScrapliUnsupportedPlatform": Problem.PLATFORM,
    "ScrapliModuleNotFound": Problem.PLATFORM,
    "NornirScrapliInvalidPlatform": Problem.PLATFORM,
    "ModuleImportError": Problem.PLATFORM,  # napalm: no driver for the platform
    "ScrapliCommandFailure": Problem.COMMAND_FAILED,
}

_WORDS: dict[Problem, str] = {
    Problem.TIMEOUT: "timed out",
    Problem.UNREACHABLE: "unreachable",
    Problem.CONNECTION: "connection failed",
    Problem.AUTH_FAILED: "authentication failed (check username/password)",
    Problem.PLATFORM: "platform not supported",
    Problem.COMMAND_FAILED: "command failed",
}


# scrapli puts what ssh printed into its messages as a bytes repr: b"warning: ...\n..."
_BYTES_LITERAL = re.compile(r"""\bb(['"])((?:\\.|(?!\1).)*)\1""", re.S)


def _decoded(match: re.Match[str]) -> str:
    try:
        value = ast.literal_eval(match.group(0))
    except (ValueError, SyntaxError):
        return match.group(2)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _readable(text: str) -> list[str]:
    """A failure's text as the lines a user reads: ssh's own output decoded, without the
    known-hosts notice that precedes every first login."""
    lines = _BYTES_LITERAL.sub(_decoded, text).strip().splitlines()
    kept = [line.strip() for line in lines if line.strip()]
    return [line for line in kept if not line.lower().startswith("warning: permanently added")]


def classify(exc: BaseException) -> tuple[Problem, str]:
    """The kind of a connection or command failure, and its root cause in one line."""
    inner = _root_cause(exc)
    text = _readable(str(inner))
    first = text[0] if text else type(inner).__name__
    lowered = str(inner).lower()
    name = type(inner).__name__
    problem = _BY_NAME.get(name)
    if name == "ScrapliAuthenticationFailed":
        problem = next((p for word, p in _SSH_MESSAGES if word in lowered), problem)
    elif problem is None and isinstance(inner, TimeoutError):
        problem = Problem.TIMEOUT
    elif problem is None and isinstance(inner, OSError) and inner.errno in _UNREACHABLE_ERRNOS:
        problem = Problem.UNREACHABLE
    problem = problem or Problem.CONNECTION
    word = _WORDS.get(problem, problem.value)
    if first.lower().startswith(word.split(" (")[0]):
        # scrapli's own words already say it: "Timed out connecting to host"
        return problem, first[0].lower() + first[1:]
    return problem, f"{word}: {first}"


_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH}


def probe_port(address: str, port: int, timeout: float) -> tuple[Problem, str] | None:
    """Why a TCP connection to the device fails, or None when it opens.

    Scrapli's system transport reports a refused port only as "EOF reading from transport"
    (ssh's own message stays on the terminal), so a session that broke before it was open is
    asked once more, on the TCP level.
    """
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return None
    except TimeoutError:
        return Problem.TIMEOUT, f"timed out: no answer on TCP port {port} in {timeout:g} s"
    except OSError as exc:
        if exc.errno == errno.ECONNREFUSED:
            return Problem.UNREACHABLE, f"connection refused: nothing listens on TCP port {port}"
        if exc.errno in _UNREACHABLE_ERRNOS or isinstance(exc, socket.gaierror):
            return Problem.UNREACHABLE, f"unreachable: TCP port {port}: {exc.strerror or exc}"
        return None


def release_failed_session(exc: BaseException) -> None:
    """Close the transport of a session whose opening failed, in this (worker) thread.

    Nornir registers a connection only once it is open, so nothing else closes it: the
    garbage collector would, later and on the main thread, where scrapli's pty spends 0.1 s
    per session (10 s for 100 unreachable devices, on the way to the reports).
    """
    import traceback

    seen: set[int] = set()
    pending: list[BaseException | None] = [exc, _root_cause(exc)]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        pending += [current.__cause__, current.__context__]
        for frame, _ in traceback.walk_tb(current.__traceback__):
            transport = getattr(frame.f_locals.get("self"), "transport", None)
            close = getattr(transport, "close", None)
            if close is not None and getattr(transport, "session", None) is not None:
                with contextlib.suppress(Exception):
                    close()


def route_lookup(host: Any) -> tuple[Problem, str] | None:
    """Why the machine has no route to the host's address, or None when it has one (or
    cannot tell without sending anything).

    Connecting a UDP socket asks the kernel for a route and sends no packet, so an address
    the machine routes nowhere fails here in microseconds instead of after an ssh process
    was started (a fork, a pty and scrapli's reader per device). Only a literal address
    with no ssh config in play is looked up: a name or a ProxyJump may reach what this
    machine cannot route directly.
    """
    import ipaddress

    params = host.get_connection_parameters("scrapli")
    extras = params.extras or {}
    if extras.get("ssh_config_file") or extras.get("transport", "system") != "system":
        return None
    address = params.hostname or host.hostname
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    port = int(params.port or 22)
    with socket.socket(
        socket.AF_INET6 if ip.version == 6 else socket.AF_INET, socket.SOCK_DGRAM
    ) as probe:
        try:
            probe.connect((str(ip), port))
        except OSError as exc:
            if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
                return (
                    Problem.UNREACHABLE,
                    f"unreachable: {exc.strerror} (no route from this machine)",
                )
    return None


def _session_failure(task: Any, exc: BaseException, was_open: bool) -> tuple[Problem, str]:
    problem, why = classify(exc)
    if problem is Problem.CONNECTION and not was_open:
        params = task.host.get_connection_parameters("scrapli")
        extras = params.extras or {}
        address = params.hostname or task.host.hostname
        if address:
            timeout = float(extras.get("timeout_socket") or 5)
            probed = probe_port(address, int(params.port or 22), min(timeout, 10.0))
            if probed is not None:
                return probed
    return problem, why


def _logged_in(task: Any, was_open: bool) -> bool:
    """Whether the session got past its login (a timeout then belongs to the command)."""
    # Nornir keeps a connection only once it opened
    return was_open or "scrapli" in task.host.connections


def _use_platform(host: Any, connection: str, platform: str) -> None:
    """Make the host's ``connection`` log in with ``platform`` (its library's own name), on
    the host's own connection options: groups' and defaults' other options still apply."""
    from nornir.core.inventory import ConnectionOptions

    if host.get_connection_parameters(connection).platform == platform:
        return
    options = host.connection_options.get(connection)
    if options is None:
        host.connection_options[connection] = ConnectionOptions(platform=platform)
    else:
        options.platform = platform


def scrapli_parser(host: Any) -> PlatformParser:
    """The parser for the host's platform, named in scrapli's, netutils', NAPALM's or
    netmiko's terms; the scrapli connection gets scrapli's name for the platform it uses."""
    from netval.live.platforms import scrapli_platform

    connection = host.get_connection_parameters("scrapli").platform
    parser = get_parser(host.platform or connection)
    if connection:
        _use_platform(host, "scrapli", scrapli_platform(connection) or connection)
    return parser


def _napalm_has(driver: str) -> bool:
    try:
        from napalm import get_network_driver

        get_network_driver(driver)
    except Exception:  # napalm raises its own ModuleImportError for a name it has no driver for
        return False
    return True


def napalm_platform(host: Any) -> str:
    """The NAPALM driver for a `collector: napalm` host, set on its napalm connection: a
    driver napalm has (``eos``, ``nxos_ssh``, a community driver), or one that netutils
    maps the name to (``arista_eos`` -> ``eos``)."""
    from netval.live.platforms import napalm_driver

    written = host.get_connection_parameters("napalm").platform
    hint = "use a NAPALM driver name (eos, ios, nxos, nxos_ssh, junos, iosxr) or a name of one"
    if not written:
        raise InputError("has no platform", hint=hint)
    driver = napalm_driver(written) or (written if _napalm_has(written) else None)
    if driver is None:
        raise InputError(f"platform {written!r} names no NAPALM driver", hint=hint)
    _use_platform(host, "napalm", driver)
    return driver


NAPALM_GETTERS: dict[Domain, tuple[str, ...]] = {
    "bgp": ("get_bgp_neighbors",),
    "interfaces": ("get_interfaces", "get_interfaces_ip"),
}


def _collect_napalm(task: Any, domains: set[Domain], node: NodeState, secrets: list[str]) -> None:
    """Hosts with `collector: napalm` in their data: nornir_napalm getters instead of CLI."""
    from nornir.core.exceptions import NornirSubTaskError
    from nornir_napalm.plugins.tasks import napalm_get

    from netval.live.parsers.napalm_getters import bgp_peers_from_getter, interfaces_from_getter

    host = task.host
    try:
        napalm_platform(host)
    except NetvalError as exc:
        node.fail("device", Problem.PLATFORM, f"host {host.name!r}: {exc.message}")
        return
    wanted = sorted({g for d in domains for g in NAPALM_GETTERS.get(d, ())})
    for d in sorted(domains):
        if d not in NAPALM_GETTERS:
            node.fail(d, Problem.UNSUPPORTED, f"{d} is not available through the NAPALM getters")
    if not wanted:
        return
    try:
        result = task.run(task=napalm_get, getters=wanted, severity_level=logging.DEBUG)
    except NornirSubTaskError as exc:
        problem, why = classify(exc)
        node.fail(
            "device",
            problem,
            _scrub(
                f"cannot collect from {host.name} ({host.hostname}) with NAPALM: {why}", secrets
            ),
        )
        return
    data = result[0].result or {}
    try:
        if "bgp" in domains:
            node.bgp_peers = bgp_peers_from_getter(data.get("get_bgp_neighbors"))
    except ParseError as exc:
        node.fail("bgp", Problem.UNPARSABLE, _scrub(f"{host.name}: {exc.message}", secrets))
    try:
        if "interfaces" in domains:
            node.interfaces = interfaces_from_getter(
                data.get("get_interfaces"), data.get("get_interfaces_ip")
            )
    except ParseError as exc:
        node.fail("interfaces", Problem.UNPARSABLE, _scrub(f"{host.name}: {exc.message}", secrets))


def collect_host(
    task: Any,
    domains: set[Domain],
    stopped: threading.Event | None = None,
    route_queries: set[tuple[str, str]] | None = None,
) -> NodeState:
    """Nornir task body: run the commands one host needs and parse them into a NodeState.

    With ``route_queries`` (VRF, prefix pairs) the routing table is asked about those
    prefixes alone where the platform can (``PrefixCommands``), else in whole. Once
    ``stopped`` is set (Ctrl-C, SIGTERM) the device is not contacted again.
    """
    from nornir.core.exceptions import NornirSubTaskError
    from nornir_scrapli.tasks import send_command

    host = task.host
    node = NodeState(name=host.name)
    secrets = [host.password or ""]
    if host.get("collector") == "napalm":
        _collect_napalm(task, domains, node, secrets)
        return node
    try:
        parser = scrapli_parser(host)
    except NetvalError as exc:
        node.fail("device", Problem.PLATFORM, f"host {host.name!r}: {exc.message}")
        return node
    unroutable = route_lookup(host) if "scrapli" not in host.connections else None
    if unroutable is not None:
        problem, why = unroutable
        node.fail("device", problem, f"cannot collect from {host.name} ({host.hostname}): {why}")
        return node
    by_command: dict[str, list[Domain]] = {}
    extra: dict[Domain, tuple[str, ...]] = getattr(parser, "extra_commands", {})
    # command -> the (VRF, prefix) it asks about, for a table asked one prefix at a time
    prefix_of: dict[str, tuple[str, str]] = {}
    if route_queries and "routes" in domains and hasattr(parser, "prefix_command"):
        by_prefix = cast(PrefixCommands, parser)
        for vrf, prefix in sorted(route_queries):
            asked = by_prefix.prefix_command("routes", vrf, prefix)
            prefix_of[asked] = (vrf, prefix)
            by_command.setdefault(asked, []).append("routes")
    for domain in sorted(domains):
        if domain == "routes" and prefix_of:
            continue
        command = parser.commands.get(domain)
        if command is None and domain in getattr(parser, "peer_commands", {}):
            continue
        if command is None:
            node.fail(
                domain,
                Problem.UNSUPPORTED,
                f"{domain} is not supported on platform {host.platform}",
            )
            continue
        for each in (command, *extra.get(domain, ())):
            by_command.setdefault(each, []).append(domain)
    failed_when = list(getattr(parser, "failed_when_contains", []) or []) or None
    # a domain answered by several commands (IPv4 and IPv6 tables) is whole or is an error
    parsed: dict[Domain, list[Any]] = {}
    try:
        policy = policy_for(host)
    except NetvalError as exc:
        node.fail("device", Problem.PLATFORM, exc.message)
        return node
    for command, doms in by_command.items():
        if stopped is not None and stopped.is_set():
            node.fail("device", Problem.INTERRUPTED, f"interrupted before {host.name} was done")
            return node
        was_open = "scrapli" in host.connections
        attempt = 1
        while True:
            try:
                result = task.run(
                    task=send_command,
                    command=command,
                    failed_when_contains=failed_when,
                    severity_level=logging.DEBUG,
                )
                break
            except NornirSubTaskError as exc:
                response = exc.result[0] if len(exc.result) else None
                if response is not None and response.exception is None and response.result:
                    why = f"`{command}` failed on {host.name}: {str(response.result).strip()[:200]}"
                    for d in doms:
                        node.fail(d, Problem.COMMAND_FAILED, _scrub(why, secrets))
                    result = None
                    break
                # the connection itself failed: every check on this device is an error
                if not was_open:
                    release_failed_session(exc)
                if stopped is not None and stopped.is_set():
                    problem, why = Problem.INTERRUPTED, "interrupted"
                else:
                    problem, why = _session_failure(task, exc, was_open)
                    if problem is Problem.TIMEOUT and _logged_in(task, was_open):
                        why += f" (waiting for `{command}`)"
                # only a login is tried again: a command that timed out after it may have
                # changed nothing, or something, and a slow device is not helped by more load
                if not _logged_in(task, was_open) and policy.retries_after(problem, attempt):
                    wait = policy.delay(attempt)
                    log.debug("%s: login attempt %d failed (%s); again in %.2f s",
                              host.name, attempt, why, wait)  # fmt: skip
                    attempt += 1
                    if stopped is None:
                        time.sleep(wait)
                    elif stopped.wait(wait):
                        node.fail(
                            "device",
                            Problem.INTERRUPTED,
                            f"interrupted before {host.name} was done",
                        )
                        return node
                    continue
                if attempt > 1:
                    why += f" ({attempt} login attempts)"
                node.connect_attempts = attempt
                node.fail(
                    "device",
                    problem,
                    _scrub(f"cannot collect from {host.name} ({host.hostname}): {why}", secrets),
                )
                return node
        if not was_open:
            node.connect_attempts = attempt
        if result is None:
            continue
        output = str(result[0].result or "")
        for d in doms:
            if d in node.errors:
                continue
            try:
                if command in prefix_of:
                    vrf, prefix = prefix_of[command]
                    items = cast(PrefixCommands, parser).parse_prefix(d, vrf, prefix, output)
                elif command == parser.commands[d]:
                    items = parser.parse(d, output)
                else:
                    items = cast(ExtraCommands, parser).parse_command(d, command, output)
            except ParseError as exc:
                node.fail(d, Problem.UNPARSABLE, _scrub(f"{host.name}: {exc.message}", secrets))
                continue
            parsed.setdefault(d, []).extend(items)
    for d, items in parsed.items():
        if d not in node.errors:
            if d in extra:
                # one session seen in both families' summaries is one session
                items = cast(ExtraCommands, parser).merge(d, items)
            setattr(node, DOMAIN_FIELDS[d], items)
    if prefix_of and node.routes is not None:
        by_vrf: dict[str, list[str]] = {}
        for vrf, prefix in sorted(prefix_of.values()):
            by_vrf.setdefault(vrf, []).append(prefix)
        node.routes_asked = by_vrf
    if stopped is None or not stopped.is_set():
        _collect_per_peer(task, parser, domains, node, secrets, failed_when)
    return node


def _collect_per_peer(
    task: Any,
    parser: Any,
    domains: set[Domain],
    node: NodeState,
    secrets: list[str],
    failed_when: list[str] | None,
) -> None:
    """Domains the platform answers one BGP peer at a time (what is advertised to a peer):
    one command per peer of the BGP summary, which such a check also collects."""
    from nornir.core.exceptions import NornirSubTaskError
    from nornir_scrapli.tasks import send_command

    host = task.host
    wanted = [d for d in sorted(domains) if d in getattr(parser, "peer_commands", {})]
    if not wanted or "device" in node.errors:
        return
    for domain in wanted:
        if node.bgp_peers is None:
            why = node.errors.get("bgp", "the BGP summary was not collected")
            node.fail(domain, Problem.COMMAND_FAILED, f"no BGP peers to ask about: {why}")
            continue
        items: list[Any] = []
        for peer in sorted({p.peer for p in node.bgp_peers}):
            command = parser.peer_command(domain, peer)
            try:
                result = task.run(
                    task=send_command,
                    command=command,
                    failed_when_contains=failed_when,
                    severity_level=logging.DEBUG,
                )
                items += parser.parse_peer(domain, peer, str(result[0].result or ""))
            except ParseError as exc:
                node.fail(
                    domain, Problem.UNPARSABLE, _scrub(f"{host.name}: {exc.message}", secrets)
                )
                break
            except NornirSubTaskError as exc:
                problem, why = _session_failure(task, exc, True)
                node.fail(
                    domain, problem, _scrub(f"`{command}` failed on {host.name}: {why}", secrets)
                )
                break
        else:
            setattr(node, DOMAIN_FIELDS[domain], items)


def register_connections(hosts: Iterable[Any]) -> None:
    """Register the Nornir connection plugins these hosts use, and only those.

    InitNornir would import every installed one (NAPALM with all its drivers for a run that
    has no NAPALM host); the plugin for a name is the one its package declares, as there.
    """
    from importlib.metadata import entry_points

    from nornir.core.plugins.connections import ConnectionPluginRegister

    wanted = {"napalm" if host.get("collector") == "napalm" else "scrapli" for host in hosts}
    for name in sorted(wanted - set(ConnectionPluginRegister.available)):
        for entry in entry_points(group="nornir.plugins.connections", name=name):
            ConnectionPluginRegister.register(name, entry.load())
            break


def _shipped_task(
    task: Any,
    targets: dict[str, set[Domain]],
    route_queries: dict[str, set[tuple[str, str]]],
) -> NodeState:
    """The collection task as a runner in another process runs it."""
    name = task.host.name
    try:
        return collect_host(task, targets[name], None, route_queries.get(name))
    finally:
        with contextlib.suppress(Exception):
            task.host.close_connections()


def collect(
    nr: Any,
    needs: dict[str, set[Domain]],
    *,
    on_host_done: HostDone | None = None,
    origin: str = "",
    route_queries: dict[str, set[tuple[str, str]]] | None = None,
) -> State:
    """Collect the given domains from the given devices, in parallel; a device in
    ``route_queries`` is asked about those (VRF, prefix) pairs instead of its whole table.

    Nornir's threaded runner is replaced by one that keeps its worker count and stops on
    Ctrl-C or SIGTERM: no further device is started, the ones in flight are abandoned, and
    the interrupt propagates at once (the caller keeps what ``on_host_done`` reported). Any
    other runner a nornir config chose runs the collection as it is.
    """
    state = State(source="observed", origin=origin)
    targets = {name: doms for name, doms in needs.items() if doms}
    if not targets:
        return state
    started = time.monotonic()

    from nornir.plugins.runners import ThreadedRunner

    runner: Any = nr.runner
    stopped: threading.Event | None = None
    if isinstance(runner, ThreadedRunner):
        runner = StoppableRunner(runner.num_workers)
        stopped = runner.stopped
    register_connections(nr.inventory.hosts[name] for name in targets)

    def task(task: Any) -> NodeState:
        name = task.host.name
        try:
            return collect_host(task, targets[name], stopped, (route_queries or {}).get(name))
        finally:
            # closed here, in parallel: scrapli's pty takes 0.1 s per session to close,
            # which nornir's close_connections would spend one host after the other
            with contextlib.suppress(Exception):
                task.host.close_connections()

    subset = nr.filter(filter_func=lambda h: h.name in targets).with_runner(runner)
    if getattr(runner, "ships_tasks", False):
        # a runner that ships tasks to other processes (Dask) gets one without callbacks
        # or locks; each host is reported once its result is back
        results = subset.run(
            task=_shipped_task,
            name="netval collect",
            on_failed=True,
            targets=targets,
            route_queries=route_queries or {},
        )
        for name in targets:
            multi = results.get(name)
            value = multi[0].result if multi is not None and len(multi) else None
            if on_host_done is not None and isinstance(value, NodeState):
                on_host_done(name, value)
    else:
        if on_host_done is not None:
            done = on_host_done
            subset = subset.with_processors(
                [HostProgress(lambda name, node, _n, _total: done(name, node))]
            )
        results = subset.run(task=task, name="netval collect", on_failed=True)
    subset.close_connections(on_good=True, on_failed=True)
    for name in targets:
        multi = results.get(name)
        value = multi[0].result if multi is not None and len(multi) else None
        if isinstance(value, NodeState):
            state.nodes[name] = value
        else:
            exc = multi[0].exception if multi is not None and len(multi) else None
            node = NodeState(name=name)
            if exc is not None:
                problem, why = classify(exc)
                node.fail("device", problem, f"collection from {name} failed: {why}")
            else:
                node.fail("device", Problem.CONNECTION, f"collection from {name} returned nothing")
            state.nodes[name] = node
    log.debug("collected %d devices in %.2f s", len(targets), time.monotonic() - started)
    return state
