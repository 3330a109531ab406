"""Judging engine answers (Batfish's answer shape) against static catalog entries.

Both engines answer in Batfish's shape, so each check is written once, here. An engine
that cannot answer raises EngineError, which the runner turns into an error item.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netval.checks import route_changes
from netval.results import Outcome
from netval.static.engine import Headers, RouteInput, Row, cell_text

if TYPE_CHECKING:
    from netval.checks.static import PolicyCase
    from netval.static.engine import Engine

MAX_LISTED = 20


def _node(row: Row, key: str = "Node") -> str:
    return cell_text(row.get(key))


def _lines(value: Any) -> str:
    if isinstance(value, dict):
        lines = value.get("lines") or []
        name = value.get("filename", "")
        return f"{name}:{','.join(str(n) for n in lines)}" if lines else str(name)
    if isinstance(value, list):
        return ", ".join(_lines(v) for v in value)
    return cell_text(value)


def _listed(items: Sequence[str]) -> str:
    shown = list(items[:MAX_LISTED])
    more = len(items) - len(shown)
    return "; ".join(shown) + (f"; ... and {more} more" if more > 0 else "")


def eval_parse(
    engine: Engine,
    allow_partial: bool,
    allow_unrecognized: list[str],
    unsafe: list[str],
    frr_rejected: list[str],
) -> Outcome:
    """``unsafe``: netval's own findings of values no engine may accept (safe_names);
    ``frr_rejected``: lines FRR itself rejects (frr_verdict). Both fail the check whatever
    the engine says and whatever allow_* tolerates: the lab refuses the first, a router
    drops the second."""
    import re

    status = engine.file_parse_status()
    if not status.rows:
        return Outcome.error("the engine reported no configuration files")
    if unsafe:
        return Outcome.failed(
            f"{len(unsafe)} value(s) fail netval's grammar for names and profiles: "
            f"{_listed(unsafe)}",
            expected="hostnames, interface names and 'frr defaults' values netval accepts",
            observed=unsafe,
        )
    if frr_rejected:
        return Outcome.failed(
            f"FRR rejects {len(frr_rejected)} line(s), which a router drops when it boots: "
            f"{_listed(frr_rejected)}",
            expected="every FRR line accepted by FRR",
            observed=frr_rejected,
        )
    issues = engine.init_issues().rows
    tolerated = [re.compile(p) for p in allow_unrecognized]

    def issue_file(issue: Row) -> str:
        lines = issue.get("Source_Lines")
        first = lines[0] if isinstance(lines, list) and lines else lines
        return str(first.get("filename", "")) if isinstance(first, dict) else ""

    def acceptable(row: Row) -> bool:
        state = str(row.get("Status"))
        # an empty file configures nothing: the device it stands for would boot blank
        if state in ("PASSED", "IGNORED") or (allow_partial and state == "PARTIALLY_UNRECOGNIZED"):
            return True
        if state != "PARTIALLY_UNRECOGNIZED" or not tolerated:
            return False
        name = cell_text(row.get("File_Name"))
        texts = [str(i.get("Line_Text") or "") for i in issues if issue_file(i) == name]
        return bool(texts) and all(any(p.search(t) for p in tolerated) for t in texts)

    bad = [r for r in status.rows if not acceptable(r)]
    if not bad:
        return Outcome.passed(
            f"{len(status.rows)} file(s) parsed", observed={"files": len(status.rows)}
        )
    bad_files = {cell_text(r.get("File_Name")) for r in bad}
    details = [f"{cell_text(r.get('File_Name'))}: {r.get('Status')}" for r in bad]
    for issue in issues:
        where = _lines(issue.get("Source_Lines"))
        if not where or any(f in where for f in bad_files):
            text = str(issue.get("Line_Text") or issue.get("Details") or "").strip()[:120]
            why = str(issue.get("Details") or "")
            if why and why != "This syntax is unrecognized" and why.strip()[:120] != text:
                text += f" ({why})"  # e.g. a regular expression that cannot be evaluated
            details.append(f"{where} {issue.get('Type', '')}: {text}")
    return Outcome.failed(
        f"{len(bad)} file(s) not fully parsed: {_listed(details)}",
        expected="every file PASSED" + (" (or PARTIALLY_UNRECOGNIZED)" if allow_partial else ""),
        observed=[{"file": cell_text(r.get("File_Name")), "status": r.get("Status")} for r in bad],
    )


def eval_undefined_references(engine: Engine, devices: list[str]) -> Outcome:
    rows = engine.undefined_references().rows
    found = [
        f"{_lines(r.get('Lines')) or cell_text(r.get('File_Name'))}: {r.get('Struct_Type')} "
        f"'{r.get('Ref_Name')}' is used ({r.get('Context')}) but not defined"
        for r in rows
    ]
    if found:
        return Outcome.failed(
            f"{len(found)} undefined reference(s): {_listed(found)}",
            expected=[],
            observed=rows,
        )
    return Outcome.passed("no undefined references", observed=[])


def _session(row: Row) -> str:
    local = row.get("Local_IP") or row.get("Local_Interface") or "?"
    remote = row.get("Remote_IP") or row.get("Remote_Interface") or "?"
    remote_node = cell_text(row.get("Remote_Node")) or "?"
    return (
        f"{_node(row)} {cell_text(local)} (AS {cell_text(row.get('Local_AS'))}) -> "
        f"{cell_text(remote)} (AS {cell_text(row.get('Remote_AS'))}, node {remote_node})"
    )


def eval_bgp_compatibility(engine: Engine, devices: list[str], allow: list[str]) -> Outcome:
    rows = [r for r in engine.bgp_session_compatibility().rows if _node(r) in devices]
    if not rows:
        return Outcome.error("the engine reported no BGP sessions for the selected devices")
    bad = [r for r in rows if str(r.get("Configured_Status")) not in allow]
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(rows)} BGP session(s) not compatible: "
            + _listed([f"{_session(r)}: {r.get('Configured_Status')}" for r in bad]),
            expected=allow,
            observed=[{"session": _session(r), "status": r.get("Configured_Status")} for r in bad],
        )
    return Outcome.passed(f"{len(rows)} BGP session(s) compatible")


def eval_bgp_status(engine: Engine, devices: list[str]) -> Outcome:
    rows = [r for r in engine.bgp_session_status().rows if _node(r) in devices]
    if not rows:
        return Outcome.error("the engine reported no BGP sessions for the selected devices")
    bad = [r for r in rows if str(r.get("Established_Status")) != "ESTABLISHED"]
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {len(rows)} BGP session(s) predicted down: "
            + _listed([f"{_session(r)}: {r.get('Established_Status')}" for r in bad]),
            expected="ESTABLISHED",
            observed=[{"session": _session(r), "status": r.get("Established_Status")} for r in bad],
        )
    return Outcome.passed(f"{len(rows)} BGP session(s) predicted established")


def _policy_missing(engine: Engine, node: str, policy: str) -> Outcome | None:
    policies = engine.policies(node)
    if policy not in policies:
        return Outcome.error(
            f"routing policy {policy!r} is not defined on {node} "
            f"(it has: {', '.join(sorted(policies)) or 'none'}); fix the catalog entry"
        )
    return None


def trace_text(trace: Any) -> str:
    """Batfish's route-policy trace (nested trace elements) as 'clause; clause'."""
    texts: list[str] = []

    def walk(nodes: Any) -> None:
        for node in nodes if isinstance(nodes, list) else []:
            element = (node or {}).get("traceElement") or {}
            text = "".join(str(f.get("text", "")) for f in element.get("fragments") or [])
            if text:
                texts.append(text)
            walk(node.get("children"))

    walk(trace)
    return "; ".join(texts) if texts or not trace else cell_text(trace)


def trace_steps(trace: Any) -> list[str]:
    """Batfish's route-policy trace (nested trace elements) as steps; a nested step is
    indented by two spaces per level."""
    steps: list[str] = []

    def walk(nodes: Any, depth: int) -> None:
        for node in nodes if isinstance(nodes, list) else []:
            element = (node or {}).get("traceElement") or {}
            text = "".join(str(f.get("text", "")) for f in element.get("fragments") or [])
            if text:
                steps.append("  " * depth + text)
            walk(node.get("children"), depth + 1)

    walk(trace, 0)
    return steps


def _policy_result(row: Row) -> dict[str, Any]:
    """What a policy did to one route: the input's attributes, the action, the trace as
    steps and the attributes it changed (Batfish's Difference)."""
    inp = row.get("Input_Route") or {}
    out: dict[str, Any] = {"route": str(inp.get("network"))}
    if inp.get("asPath"):
        out["as_path"] = _flat_as_path(inp.get("asPath"))
    if inp.get("communities"):
        out["communities"] = [str(c) for c in inp.get("communities") or []]
    out["action"] = str(row.get("Action", "")).lower()
    out["trace"] = trace_steps(row.get("Trace"))
    diff = row.get("Difference") or {}
    out["changes"] = [
        {"field": str(d.get("fieldName")), "old": d.get("oldValue"), "new": d.get("newValue")}
        for d in (diff.get("diffs") if isinstance(diff, dict) else None) or []
    ]
    return out


def _flat_as_path(value: Any) -> list[int]:
    out: list[int] = []
    for item in value or []:
        if isinstance(item, list):
            out += [int(x) for x in item]
        elif isinstance(item, dict):
            out += [int(x) for x in item.get("asns", [])]
        else:
            out.append(int(item))
    return out


def _case_expected(case: PolicyCase) -> dict[str, Any]:
    out: dict[str, Any] = {"route": case.route.prefix, "action": case.expect}
    if case.output is not None:
        out["output"] = case.output.model_dump(exclude_none=True)
    return out


def eval_route_policy(
    engine: Engine, node: str, policy: str, direction: str, cases: list[PolicyCase]
) -> Outcome:
    missing = _policy_missing(engine, node, policy)
    if missing:
        return missing
    routes = [
        RouteInput(
            network=c.route.prefix,
            communities=tuple(c.route.communities),
            as_path=tuple(c.route.as_path),
            local_preference=c.route.local_preference
            if c.route.local_preference is not None
            else 100,
            metric=c.route.metric or 0,
            next_hop_ip=c.route.next_hop or "0.0.0.0",
        )
        for c in cases
    ]
    answer = engine.test_route_policies(node, policy, direction, routes)
    # rows are matched to cases on the whole input route: two cases may share a prefix
    by_route: dict[tuple[str, tuple[str, ...], tuple[int, ...]], Row] = {}
    for row in answer.rows:
        inp = row.get("Input_Route") or {}
        key = (
            str(inp.get("network")),
            tuple(sorted(str(c) for c in inp.get("communities") or [])),
            tuple(_flat_as_path(inp.get("asPath"))),
        )
        by_route.setdefault(key, row)
    problems, observed = [], []
    for case in cases:
        key = (case.route.prefix, tuple(sorted(case.route.communities)), tuple(case.route.as_path))
        if key not in by_route:
            problems.append(f"{case.route.prefix}: the engine returned no result")
            continue
        row = by_route[key]
        action = str(row.get("Action", "")).lower()
        entry = {**_policy_result(row), "expect": case.expect}
        if case.output is not None:
            entry["expect_output"] = case.output.model_dump(exclude_none=True)
        observed.append(entry)
        if action != case.expect:
            trace = trace_text(row.get("Trace"))[:300]
            problems.append(
                f"{case.route.prefix} is {_PAST.get(action, action)} by {policy} on {node}, "
                f"expected {case.expect}" + (f" (trace: {trace})" if trace else "")
            )
            continue
        if case.output is None or action != "permit":
            continue
        out = row.get("Output_Route") or {}
        want = case.output
        if want.local_preference is not None and out.get("localPreference") != (
            want.local_preference
        ):
            problems.append(
                f"{case.route.prefix}: local-preference {out.get('localPreference')}"
                f", expected {want.local_preference}"
            )
        if want.metric is not None and out.get("metric") != want.metric:
            problems.append(
                f"{case.route.prefix}: metric {out.get('metric')}, expected {want.metric}"
            )
        if want.communities is not None and sorted(map(str, out.get("communities") or [])) != (
            sorted(want.communities)
        ):
            problems.append(
                f"{case.route.prefix}: communities {out.get('communities')}, "
                f"expected {want.communities}"
            )
        if want.as_path is not None and _flat_as_path(out.get("asPath")) != want.as_path:
            problems.append(
                f"{case.route.prefix}: AS path {_flat_as_path(out.get('asPath'))}, "
                f"expected {want.as_path}"
            )
        if want.next_hop is not None and str(out.get("nextHopIp")) != want.next_hop:
            problems.append(
                f"{case.route.prefix}: next hop {out.get('nextHopIp')}, expected {want.next_hop}"
            )
    if problems:
        return Outcome.failed(
            "; ".join(problems),
            expected=[_case_expected(c) for c in cases],
            observed=observed,
        )
    return Outcome.passed(f"{len(cases)} route(s) as expected through {policy}", observed=observed)


def eval_route_policy_search(
    engine: Engine,
    node: str,
    policy: str,
    direction: str,
    prefixes: list[str],
    forbid: str,
    communities: list[str] | None,
    as_path: str | None,
) -> Outcome:
    missing = _policy_missing(engine, node, policy)
    if missing:
        return missing
    answer = engine.search_route_policies(
        node, policy, direction, prefixes, forbid, communities, as_path
    )
    if answer.rows:
        row = answer.rows[0]
        route = row.get("Input_Route") or {}
        desc = str(route.get("network"))
        if route.get("communities"):
            desc += f" communities {route.get('communities')}"
        if route.get("asPath"):
            desc += f" as-path {_flat_as_path(route.get('asPath'))}"
        return Outcome.failed(
            f"{policy} on {node} {forbid.upper()}S a route in {', '.join(prefixes)}: "
            f"counterexample {desc}",
            expected=f"no route in the space is {_PAST[forbid]}",
            observed=[_policy_result(r) for r in answer.rows[:5]],
        )
    if not answer.complete:
        return Outcome.error(
            f"no counterexample found, but the {engine.name} engine's search of {policy} on "
            f"{node} was not exhaustive ({'; '.join(answer.notes) or 'sampled'}): no proof "
            f"that no route in {', '.join(prefixes)} is {_PAST[forbid]}",
            expected=f"no route in the space is {_PAST[forbid]}",
        )
    return Outcome.passed(f"no route in {', '.join(prefixes)} is {_PAST[forbid]} by {policy}")


_PAST = {"permit": "permitted", "deny": "denied"}
SUCCESS = {"ACCEPTED", "DELIVERED_TO_SUBNET", "EXITS_NETWORK"}


def format_trace(trace: dict[str, Any]) -> str:
    hops = []
    for hop in trace.get("hops") or []:
        node = cell_text(hop.get("node"))
        steps = hop.get("steps") or []
        detail = ""
        for step in steps:
            d = step.get("detail") or {}
            if step.get("type") in ("ExitOutputInterface", "EnterInputInterface") and d:
                iface = d.get("outputInterface") or d.get("inputInterface")
                if iface:
                    detail += f" {cell_text(iface)}"
        hops.append(f"{node}{detail}")
    return f"{trace.get('disposition')}: " + " -> ".join(hops)


def eval_reachability(
    engine: Engine, start: str, dst: str, protocol: str, port: int | None, expect: str
) -> Outcome:
    headers = Headers(
        dst_ip=str(ipaddress.ip_address(dst)), ip_protocol=protocol.upper(), dst_port=port
    )
    answer = engine.traceroute(start, headers)
    traces = [t for row in answer.rows for t in (row.get("Traces") or [])]
    if not traces:
        return Outcome.error(f"the engine returned no trace from {start} to {dst}")
    dispositions = sorted({str(t.get("disposition")) for t in traces})
    text = " | ".join(format_trace(t) for t in traces[:4])
    ok = all(str(t.get("disposition")) in SUCCESS for t in traces)
    if (expect == "success") == ok:
        return Outcome.passed(
            f"{start} -> {dst}: {', '.join(dispositions)} ({text})", observed=dispositions
        )
    want = "success" if expect == "success" else "no path"
    return Outcome.failed(
        f"{start} -> {dst}{':' + str(port) if port else ''} ({protocol}): "
        f"{', '.join(dispositions)}, expected {want}; traceroute: {text}",
        expected=expect,
        observed=dispositions,
    )


def _in_allowed(prefix: str, allowed: list[str]) -> bool:
    net = ipaddress.ip_network(prefix, strict=False)
    for a in allowed:
        try:
            if net.subnet_of(ipaddress.ip_network(a, strict=False)):  # type: ignore[arg-type]
                return True
        except TypeError:
            continue
    return False


def eval_differential(
    engine: Engine,
    base: Path,
    nodes: list[str] | None,
    allow_added: list[str],
    allow_removed: list[str],
) -> Outcome:
    rows = engine.differential_routes(base).rows
    added, removed = [], []
    entries: list[dict[str, Any]] = []
    for r in rows:
        node = _node(r)
        if nodes is not None and node not in nodes:
            continue
        presence = str(r.get("Entry_Presence", ""))
        network = str(r.get("Network"))
        if "Only in Snapshot" in presence:
            added.append((node, network))
            side, kind, allow = "Snapshot", "added", allow_added
        elif "Only in Reference" in presence:
            removed.append((node, network))
            side, kind, allow = "Reference", "removed", allow_removed
        else:
            continue
        entries.append(
            route_changes.change(
                kind,  # type: ignore[arg-type]
                node,
                network,
                route_changes.hop_text(
                    r.get(f"{side}_Next_Hop"),
                    r.get(f"{side}_Next_Hop_IP"),
                    r.get(f"{side}_Next_Hop_Interface"),
                ),
                vrf=cell_text(r.get("VRF")) or "default",
                protocol=cell_text(r.get(f"{side}_Protocol")) or None,
                metric=r.get(f"{side}_Metric"),
                allowed=_in_allowed(network, allow),
            )
        )
    bad = [f"{n}: +{p}" for n, p in added if not _in_allowed(p, allow_added)]
    bad += [f"{n}: -{p}" for n, p in removed if not _in_allowed(p, allow_removed)]
    observed = {
        "added": sorted({p for _, p in added}),
        "removed": sorted({p for _, p in removed}),
        **route_changes.capped(entries),
    }
    if bad:
        return Outcome.failed(
            f"{len(bad)} route change(s) not allowed against the base: {_listed(sorted(bad))}",
            expected={"added": allow_added, "removed": allow_removed},
            observed=observed,
        )
    return Outcome.passed(
        f"{len(added)} added / {len(removed)} removed route(s), all allowed", observed=observed
    )
