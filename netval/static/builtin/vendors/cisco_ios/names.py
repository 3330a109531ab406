"""Cisco-style interface names and Batfish's structure names for IOS-like vendors."""

from __future__ import annotations

import re

# Canonical interface-name prefixes, in the order an abbreviation is resolved (Batfish
# canonicalizes "gi0/1" and "loopback0" to "GigabitEthernet0/1" and "Loopback0").
_PREFIXES = (
    "Async",
    "ATM",
    "BDI",
    "BVI",
    "Bundle-Ether",
    "Cable",
    "Dialer",
    "Embedded-Service-Engine",
    "Ethernet",
    "FastEthernet",
    "FortyGigE",
    "FortyGigabitEthernet",
    "GigabitEthernet",
    "HundredGigE",
    "HundredGigabitEthernet",
    "Loopback",
    "Management",
    "mgmt",
    "Modular-Cable",
    "Multilink",
    "Null",
    "Port-channel",
    "POS",
    "Serial",
    "TenGigabitEthernet",
    "TenGigE",
    "TwentyFiveGigE",
    "TwoGigabitEthernet",
    "Tunnel",
    "Virtual-Access",
    "Virtual-Template",
    "Vlan",
    "Vxlan",
    "Wideband-Cable",
    "Wlan-GigabitEthernet",
    "AppGigabitEthernet",
)
_ABBREV = {
    "gi": "GigabitEthernet",
    "g": "GigabitEthernet",
    "fa": "FastEthernet",
    "f": "FastEthernet",
    "te": "TenGigabitEthernet",
    "e": "Ethernet",
    "eth": "Ethernet",
    "lo": "Loopback",
    "po": "Port-channel",
    "vl": "Vlan",
    "tu": "Tunnel",
    "se": "Serial",
    "mgmt": "mgmt",
    "ma": "Management",
    "nu": "Null",
}
_SPLIT = re.compile(r"^([A-Za-z][A-Za-z-]*?)(\s*)([0-9].*|)$")


def canonical_interface(name: str) -> str:
    m = _SPLIT.match(name)
    if not m:
        return name
    alpha, rest = m.group(1), m.group(3)
    low = alpha.lower()
    if low in _ABBREV:
        return _ABBREV[low] + rest
    for p in _PREFIXES:
        if p.lower() == low:
            return p + rest
    for p in _PREFIXES:
        if p.lower().startswith(low) and len(low) >= 2:
            return p + rest
    return name


def looks_like_interface(word: str) -> bool:
    m = _SPLIT.match(word)
    return (
        (bool(m and m.group(3)) and canonical_interface(word) != word)
        or word.lower() in ("null0",)
        or bool(re.match(r"^[A-Za-z][A-Za-z-]*\d+([/:.]\d+)*$", word))
    )
