"""OSPF processes and the networks they cover."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from netval.static.builtin.model.bgp import BgpRedistribute

IPv4Net = ipaddress.IPv4Network


@dataclass
class OspfNetwork:
    prefix: IPv4Net
    area: str
    line: int


@dataclass
class OspfProcess:
    process_id: str
    line: int
    vrf: str = "default"
    router_id: str | None = None
    networks: list[OspfNetwork] = field(default_factory=list)
    areas: set[str] = field(default_factory=set)
    passive_default: bool = False
    passive: set[str] = field(default_factory=set)
    non_passive: set[str] = field(default_factory=set)
    redistribute: list[BgpRedistribute] = field(default_factory=list)
    reference_bandwidth_mbps: int | None = None  # auto-cost reference-bandwidth
    default_originate: tuple[bool, int, int] | None = None  # (always, metric, metric type)
    distance: int | None = None
