"""Routing protocol names, one vocabulary for every source of a State.

Devices and engines name protocols their own way (``eBGP``, ``B``, ``bgp-65001``, Batfish's
``ibgp`` and ``ospfE2``); checks compare the normalized family, so ``bgp`` is ``bgp`` in
both gates.
"""

from __future__ import annotations

import re

_PROTOCOLS = {
    "direct": "connected",
    "connected": "connected",
    "attached": "connected",
    "local": "local",
    "receive": "local",
    "static": "static",
    "bgp": "bgp",
    "ebgp": "bgp",
    "ibgp": "bgp",
    "bgpaggregate": "aggregate",
    "aggregate": "aggregate",
    "is-is": "isis",
    "isis": "isis",
    "rip": "rip",
    "eigrp": "eigrp",
    "kernel": "kernel",
}


def normalize_protocol(raw: str) -> str:
    """Lower-case protocol names: ``eBGP``/``bgp-65001`` -> bgp, ``Direct`` -> connected."""
    key = raw.strip().lower().replace(" ", "")
    if key in _PROTOCOLS:
        return _PROTOCOLS[key]
    for prefix in ("ospf", "isis", "eigrp", "rip"):
        if key.startswith(prefix):
            return prefix
    if key.startswith(("bgp", "ebgp", "ibgp")):
        return "aggregate" if "aggregate" in key else "bgp"
    # NX-OS client names carry the process tag: "static-1", "hsrp_engine".
    head = re.split(r"[-_]", key)[0]
    return _PROTOCOLS.get(head, head or "unknown")
