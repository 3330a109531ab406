"""The predicted State: routes, BGP peers, VRRP roles and interfaces, as the shared checks
read them.

Built from the data plane's Batfish-shaped answers with the same converters the Batfish
engine uses (netval.static.batfish), so both engines feed the checks identical States.
"""

from __future__ import annotations

from typing import Any

from netval.state import State
from netval.static.batfish import bgp_to_state, interfaces_to_state, routes_to_state, vrrp_to_state
from netval.static.builtin.dataplane.answers import (
    ROUTE_COLUMNS,
    answer_bgp_session_status,
    route_rows,
)
from netval.static.builtin.dataplane.bgp_paths import speaker_paths
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.model import ParseStatus
from netval.static.builtin.questions.bgp import COMPATIBILITY_COLUMNS
from netval.static.engine import Answer, Needs


def vrrp_rows(dp: DataPlane) -> list[dict[str, Any]]:
    rows = []
    for node in dp.net.nodes.values():
        if node.model is None:
            continue
        for miface in node.model.interfaces.values():
            iface = node.ifaces.get(miface.name)
            for g in miface.vrrp:
                source = str(iface.primary) if iface is not None and iface.primary else None
                rows.append(
                    {
                        "Interface": {"hostname": node.name, "interface": miface.name},
                        "Group_Id": g.vrid,
                        "Priority": g.priority,
                        "Virtual_Addresses": [v.split("/")[0] for v in g.virtual_ips],
                        "Source_Address": source,
                        "Preempt": g.preempt if g.preempt is not None else True,
                        "Active": bool(iface and iface.active),
                    }
                )
    return rows


def interface_rows(dp: DataPlane) -> list[dict[str, Any]]:
    rows = []
    for node in dp.net.nodes.values():
        for iface in node.ifaces.values():
            rows.append(
                {
                    "Interface": {"hostname": node.name, "interface": iface.name},
                    "Admin_Up": iface.active,
                    "Active": iface.active,
                    "All_Prefixes": [str(a) for a in iface.addresses],
                    "Description": iface.description,
                    "VRF": iface.vrf,
                }
            )
    return rows


# the domains the data plane predicts, and the NodeState field of each
_FIELDS = {
    "routes": "routes",
    "bgp": "bgp_peers",
    "vrrp": "vrrp",
    "interfaces": "interfaces",
    "bgp_routes": "bgp_routes",
}


def predicted_state(dp: DataPlane, origin: str = "", needs: Needs | None = None) -> State:
    """The State of the devices and domains ``needs`` names (every one when None). Routes,
    nearly all of a large network's State, become objects only for the devices that need
    them; sessions, VRRP elections and interfaces are small and computed whole."""
    route_nodes = None if needs is None else [n for n, d in needs.items() if "routes" in d]
    rows = route_rows(dp, route_nodes) if route_nodes is None or route_nodes else []
    state = routes_to_state(Answer("routes", ROUTE_COLUMNS, rows), origin)
    for name in dp.net.nodes:
        state.node(name)
    compat = Answer("bgpSessionCompatibility", COMPATIBILITY_COLUMNS, dp.sessions.rows)
    bgp_to_state(state, answer_bgp_session_status(dp), compat)
    vrrp_to_state(state, Answer("vrrpProperties", [], vrrp_rows(dp)))
    interfaces_to_state(state, Answer("interfaceProperties", [], interface_rows(dp)))
    if needs is not None:
        state.nodes = {n: s for n, s in state.nodes.items() if n in needs}
    _bgp_tables(dp, state, needs)
    for name, node_state in state.nodes.items():
        for domain, attr in _FIELDS.items():
            if needs is not None and domain not in needs[name]:
                setattr(node_state, attr, None)
            elif getattr(node_state, attr) is None and domain not in node_state.errors:
                setattr(node_state, attr, [])
        dev = dp.devices.get(name)
        if dev is not None and dev.status is ParseStatus.FAILED:
            node_state.errors["device"] = f"{dev.filename} could not be parsed: {dev.failure}"
    return state


def _bgp_tables(dp: DataPlane, state: State, needs: Needs | None) -> None:
    """Every path of the BGP tables of the devices that need them. A prefix whose selection
    did not converge makes the whole table unknown: a check on it is an error."""
    run = dp.bgp
    if run is None:
        return
    for spk in run.speakers.values():
        node_state = state.nodes.get(spk.node.name)
        if node_state is None or (needs is not None and "bgp_routes" not in needs[spk.node.name]):
            continue
        senders = sorted({s.src.node.name for s in spk.in_sessions if s.addpath})
        if senders:
            node_state.errors["bgp_routes"] = (
                f"{', '.join(senders)} send(s) {spk.node.name} more than their best paths "
                "(addpath-tx), which the built-in engine does not model"
            )
            continue
        paths, unsettled = speaker_paths(run, spk)
        if unsettled:
            node_state.errors["bgp_routes"] = (
                f"the built-in engine's BGP selection did not converge for "
                f"{', '.join(unsettled[:5])}{' ...' if len(unsettled) > 5 else ''} "
                f"(vrf {spk.vrf}): its paths are no prediction"
            )
            continue
        if "bgp_routes" not in node_state.errors:
            node_state.bgp_routes = [*(node_state.bgp_routes or []), *paths]
