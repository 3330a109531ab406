"""traceroute, reachability and differentialReachability answers in Batfish's shape."""

from __future__ import annotations

import ipaddress
from typing import Any

from netval.errors import InputError
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.locations import flows_for
from netval.static.builtin.dataplane.trace import SUCCESS, Flow, Tracer
from netval.static.engine import Answer, Headers

TRACE_COLUMNS = ["Flow", "Traces", "TraceCount"]
DIFF_REACH_COLUMNS = [
    "Flow",
    "Snapshot_Traces",
    "Snapshot_TraceCount",
    "Reference_Traces",
    "Reference_TraceCount",
]
FAILURE = frozenset(
    (
        "DENIED_IN",
        "DENIED_OUT",
        "NO_ROUTE",
        "NULL_ROUTED",
        "NEIGHBOR_UNREACHABLE",
        "LOOP",
        "INSUFFICIENT_INFO",
    )
)
_MAX_DESTINATIONS = 16


def destinations(dp: DataPlane, dst: str, limit: int = _MAX_DESTINATIONS) -> list[str]:
    """An address, or for a prefix the addresses devices own inside it (else its first host)."""
    try:
        net = ipaddress.IPv4Network(dst, strict=False)
    except ValueError as exc:
        raise InputError(
            f"destination {dst!r} is not an IPv4 address or prefix",
            hint="e.g. 10.10.3.10 or 10.10.3.0/24",
        ) from exc
    if net.prefixlen == 32:
        return [str(net.network_address)]
    lo, hi = int(net.network_address), int(net.broadcast_address)
    owned = sorted(a for a in dp.net.owners if lo <= a <= hi)
    if owned:
        return [str(ipaddress.IPv4Address(a)) for a in owned[:limit]]
    hosts = net.hosts()
    return [str(next(iter(hosts), net.network_address))]


def _flows(dp: DataPlane, start: str | None, headers: Headers, limit: int) -> list[Flow]:
    start = start or ",".join(sorted(dp.net.nodes))
    flows: list[Flow] = []
    for dst in destinations(dp, headers.dst_ip, limit):
        flows += flows_for(dp, start, dst, headers.src_ip, headers.ip_protocol, headers.dst_port)
    return flows


def _check_start(dp: DataPlane, start: str, flows: list[Flow]) -> None:
    if not flows:
        raise InputError(
            f"start location {start!r} matches no node of the snapshot",
            hint=f"known nodes: {', '.join(sorted(dp.net.nodes))}",
        )


def answer_traceroute(dp: DataPlane, start: str, headers: Headers) -> Answer:
    tracer = Tracer(dp)
    flows = _flows(dp, start, headers, 1)
    _check_start(dp, start, flows)
    rows = []
    for flow in flows:
        traces = tracer.trace(flow)
        rows.append({"Flow": flow.to_json(), "Traces": traces, "TraceCount": len(traces)})
    return Answer("traceroute", TRACE_COLUMNS, rows)


def _wanted(actions: str) -> frozenset[str]:
    names = {a.strip().upper() for a in actions.split(",") if a.strip()}
    out: set[str] = set()
    for a in names:
        if a == "SUCCESS":
            out |= SUCCESS
        elif a == "FAILURE":
            out |= FAILURE
        else:
            out.add(a)
    return frozenset(out)


def answer_reachability(
    dp: DataPlane, start: str | None, headers: Headers, actions: str = "SUCCESS"
) -> Answer:
    """Flows from the start locations whose traces end with one of ``actions``."""
    tracer = Tracer(dp)
    wanted = _wanted(actions)
    flows = _flows(dp, start, headers, _MAX_DESTINATIONS)
    if start:
        _check_start(dp, start, flows)
    rows = []
    for flow in flows:
        traces = [t for t in tracer.trace(flow) if t["disposition"] in wanted]
        if traces:
            rows.append({"Flow": flow.to_json(), "Traces": traces, "TraceCount": len(traces)})
    return Answer("reachability", TRACE_COLUMNS, rows)


def _outcome(traces: list[dict[str, Any]]) -> frozenset[str]:
    return frozenset("SUCCESS" if t["disposition"] in SUCCESS else "FAILURE" for t in traces)


def answer_differential_reachability(
    dp: DataPlane, reference: DataPlane, headers: Headers
) -> Answer:
    """Flows (from every node both snapshots have) that succeed in one snapshot and fail in
    the other, on some path."""
    mine, theirs = Tracer(dp), Tracer(reference)
    common = sorted(set(dp.net.nodes) & set(reference.net.nodes))
    rows = []
    for flow in _flows(dp, ",".join(common), headers, _MAX_DESTINATIONS):
        if flow.node not in reference.net.nodes:
            continue
        a, b = mine.trace(flow), theirs.trace(flow)
        if _outcome(a) != _outcome(b):
            rows.append(
                {
                    "Flow": flow.to_json(),
                    "Snapshot_Traces": a,
                    "Snapshot_TraceCount": len(a),
                    "Reference_Traces": b,
                    "Reference_TraceCount": len(b),
                }
            )
    return Answer("differentialReachability", DIFF_REACH_COLUMNS, rows)
