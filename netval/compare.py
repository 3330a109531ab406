"""Predicted vs observed: what the engine says a snapshot does, against what the devices do.

Both sides are States, so the comparison is the same whichever engine predicted and however
the devices were collected. Only what both sides model is compared: selected routes of the
protocols an engine computes (connected, static, BGP of either kind, OSPF of every route type)
with their forwarding next hops (recursive next hops resolved, as a device lists them),
BGP session states, and VRRP roles. An address family the prediction has no route of is
left out, and named (``uncompared_families``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netval.protocols import normalize_protocol
from netval.state import BgpState, NodeState, State

COMPARED_PROTOCOLS = frozenset({"connected", "static", "bgp", "ospf"})


@dataclass(frozen=True)
class Difference:
    node: str
    domain: str
    key: str
    predicted: str
    observed: str


def _families(state: State) -> set[int]:
    return {
        ipaddress.ip_network(r.prefix).version for n in state.nodes.values() for r in n.routes or []
    }


def uncompared_families(predicted: State, observed: State) -> list[str]:
    """Address families the devices route but the prediction has nothing of (the built-in
    engine models no IPv6): they are left out of the comparison, and this says so."""
    return [
        f"IPv{v} routes: the prediction has none ({predicted.origin or 'the engine'})"
        for v in sorted(_families(observed) - _families(predicted))
    ]


def _route_view(
    node: NodeState,
    ignore: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
    families: set[int],
) -> dict[str, str]:
    view: dict[str, set[str]] = {}
    protocols: dict[str, set[str]] = {}
    for route in node.routes or []:
        protocol = normalize_protocol(route.protocol)
        if not route.selected or protocol not in COMPARED_PROTOCOLS:
            continue
        net = ipaddress.ip_network(route.prefix)
        if net.version not in families:
            continue
        if any(net.version == i.version and net.subnet_of(i) for i in ignore):  # type: ignore[arg-type]
            continue
        key = f"{route.vrf}:{route.prefix}" if route.vrf != "default" else route.prefix
        protocols.setdefault(key, set()).add(protocol)
        hops = view.setdefault(key, set())
        if protocol != "connected":
            hops.update(nh.ip or nh.interface or "?" for nh in route.next_hops if nh.active)
    return {
        k: f"{'/'.join(sorted(protocols[k]))} via {', '.join(sorted(v)) or 'interface'}"
        for k, v in view.items()
    }


def compare_states(
    predicted: State, observed: State, ignore_prefixes: list[str] | None = None
) -> tuple[list[Difference], list[str]]:
    """Differences, and the nodes that could not be compared (with why)."""
    ignore = [ipaddress.ip_network(p) for p in ignore_prefixes or []]
    families = _families(predicted)
    diffs: list[Difference] = []
    skipped: list[str] = []
    for name in sorted(set(predicted.nodes) | set(observed.nodes)):
        pred, obs = predicted.nodes.get(name), observed.nodes.get(name)
        if pred is None or obs is None:
            skipped.append(
                f"{name}: only in the {'observed' if pred is None else 'predicted'} state"
            )
            continue
        if "device" in obs.errors:
            skipped.append(f"{name}: {obs.errors['device']}")
            continue
        if pred.routes is not None and obs.routes is not None:
            p, o = _route_view(pred, ignore, families), _route_view(obs, ignore, families)
            for key in sorted(set(p) | set(o)):
                if p.get(key) != o.get(key):
                    diffs.append(Difference(name, "route", key, p.get(key, "-"), o.get(key, "-")))
        if pred.bgp_peers is not None and obs.bgp_peers is not None:
            pp = {x.peer: x.state is BgpState.ESTABLISHED for x in pred.bgp_peers}
            op = {x.peer: x.state is BgpState.ESTABLISHED for x in obs.bgp_peers}
            for peer in sorted(set(pp) | set(op)):
                if pp.get(peer) != op.get(peer):
                    word = {True: "established", False: "down", None: "-"}
                    diffs.append(
                        Difference(name, "bgp", peer, word[pp.get(peer)], word[op.get(peer)])
                    )
        if pred.vrrp is not None and obs.vrrp is not None:
            pv = {f"{g.interface}/{g.vrid}": g.role.value for g in pred.vrrp}
            ov = {f"{g.interface}/{g.vrid}": g.role.value for g in obs.vrrp}
            for group in sorted(set(pv) | set(ov)):
                if pv.get(group) != ov.get(group):
                    diffs.append(
                        Difference(name, "vrrp", group, pv.get(group, "-"), ov.get(group, "-"))
                    )
    return diffs, skipped
