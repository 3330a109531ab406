"""NAPALM getter results to State objects.

Pure functions over the dictionaries NAPALM documents for ``get_bgp_neighbors``,
``get_interfaces`` and ``get_interfaces_ip``; the nornir_napalm task that produces
them is wired elsewhere. NAPALM marks unknown numbers with -1, which become None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from netval.live.parsers.base import ParseError
from netval.live.parsers.common import snippet
from netval.state import BgpPeer, BgpState, Interface


def _bad(getter: str, data: Any, why: str) -> ParseError:
    return ParseError(
        f"NAPALM {getter} returned an unusable result: {why}; it began {snippet(repr(data))}",
        hint="check the NAPALM driver for this platform",
    )


T = TypeVar("T")


def _guarded(getter: str, data: Any, build: Callable[[], T]) -> T:
    """Drivers differ; a value of an unexpected type must end as ParseError."""
    try:
        return build()
    except ParseError:
        raise
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise _bad(getter, data, f"unexpected structure ({type(exc).__name__}: {exc})") from exc


def _known(value: Any) -> int | None:
    """NAPALM's -1 (and anything not a number) means unknown."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return int(value)


def _family_total(families: Any, key: str) -> int | None:
    if not isinstance(families, dict):
        return None
    counts = [_known(af.get(key)) for af in families.values() if isinstance(af, dict)]
    known = [count for count in counts if count is not None]
    return sum(known) if known else None


def bgp_peers_from_getter(data: Any) -> list[BgpPeer]:
    """``get_bgp_neighbors()`` -> BgpPeer list; the "global" VRF is "default"."""
    return _guarded("get_bgp_neighbors", data, lambda: _bgp_peers(data))


def _bgp_peers(data: Any) -> list[BgpPeer]:
    if not isinstance(data, dict):
        raise _bad("get_bgp_neighbors", data, "not a dictionary of VRFs")
    peers: list[BgpPeer] = []
    for vrf, body in data.items():
        if not isinstance(body, dict) or not isinstance(body.get("peers", {}), dict):
            raise _bad("get_bgp_neighbors", data, f"VRF {vrf!r} has no 'peers' dictionary")
        for address, peer in body.get("peers", {}).items():
            if not isinstance(peer, dict) or "is_up" not in peer:
                raise _bad("get_bgp_neighbors", data, f"peer {address} has no 'is_up'")
            if peer["is_up"]:
                state = BgpState.ESTABLISHED
            elif peer.get("is_enabled") is False:
                state = BgpState.ADMIN_DOWN
            else:
                # NAPALM only says "not up": which FSM state is not reported.
                state = BgpState.UNKNOWN
            uptime = _known(peer.get("uptime"))
            peers.append(
                BgpPeer(
                    peer=str(address),
                    vrf="default" if vrf == "global" else str(vrf),
                    local_as=_known(peer.get("local_as")),
                    remote_as=_known(peer.get("remote_as")),
                    state=state,
                    prefixes_received=_family_total(
                        peer.get("address_family"), "received_prefixes"
                    ),
                    prefixes_sent=_family_total(peer.get("address_family"), "sent_prefixes"),
                    uptime_seconds=float(uptime) if uptime is not None and peer["is_up"] else None,
                    description=str(peer.get("description") or "") or None,
                )
            )
    return peers


def addresses_from_getter(data: Any) -> dict[str, list[str]]:
    """``get_interfaces_ip()`` -> {interface: ["ip/len", ...]} (IPv4 first, then IPv6)."""
    return _guarded("get_interfaces_ip", data, lambda: _addresses(data))


def _addresses(data: Any) -> dict[str, list[str]]:
    if not isinstance(data, dict):
        raise _bad("get_interfaces_ip", data, "not a dictionary of interfaces")
    result: dict[str, list[str]] = {}
    for name, families in data.items():
        if not isinstance(families, dict):
            raise _bad("get_interfaces_ip", data, f"interface {name} is not a dictionary")
        addresses = []
        for family in ("ipv4", "ipv6"):
            for ip, attrs in (families.get(family) or {}).items():
                length = attrs.get("prefix_length") if isinstance(attrs, dict) else None
                addresses.append(f"{ip}/{length}" if length is not None else str(ip))
        result[str(name)] = addresses
    return result


def interfaces_from_getter(data: Any, interfaces_ip: Any = None) -> list[Interface]:
    """``get_interfaces()`` (plus optionally ``get_interfaces_ip()``) -> Interface list."""
    return _guarded("get_interfaces", data, lambda: _interfaces(data, interfaces_ip))


def _interfaces(data: Any, interfaces_ip: Any) -> list[Interface]:
    if not isinstance(data, dict):
        raise _bad("get_interfaces", data, "not a dictionary of interfaces")
    addresses = addresses_from_getter(interfaces_ip) if interfaces_ip is not None else {}
    result = []
    for name, attrs in data.items():
        if not isinstance(attrs, dict) or "is_up" not in attrs:
            raise _bad("get_interfaces", data, f"interface {name} has no 'is_up'")
        enabled = attrs.get("is_enabled")
        result.append(
            Interface(
                name=str(name),
                admin_up=enabled if isinstance(enabled, bool) else None,
                oper_up=bool(attrs["is_up"]),
                addresses=addresses.get(str(name), []),
                description=str(attrs.get("description") or "") or None,
                # NAPALM gives -1 (or 0) where the driver does not know
                mtu=_known(attrs.get("mtu")) or None,
                speed_mbps=_known(attrs.get("speed")) or None,
            )
        )
    return result
