"""The data plane of a snapshot, computed to a fixed point.

Outer loop: the IGP (connected, static, OSPF) given the BGP routes of the previous round;
then BGP given the IGP (sessions over loopbacks, next-hop resolution, `network` and
redistribution all read the IGP). BGP is a function of the IGP routes, so when a round
leaves the IGP routes as they were, BGP is too and the data plane is final. Static routes
that resolve through BGP and BGP redistributed into OSPF are what make a second round
matter. Both loops are bounded: a configuration that does not settle is reported as an
issue, never looped on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import cast

from netval.snapshot import Edge, HostSpec
from netval.static.builtin.dataplane.bgp_origin import local_origins
from netval.static.builtin.dataplane.bgp_policy import Policies
from netval.static.builtin.dataplane.bgp_run import BgpRoute, BgpRun
from netval.static.builtin.dataplane.bgp_speaker import Speaker, build_speakers, wire_sessions
from netval.static.builtin.dataplane.igp import Rib, connected_routes, merge, static_routes
from netval.static.builtin.dataplane.network import Network, Node, build_network
from netval.static.builtin.dataplane.ospf import External, Ospf, externals_for
from netval.static.builtin.dataplane.sessions import SessionSet, find_sessions
from netval.static.builtin.dataplane.types import Issue, RibRoute, RouterId
from netval.static.builtin.loader import Loaded
from netval.static.builtin.model import DeviceModel
from netval.static.builtin.prefix import PrefixTable, key_length

MAX_OUTER = 8
MAX_INNER = 10


class Layered:
    """Longest-prefix match over the IGP table and the BGP table without merging them."""

    def __init__(self, igp: Rib, bgp: PrefixTable[BgpRoute] | None) -> None:
        self.igp = igp
        self.bgp = bgp

    def lookup(self, address: int, skip_default: bool = False) -> tuple[int, RibRoute] | None:
        a = self.igp.lookup(address, skip_default)
        if self.bgp is None:
            return a
        b = self.bgp.lookup(address, skip_default)
        if a is None or b is None:
            return a if b is None else b
        la, lb = key_length(a[0]), key_length(b[0])
        if la != lb:
            return a if la > lb else b
        return a if a[1].admin <= b[1].admin else b

    def selected(self) -> dict[int, RibRoute]:
        out: dict[int, RibRoute] = dict(self.igp.items())
        if self.bgp is not None:
            for key, route in self.bgp.items():
                have = out.get(key)
                if have is None or route.admin < have.admin:
                    out[key] = route
        return out


@dataclass
class DataPlane:
    net: Network
    devices: dict[str, DeviceModel]
    edges: list[Edge]
    ribs: dict[RouterId, Rib]
    sessions: SessionSet
    speakers: dict[RouterId, Speaker]
    bgp: BgpRun | None
    issues: list[Issue] = field(default_factory=list)
    rounds: int = 0
    seconds: float = 0.0

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_loaded(cls, loaded: Loaded) -> DataPlane:
        """The data plane of a snapshot loaded by part 1: its models, hosts and links."""
        return cls.compute(loaded.devices, loaded.hosts, loaded.edges)

    @classmethod
    def compute(
        cls,
        devices: dict[str, DeviceModel],
        hosts: dict[str, HostSpec] | None = None,
        edges: list[Edge] | None = None,
    ) -> DataPlane:
        started = time.perf_counter()
        edges = edges or []
        net = build_network(devices, hosts or {}, edges)
        policies = Policies()
        issues: list[Issue] = []
        routers: list[RouterId] = [
            (n.name, vrf) for n in net.nodes.values() for vrf in sorted(n.vrfs())
        ]
        connected = {r: connected_routes(net.nodes[r[0]], r[1]) for r in routers}
        ospf = Ospf(net) if any(n.model and n.model.ospf for n in net.nodes.values()) else None
        ospf_admin = {
            (n.name, vrf): _ospf_distance(n, vrf) or n.profile.ospf
            for n in net.nodes.values()
            for vrf in n.vrfs()
        }
        bgp_tables: dict[RouterId, PrefixTable[BgpRoute]] = {}
        statics: dict[RouterId, dict[int, RibRoute]] = {}
        ospf_routes: dict[RouterId, dict[int, RibRoute]] = {}
        igp: dict[RouterId, Rib] = {}
        prev_sig: object = None
        sessions = SessionSet([])
        speakers: dict[RouterId, Speaker] = {}
        run: BgpRun | None = None
        rounds = 0
        igp_issues: list[Issue] = []
        for attempt in range(1, MAX_OUTER + 1):
            rounds = attempt
            # only the last round's IGP issues stand: a static route may resolve in round 2
            igp_issues = []
            statics, ospf_routes, igp = _igp(
                net, routers, connected, bgp_tables, ospf, ospf_admin, policies, igp_issues
            )
            sig = _signature(igp)
            if sig == prev_sig:
                break
            prev_sig = sig
            sessions = find_sessions(net, devices, edges, igp)
            speakers = build_speakers(net)
            wire_sessions(speakers, sessions.established_pairs(), policies)
            for spk in speakers.values():
                spk.local = local_origins(spk, igp.get(spk.rid), policies)
            bgp_issues: list[Issue] = []
            run = BgpRun(speakers, igp, policies, bgp_issues)
            run.run()
            bgp_tables = {}
            for spk, locrib in run.locrib.items():
                table: PrefixTable[BgpRoute] = PrefixTable()
                for key, route in locrib.items():
                    if route.installable:
                        table.set(key, route)
                bgp_tables[spk.rid] = table
            last_bgp_issues = bgp_issues
        else:
            issues.append(
                Issue(
                    "no-fixed-point", "*", f"IGP and BGP did not settle within {MAX_OUTER} rounds"
                )
            )
        issues.extend(igp_issues)
        if run is not None:
            issues.extend(last_bgp_issues)
        ribs: dict[RouterId, Rib] = {}
        for r in routers:
            layers: list[dict[int, RibRoute]] = [
                connected[r],
                statics.get(r, {}),
                ospf_routes.get(r, {}),
            ]
            bgp = bgp_tables.get(r)
            if bgp is not None:
                layers.append(cast(dict[int, RibRoute], bgp.entries))
            ribs[r] = merge(layers)
        dp = cls(net, devices, edges, ribs, sessions, speakers, run, _dedupe(issues), rounds)
        dp.seconds = time.perf_counter() - started
        return dp

    # -- small queries --------------------------------------------------------------------

    def rib(self, node: str, vrf: str = "default") -> Rib | None:
        return self.ribs.get((node, vrf))

    def route_count(self) -> int:
        return sum(len(r) for r in self.ribs.values())

    def next_hop_count(self) -> int:
        return sum(len(route.hops) for rib in self.ribs.values() for _, route in rib.items())


def _igp(
    net: Network,
    routers: list[RouterId],
    connected: dict[RouterId, dict[int, RibRoute]],
    bgp_tables: dict[RouterId, PrefixTable[BgpRoute]],
    ospf: Ospf | None,
    ospf_admin: dict[RouterId, int],
    policies: Policies,
    issues: list[Issue],
) -> tuple[
    dict[RouterId, dict[int, RibRoute]], dict[RouterId, dict[int, RibRoute]], dict[RouterId, Rib]
]:
    statics: dict[RouterId, dict[int, RibRoute]] = {}
    ospf_routes: dict[RouterId, dict[int, RibRoute]] = {}
    igp: dict[RouterId, Rib] = {r: merge([connected[r]]) for r in routers}
    prev: object = None
    for _ in range(MAX_INNER):
        static_issues: list[Issue] = []
        for r in routers:
            node = net.nodes[r[0]]
            view = Layered(igp[r], bgp_tables.get(r))
            via_default = node.profile.resolve_via_default

            def resolves(
                address: int, route_key: int, view: Layered = view, via_default: bool = via_default
            ) -> bool:
                hit = view.lookup(address, skip_default=not via_default)
                return hit is not None and hit[0] != route_key

            statics[r] = static_routes(node, r[1], resolves, static_issues)
        if ospf is not None:
            externals: dict[RouterId, list[External]] = {}
            for r in ospf.ifaces:
                node = net.nodes[r[0]]
                if node.model is None:
                    continue
                selected = Layered(igp[r], bgp_tables.get(r)).selected()
                nets = [o.address.network for o in ospf.ifaces[r]]
                externals[r] = externals_for(
                    node, r[1], selected, policies.evaluator(node.model), nets
                )
            ospf_routes = ospf.routes(externals, ospf_admin)
        igp = {r: merge([connected[r], statics[r], ospf_routes.get(r, {})]) for r in routers}
        sig = _signature(igp)
        if sig == prev:
            issues.extend(static_issues)
            break
        prev = sig
    else:
        issues.append(
            Issue(
                "no-fixed-point",
                "*",
                f"static and OSPF routes did not settle within {MAX_INNER} rounds",
            )
        )
    return statics, ospf_routes, igp


def _signature(ribs: dict[RouterId, Rib]) -> object:
    return tuple(
        (r, tuple(sorted((k, v.protocol, v.hops, v.admin, v.metric) for k, v in rib.items())))
        for r, rib in sorted(ribs.items())
    )


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen: set[Issue] = set()
    out = []
    for i in issues:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def _ospf_distance(node: Node, vrf: str) -> int | None:
    proc = node.model.ospf.get(vrf) if node.model is not None else None
    return proc.distance if proc is not None else None
