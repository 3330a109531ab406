"""Collect observed State from devices with Nornir + nornir_scrapli.

Each device runs every distinct show command at most once per collection, whatever the
number of checks that read it. A device that cannot be reached (refused, timed out,
authentication failed) gets ``errors["device"]``; a command whose output is unusable gets
``errors[domain]``. Nothing here raises for a device problem: the run goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from netval.errors import NetvalError
from netval.live.parsers.base import ParseError
from netval.live.parsers.registry import get_parser
from netval.state import Domain, NodeState, State

log = logging.getLogger("netval.live")
log.addHandler(logging.NullHandler())

HostDone = Callable[[str, NodeState], None]


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "********")
    return text


def _reason(exc: BaseException) -> str:
    """The root cause of a nornir subtask failure, in one line."""
    inner: BaseException | None = exc
    result = getattr(exc, "result", None)
    if result is not None:
        for r in getattr(result, "__iter__", lambda: iter(()))():
            if getattr(r, "exception", None) is not None:
                inner = r.exception
                break
    name = type(inner).__name__
    text = str(inner).strip().splitlines()
    first = text[0] if text else ""
    hints = {
        "ScrapliAuthenticationFailed": "authentication failed (check username/password)",
        "ScrapliTimeout": "timed out",
        "ScrapliConnectionNotOpened": "connection not opened",
        "ScrapliConnectionError": "connection error",
    }
    return f"{hints.get(name, name)}: {first}" if first else hints.get(name, name)


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
    wanted = sorted({g for d in domains for g in NAPALM_GETTERS.get(d, ())})
    for d in sorted(domains):
        if d not in NAPALM_GETTERS:
            node.errors[d] = f"{d} is not available through the NAPALM getters"
    if not wanted:
        return
    try:
        result = task.run(task=napalm_get, getters=wanted, severity_level=logging.DEBUG)
    except NornirSubTaskError as exc:
        node.errors["device"] = _scrub(
            f"cannot collect from {host.name} ({host.hostname}) with NAPALM: {_reason(exc)}",
            secrets,
        )
        return
    data = result[0].result or {}
    try:
        if "bgp" in domains:
            node.bgp_peers = bgp_peers_from_getter(data.get("get_bgp_neighbors"))
    except ParseError as exc:
        node.errors["bgp"] = _scrub(f"{host.name}: {exc.message}", secrets)
    try:
        if "interfaces" in domains:
            node.interfaces = interfaces_from_getter(
                data.get("get_interfaces"), data.get("get_interfaces_ip")
            )
    except ParseError as exc:
        node.errors["interfaces"] = _scrub(f"{host.name}: {exc.message}", secrets)


def collect_host(task: Any, domains: set[Domain]) -> NodeState:
    """Nornir task body: run the commands one host needs and parse them into a NodeState."""
    from nornir.core.exceptions import NornirSubTaskError
    from nornir_scrapli.tasks import send_command

    host = task.host
    node = NodeState(name=host.name)
    secrets = [host.password or ""]
    if host.get("collector") == "napalm":
        _collect_napalm(task, domains, node, secrets)
        return node
    try:
        parser = get_parser(host.platform or "")
    except NetvalError as exc:
        node.errors["device"] = exc.message
        return node
    by_command: dict[str, list[Domain]] = {}
    for domain in sorted(domains):
        command = parser.commands.get(domain)
        if command is None:
            node.errors[domain] = f"{domain} is not supported on platform {host.platform}"
        else:
            by_command.setdefault(command, []).append(domain)
    failed_when = list(getattr(parser, "failed_when_contains", []) or []) or None
    for command, doms in by_command.items():
        try:
            result = task.run(
                task=send_command,
                command=command,
                failed_when_contains=failed_when,
                severity_level=logging.DEBUG,
            )
        except NornirSubTaskError as exc:
            response = exc.result[0] if len(exc.result) else None
            if response is not None and response.exception is None and response.result:
                why = f"`{command}` failed on {host.name}: {str(response.result).strip()[:200]}"
                for d in doms:
                    node.errors[d] = _scrub(why, secrets)
                continue
            # the connection itself failed: every check on this device is an error
            node.errors["device"] = _scrub(
                f"cannot collect from {host.name} ({host.hostname}): {_reason(exc)}", secrets
            )
            return node
        output = str(result[0].result or "")
        for d in doms:
            try:
                items = parser.parse(d, output)
            except ParseError as exc:
                node.errors[d] = _scrub(f"{host.name}: {exc.message}", secrets)
                continue
            if d == "bgp":
                node.bgp_peers = items  # type: ignore[assignment]
            elif d == "routes":
                node.routes = items  # type: ignore[assignment]
            elif d == "vrrp":
                node.vrrp = items  # type: ignore[assignment]
            else:
                node.interfaces = items  # type: ignore[assignment]
    return node


def collect(
    nr: Any,
    needs: dict[str, set[Domain]],
    *,
    on_host_done: HostDone | None = None,
    origin: str = "",
) -> State:
    """Collect the given domains from the given devices, in parallel."""
    state = State(source="observed", origin=origin)
    targets = {name: doms for name, doms in needs.items() if doms}
    if not targets:
        return state
    started = time.monotonic()

    def task(task: Any) -> NodeState:
        node = collect_host(task, targets[task.host.name])
        if on_host_done is not None:
            on_host_done(task.host.name, node)
        return node

    subset = nr.filter(filter_func=lambda h: h.name in targets)
    try:
        results = subset.run(task=task, name="netval collect", on_failed=True)
    finally:
        subset.close_connections(on_good=True, on_failed=True)
    for name in targets:
        multi = results.get(name)
        value = multi[0].result if multi is not None and len(multi) else None
        if isinstance(value, NodeState):
            state.nodes[name] = value
        else:
            exc = multi[0].exception if multi is not None and len(multi) else None
            node = NodeState(name=name)
            node.errors["device"] = (
                f"collection from {name} failed: {_reason(exc)}"
                if exc
                else (f"collection from {name} returned nothing")
            )
            state.nodes[name] = node
    log.debug("collected %d devices in %.2f s", len(targets), time.monotonic() - started)
    return state
