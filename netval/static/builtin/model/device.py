"""The built-in engine's vendor-neutral configuration model.

Every parser (FRR, Arista EOS, Cisco IOS) fills one ``DeviceModel``. Structures keep the file
lines they were defined on and every reference keeps the line it was made on, because
Batfish's undefinedReferences / unusedStructures answers are about lines, and a user fixing a
config needs them.

Structure and usage *names* (``"ip prefix-list"``, ``"route-map match ip prefix-list"``) are
the vendor's own strings as Batfish prints them, so rows compare one to one with Batfish.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum

from netval.static.builtin.model.acl import Acl
from netval.static.builtin.model.bgp import BgpProcess
from netval.static.builtin.model.ospf import OspfProcess
from netval.static.builtin.model.policy import AsPathList, CommunityList, PrefixList, RouteMap
from netval.static.builtin.model.refs import Reference, StructureDef
from netval.vendor_format import ConfigFormat

IPv4Net = ipaddress.IPv4Network
IPv4If = ipaddress.IPv4Interface


# one vocabulary for formats: a device's vendor is the format its file was read as
Vendor = ConfigFormat


class ParseStatus(StrEnum):
    PASSED = "PASSED"
    PARTIALLY_UNRECOGNIZED = "PARTIALLY_UNRECOGNIZED"
    FAILED = "FAILED"
    EMPTY = "EMPTY"
    UNKNOWN = "UNKNOWN"  # the format could not be detected
    UNSUPPORTED = "UNSUPPORTED"  # a vendor the built-in engine does not parse


class ParserCrash(Exception):
    """A parser failed on a line (a bug, never bad input): the loader turns it into a FAILED
    file naming the line, so one file's crash never takes the snapshot or the run down."""

    def __init__(self, line: int | None, text: str, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.line = line
        self.text = text


@dataclass
class Unrecognized:
    """A line the parser did not understand (Batfish: a parse warning)."""

    line: int
    text: str
    context: str
    comment: str = "This syntax is unrecognized"


@dataclass
class VrrpGroup:
    vrid: int
    line: int
    priority: int | None = None
    virtual_ips: list[str] = field(default_factory=list)
    preempt: bool | None = None


@dataclass
class Interface:
    name: str
    line: int
    addresses: list[IPv4If] = field(default_factory=list)
    shutdown: bool = False
    description: str | None = None
    vrf: str = "default"
    acl_in: str | None = None
    acl_out: str | None = None
    ospf_cost: int | None = None
    ospf_passive: bool | None = None
    ospf_area: str | None = None
    bandwidth_kbps: int | None = None  # `bandwidth N`: what OSPF's auto-cost divides
    vrrp: list[VrrpGroup] = field(default_factory=list)

    @property
    def primary(self) -> IPv4If | None:
        return self.addresses[0] if self.addresses else None


@dataclass
class StaticRoute:
    prefix: IPv4Net
    line: int
    next_hop_ip: str | None = None
    next_hop_interface: str | None = None
    discard: bool = False  # Null0 / blackhole / reject
    distance: int = 1
    vrf: str = "default"


@dataclass
class DeviceModel:
    """One device file, parsed."""

    hostname: str
    filename: str  # relative to the snapshot, e.g. configs/border1
    vendor: Vendor
    status: ParseStatus = ParseStatus.PASSED
    failure: str | None = None
    defaults_profile: str | None = None  # FRR's `frr defaults NAME`
    interfaces: dict[str, Interface] = field(default_factory=dict)
    static_routes: list[StaticRoute] = field(default_factory=list)
    bgp: dict[str, BgpProcess] = field(default_factory=dict)  # by VRF
    ospf: dict[str, OspfProcess] = field(default_factory=dict)
    prefix_lists: dict[str, PrefixList] = field(default_factory=dict)
    prefix6_lists: dict[str, PrefixList] = field(default_factory=dict)
    community_lists: dict[str, CommunityList] = field(default_factory=dict)
    as_path_lists: dict[str, AsPathList] = field(default_factory=dict)
    route_maps: dict[str, RouteMap] = field(default_factory=dict)
    acls: dict[str, Acl] = field(default_factory=dict)
    vrfs: set[str] = field(default_factory=lambda: {"default"})
    definitions: dict[tuple[str, str], StructureDef] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    unrecognized: list[Unrecognized] = field(default_factory=list)

    def define(self, stype: str, name: str, line: int) -> None:
        key = (stype, name)
        d = self.definitions.get(key)
        if d is None:
            d = self.definitions[key] = StructureDef(stype, name)
        d.add_line(line)

    def refer(
        self, stype: str, name: str, context: str, line: int, satisfied_by: tuple[str, ...] = ()
    ) -> None:
        self.references.append(Reference(stype, name, context, line, satisfied_by or (stype,)))

    def unrecognized_line(
        self, line: int, text: str, context: str, comment: str | None = None
    ) -> None:
        if comment is None:
            self.unrecognized.append(Unrecognized(line, text, context))
        else:
            self.unrecognized.append(Unrecognized(line, text, context, comment))

    def finish_status(self) -> None:
        if self.status is ParseStatus.PASSED and self.unrecognized:
            self.status = ParseStatus.PARTIALLY_UNRECOGNIZED
