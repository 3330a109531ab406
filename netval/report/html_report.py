"""netval's HTML report: one self-contained page that works offline.

A header with what ran against what, a device x kind matrix, a picture of the network drawn
from the snapshot's layer-1 topology with failed sessions, down links and failing devices
marked, and every item with its message, time, and expected and observed values. Filters by
status, device and kind. No file, font or script is loaded from anywhere.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netval.report.escape import printable
from netval.report.html_values import POLICY_KINDS, readable
from netval.report.run import RunInfo, iso_time, run_info
from netval.results import Result, Status

if TYPE_CHECKING:
    from netval.pytest_plugin import RunContext

ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.SKIP: 2, Status.PASS: 3}
NETWORK = "(network)"


def esc(text: object) -> str:
    return html.escape(printable(str(text)))


def worst(statuses: list[Status]) -> Status:
    return min(statuses, key=lambda s: ORDER[s]) if statuses else Status.PASS


def rows_of(result: Result) -> list[str]:
    """The matrix rows (devices) an item belongs to."""
    if result.scope == "device" and result.target:
        return [result.target]
    if result.scope == "group" and result.devices:
        return list(result.devices)
    return [NETWORK]


# ---------------------------------------------------------------- topology


@dataclass
class Link:
    a: str
    a_if: str
    b: str
    b_if: str
    marks: set[str] = field(default_factory=set)  # "session" (a failed BGP session), "down"


@dataclass
class Topology:
    nodes: list[str]
    links: list[Link]


def load_topology(snapshot: Path | None) -> Topology | None:
    """The snapshot's layer-1 links (Batfish's layer1_topology.json), or None."""
    if snapshot is None:
        return None
    path = snapshot / "batfish" / "layer1_topology.json"
    try:
        edges = json.loads(path.read_text())["edges"]
        seen: set[frozenset[tuple[str, str]]] = set()
        links: list[Link] = []
        for edge in edges:
            a, b = edge["node1"], edge["node2"]
            ends = (
                (str(a["hostname"]), str(a["interfaceName"])),
                (str(b["hostname"]), str(b["interfaceName"])),
            )
            key = frozenset(ends)
            if key in seen:  # Batfish lists each link in both directions
                continue
            seen.add(key)
            links.append(Link(ends[0][0], ends[0][1], ends[1][0], ends[1][1]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    nodes = sorted({n for link in links for n in (link.a, link.b)})
    return Topology(nodes, links)


_SESSION = re.compile(r"^(\S+) \S+ .*?-> (\S+) ")


def mark_links(topo: Topology, results: list[Result], address_owner: dict[str, str]) -> None:
    """Mark the links of failed BGP sessions (found by the peer's address) and down
    interfaces (from the interfaces check)."""
    bad = [r for r in results if r.status in (Status.FAIL, Status.ERROR)]
    pairs: set[frozenset[str]] = set()
    down: set[tuple[str, str]] = set()
    for r in bad:
        if r.kind == "bgp_sessions" and isinstance(r.observed, dict):
            for peer, seen in r.observed.items():
                state = seen.get("state") if isinstance(seen, dict) else None
                owner = address_owner.get(str(peer))
                if owner and state != "established":
                    pairs.add(frozenset((r.target, owner)))
        elif r.kind == "bgp_compatibility" and isinstance(r.observed, list):
            for row in r.observed:
                m = _SESSION.match(str(row.get("session", ""))) if isinstance(row, dict) else None
                if m and m.group(2) in address_owner:
                    pairs.add(frozenset((m.group(1), address_owner[m.group(2)])))
        elif r.kind == "interfaces" and isinstance(r.observed, dict):
            for name, seen in r.observed.items():
                if isinstance(seen, dict) and seen.get("oper_up") is False:
                    down.add((r.target, str(name)))
    for link in topo.links:
        if frozenset((link.a, link.b)) in pairs:
            link.marks.add("session")
        if (link.a, link.a_if) in down or (link.b, link.b_if) in down:
            link.marks.add("down")


#: rows from the outside in, for devices named after their role; other names go in the middle
ROLES = (
    "isp", "internet", "transit", "wan", "border", "edge", "core", "spine", "agg", "dist",
    "leaf", "tor", "access", "server", "host", "client",
)  # fmt: skip


def _rank(prefix: str, degree: float) -> tuple[float, float]:
    low = prefix.lower()
    for i, role in enumerate(ROLES):
        if role in low:
            return (i, -degree)
    return (ROLES.index("core") + 0.5, -degree)


def _layout(topo: Topology) -> dict[str, tuple[float, float]]:
    """Rows of devices named alike (spine1, spine2 / leaf1...), ordered by role."""
    degree = Counter(n for link in topo.links for n in (link.a, link.b))
    groups: dict[str, list[str]] = defaultdict(list)
    for n in topo.nodes:
        groups[re.sub(r"[\d_.-]+$", "", n) or n].append(n)
    ranked = sorted(
        groups.items(),
        key=lambda kv: (*_rank(kv[0], sum(degree[n] for n in kv[1]) / len(kv[1])), kv[0]),
    )
    rows = [ns for _, ns in ranked]
    width = max(len(r) for r in rows) * 120
    pos: dict[str, tuple[float, float]] = {}
    for y, row in enumerate(rows):
        step = width / len(row)
        for x, n in enumerate(sorted(row)):
            pos[n] = (40 + step * (x + 0.5), 40 + 100 * y)
    return pos


def topology_svg(topo: Topology, status: dict[str, Status]) -> str:
    pos = _layout(topo)
    width = max(x for x, _ in pos.values()) + 80
    height = max(y for _, y in pos.values()) + 60
    out = [
        f'<svg id="topology" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        'aria-label="network topology">'
    ]
    for link in topo.links:
        (x1, y1), (x2, y2) = pos[link.a], pos[link.b]
        marks = " ".join(sorted(link.marks))
        label = f"{link.a} {link.a_if} — {link.b} {link.b_if}"
        if link.marks:
            label += (
                " ("
                + ", ".join(
                    {"session": "BGP session failed", "down": "interface down"}[m]
                    for m in sorted(link.marks)
                )
                + ")"
            )
        out.append(
            f'<line class="link {marks}" data-a="{esc(link.a)}" data-b="{esc(link.b)}" '
            f'x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}"><title>{esc(label)}'
            "</title></line>"
        )
    for name in topo.nodes:
        x, y = pos[name]
        st = status.get(name)
        cls = st.value if st is not None else "none"
        out.append(
            f'<g class="node {cls}" data-device="{esc(name)}" tabindex="0">'
            f"<title>{esc(name)}: {esc(cls if st else 'no checks')}</title>"
            f'<rect x="{x - 42:.0f}" y="{y - 14:.0f}" width="84" height="28" rx="6"/>'
            f'<text x="{x:.0f}" y="{y + 5:.0f}">{esc(name)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- values


def pretty(value: Any) -> str:
    """Expected and observed values, readable: route changes as added and removed lists,
    everything else as indented JSON."""
    if (
        isinstance(value, dict)
        and set(value) <= {"added", "removed"}
        and all(isinstance(v, list) for v in value.values())
    ):
        cols = []
        for key, sign in (("added", "+"), ("removed", "&minus;")):
            items = "".join(f"<li>{sign} {esc(v)}</li>" for v in value.get(key, []))
            cols.append(
                f'<div class="{key}"><b>{key}</b> ({len(value.get(key, []))})<ul>{items}</ul></div>'
            )
        return f'<div class="changes">{"".join(cols)}</div>'
    return f"<pre>{esc(json.dumps(value, indent=2, default=str, ensure_ascii=False))}</pre>"


def _details(r: Result) -> str:
    if r.expected is None and r.observed is None:
        return ""
    opened = " open" if r.status in (Status.FAIL, Status.ERROR) else ""
    drawn = readable(r)
    if drawn is not None:
        summary, body = drawn
        # policy rows carry their expectation, a differential its allowed lists
        if r.expected is not None and r.kind not in POLICY_KINDS and r.kind != "differential":
            body = f'<div class="value"><h4>expected</h4>{pretty(r.expected)}</div>{body}'
        return f"<details{opened}><summary>{esc(summary)}</summary>{body}</details>"
    parts = []
    for title, value in (("expected", r.expected), ("observed", r.observed)):
        if value is not None:
            parts.append(f'<div class="value"><h4>{title}</h4>{pretty(value)}</div>')
    return (
        f"<details{opened}><summary>expected / observed</summary>"
        f'<div class="pair">{"".join(parts)}</div></details>'
    )


# ---------------------------------------------------------------- page


def _facts(info: RunInfo, ctx: RunContext, exitstatus: int, duration: float) -> str:
    facts = [
        ("command", f"netval {info.gate}"),
        *info.source_facts(),
        ("started", iso_time(ctx.started)),
        ("duration", f"{duration:.2f} s"),
        ("exit status", str(exitstatus)),
        ("netval", info.netval),
    ]
    return "".join(f"<tr><th>{k}</th><td>{esc(v)}</td></tr>" for k, v in facts if v)


def _matrix(results: list[Result]) -> tuple[str, list[str], list[str]]:
    cells: dict[tuple[str, str], list[Status]] = defaultdict(list)
    for r in results:
        for row in rows_of(r):
            cells[(row, r.kind)].append(r.status)
    devices = sorted({d for d, _ in cells}, key=lambda d: (d == NETWORK, d))
    kinds = sorted({k for _, k in cells})
    head = "".join(f"<th>{esc(k)}</th>" for k in kinds)
    body = []
    for d in devices:
        tds = []
        for k in kinds:
            sts = cells.get((d, k))
            if not sts:
                tds.append("<td></td>")
                continue
            c = Counter(sts)
            text = " ".join(f"{c[s]} {s.value}" for s in Status if c.get(s))
            tds.append(
                f'<td class="cell {worst(sts).value}" data-device="{esc(d)}" '
                f'data-kind="{esc(k)}" tabindex="0" title="{esc(d)} &times; {esc(k)}">'
                f"{esc(text)}</td>"
            )
        body.append(
            f'<tr><th class="device" data-device="{esc(d)}">{esc(d)}</th>{"".join(tds)}</tr>'
        )
    table = (
        f'<table id="matrix"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return table, devices, kinds


def _items(results: list[Result]) -> str:
    rows = []
    for r in sorted(results, key=lambda r: (ORDER[r.status], r.uid or r.id)):
        devices = " ".join(rows_of(r))
        where = r.catalog.rsplit("/", 1)[-1]
        anchor = re.sub(r"[^A-Za-z0-9_.:-]", "_", r.uid or r.id)
        rows.append(
            f'<tr class="item {r.status.value}" id="item-{esc(anchor)}" '
            f'data-status="{r.status.value}" data-devices="{esc(devices)}" '
            f'data-kind="{esc(r.kind)}">'
            f'<td class="status">{r.status.value}</td><td class="id">{esc(r.id)}</td>'
            f"<td>{esc(r.kind)}</td><td>{esc(r.target)}</td>"
            f'<td title="{esc(r.catalog)}">{esc(where)}</td>'
            f'<td class="time">{r.duration:.3f} s</td>'
            f'<td class="message">{esc(r.message)}{_details(r)}</td></tr>'
        )
    return "".join(rows)


def render(ctx: RunContext, exitstatus: int) -> str:
    info = run_info(ctx)
    results = list(ctx.results.values())
    duration = time.time() - ctx.started
    counts = Counter(r.status for r in results)
    bad = counts.get(Status.FAIL, 0) + counts.get(Status.ERROR, 0)
    verdict = (
        f"{bad} of {len(results)} not passed"
        if bad
        else f"all {counts.get(Status.PASS, 0)} passed"
        if counts.get(Status.PASS)
        else "no check ran"
    )
    matrix, devices, kinds = _matrix(results)
    snapshot = _snapshot_of(ctx, info)
    topo = load_topology(snapshot)
    picture = ""
    if topo is not None:
        device_status: dict[str, list[Status]] = defaultdict(list)
        for r in results:
            for d in rows_of(r):
                device_status[d].append(r.status)
        mark_links(topo, results, _address_owner(ctx, snapshot))
        svg = topology_svg(topo, {d: worst(s) for d, s in device_status.items()})
        picture = (
            '<section><h2>Topology</h2><p class="hint">Red lines: failed BGP sessions; '
            "dashed: interfaces down. Click a device to filter the items.</p>"
            f"{svg}</section>"
        )
    buttons = "".join(
        f'<label class="{s.value}"><input type="checkbox" name="status" value="{s.value}" '
        f"checked> {s.value} ({counts.get(s, 0)})</label>"
        for s in sorted(Status, key=lambda s: ORDER[s])
    )
    dev_options = "".join(f'<option value="{esc(d)}">{esc(d)}</option>' for d in devices)
    kind_options = "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in kinds)
    title = f"netval {info.gate} — {info.source}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{CSS}</style></head>
<body>
<header class="{"bad" if bad else "good"}"><h1>{esc(title)}</h1>
<p class="verdict">{esc(verdict)}</p></header>
<section><table id="facts">{_facts(info, ctx, exitstatus, duration)}</table></section>
<section><h2>Devices &times; checks</h2>{matrix}</section>
{picture}
<section><h2>Items</h2>
<form id="filters">{buttons}
<select id="device"><option value="">all devices</option>{dev_options}</select>
<select id="kind"><option value="">all kinds</option>{kind_options}</select>
<input id="text" type="search" placeholder="filter text">
<span id="shown"></span></form>
<table id="items"><thead><tr><th>status</th><th>item</th><th>kind</th><th>target</th>
<th>catalog</th><th>time</th><th>details</th></tr></thead>
<tbody>{_items(results)}</tbody></table></section>
<script>{JS}</script>
</body></html>
"""


def _snapshot_of(ctx: RunContext, info: RunInfo) -> Path | None:
    if info.snapshot:
        return Path(ctx.config.getoption("netval_snapshot"))
    if info.lab:
        try:
            from netval.lab import record

            rec = record.load(info.lab)
        except Exception:  # a report never fails for want of a picture
            return None
        return Path(rec.snapshot) if rec is not None else None
    return None


def _address_owner(ctx: RunContext, snapshot: Path | None) -> dict[str, str]:
    """Interface address -> device, from the run's state (predicted or observed), and from
    the snapshot's configs too: a device does not show the address of an interface that is
    down, which is when it is needed, and a prediction holds only what the checks read."""
    state = ctx.state
    owner: dict[str, str] = {}
    for name, node in state.nodes.items() if state is not None else []:
        for iface in node.interfaces or []:
            for addr in iface.addresses:
                owner[addr.split("/")[0]] = name
    if snapshot is not None:
        try:
            from netval.static.builtin import loader

            devices = loader.load(snapshot).devices
        except Exception:  # a report never fails for want of a picture
            return owner
        for name, device in devices.items():
            for interface in device.interfaces.values():
                for ip in interface.addresses:
                    owner.setdefault(str(ip.ip), name)
    return owner


def write(path: Path, ctx: RunContext, exitstatus: int) -> None:
    text = render(ctx, exitstatus)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{padding:12px 20px;color:#fff}header.good{background:#2e7d32}header.bad{background:#c62828}
h1{font-size:20px;margin:0}.verdict{margin:4px 0 0;font-size:16px}
section{padding:8px 20px}h2{font-size:16px;margin:12px 0 6px}
table{border-collapse:collapse}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
#facts th{background:#f5f5f5;font-weight:600}
.cell{cursor:pointer;white-space:nowrap}
.pass{background:#e8f5e9}.fail{background:#ffebee}.error{background:#f3e5f5}.skip{background:#fff8e1}
td.status{font-weight:600}tr.fail td.status{color:#c62828}tr.error td.status{color:#8e24aa}
tr.pass td.status{color:#2e7d32}tr.skip td.status{color:#f9a825}
.time{text-align:right;white-space:nowrap}.id{font-family:monospace}
pre{margin:0;max-height:24em;overflow:auto;background:#fafafa;padding:4px;font-size:12px;
white-space:pre-wrap;overflow-wrap:anywhere}
#items{width:100%}#items td.message{overflow-wrap:anywhere}
#items>tbody>tr>td:not(.message){width:1%;min-width:5em;overflow-wrap:anywhere}
.pair{display:flex;gap:12px;flex-wrap:wrap}.value{flex:1;min-width:20em}.value h4{margin:4px 0}
.changes{display:flex;gap:16px}.changes ul{margin:0;padding-left:1em;font-family:monospace}
.added li{color:#2e7d32}.removed li{color:#c62828}
table.routes,table.policy{font-size:12px;margin:2px 0 6px;background:#fff}
table.routes td,table.routes th,table.policy td,table.policy th{padding:1px 6px}
table.routes td{font-family:monospace;white-space:nowrap}
table.routes td,table.policy td{overflow-wrap:normal}
table.routes.added td.prefix{color:#2e7d32}table.routes.removed td.prefix{color:#c62828}
tr.notallowed td{font-weight:600;background:#ffebee}
table.policy tr.wrong td{background:#ffcdd2}
.changes.stacked{flex-direction:column;gap:4px}
ol.steps{margin:0;padding-left:1.6em;font-family:monospace}
ol.steps li.outcome{font-weight:600;list-style:none}ol.steps li.permit{color:#2e7d32}
ol.steps li.deny{color:#c62828}
#filters{margin:6px 0}#filters label{margin-right:8px;padding:2px 6px;border-radius:4px}
#topology .link{stroke:#999;stroke-width:2}#topology .link.session{stroke:#c62828;stroke-width:4}
#topology .link.down{stroke-dasharray:6 4;stroke:#8e24aa;stroke-width:3}
#topology .node rect{fill:#eee;stroke:#666}#topology .node.pass rect{fill:#c8e6c9}
#topology .node.fail rect{fill:#ef9a9a;stroke:#c62828;stroke-width:2}
#topology .node.error rect{fill:#e1bee7;stroke:#8e24aa;stroke-width:2}
#topology .node.skip rect{fill:#fff3c4}#topology .node{cursor:pointer}
#topology text{text-anchor:middle;font-size:12px}
.hint{color:#666;margin:0 0 4px}
"""

JS = """
(function(){
  var form=document.getElementById('filters'),dev=document.getElementById('device'),
      kind=document.getElementById('kind'),text=document.getElementById('text'),
      shown=document.getElementById('shown'),rows=document.querySelectorAll('#items tr.item');
  function apply(){
    var st={};
    form.querySelectorAll('input[name=status]').forEach(function(b){st[b.value]=b.checked;});
    var d=dev.value,k=kind.value,t=text.value.toLowerCase(),n=0;
    rows.forEach(function(r){
      var ok=st[r.dataset.status]&&(!d||r.dataset.devices.split(' ').indexOf(d)>=0)&&
             (!k||r.dataset.kind===k)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
      r.style.display=ok?'':'none';if(ok)n++;
    });
    shown.textContent=n+' of '+rows.length+' items shown';
  }
  function pick(d,k){dev.value=d||'';kind.value=k||'';apply();
    document.getElementById('items').scrollIntoView();}
  form.addEventListener('change',apply);text.addEventListener('input',apply);
  document.querySelectorAll('#matrix .cell').forEach(function(c){
    c.addEventListener('click',function(){pick(c.dataset.device,c.dataset.kind);});});
  document.querySelectorAll('#topology .node').forEach(function(g){
    g.addEventListener('click',function(){pick(g.dataset.device,'');});});
  apply();
})();
"""
