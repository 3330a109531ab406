"""Access lists: what route-map matches and packet filters read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AclLine:
    action: str
    line: int
    text: str
    # For route-map "match ip address <acl>": the source network and wildcard; extended lines
    # also carry destination (Cisco matches a BGP route's mask against it).
    src: tuple[int, int] | None = None  # (address, wildcard) as ints; None = any
    dst: tuple[int, int] | None = None
    protocol: int | None = None  # IP protocol number; None = any (``ip``)
    src_ports: tuple[tuple[int, int], ...] | None = None  # inclusive ranges; None = any
    dst_ports: tuple[tuple[int, int], ...] | None = None
    remark: bool = False


@dataclass
class Acl:
    name: str
    kind: str  # standard | extended
    family: int = 4
    lines: list[AclLine] = field(default_factory=list)
