"""Check kinds. Each is a pydantic model (what the user writes) with an ``evaluate``."""

from __future__ import annotations

from netval.checks.anycast import Anycast
from netval.checks.base import CheckSpec
from netval.checks.bfd import BfdPeers
from netval.checks.bgp import BgpSessions
from netval.checks.bgp_advertised import BgpAdvertised
from netval.checks.bgp_route import BgpRoute
from netval.checks.ecmp import Ecmp
from netval.checks.interface_health import InterfaceHealth, LinkMtu
from netval.checks.interfaces import Interfaces
from netval.checks.ospf import OspfNeighbors
from netval.checks.reachability import Reachability
from netval.checks.routes import Routes
from netval.checks.static import (
    BgpCompatibility,
    BgpStatus,
    Differential,
    Parse,
    RoutePolicy,
    RoutePolicySearch,
    UndefinedReferences,
)
from netval.checks.vrrp import Vrrp

CHECK_KINDS: tuple[type[CheckSpec], ...] = (
    BgpSessions,
    BgpRoute,
    Anycast,
    BgpAdvertised,
    BfdPeers,
    Ecmp,
    Vrrp,
    Interfaces,
    InterfaceHealth,
    LinkMtu,
    OspfNeighbors,
    Routes,
    Parse,
    UndefinedReferences,
    BgpCompatibility,
    BgpStatus,
    RoutePolicy,
    RoutePolicySearch,
    Reachability,
    Differential,
)

__all__ = ["CHECK_KINDS", "CheckSpec"]
