"""Differential routes: the main RIBs of a snapshot against a reference snapshot.

Batfish's shape: key (Node, VRF, Network), one row per route entry (next hop and protocol)
that only one side has ("Only in Snapshot" / "Only in Reference") or that both have with
other attributes ("In both"), with ``Snapshot_`` and ``Reference_`` columns. Nodes present in
only one of the snapshots (a new server, a removed router) are left out: their whole RIB is
not a routing change, and every router that learns of them shows the change anyway.
"""

from __future__ import annotations

from typing import Any

from netval.static.builtin.dataplane.answers import _hop_order, _legacy_next_hop, next_hop_json
from netval.static.builtin.dataplane.answers import node_cell as _node_cell
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.types import Hop, RibRoute
from netval.static.builtin.prefix import key_text
from netval.static.engine import Answer

_ATTRS = (
    "Next_Hop",
    "Next_Hop_IP",
    "Next_Hop_Interface",
    "Protocol",
    "Metric",
    "Admin_Distance",
    "Tag",
)
DIFF_COLUMNS = ["Node", "VRF", "Network", "Entry_Presence"] + [
    f"{side}_{a}" for a in _ATTRS for side in ("Snapshot", "Reference")
]
ONLY_SNAPSHOT = "Only in Snapshot"
ONLY_REFERENCE = "Only in Reference"
IN_BOTH = "In both"

Entry = tuple[Hop, str]  # (next hop, protocol)


def _entries(route: RibRoute | None) -> dict[Entry, RibRoute]:
    if route is None:
        return {}
    return {(h, route.protocol): route for h in route.hops}


def _values(hop: Hop, route: RibRoute) -> dict[str, Any]:
    ip, iface = _legacy_next_hop(hop)
    return {
        "Next_Hop": next_hop_json(hop),
        "Next_Hop_IP": ip,
        "Next_Hop_Interface": iface,
        "Protocol": route.protocol,
        "Metric": route.metric,
        "Admin_Distance": route.admin,
        "Tag": route.tag,
    }


def diff_rows(dp: DataPlane, reference: DataPlane) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    common = set(dp.net.nodes) & set(reference.net.nodes)
    for rid in sorted(set(dp.ribs) | set(reference.ribs)):
        node, vrf = rid
        if node not in common:
            continue
        mine, theirs = dp.ribs.get(rid), reference.ribs.get(rid)
        keys = set(mine or ()) | set(theirs or ())
        for key in sorted(keys):
            a = _entries(mine.get(key) if mine else None)
            b = _entries(theirs.get(key) if theirs else None)
            for entry in sorted(set(a) | set(b), key=lambda e: (_hop_order(e[0]), e[1])):
                ra, rb = a.get(entry), b.get(entry)
                if ra is not None and rb is not None:
                    if (ra.metric, ra.admin, ra.tag) == (rb.metric, rb.admin, rb.tag):
                        continue
                    presence = IN_BOTH
                else:
                    presence = ONLY_SNAPSHOT if ra is not None else ONLY_REFERENCE
                row: dict[str, Any] = {
                    "Node": _node_cell(node),
                    "VRF": vrf,
                    "Network": key_text(key),
                    "Entry_Presence": presence,
                }
                va = _values(entry[0], ra) if ra is not None else {}
                vb = _values(entry[0], rb) if rb is not None else {}
                for attr in _ATTRS:
                    row[f"Snapshot_{attr}"] = va.get(attr)
                    row[f"Reference_{attr}"] = vb.get(attr)
                rows.append(row)
    return rows


def answer_differential_routes(dp: DataPlane, reference: DataPlane) -> Answer:
    return Answer("routes", DIFF_COLUMNS, diff_rows(dp, reference))
