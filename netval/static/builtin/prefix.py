"""IPv4 prefixes as small ints, and a longest-prefix-match table.

A data plane of a thousand devices holds millions of (node, prefix) entries; ``ipaddress``
objects cost ~1 us to hash and ~100 bytes each, so prefixes travel as one int (a "key") and
become text only when an answer is written. The packing, the address width and the masks
are this module's business: everything else goes through the functions below, so an IPv6
family can be added here without touching the data-plane algorithms.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

ADDRESS_BITS = 32
HOST_LENGTH = ADDRESS_BITS
MASKS = tuple(
    ((1 << ADDRESS_BITS) - 1) ^ ((1 << (ADDRESS_BITS - n)) - 1) for n in range(ADDRESS_BITS + 1)
)
DEFAULT_KEY = 0  # 0.0.0.0/0
_LENGTH_BITS = 6
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1

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
    return ((address & MASKS[length]) << _LENGTH_BITS) | length


def key_length(key: int) -> int:
    return key & _LENGTH_MASK


def key_address(key: int) -> int:
    """The network address of the prefix."""
    return key >> _LENGTH_BITS


def is_host(key: int) -> bool:
    return key & _LENGTH_MASK == HOST_LENGTH


def covers(key: int, address: int) -> bool:
    """``address`` lies in the prefix."""
    return (address & MASKS[key & _LENGTH_MASK]) == key >> _LENGTH_BITS


def network(address: int, length: int) -> int:
    """The network address of ``address``/``length``."""
    return address & MASKS[length]


def span(length: int) -> int:
    """How many addresses a prefix of ``length`` holds."""
    return 1 << (ADDRESS_BITS - length)


def length_of_wildcard(wildcard: int) -> int:
    """The prefix length of a contiguous wildcard mask (0.0.0.255 -> 24)."""
    return ADDRESS_BITS - wildcard.bit_length()


def key_of(net: ipaddress.IPv4Network | ipaddress.IPv4Interface) -> int:
    network = net.network if isinstance(net, ipaddress.IPv4Interface) else net
    return make_key(int(network.network_address), network.prefixlen)


def parse_key(text: str) -> int:
    return key_of(ipaddress.IPv4Network(text, strict=False))


def key_text(key: int) -> str:
    text = _key_texts.get(key)
    if text is None:
        text = _key_texts[key] = f"{ip_text(key >> _LENGTH_BITS)}/{key & _LENGTH_MASK}"
    return text


def key_net(key: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((key >> _LENGTH_BITS, key & _LENGTH_MASK))


def contains(outer: int, inner: int) -> bool:
    """``inner`` lies within ``outer`` (equal counts)."""
    olen = outer & _LENGTH_MASK
    ilen = inner & _LENGTH_MASK
    return ilen >= olen and ((inner >> _LENGTH_BITS) & MASKS[olen]) == outer >> _LENGTH_BITS


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
            length = key & _LENGTH_MASK
            self._lengths[length] = self._lengths.get(length, 0) + 1
            if self._lengths[length] == 1:
                self._sorted = None
        self.entries[key] = value

    def remove(self, key: int) -> None:
        if self.entries.pop(key, None) is not None:
            length = key & _LENGTH_MASK
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
            key = ((address & MASKS[length]) << _LENGTH_BITS) | length
            value = entries.get(key)
            if value is not None:
                return key, value
        return None
