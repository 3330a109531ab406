"""Readable expected and observed values in the HTML report, for the kinds whose values are
more than a few keys: route changes (differential, baseline) as added and removed tables with
next hops, and routing-policy results (route_policy, route_policy_search) as the steps of
each route through the policy. Anything else is left to the generic indented JSON."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from netval.report.escape import printable
from netval.results import Result

POLICY_KINDS = frozenset({"route_policy", "route_policy_search"})


def esc(text: object) -> str:
    return html.escape(printable(str(text)))


def _is_change_rows(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("routes"), list)
        and all(isinstance(r, dict) and "change" in r for r in value["routes"])
    )


def route_tables(observed: dict[str, Any]) -> str:
    rows: list[dict[str, Any]] = observed["routes"]
    total = int(observed.get("routes_total", len(rows)))
    with_vrf = any(r.get("vrf", "default") != "default" for r in rows)
    with_protocol = any(r.get("protocol") for r in rows)
    with_metric = any(r.get("metric") is not None for r in rows)
    judged = any("allowed" in r for r in rows)
    head = ["device", *(["VRF"] if with_vrf else []), "prefix", "next hop"]
    head += (["protocol"] if with_protocol else []) + (["metric"] if with_metric else [])
    head += ["allowed"] if judged else []
    out = []
    for kind, sign in (("added", "+"), ("removed", "\u2212")):
        mine = [r for r in rows if r["change"] == kind]
        if not mine and kind == "added" and not judged:
            continue  # a baseline check judges what is gone; nothing added is not news
        body = []
        for r in mine:
            cells = [("", r.get("device", ""))]
            cells += [("", r.get("vrf", ""))] if with_vrf else []
            cells += [("prefix", f"{sign} {r.get('prefix', '')}"), ("", r.get("next_hop", ""))]
            cells += [("", r.get("protocol") or "")] if with_protocol else []
            if with_metric:
                cells.append(("", "" if r.get("metric") is None else r["metric"]))
            bad = judged and r.get("allowed") is False
            cells += [("", "no" if bad else "yes")] if judged else []
            body.append(
                f'<tr class="{"notallowed" if bad else ""}">'
                + "".join(f'<td class="{cls}">{esc(c)}</td>' for cls, c in cells)
                + "</tr>"
            )
        heads = "".join(f"<th>{esc(h)}</th>" for h in head)
        empty = f'<tr><td colspan="{len(head)}">none</td></tr>'
        out.append(
            f'<div class="{kind}"><h4>{kind} ({len(mine)})</h4>'
            f'<table class="routes {kind}"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{''.join(body) or empty}</tbody></table></div>"
        )
    note = (
        f'<p class="hint">{len(rows)} of {total} route entries shown, those not allowed '
        "first; the JSON report holds the same.</p>"
        if total > len(rows)
        else ""
    )
    return f'<div class="changes stacked">{"".join(out)}</div>{note}'


def _route_cell(r: dict[str, Any]) -> str:
    text = esc(r.get("route", ""))
    if r.get("as_path"):
        text += f"<br><small>as-path {esc(' '.join(str(a) for a in r['as_path']))}</small>"
    if r.get("communities"):
        text += f"<br><small>communities {esc(' '.join(r['communities']))}</small>"
    return text


def _steps(r: dict[str, Any]) -> str:
    items = []
    for step in r.get("trace") or []:
        depth = (len(step) - len(step.lstrip(" "))) // 2
        items.append(f'<li style="margin-left:{depth}em">{esc(step.strip())}</li>')
    if not items:
        # the engine names the clauses that matched; none named: no clause matched
        items.append("<li>no clause named in the trace</li>")
    action = str(r.get("action", "?"))
    items.append(f'<li class="outcome {esc(action)}">&rarr; {esc(action)}</li>')
    return f'<ol class="steps">{"".join(items)}</ol>'


def _changes(r: dict[str, Any]) -> str:
    changes = r.get("changes") or []
    if not changes:
        return ""
    return "<br>".join(
        f"{esc(c.get('field'))}: {esc(c.get('old'))} &rarr; {esc(c.get('new'))}" for c in changes
    )


def policy_table(result: Result) -> str:
    rows: list[dict[str, Any]] = result.observed
    search = result.kind == "route_policy_search"
    head = ["route", *([] if search else ["expected"]), "steps through the policy", "changes"]
    body = []
    for r in rows:
        expect = r.get("expect")
        wrong = search or (expect is not None and expect != r.get("action"))
        cells = [_route_cell(r)]
        if not search:
            output = r.get("expect_output")
            shown = esc(expect or "")
            if output:
                shown += "<br><small>" + esc(", ".join(f"{k} {v}" for k, v in output.items()))
                shown += "</small>"
            cells.append(shown)
        cells += [_steps(r), _changes(r)]
        body.append(
            f'<tr class="{"wrong" if wrong else "right"}">'
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    caption = (
        f"<h4>expected: {esc(result.expected)}; found:</h4>"
        if search
        else "<h4>each route through the policy</h4>"
    )
    heads = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        f'{caption}<table class="policy"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _is_policy_rows(result: Result) -> bool:
    return (
        result.kind in POLICY_KINDS
        and isinstance(result.observed, list)
        and bool(result.observed)
        and all(isinstance(r, dict) and "trace" in r for r in result.observed)
    )


def _allowed(expected: Any) -> str:
    if not isinstance(expected, dict):
        return ""
    parts = [
        f"{key}: {', '.join(str(p) for p in expected.get(key) or []) or 'none'}"
        for key in ("added", "removed")
    ]
    return f'<p class="hint">allowed by the catalog &mdash; {esc("; ".join(parts))}</p>'


def readable(result: Result) -> tuple[str, str] | None:
    """(summary, body) for a kind drawn here; None: the generic rendering."""
    renderers: list[tuple[Callable[[Result], bool], Callable[[Result], tuple[str, str]]]] = [
        (
            lambda r: _is_change_rows(r.observed),
            lambda r: (
                "route changes",
                (_allowed(r.expected) if r.kind == "differential" else "")
                + route_tables(r.observed),
            ),
        ),
        (_is_policy_rows, lambda r: ("routes through the policy", policy_table(r))),
    ]
    for applies, render in renderers:
        if applies(result):
            return render(result)
    return None
