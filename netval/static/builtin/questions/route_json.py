"""Batfish's JSON shapes for testRoutePolicies / searchRoutePolicies rows.

``Input_Route`` / ``Output_Route`` are Batfish's question BgpRoute objects, ``Difference`` is
a BgpRouteDiffs object (fieldName / oldValue / newValue, values as Java's toString prints
them) and ``Trace`` is a list of TraceTree objects holding text fragments.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from netval.errors import InputError
from netval.static.builtin.questions.policy import Result, Route, community_key
from netval.static.builtin.vendors.common.syntax import is_community_word, normalize_community
from netval.static.engine import RouteInput

UNSET_NEXT_HOP = "AUTO/NONE(-1l)"
_TEXT_FRAGMENT = "org.batfish.datamodel.TraceElement$TextFragment"


def route_from_input(r: RouteInput) -> Route:
    try:
        net = ipaddress.IPv4Network(r.network, strict=False)
    except ValueError as exc:
        raise InputError(
            f"route network {r.network!r} is not an IPv4 prefix", hint="write A.B.C.D/LEN"
        ) from exc
    for c in r.communities:
        if not is_community_word(c):
            raise InputError(
                f"community {c!r} is not a standard community", hint="write ASN:VALUE, e.g. 65000:1"
            )
    next_hop = None if r.next_hop_ip in ("", "0.0.0.0", None) else r.next_hop_ip
    return Route(
        network=net,
        as_path=tuple(int(a) for a in r.as_path),
        communities=frozenset(normalize_community(c) for c in r.communities),
        local_preference=r.local_preference,
        metric=r.metric,
        next_hop=next_hop,
        origin=r.origin_type.lower(),
        protocol=r.protocol.lower(),
    )


def route_json(r: Route) -> dict[str, Any]:
    return {
        "network": str(r.network),
        "asPath": [{"asns": [a], "confederation": False} for a in r.as_path],
        "clusterList": [],
        "communities": sorted(r.communities, key=community_key),
        "localPreference": r.local_preference,
        "metric": r.metric,
        "nextHopIp": r.next_hop,
        "originatorIp": r.originator_ip,
        "originMechanism": "LEARNED",
        "originType": r.origin,
        "pathId": None,
        "protocol": r.protocol,
        "srcProtocol": None,
        "tag": r.tag,
        "tunnelEncapsulationAttribute": None,
        "weight": r.weight,
    }


def _field_text(name: str, r: Route) -> str:
    if name == "asPath":
        return "[" + ", ".join(str(a) for a in r.as_path) + "]"
    if name == "communities":
        return "[" + ", ".join(sorted(r.communities, key=community_key)) + "]"
    if name == "localPreference":
        return str(r.local_preference)
    if name == "metric":
        return str(r.metric)
    if name == "nextHopIp":
        return r.next_hop or UNSET_NEXT_HOP
    if name == "originType":
        return r.origin
    if name == "tag":
        return str(r.tag)
    if name == "weight":
        return str(r.weight)
    return r.originator_ip


_DIFF_FIELDS = (
    "asPath",
    "communities",
    "localPreference",
    "metric",
    "nextHopIp",
    "originatorIp",
    "originType",
    "tag",
    "weight",
)


def diffs_json(before: Route, after: Route) -> dict[str, Any]:
    diffs = []
    for name in _DIFF_FIELDS:
        old, new = _field_text(name, before), _field_text(name, after)
        if old != new:
            diffs.append({"fieldName": name, "oldValue": old, "newValue": new})
    return {"diffs": diffs}


def trace_json(lines: list[str]) -> list[dict[str, Any]]:
    return [
        {"traceElement": {"fragments": [{"class": _TEXT_FRAGMENT, "text": text}]}, "children": []}
        for text in lines
    ]


def policy_row(
    node: str, policy: str, route: Route, direction: str, result: Result
) -> dict[str, Any]:
    # Batfish shows the input route as given; for "out" the evaluation starts with the next
    # hop unset, which the output (and so the difference) then shows.
    start = route if direction == "in" else Route(**{**route.__dict__, "next_hop": None})
    return {
        "Node": {"name": node},
        "Policy_Name": policy,
        "Input_Route": route_json(route),
        "Action": "PERMIT" if result.permit else "DENY",
        "Output_Route": route_json(result.output) if result.output else None,
        "Difference": diffs_json(start, result.output) if result.output else None,
        "Trace": trace_json(result.trace),
    }
