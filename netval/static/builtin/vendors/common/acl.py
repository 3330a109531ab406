"""The one parser of ACL address operands, for every vendor's access-lists.

An operand is ``any``, ``host A.B.C.D``, ``A.B.C.D/LEN`` or ``A.B.C.D WILDCARD`` (a bare
address is a host). A malformed address, or an operand the engine does not model (an
object-group, say), is a finding on its line: treating it as ``any`` would let a route-map
``match ip address`` permit what the router denies.
"""

from __future__ import annotations

import ipaddress

from netval.static.builtin.model import AclLine
from netval.static.builtin.vendors.common.syntax import InvalidLine

Operand = tuple[int, int] | None  # (address, wildcard) as ints; None = any
Ports = tuple[tuple[int, int], ...] | None  # inclusive ranges; None = any

_PROTOCOLS = {
    "ip": None,
    "ipv4": None,
    "tcp": 6,
    "udp": 17,
    "icmp": 1,
    "igmp": 2,
    "ipinip": 4,
    "igrp": 9,
    "ah": 51,
    "ahp": 51,
    "eigrp": 88,
    "nos": 94,
    "pcp": 108,
    "l2tp": 115,
    "gre": 47,
    "esp": 50,
    "ospf": 89,
    "pim": 103,
    "vrrp": 112,
    "sctp": 132,
}
_PORTS = {
    "ftp": 21,
    "ftp-data": 20,
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "domain": 53,
    "dns": 53,
    "www": 80,
    "http": 80,
    "pop3": 110,
    "ntp": 123,
    "snmp": 161,
    "snmptrap": 162,
    "bgp": 179,
    "ldap": 389,
    "https": 443,
    "syslog": 514,
    "tftp": 69,
    "bootps": 67,
    "bootpc": 68,
    "isakmp": 500,
    "sunrpc": 111,
    "pop2": 109,
    "imap": 143,
    "imap4": 143,
    "echo": 7,
    "discard": 9,
}


def _ip(word: str) -> int | None:
    try:
        return int(ipaddress.IPv4Address(word))
    except ValueError:
        return None


def endpoint(w: list[str], i: int) -> tuple[Operand, int]:
    """The operand at ``w[i]`` and the index after it."""
    if i >= len(w):
        return None, i
    word = w[i]
    if word == "any":
        return None, i + 1
    if word == "host":
        address = _ip(w[i + 1]) if i + 1 < len(w) else None
        if address is None:
            raise InvalidLine("'host' needs an IPv4 address")
        return (address, 0), i + 2
    if "/" in word:
        try:
            net = ipaddress.IPv4Network(word, strict=False)
        except ValueError:
            raise InvalidLine(f"{word!r} is not an IPv4 prefix") from None
        return (int(net.network_address), int(net.hostmask)), i + 1
    address = _ip(word)
    if address is not None:
        wildcard = _ip(w[i + 1]) if i + 1 < len(w) else None
        if wildcard is not None:
            return (address, wildcard), i + 2
        return (address, 0), i + 1
    if "." in word and word.replace(".", "").isdigit():
        raise InvalidLine(f"{word!r} is not an IPv4 address")
    raise InvalidLine(
        f"the built-in engine does not model the ACL operand {word!r}: a route-map matching "
        "this access-list is predicted without this line"
    )


def acl_line(w: list[str], number: int, kind: str) -> AclLine:
    """``permit|deny ...`` of a standard or extended IPv4 access-list."""
    action = w[0]
    if kind == "standard":
        src, _ = endpoint(w, 1)
        return AclLine(action, number, " ".join(w), src=src)
    # extended: action protocol src [ports] dst [ports] ...
    word = w[1].lower() if len(w) > 1 else "ip"
    if word not in _PROTOCOLS and not (word.isdigit() and int(word) < 256):
        raise InvalidLine(f"the built-in engine does not model the ACL protocol {word!r}")
    protocol = _PROTOCOLS[word] if word in _PROTOCOLS else int(word)
    src, i = endpoint(w, 2)
    src_ports, i = _ports(w, i)
    dst, i = endpoint(w, i)
    dst_ports, i = _ports(w, i)
    return AclLine(
        action,
        number,
        " ".join(w),
        src=src,
        dst=dst,
        protocol=protocol,
        src_ports=src_ports,
        dst_ports=dst_ports,
    )


def _port(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _PORTS.get(word.lower())


def _ports(w: list[str], i: int) -> tuple[Ports, int]:
    if i >= len(w) or w[i] not in ("eq", "neq", "lt", "gt", "range"):
        return None, i
    op = w[i]
    if op == "range" and i + 2 < len(w):
        lo, hi = _port(w[i + 1]), _port(w[i + 2])
        return ((lo or 0, hi if hi is not None else 65535),), i + 3
    if op == "eq":
        ports = []
        j = i + 1
        while j < len(w) and _port(w[j]) is not None:
            p = _port(w[j])
            assert p is not None
            ports.append((p, p))
            j += 1
        return tuple(ports), j
    p = _port(w[i + 1]) if i + 1 < len(w) else None
    if p is None:
        return None, i + 2
    if op == "lt":
        return ((0, p - 1),), i + 2
    if op == "gt":
        return ((p + 1, 65535),), i + 2
    return ((0, p - 1), (p + 1, 65535)), i + 2
