"""IPv4 prefixes as small ints, and a longest-prefix-match table.

A data plane of a thousand devices holds millions of (node, prefix) entries; ``ipaddress``
objects cost ~1 us to hash and ~100 bytes each, so prefixes travel as one int,
``(network << 6) | length``, and become text only when an answer is written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

MASKS = tuple((0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF for n in range(33))
DEFAULT_KEY = 0  # 0.0.0.0/0

_ip_ints: dict[str, int] = {}
_key_texts: dict[int, str] = {}


def ip_int(ip: str) -> int:
    value = _ip_ints.get(ip)
    if value is None:
        value = _ip_ints[ip] = int(ipaddress.IPv4Address(ip))
    return value


def ip_text(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


def make_key(address: int, length: int) -> int:
    return ((address & MASKS[length]) << 6) | length


def key_of(net: ipaddress.IPv4Network | ipaddress.IPv4Interface) -> int:
    network = net.network if isinstance(net, ipaddress.IPv4Interface) else net
    return make_key(int(network.network_address), network.prefixlen)


def parse_key(text: str) -> int:
    return key_of(ipaddress.IPv4Network(text, strict=False))


def key_text(key: int) -> str:
    text = _key_texts.get(key)
    if text is None:
        text = _key_texts[key] = f"{ip_text(key >> 6)}/{key & 63}"
    return text


def key_net(key: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((key >> 6, key & 63))


def contains(outer: int, inner: int) -> bool:
    """``inner`` lies within ``outer`` (equal counts)."""
    olen = outer & 63
    ilen = inner & 63
    return ilen >= olen and ((inner >> 6) & MASKS[olen]) == outer >> 6


class PrefixTable(Generic[T]):
    """Prefix key -> value, with longest-prefix match on an address."""

    __slots__ = ("_lengths", "_sorted", "entries")

    def __init__(self) -> None:
        self.entries: dict[int, T] = {}
        self._lengths: dict[int, int] = {}
        self._sorted: list[int] | None = []

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: int) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[int]:
        return iter(self.entries)

    def get(self, key: int) -> T | None:
        return self.entries.get(key)

    def items(self) -> Iterator[tuple[int, T]]:
        return iter(self.entries.items())

    def set(self, key: int, value: T) -> None:
        if key not in self.entries:
            length = key & 63
            self._lengths[length] = self._lengths.get(length, 0) + 1
            if self._lengths[length] == 1:
                self._sorted = None
        self.entries[key] = value

    def remove(self, key: int) -> None:
        if self.entries.pop(key, None) is not None:
            length = key & 63
            self._lengths[length] -= 1
            if not self._lengths[length]:
                del self._lengths[length]
                self._sorted = None

    def lengths(self) -> list[int]:
        if self._sorted is None:
            self._sorted = sorted(self._lengths, reverse=True)
        return self._sorted

    def lookup(self, address: int, skip_default: bool = False) -> tuple[int, T] | None:
        entries = self.entries
        for length in self.lengths():
            if length == 0 and skip_default:
                return None
            key = ((address & MASKS[length]) << 6) | length
            value = entries.get(key)
            if value is not None:
                return key, value
        return None
