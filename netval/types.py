"""Constrained types for everything a user writes in a catalog."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def _duration(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like '60s', '2m'")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return float(m.group(1)) * _UNITS[m.group(2)]
    raise ValueError(f"{value!r} is not a duration; write e.g. 60, '60s', '2m', '500ms'")


def _prefix(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a prefix; write e.g. '10.10.3.0/24'")
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid prefix ({exc})") from exc
    return str(net)


def _ip(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an IP address")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid IP address") from exc


def _asn(value: Any) -> int:
    if isinstance(value, str) and "." in value:  # asdot notation
        hi, lo = value.split(".", 1)
        value = int(hi) * 65536 + int(lo)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not an AS number")
    asn = int(value)
    if not 0 < asn < 2**32:
        raise ValueError(f"AS number {asn} is out of range 1..4294967295")
    return asn


def _prefix_range(value: Any) -> str:
    """'10.0.0.0/8' or '10.0.0.0/8:16-24' (prefix, then the allowed lengths)."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a prefix range; write e.g. '10.0.0.0/8:8-32'")
    prefix, _, lengths = value.partition(":")
    net = ipaddress.ip_network(_prefix(prefix))
    if lengths:
        low, _, high = lengths.partition("-")
        if not (low.isdigit() and (high or low).isdigit()):
            raise ValueError(f"{value!r}: lengths must be N or N-M, e.g. '10.0.0.0/8:16-24'")
        lo, hi = int(low), int(high or low)
        if not net.prefixlen <= lo <= hi <= net.max_prefixlen:
            raise ValueError(
                f"{value!r}: lengths {lo}-{hi} must lie within {net.prefixlen}-{net.max_prefixlen}"
            )
    return value


def _pattern(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a regular expression")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression ({exc})") from exc
    return value


#: RFC 1997 / 8326 / 7999 well-known communities as FRR prints them (any case in a catalog)
WELL_KNOWN_COMMUNITIES = {
    "internet": "internet",
    "graceful-shutdown": "graceful-shutdown",
    "accept-own": "accept-own",
    "llgr-stale": "llgr-stale",
    "no-llgr": "no-llgr",
    "blackhole": "blackhole",
    "no-export": "no-export",
    "no-advertise": "no-advertise",
    "local-as": "local-AS",
    "no-export-subconfed": "local-AS",
    "no-peer": "no-peer",
}


def _community(value: object) -> str:
    """'65000:1' (standard), '65000:1:1' (large) or a well-known name, normalized."""
    text = str(value).strip()
    name = WELL_KNOWN_COMMUNITIES.get(text.lower())
    if name is not None:
        return name
    parts = text.split(":")
    limit = 0xFFFF if len(parts) == 2 else 0xFFFFFFFF
    if len(parts) in (2, 3) and all(p.isdigit() and int(p) <= limit for p in parts):
        return ":".join(str(int(p)) for p in parts)
    raise ValueError(
        f"{value!r} is not a community: write ASN:VALUE (65000:1), a large community "
        f"(65000:1:1) or a well-known name ({', '.join(sorted(WELL_KNOWN_COMMUNITIES))})"
    )


def _peer(value: Any) -> str:
    """A neighbor address, written as devices print it (2001:DB8::0 is 2001:db8::), or an
    interface name for an unnumbered session."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a peer address or interface name")
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return value.strip()


Pattern = Annotated[str, BeforeValidator(_pattern)]
Peer = Annotated[str, BeforeValidator(_peer)]
Community = Annotated[str, BeforeValidator(_community)]
Duration = Annotated[float, BeforeValidator(_duration)]
PrefixRange = Annotated[str, BeforeValidator(_prefix_range)]
Prefix = Annotated[str, BeforeValidator(_prefix)]
IpAddress = Annotated[str, BeforeValidator(_ip)]
Asn = Annotated[int, BeforeValidator(_asn)]
Vrid = Annotated[int, Field(ge=1, le=255)]
PathCount = Annotated[int, Field(ge=1, le=1024)]
Percent = Annotated[float, Field(ge=0, le=100)]
