"""Route changes as the reports show them: one row per route entry (device, prefix, next hop)
that was added or removed. Differential and baseline checks put them in their observed
value under ``routes``, so the HTML report draws added and removed tables with next hops."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from netval.state import NextHop

#: rows kept in a result: the tables are for reading; the count says how many there were
MAX_ROWS = 500
_UNSET = {"", "AUTO/NONE(-1l)", "dynamic", "null_interface", "None"}


def hop_text(value: Any, ip: Any = None, interface: Any = None) -> str:
    """A next hop as a person reads it: '10.10.254.0', '10.0.0.1 on eth1', 'eth3', 'discard'.

    ``value`` is Batfish's typed Next_Hop (both engines answer it); ``ip`` and ``interface``
    are the older Next_Hop_IP / Next_Hop_Interface columns, for an answer without it."""
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind == "discard":
            return "discard"
        if kind == "vrf":
            return f"vrf {value.get('vrf')}"
        if kind == "vtep":
            return f"vtep {value.get('vtep')}"
        addr, iface = value.get("ip"), value.get("interface")
        if addr and iface:
            return f"{addr} on {iface}"
        return str(addr or iface or "?")
    addr = "" if ip is None else str(ip)
    iface = "" if interface is None else str(interface)
    if iface == "null_interface":
        return "discard"
    addr, iface = ("" if addr in _UNSET else addr), ("" if iface in _UNSET else iface)
    if addr and iface:
        return f"{addr} on {iface}"
    return addr or iface or "?"


def state_hop_text(hop: NextHop) -> str:
    if hop.discard:
        return "discard"
    if hop.ip and hop.interface:
        return f"{hop.ip} on {hop.interface}"
    return hop.ip or hop.interface or "?"


def change(
    kind: Literal["added", "removed"],
    device: str,
    prefix: str,
    next_hop: str,
    *,
    vrf: str = "default",
    protocol: str | None = None,
    metric: Any = None,
    allowed: bool | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "change": kind,
        "device": device,
        "vrf": vrf,
        "prefix": prefix,
        "next_hop": next_hop,
        "protocol": protocol,
        "metric": metric,
    }
    if allowed is not None:
        row["allowed"] = allowed
    return row


def capped(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``routes`` (the first MAX_ROWS, the ones not allowed first) and ``routes_total``."""
    ordered = sorted(
        rows,
        key=lambda r: (
            r.get("allowed", False),
            r["change"],
            r["device"],
            r["vrf"],
            r["prefix"],
            r["next_hop"],
        ),
    )
    return {"routes": ordered[:MAX_ROWS], "routes_total": len(rows)}
