"""The built-in engine's vendor-neutral configuration model: what the vendor parsers fill
and everything after them reads (see device.py)."""

from netval.static.builtin.model.acl import (
    Acl,
    AclLine,
)
from netval.static.builtin.model.bgp import (
    BgpAggregate,
    BgpNetwork,
    BgpPeer,
    BgpProcess,
    BgpRedistribute,
    RemoteAsKind,
)
from netval.static.builtin.model.device import (
    DeviceModel,
    Interface,
    IPv4If,
    IPv4Net,
    ParserCrash,
    ParseStatus,
    StaticRoute,
    Unrecognized,
    Vendor,
    VrrpGroup,
)
from netval.static.builtin.model.ospf import (
    OspfNetwork,
    OspfProcess,
)
from netval.static.builtin.model.policy import (
    AsPathEntry,
    AsPathList,
    CommunityList,
    CommunityListEntry,
    Match,
    PrefixList,
    PrefixListEntry,
    RouteMap,
    RouteMapEntry,
    SetAction,
)
from netval.static.builtin.model.refs import (
    Reference,
    StructureDef,
)

__all__ = [
    "Acl",
    "AclLine",
    "AsPathEntry",
    "AsPathList",
    "BgpAggregate",
    "BgpNetwork",
    "BgpPeer",
    "BgpProcess",
    "BgpRedistribute",
    "CommunityList",
    "CommunityListEntry",
    "DeviceModel",
    "IPv4If",
    "IPv4Net",
    "Interface",
    "Match",
    "OspfNetwork",
    "OspfProcess",
    "ParseStatus",
    "ParserCrash",
    "PrefixList",
    "PrefixListEntry",
    "Reference",
    "RemoteAsKind",
    "RouteMap",
    "RouteMapEntry",
    "SetAction",
    "StaticRoute",
    "StructureDef",
    "Unrecognized",
    "Vendor",
    "VrrpGroup",
]
