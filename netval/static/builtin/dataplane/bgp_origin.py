"""Routes a BGP speaker originates: `network` statements and redistribution.

A `network` needs an exact match among the node's non-BGP routes (FRR's default import
check, and what EOS and IOS do); redistribution takes the node's routes of that protocol.
Aggregates depend on the BGP table itself and are handled during propagation (bgp_run.py).
"""

from __future__ import annotations

from netval.static.builtin.dataplane.bgp_policy import Attrs, Policies, intern
from netval.static.builtin.dataplane.bgp_speaker import LocalPath, Speaker
from netval.static.builtin.dataplane.igp import Rib
from netval.static.builtin.dataplane.types import (
    CONNECTED,
    OSPF_PROTOCOLS,
    STATIC,
    Hop,
    RibRoute,
)
from netval.static.builtin.prefix import DEFAULT_KEY, key_of

_REDISTRIBUTED = {
    "connected": frozenset((CONNECTED,)),
    "static": frozenset((STATIC,)),
    "ospf": OSPF_PROTOCOLS,
}


def local_origins(spk: Speaker, igp: Rib | None, policies: Policies) -> dict[int, LocalPath]:
    out: dict[int, LocalPath] = {}
    if igp is None:
        return out
    prof = spk.node.profile
    weight = prof.local_weight
    for red in spk.proc.redistribute:
        sources = _REDISTRIBUTED.get(red.protocol)
        if sources is None:
            continue
        for key, route in igp.items():
            if route.protocol not in sources or key in out:
                continue
            if key == DEFAULT_KEY and not spk.node.profile.redistribute_default:
                continue  # FRR: a default route needs default-originate, not redistribute
            med = red.metric if red.metric is not None else route.metric
            attrs = intern(
                Attrs((), 100, med, "incomplete", frozenset(), weight, route.tag or 0, None, ())
            )
            path = _with_policy(
                spk,
                policies,
                red.route_map,
                key,
                attrs,
                red.protocol,
                _display_hop(route),
                "redistribute",
            )
            if path is not None:
                out[key] = path
    for net in spk.proc.networks:
        key = key_of(net.prefix)
        source = igp.get(key)
        if source is None:
            continue
        med = source.metric if prof.network_med_from_igp else 0
        attrs = intern(Attrs((), 100, med, "igp", frozenset(), weight, 0, None, ()))
        path = _with_policy(
            spk, policies, net.route_map, key, attrs, "bgp", Hop(ip="0.0.0.0"), "network"
        )
        if path is not None:
            out[key] = path  # a network statement wins over redistribution (origin IGP)
    return out


def _display_hop(route: RibRoute) -> Hop:
    hop = route.hops[0] if route.hops else Hop()
    return Hop(ip=hop.ip or "0.0.0.0")


def _with_policy(
    spk: Speaker,
    policies: Policies,
    rmap: str | None,
    key: int,
    attrs: Attrs,
    protocol: str,
    hop: Hop,
    how: str,
) -> LocalPath | None:
    if rmap is None:
        return LocalPath(attrs, hop, how)
    out = policies.apply(
        spk.model, rmap, policies.signature(spk.model, rmap), key, attrs, protocol, "in"
    )
    if out is None:
        return None
    return LocalPath(out[0], out[1] or hop, how)
