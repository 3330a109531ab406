"""Routing policy: prefix-, community- and as-path lists, route-maps."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netval.static.builtin.prefix import network as prefix_network


@dataclass
class PrefixListEntry:
    seq: int
    action: str  # permit | deny
    prefix: ipaddress.IPv4Network | ipaddress.IPv6Network
    ge: int | None
    le: int | None
    line: int

    def length_range(self) -> tuple[int, int]:
        """The prefix lengths the entry matches; FRR/Cisco: no ge/le means exact."""
        plen = self.prefix.prefixlen
        top = self.prefix.max_prefixlen
        if self.ge is None and self.le is None:
            return plen, plen
        low = self.ge if self.ge is not None else plen
        high = self.le if self.le is not None else top
        return low, high


class PrefixList:
    """Entries by sequence number. Adding is O(1) and the sorted view and the lookup index
    are built once when first read, so a list of N entries costs O(N log N) to parse and
    O(prefix length) per IPv4 lookup, whatever N is."""

    def __init__(self, name: str, family: int) -> None:
        self.name = name
        self.family = family  # 4 or 6
        self._by_seq: dict[int, PrefixListEntry] = {}
        self.max_seq = 0
        self._sorted: list[PrefixListEntry] | None = None
        self._index: dict[tuple[int, int], list[tuple[int, PrefixListEntry]]] | None = None

    def __repr__(self) -> str:
        return f"PrefixList({self.name!r}, {self.family}, {len(self._by_seq)} entries)"

    def add(self, entry: PrefixListEntry) -> None:
        """Add an entry; one with the same sequence number replaces the old one."""
        self._by_seq.pop(entry.seq, None)
        self._by_seq[entry.seq] = entry
        self.max_seq = max(self.max_seq, entry.seq)
        self._sorted = None
        self._index = None

    @property
    def entries(self) -> list[PrefixListEntry]:
        """In sequence order (the order the device evaluates them)."""
        if self._sorted is None:
            self._sorted = sorted(self._by_seq.values(), key=lambda e: e.seq)
        return self._sorted

    def first_match4(self, net: ipaddress.IPv4Network) -> PrefixListEntry | None:
        """The first IPv4 entry (in sequence order) that matches ``net``, or None.

        An entry matches when its prefix covers ``net`` and ``net``'s length is in the entry's
        range; only the entries whose prefix is one of ``net``'s at most 33 covering prefixes
        can match, so those are looked up by (address, length)."""
        index = self._index
        if index is None:
            index = {}
            for pos, e in enumerate(self.entries):
                if e.prefix.version == 4:
                    key = (int(e.prefix.network_address), e.prefix.prefixlen)
                    index.setdefault(key, []).append((pos, e))
            self._index = index
        addr = int(net.network_address)
        plen = net.prefixlen
        best: tuple[int, PrefixListEntry] | None = None
        for k in range(plen + 1):
            bucket = index.get((prefix_network(addr, k), k))
            if bucket is None:
                continue
            for pos, e in bucket:
                if best is not None and pos >= best[0]:
                    break
                low, high = e.length_range()
                if low <= plen <= high:
                    best = (pos, e)
                    break
        return None if best is None else best[1]


@dataclass
class CommunityListEntry:
    action: str
    line: int
    communities: tuple[str, ...] = ()  # standard: all must be present
    regex: str | None = None  # expanded


@dataclass
class CommunityList:
    name: str
    kind: str  # standard | expanded
    entries: list[CommunityListEntry] = field(default_factory=list)


@dataclass
class AsPathEntry:
    action: str
    regex: str
    line: int


@dataclass
class AsPathList:
    name: str
    entries: list[AsPathEntry] = field(default_factory=list)


@dataclass
class Match:
    kind: str  # prefix_list | community | as_path | acl | tag | metric | source_protocol | ...
    names: tuple[str, ...]
    line: int
    exact: bool = False  # community exact-match


@dataclass
class SetAction:
    kind: str  # local_preference | metric | community | comm_list_delete | as_path_prepend |
    # next_hop | weight | origin | tag
    line: int
    value: str = ""
    values: tuple[str, ...] = ()
    additive: bool = False


@dataclass
class RouteMapEntry:
    seq: int
    action: str  # permit | deny
    line: int
    matches: list[Match] = field(default_factory=list)
    sets: list[SetAction] = field(default_factory=list)
    continue_to: int | None = None  # seq, or -1 for "the next entry"
    lines: list[int] = field(default_factory=list)
    description: str | None = None


@dataclass
class RouteMap:
    name: str
    entries: dict[int, RouteMapEntry] = field(default_factory=dict)

    def ordered(self) -> list[RouteMapEntry]:
        return [self.entries[k] for k in sorted(self.entries)]
