"""Packet filters: an interface ACL applied to a flow.

Part 1's model keeps each ACL line's text; the protocol, addresses and ports are read from it
here (Cisco/EOS syntax: ``permit tcp any host 10.0.0.1 eq 443``, ``deny ip 10.0.0.0 0.0.0.255
any``, standard lists by source). First matching line decides, no match denies. An ACL that is
referenced but not defined permits (Cisco's behaviour for an undefined interface ACL).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netval.static.builtin.model import Acl, AclLine

_PROTOCOLS = {
    "ip": None,
    "ipv4": None,
    "tcp": 6,
    "udp": 17,
    "icmp": 1,
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


@dataclass(frozen=True)
class Packet:
    src: int
    dst: int
    protocol: int  # IP protocol number
    src_port: int | None = None
    dst_port: int | None = None


@dataclass(frozen=True)
class _Line:
    action: str
    protocol: int | None
    src: tuple[int, int] | None  # (address, wildcard); None = any
    dst: tuple[int, int] | None
    src_ports: tuple[tuple[int, int], ...] | None  # inclusive ranges; None = any
    dst_ports: tuple[tuple[int, int], ...] | None
    text: str

    def matches(self, p: Packet) -> bool:
        if self.protocol is not None and self.protocol != p.protocol:
            return False
        if not _addr_ok(self.src, p.src) or not _addr_ok(self.dst, p.dst):
            return False
        return _port_ok(self.src_ports, p.src_port) and _port_ok(self.dst_ports, p.dst_port)


def _addr_ok(spec: tuple[int, int] | None, address: int) -> bool:
    if spec is None:
        return True
    base, wild = spec
    return (address & ~wild) == (base & ~wild)


def _port_ok(ranges: tuple[tuple[int, int], ...] | None, port: int | None) -> bool:
    if ranges is None:
        return True
    return port is not None and any(lo <= port <= hi for lo, hi in ranges)


def _port(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _PORTS.get(word.lower())


def _endpoint(w: list[str], i: int) -> tuple[tuple[int, int] | None, int]:
    if i >= len(w):
        return None, i
    word = w[i]
    if word == "any":
        return None, i + 1
    if word == "host" and i + 1 < len(w):
        return (int(ipaddress.IPv4Address(w[i + 1])), 0), i + 2
    if "/" in word:
        net = ipaddress.IPv4Network(word, strict=False)
        return (int(net.network_address), int(net.hostmask)), i + 1
    try:
        base = int(ipaddress.IPv4Address(word))
    except ValueError:
        return None, i + 1  # object-groups and the like: not modelled, match any
    if i + 1 < len(w):
        try:
            return (base, int(ipaddress.IPv4Address(w[i + 1]))), i + 2
        except ValueError:
            pass
    return (base, 0), i + 1


def _ports(w: list[str], i: int) -> tuple[tuple[tuple[int, int], ...] | None, int]:
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


_cache: dict[tuple[str, str, int], _Line | None] = {}


def _compile(acl: Acl, line: AclLine) -> _Line | None:
    key = (acl.kind, line.text, line.line)
    if key in _cache:
        return _cache[key]
    result: _Line | None = None
    w = line.text.split()
    if w and w[0] in ("permit", "deny"):
        try:
            if acl.kind == "standard":
                src, _ = _endpoint(w, 1) if len(w) > 1 else (None, 1)
                result = _Line(w[0], None, src, None, None, None, line.text)
            else:
                proto_word = w[1].lower() if len(w) > 1 else "ip"
                proto = _PROTOCOLS.get(
                    proto_word, int(proto_word) if proto_word.isdigit() else None
                )
                src, i = _endpoint(w, 2)
                sports, i = _ports(w, i)
                dst, i = _endpoint(w, i)
                dports, i = _ports(w, i)
                result = _Line(w[0], proto, src, dst, sports, dports, line.text)
        except (ValueError, IndexError):
            result = None
    _cache[key] = result
    return result


def evaluate(acl: Acl | None, packet: Packet) -> tuple[bool, str]:
    """(permitted, the deciding line's text, or why)."""
    if acl is None:
        return True, "undefined filter (permits)"
    for line in acl.lines:
        if line.remark:
            continue
        compiled = _compile(acl, line)
        if compiled is not None and compiled.matches(packet):
            return compiled.action == "permit", compiled.text
    return False, "no line matched (implicit deny)"
