"""Reachability probes sent over a device's own login: its CLI's ping, then traceroute,
where the platform's parser knows both commands and their answers (``ProbeCommands``)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any, cast

from netval.errors import NetvalError
from netval.live.parsers.base import ParseError, ProbeCommands
from netval.state import Probe

log = logging.getLogger(__name__)

#: seconds a ping may take per echo (IOS waits 2 s for each) and for the login around it
_PER_ECHO = 2.5
_SLACK = 15.0
#: a traceroute of 12 hops, one probe each with a 1 s wait, and its login
_TRACEROUTE = 12 * 1.5 + _SLACK


def probe_over_login(task: Any, wanted: list[tuple[str, int]]) -> list[Probe]:
    """Nornir task body: each (destination, count) from this host, ping then traceroute."""
    from nornir.core.exceptions import NornirSubTaskError
    from nornir_scrapli.tasks import send_command

    from netval.live.collect import _scrub, _session_failure, scrapli_parser

    host = task.host
    try:
        parser = scrapli_parser(host)
    except NetvalError as exc:
        return [Probe(source=host.name, destination=d, error=exc.message) for d, _ in wanted]
    if not hasattr(parser, "ping_command"):
        why = (
            f"platform {host.platform} sends no probes over its login (its CLI's ping has no "
            "bounded form netval reads); run reachability in a lab, or on another platform"
        )
        return [Probe(source=host.name, destination=d, error=why) for d, _ in wanted]
    prober = cast(ProbeCommands, parser)
    secrets = [host.password or ""]

    def ask(command: str, timeout: float) -> str:
        result = task.run(
            task=send_command,
            command=command,
            timeout_ops=timeout,
            severity_level=logging.DEBUG,
        )
        return str(result[0].result or "")

    probes = []
    for destination, count in wanted:
        ping = prober.ping_command(destination, count)
        try:
            answer = ask(ping, count * _PER_ECHO + _SLACK)
            result = prober.parse_ping(host.name, destination, answer)
            if result.received:
                trace = prober.traceroute_command(destination)
                result.hops = prober.parse_traceroute(destination, ask(trace, _TRACEROUTE))
                result.reached = bool(result.hops) and result.hops[-1] == destination
        except ParseError as exc:
            result = Probe(source=host.name, destination=destination, error=exc.message)
        except NornirSubTaskError as exc:
            _, why = _session_failure(task, exc, "scrapli" in host.connections)
            result = Probe(
                source=host.name, destination=destination,
                error=_scrub(f"`{ping}` on {host.name} ({host.hostname}) failed: {why}", secrets),
            )  # fmt: skip
        probes.append(result)
    return probes


def send(nr: Any, requests: list[tuple[str, str, int]]) -> list[Probe]:
    """The probes of (source device, destination, count), each source's in one login."""
    from netval.live.collect import register_connections

    by_source: dict[str, list[tuple[str, int]]] = {}
    for source, destination, count in requests:
        by_source.setdefault(source, []).append((destination, count))
    probes: list[Probe] = []
    known = {s for s in by_source if s in nr.inventory.hosts}
    for source in sorted(set(by_source) - known):
        why = f"{source!r} is not in the inventory: a probe starts from a device netval logs into"
        probes += [Probe(source=source, destination=d, error=why) for d, _ in by_source[source]]
    if not known:
        return probes
    register_connections(nr.inventory.hosts[name] for name in known)

    def task(task: Any) -> list[Probe]:
        try:
            return probe_over_login(task, by_source[task.host.name])
        finally:
            with contextlib.suppress(Exception):
                task.host.close_connections()

    results = nr.filter(filter_func=lambda h: h.name in known).run(
        task=task, name="netval probes", on_failed=True
    )
    for name in sorted(known):
        multi = results.get(name)
        value = multi[0].result if multi is not None and len(multi) else None
        if isinstance(value, list):
            probes += value
        else:
            why = f"probing from {name} gave no answer"
            probes += [Probe(source=name, destination=d, error=why) for d, _ in by_source[name]]
    return probes
