"""Packet filters: an interface ACL applied to a flow.

The model carries each ACL line's protocol, addresses and ports (the vendor parsers read
them: ``permit tcp any host 10.0.0.1 eq 443``, ``deny ip 10.0.0.0 0.0.0.255 any``, standard
lists by source). First matching line decides, no match denies. An ACL that is
referenced but not defined permits (Cisco's behaviour for an undefined interface ACL).
"""

from __future__ import annotations

from dataclasses import dataclass

from netval.static.builtin.model import Acl, AclLine


@dataclass(frozen=True)
class Packet:
    src: int
    dst: int
    protocol: int  # IP protocol number
    src_port: int | None = None
    dst_port: int | None = None


def _matches(line: AclLine, p: Packet) -> bool:
    if line.protocol is not None and line.protocol != p.protocol:
        return False
    if not _addr_ok(line.src, p.src) or not _addr_ok(line.dst, p.dst):
        return False
    return _port_ok(line.src_ports, p.src_port) and _port_ok(line.dst_ports, p.dst_port)


def _addr_ok(spec: tuple[int, int] | None, address: int) -> bool:
    if spec is None:
        return True
    base, wild = spec
    return (address & ~wild) == (base & ~wild)


def _port_ok(ranges: tuple[tuple[int, int], ...] | None, port: int | None) -> bool:
    if ranges is None:
        return True
    return port is not None and any(lo <= port <= hi for lo, hi in ranges)


def evaluate(acl: Acl | None, packet: Packet) -> tuple[bool, str]:
    """(permitted, the deciding line's text, or why)."""
    if acl is None:
        return True, "undefined filter (permits)"
    for line in acl.lines:
        if line.remark:
            continue
        if line.action in ("permit", "deny") and _matches(line, packet):
            return line.action == "permit", line.text
    return False, "no line matched (implicit deny)"
