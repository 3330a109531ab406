"""Route and BGP answers in Batfish's row shape: ``routes`` (main RIB and BGP RIB) and
``bgpSessionStatus``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netval.static.builtin.dataplane.bgp_decision import LOCAL_K
from netval.static.builtin.dataplane.bgp_run import BgpRoute
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.sessions import Peering
from netval.static.builtin.dataplane.types import Hop, RibRoute
from netval.static.builtin.prefix import ip_int, key_text
from netval.static.builtin.questions.bgp import COMPATIBILITY_COLUMNS
from netval.static.engine import Answer

Row = dict[str, Any]

# The columns of Batfish's recorded routes answer (tests/data/batfish/dc-as-reuse/routes.ref).
ROUTE_COLUMNS = [
    "Node",
    "VRF",
    "Network",
    "Next_Hop",
    "Protocol",
    "Metric",
    "Admin_Distance",
    "Tag",
]
# Batfish releases since 2021 add these two after Next_Hop.
EXTENDED_ROUTE_COLUMNS = [
    *ROUTE_COLUMNS[:4],
    "Next_Hop_IP",
    "Next_Hop_Interface",
    *ROUTE_COLUMNS[4:],
]
BGP_RIB_COLUMNS = [
    "Node",
    "VRF",
    "Network",
    "Status",
    "Next_Hop",
    "Next_Hop_IP",
    "Next_Hop_Interface",
    "Protocol",
    "AS_Path",
    "Metric",
    "Local_Pref",
    "Communities",
    "Origin_Protocol",
    "Origin_Type",
    "Originator_Id",
    "Received_From_IP",
    "Received_Path_Id",
    "Cluster_List",
    "Tunnel_Encapsulation_Attribute",
    "Weight",
    "Tag",
]
SESSION_STATUS_COLUMNS = [*COMPATIBILITY_COLUMNS[:-1], "Established_Status"]
UNSET_IP = "AUTO/NONE(-1l)"
DYNAMIC_INTERFACE = "dynamic"
NULL_INTERFACE = "null_interface"


def node_cell(name: str) -> dict[str, str]:
    return {"id": f"node-{name}", "name": name}


def next_hop_json(hop: Hop) -> dict[str, Any]:
    if hop.discard:
        return {"type": "discard"}
    if hop.iface is not None:
        out: dict[str, Any] = {"type": "interface", "interface": hop.iface}
        if hop.ip is not None:
            out["ip"] = hop.ip
        return out
    return {"type": "ip", "ip": hop.ip}


def _legacy_next_hop(hop: Hop) -> tuple[str, str]:
    if hop.discard:
        return UNSET_IP, NULL_INTERFACE
    return hop.ip or UNSET_IP, hop.iface or DYNAMIC_INTERFACE


def _hop_order(h: Hop) -> tuple[int, int, str]:
    # Batfish's NextHopComparator: discard, interface, ip; then by value
    kind = 0 if h.discard else (1 if h.iface is not None else 2)
    return (kind, ip_int(h.ip) if h.ip else -1, h.iface or "")


def route_rows(
    dp: DataPlane,
    nodes: Iterable[str] | None = None,
    extended: bool = False,
    network: str | None = None,
) -> list[Row]:
    wanted = None if nodes is None else {n.lower() for n in nodes}
    rows: list[Row] = []
    for (node, vrf), rib in sorted(dp.ribs.items()):
        if wanted is not None and node not in wanted:
            continue
        for key, route in sorted(rib.items()):
            text = key_text(key)
            if network is not None and text != network:
                continue
            rows.extend(_main_rows(node, vrf, text, route, extended))
    return rows


def _main_rows(node: str, vrf: str, text: str, route: RibRoute, extended: bool) -> list[Row]:
    rows = []
    for hop in sorted(set(route.hops), key=_hop_order):
        row: Row = {
            "Node": node_cell(node),
            "VRF": vrf,
            "Network": text,
            "Next_Hop": next_hop_json(hop),
        }
        if extended:
            row["Next_Hop_IP"], row["Next_Hop_Interface"] = _legacy_next_hop(hop)
        row.update(
            Protocol=route.protocol,
            Metric=route.metric,
            Admin_Distance=route.admin,
            Tag=route.tag,
        )
        rows.append(row)
    return rows


def answer_routes(dp: DataPlane, nodes: list[str] | None = None, extended: bool = False) -> Answer:
    return Answer(
        "routes",
        EXTENDED_ROUTE_COLUMNS if extended else ROUTE_COLUMNS,
        route_rows(dp, nodes, extended),
    )


def bgp_rib_rows(dp: DataPlane, nodes: Iterable[str] | None = None) -> list[Row]:
    """The BGP Loc-RIB: every best and multipath path (Batfish's Status BEST)."""
    wanted = None if nodes is None else {n.lower() for n in nodes}
    rows: list[Row] = []
    if dp.bgp is None:
        return rows
    for spk, locrib in sorted(dp.bgp.locrib.items(), key=lambda x: x[0].rid):
        if wanted is not None and spk.node.name not in wanted:
            continue
        for key, route in sorted(locrib.items()):
            rows.extend(_bgp_rows(spk.node.name, spk.vrf, spk.router_id, key, route))
    return rows


def _bgp_rows(node: str, vrf: str, router_id: str, key: int, route: BgpRoute) -> list[Row]:
    rows = []
    for i, hop in enumerate(route.hops):
        attrs = route.path_attrs(i)
        session = route.src[i] if i < len(route.src) else None
        nh_ip, nh_if = _legacy_next_hop(hop)
        if route.kind == LOCAL_K:
            origin_protocol = "aggregate" if route.how == "aggregate" else route.how
            originator = router_id
            received = "0.0.0.0"
        else:
            origin_protocol = "bgp"
            originator = attrs.originator or (session.src.router_id if session else router_id)
            received = (session.recv_from if session else None) or "0.0.0.0"
        rows.append(
            {
                "Node": node_cell(node),
                "VRF": vrf,
                "Network": key_text(key),
                "Status": ["BEST"],
                "Next_Hop": next_hop_json(hop),
                "Next_Hop_IP": nh_ip,
                "Next_Hop_Interface": nh_if,
                "Protocol": route.protocol,
                "AS_Path": " ".join(str(a) for a in attrs.as_path),
                "Metric": attrs.med,
                "Local_Pref": attrs.local_pref,
                "Communities": sorted(attrs.communities, key=_community_order),
                "Origin_Protocol": origin_protocol,
                "Origin_Type": attrs.origin,
                "Originator_Id": originator,
                "Received_From_IP": received,
                "Received_Path_Id": None,
                "Cluster_List": [ip_int(c) for c in attrs.clusters] or None,
                "Tunnel_Encapsulation_Attribute": None,
                "Weight": attrs.weight,
                "Tag": attrs.tag or None,
            }
        )
    return rows


def _community_order(c: str) -> tuple[int, int]:
    hi, _, lo = c.partition(":")
    return (int(hi) if hi.isdigit() else 1 << 20, int(lo) if lo.isdigit() else 0)


def answer_bgp_rib(dp: DataPlane, nodes: list[str] | None = None) -> Answer:
    return Answer("routes", BGP_RIB_COLUMNS, bgp_rib_rows(dp, nodes))


# -- bgpSessionStatus ---------------------------------------------------------------------


def session_status_rows(dp: DataPlane) -> list[Row]:
    index: dict[tuple[str, str, str], Peering] = {}
    for p in dp.sessions.peerings:
        index[(p.view.node, p.view.vrf, p.view.peer.name)] = p
    rows: list[Row] = []
    for compat in dp.sessions.rows:
        row = {k: v for k, v in compat.items() if k != "Configured_Status"}
        status = str(compat.get("Configured_Status"))
        node_cell_value = compat.get("Node")
        node = str(node_cell_value.get("name", "")) if isinstance(node_cell_value, dict) else ""
        vrf = str(compat.get("VRF"))
        remote = compat.get("Remote_IP")
        peer_name = None
        if isinstance(remote, dict):
            peer_name = str(remote.get("value"))
        else:
            local_if = compat.get("Local_Interface")
            if isinstance(local_if, dict):
                peer_name = str(local_if.get("interface"))
        found = index.get((node, vrf, peer_name or ""))
        if status in ("UNIQUE_MATCH", "DYNAMIC_MATCH") or (
            status == "LOCAL_IP_UNKNOWN_STATICALLY" and found is not None
        ):
            established = found is not None and found.established
            row["Established_Status"] = "ESTABLISHED" if established else "NOT_ESTABLISHED"
            if found is not None and status == "LOCAL_IP_UNKNOWN_STATICALLY":
                row["Local_IP"] = found.view.local_ip
                row["Remote_Node"] = {"name": found.remote.node}
                row["Remote_AS"] = str(found.remote.local_as)
        else:
            row["Established_Status"] = "NOT_COMPATIBLE"
        rows.append(row)
    return rows


def answer_bgp_session_status(dp: DataPlane) -> Answer:
    return Answer("bgpSessionStatus", SESSION_STATUS_COLUMNS, session_status_rows(dp))


ISSUE_COLUMNS = ["Node", "Type", "Network", "Details"]


def answer_issues(dp: DataPlane) -> Answer:
    """What the computation could not settle: BGP oscillation (frozen at the bound),
    unresolvable next hops, IGP/BGP rounds that did not reach a fixed point."""
    rows = [
        {
            "Node": node_cell(i.node) if i.node != "*" else None,
            "Type": i.kind,
            "Network": i.prefix,
            "Details": i.detail,
        }
        for i in dp.issues
    ]
    return Answer("dataplaneIssues", ISSUE_COLUMNS, rows)
