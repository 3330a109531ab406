"""Baseline checks: compare the state now with a state captured before the change."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import PrivateAttr

from netval.catalog import CatalogEntry
from netval.checks import route_changes
from netval.checks.base import CheckSpec, missing_data
from netval.errors import InputError
from netval.live.inventory import select
from netval.results import Outcome
from netval.runner import Target
from netval.state import BgpState, Domain, NextHop, Problem, State, VrrpRole


class _Baseline(CheckSpec):
    _base: State = PrivateAttr()
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    def with_base(self, base: State) -> _Baseline:
        self._base = base
        return self

    def _routes_gap(self, target: str) -> Outcome | None:
        """An error when the baseline holds no routing table for ``target``."""
        base_node = self._base.nodes[target]
        if base_node.routes is not None:
            return None
        why = base_node.errors.get("routes") or base_node.errors.get("device", "not captured")
        return Outcome.error(f"the baseline has no routing table for {target}: {why}")


class BaselineBgp(_Baseline):
    """No session that was Established is lost; prefixes received drop by at most N % and
    grow by at most M % (a leak) once the growth is more than a few prefixes."""

    kind: Literal["baseline_bgp"] = "baseline_bgp"
    max_prefix_drop: float = 10.0
    # a route leak shows as a jump in prefixes received; growth beyond this fails
    max_prefix_growth: float = 25.0
    # ... once it is more than this many prefixes: a new server subnet on a small fabric
    # is +50 % of a leaf's two announcements, and is the change itself, not a leak
    min_prefix_growth: int = 10
    domains: ClassVar[tuple[Domain, ...]] = ("bgp",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        base_node = self._base.nodes[target]
        if base_node.bgp_peers is None:
            why = base_node.errors.get("bgp") or base_node.errors.get("device", "not captured")
            return Outcome.error(f"the baseline has no BGP data for {target}: {why}")
        before = {(p.vrf, p.peer): p for p in base_node.bgp_peers}
        now = {(p.vrf, p.peer): p for p in state.nodes[target].bgp_peers or []}
        problems = []
        checked = 0
        for key, old in sorted(before.items()):
            if old.state is not BgpState.ESTABLISHED:
                continue
            checked += 1
            new = now.get(key)
            if new is None:
                problems.append(f"session {old.peer} was established and is now gone")
                continue
            if new.state is not BgpState.ESTABLISHED:
                problems.append(f"session {old.peer} was established and is now {new.state.value}")
                continue
            if old.prefixes_received and new.prefixes_received is not None:
                drop = (
                    100.0
                    * (old.prefixes_received - new.prefixes_received)
                    / (old.prefixes_received)
                )
                if drop > self.max_prefix_drop:
                    problems.append(
                        f"{old.peer} prefixes received {old.prefixes_received} -> "
                        f"{new.prefixes_received} (-{drop:.0f}%, allowed "
                        f"{self.max_prefix_drop:.0f}%)"
                    )
                elif (
                    -drop > self.max_prefix_growth
                    and new.prefixes_received - old.prefixes_received > self.min_prefix_growth
                ):
                    problems.append(
                        f"{old.peer} prefixes received {old.prefixes_received} -> "
                        f"{new.prefixes_received} (+{-drop:.0f}%, allowed "
                        f"{self.max_prefix_growth:.0f}%: a leak?)"
                    )
        observed = {
            p.peer: {"state": p.state.value, "prefixes_received": p.prefixes_received}
            for p in now.values()
        }
        expected = {
            p.peer: {"state": "established", "prefixes_received": p.prefixes_received}
            for p in before.values()
            if p.state is BgpState.ESTABLISHED
        }
        if problems:
            return Outcome.failed("; ".join(problems), expected=expected, observed=observed)
        return Outcome.passed(
            f"{checked} baseline session(s) kept", expected=expected, observed=observed
        )


class BaselineEcmp(_Baseline):
    """No prefix has fewer ECMP next hops than in the baseline."""

    kind: Literal["baseline_ecmp"] = "baseline_ecmp"
    domains: ClassVar[tuple[Domain, ...]] = ("routes",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        gap = self._routes_gap(target)
        if gap:
            return gap

        def paths(st: State) -> dict[tuple[str, str], dict[str, str]]:
            """(vrf, prefix) -> the widest selected route's active next hops (key -> text)."""
            out: dict[tuple[str, str], dict[str, str]] = {}
            for r in st.nodes[target].routes or []:
                if r.selected:
                    hops = {
                        str(nh.key()): route_changes.state_hop_text(nh)
                        for nh in r.next_hops
                        if nh.active
                    }
                    key = (r.vrf, r.prefix)
                    if len(hops) > len(out.get(key, {})):
                        out[key] = hops
            return out

        old_paths, new_paths = paths(self._base), paths(state)
        before = {k: len(v) for k, v in old_paths.items()}
        now = {k: len(v) for k, v in new_paths.items()}
        reduced = [
            (vrf, prefix)
            for (vrf, prefix), old in sorted(before.items())
            if old >= 2 and now.get((vrf, prefix), 0) < old
        ]
        problems = [f"{p} {before[(v, p)]} -> {now.get((v, p), 0)} paths" for v, p in reduced]
        multi = {f"{p}": w for (_, p), w in before.items() if w >= 2}
        if problems:
            changes = []
            for vrf, prefix in reduced:
                was, got = old_paths[(vrf, prefix)], new_paths.get((vrf, prefix), {})
                for kind, side, other in (("removed", was, got), ("added", got, was)):
                    changes += [
                        route_changes.change(kind, target, prefix, text, vrf=vrf)  # type: ignore[arg-type]
                        for key, text in side.items()
                        if key not in other
                    ]
            return Outcome.failed(
                "ECMP reduced: " + "; ".join(problems),
                expected=multi,
                observed={
                    "paths": {p: now.get((v, p), 0) for (v, p) in before if before[(v, p)] >= 2},
                    **route_changes.capped(changes),
                },
            )
        return Outcome.passed(f"{len(multi)} ECMP prefix(es) kept their width", expected=multi)


class BaselineRoutes(_Baseline):
    """No prefix selected in the baseline's routing table is gone, single-path ones included."""

    kind: Literal["baseline_routes"] = "baseline_routes"
    domains: ClassVar[tuple[Domain, ...]] = ("routes",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        gap = self._routes_gap(target)
        if gap:
            return gap

        def selected(st: State) -> set[tuple[str, str]]:
            return {(r.vrf, r.prefix) for r in st.nodes[target].routes or [] if r.selected}

        before, now = selected(self._base), selected(state)
        lost = sorted(before - now)
        shown = [p if v == "default" else f"{v}:{p}" for v, p in lost]
        if lost:
            gone = set(lost)
            # the lost routes as the baseline had them: where they went
            changes = [
                route_changes.change(
                    "removed",
                    target,
                    r.prefix,
                    route_changes.state_hop_text(nh),
                    vrf=r.vrf,
                    protocol=r.protocol,
                    metric=r.metric,
                )
                for r in self._base.nodes[target].routes or []
                if r.selected and (r.vrf, r.prefix) in gone
                for nh in r.next_hops or [NextHop()]
            ]
            more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
            return Outcome.failed(
                f"{len(lost)} prefix(es) of the baseline gone: {', '.join(shown[:10])}{more}",
                expected={"prefixes": len(before)},
                observed={"lost": shown, **route_changes.capped(changes)},
            )
        return Outcome.passed(f"all {len(before)} baseline prefix(es) still present")


class BaselineOspf(_Baseline):
    """No OSPF adjacency that was up in the baseline is lost."""

    kind: Literal["baseline_ospf"] = "baseline_ospf"
    domains: ClassVar[tuple[Domain, ...]] = ("ospf",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        base_node = self._base.nodes[target]
        if base_node.ospf_neighbors is None:
            why = base_node.errors.get("ospf") or "not captured"
            return Outcome.error(f"the baseline has no OSPF data for {target}: {why}")

        def up(st: State) -> set[tuple[str, str, str]]:
            return {
                (n.vrf, n.router_id, n.interface or "?")
                for n in st.nodes[target].ospf_neighbors or []
                if n.up
            }

        before, now = up(self._base), up(state)
        lost = sorted(before - now)
        shown = [
            f"{rid} on {iface}" + ("" if v == "default" else f" ({v})") for v, rid, iface in lost
        ]
        if lost:
            return Outcome.failed(
                f"OSPF adjacency(ies) lost: {', '.join(shown)}",
                expected={"up": len(before)},
                observed={"lost": shown},
            )
        return Outcome.passed(f"all {len(before)} baseline OSPF adjacency(ies) still up")


class BaselineMissing(_Baseline):
    """A device of the baseline that the inventory no longer has."""

    kind: Literal["baseline_device"] = "baseline_device"
    domains: ClassVar[tuple[Domain, ...]] = ()
    scope: ClassVar[Literal["group"]] = "group"

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        return Outcome.error(f"{target} is in the baseline but not in the inventory")


class BaselineVrrp(_Baseline):
    """The VRRP master of a group is the one of the baseline."""

    kind: Literal["baseline_vrrp"] = "baseline_vrrp"
    interface: str
    vrid: int
    domains: ClassVar[tuple[Domain, ...]] = ("vrrp",)
    scope: ClassVar[Literal["group"]] = "group"

    def group_target(self) -> str:
        return f"{self.interface}/{self.vrid}"

    def _masters(self, st: State, devices: list[str]) -> list[str]:
        return sorted(
            d
            for d in devices
            for g in (st.nodes[d].vrrp or [])
            if d in st.nodes
            if g.interface == self.interface and g.vrid == self.vrid and g.role is VrrpRole.MASTER
        )

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        for d in devices:
            why = missing_data(state.nodes.get(d), d, self.domains)
            if why:
                return Outcome.error(f"cannot compare VRRP group {target}: {why}")
        before = self._masters(self._base, [d for d in devices if d in self._base.nodes])
        now = self._masters(state, devices)
        if before != now:
            return Outcome.failed(
                f"VRRP {target}: master was {', '.join(before) or 'none'}, now "
                f"{', '.join(now) or 'none'}",
                expected={"master": before},
                observed={"master": now},
            )
        return Outcome.passed(f"VRRP {target}: master still {', '.join(now)}")


def baseline_targets(
    path: Path, hosts: dict[str, Any], limit: Any, max_drop: float, existing: list[Target]
) -> list[Target]:
    base = State.load(path)
    if not set(base.nodes) & set(hosts):
        raise InputError(
            f"baseline {path} shares no device with the inventory (baseline: "
            f"{', '.join(sorted(base.nodes)) or 'none'})",
            hint="capture the baseline from the same inventory or lab",
        )
    allowed = set(select(hosts, limit, "--limit")) if limit is not None else set(hosts)
    devices = sorted(d for d in base.nodes if d in allowed and d in hosts)
    targets: list[Target] = []

    def add(spec: CheckSpec, target: str, devs: list[str]) -> None:
        entry = CatalogEntry(spec=spec, file=path, line=1, index=len(targets))
        targets.append(Target(entry, target, devs, f"{spec.kind}[{target}]"))

    for d in sorted(set(base.nodes) - set(hosts)):
        if limit is None:
            add(BaselineMissing().with_base(base), d, [])
    for d in devices:
        node = base.nodes[d]
        # a device whose capture failed still gets items: they report the gap as errors
        if node.bgp_peers or node.bgp_peers is None:
            add(BaselineBgp(max_prefix_drop=max_drop).with_base(base), d, [d])
        if node.routes or node.routes is None:
            add(BaselineEcmp().with_base(base), d, [d])
            add(BaselineRoutes().with_base(base), d, [d])
        # a platform without OSPF collection has the domain as unsupported: no item for it
        if node.ospf_neighbors or (
            node.ospf_neighbors is None
            and node.problems.get("ospf") is not Problem.UNSUPPORTED
            and "ospf" in node.errors
        ):
            add(BaselineOspf().with_base(base), d, [d])
    # a catalog vrrp check with an expected master decides that group, not the baseline
    decided = {
        (getattr(t.spec, "interface", None), getattr(t.spec, "vrid", None))
        for t in existing
        if t.spec.kind == "vrrp" and getattr(t.spec, "master", None)
    }
    groups: dict[tuple[str, int], list[str]] = {}
    for d in devices:
        for g in base.nodes[d].vrrp or []:
            groups.setdefault((g.interface, g.vrid), []).append(d)
    for (iface, vrid), members in sorted(groups.items()):
        if (iface, vrid) not in decided:
            add(
                BaselineVrrp(interface=iface, vrid=vrid).with_base(base), f"{iface}/{vrid}", members
            )
    return targets
