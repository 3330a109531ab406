"""Anycast checks: who originates a prefix, as seen from vantage devices (observed, or
predicted by the engine)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec, bgp_table_gap, missing_data
from netval.results import Outcome
from netval.state import BgpRoute as Path
from netval.state import Domain, NodeState, State
from netval.types import Asn, Prefix


class Anycast(CheckSpec):
    """A prefix announced from several places. Each vantage device sees exactly the expected
    set of origin ASes among its valid BGP paths (the last AS of each path, or its own AS for
    a path with an empty AS path), and exactly the expected devices originate it. A missing
    origin and a new one both fail.

    A router keeps every path its peers send, but a peer sends only its own best path: pick
    vantages that hear every origin (spines, route reflectors with add-path), or the check
    fails where the network is right."""

    kind: Literal["anycast"]
    prefix: Prefix
    vrf: str = "default"
    origin_asns: list[Asn] | None = Field(
        default=None, min_length=1, description="exactly these ASes originate the prefix"
    )
    origin_devices: list[str] | None = Field(
        default=None,
        min_length=1,
        description="exactly these of the selected devices originate it (hold a locally "
        "sourced path)",
    )
    vantages: list[str] | None = Field(
        default=None,
        min_length=1,
        description="devices that must see every origin AS (default: the selected devices "
        "that do not originate the prefix)",
    )

    # a path's origin AS depends on the router's own AS when the AS path is empty
    domains: ClassVar[tuple[Domain, ...]] = ("bgp_routes", "bgp")
    scope: ClassVar[Literal["group"]] = "group"

    @model_validator(mode="after")
    def _consistent(self) -> Anycast:
        if self.origin_asns is None and self.origin_devices is None:
            raise ValueError("give origin_asns, origin_devices or both")
        if self.vantages is not None and self.origin_asns is None:
            raise ValueError("vantages need origin_asns: they are judged on the ASes they see")
        return self

    def group_target(self) -> str:
        return self.prefix if self.vrf == "default" else f"{self.vrf}:{self.prefix}"

    def members(self, devices: list[str]) -> list[str]:
        """The selected devices, and the named vantages and origins: all are collected."""
        return list(dict.fromkeys([*devices, *(self.vantages or []), *(self.origin_devices or [])]))

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        looked_at = devices
        gap = bgp_table_gap(state, self.prefix)
        if gap:
            return Outcome.error(f"cannot judge anycast {target}: {gap}")
        for device in looked_at:
            why = missing_data(state.nodes.get(device), device, self.domains)
            if why:
                return Outcome.error(f"cannot judge anycast {target}: {why}")
        paths = {d: self._paths(state.nodes[d]) for d in looked_at}
        originators = sorted(d for d in looked_at if any(p.peer is None for p in paths[d]))
        problems: list[str] = []
        observed: dict[str, Any] = {"origin_devices": originators}
        if self.origin_devices is not None:
            unknown = [d for d in self.origin_devices if d not in looked_at]
            if unknown:
                return Outcome.error(
                    f"origin_devices {', '.join(unknown)} are not among the selected devices "
                    f"({', '.join(looked_at)}): --limit left them out, so their BGP tables "
                    "were not collected"
                )
            missing = sorted(set(self.origin_devices) - set(originators))
            extra = sorted(set(originators) - set(self.origin_devices))
            if missing:
                problems.append(f"{', '.join(missing)} no longer originate(s) it")
            if extra:
                problems.append(f"{', '.join(extra)} also originate(s) it")
        if self.origin_asns is not None:
            vantages = self.vantages or [d for d in looked_at if d not in originators]
            if not vantages:
                return Outcome.error(
                    f"no vantage device for anycast {target}: every selected device "
                    "originates it; name `vantages`"
                )
            want = set(self.origin_asns)
            seen_by: dict[str, list[int]] = {}
            for device in vantages:
                doubt = next((p.unsure for p in paths[device] if p.unsure), None)
                if doubt:
                    return Outcome.error(
                        f"cannot judge anycast {target}: the origins {device} hears are no "
                        f"prediction: {doubt}"
                    )
                local_as = _local_as(state.nodes[device], self.vrf)
                origins = {_origin_as(p, local_as) for p in paths[device]}
                if None in origins:
                    return Outcome.error(
                        f"{device} reports no local AS for vrf {self.vrf}: the origin of a "
                        "path with an empty AS path is unknown"
                    )
                seen = sorted(a for a in origins if a is not None)
                seen_by[device] = seen
                missing_as = sorted(want - set(seen))
                extra_as = sorted(set(seen) - want)
                if not seen:
                    problems.append(f"{device} has no path to {self.prefix}")
                    continue
                if missing_as:
                    problems.append(f"{device} does not see origin AS {_asns(missing_as)}")
                if extra_as:
                    problems.append(f"{device} sees unexpected origin AS {_asns(extra_as)}")
            observed["origin_asns"] = seen_by
        expected = {
            k: v
            for k, v in {
                "origin_asns": self.origin_asns,
                "origin_devices": self.origin_devices,
                "vantages": self.vantages,
            }.items()
            if v is not None
        }
        if problems:
            return Outcome.failed(
                f"anycast {target}: " + "; ".join(problems), expected=expected, observed=observed
            )
        parts = []
        if self.origin_devices is not None:
            parts.append(f"originated by {', '.join(originators)}")
        if self.origin_asns is not None:
            parts.append(
                f"origin AS {_asns(sorted(set(self.origin_asns)))} seen from "
                + ", ".join(observed["origin_asns"])
            )
        return Outcome.passed(
            f"anycast {target}: " + "; ".join(parts), expected=expected, observed=observed
        )

    def _paths(self, node: NodeState) -> list[Path]:
        return [
            p
            for p in node.bgp_routes or []
            if p.prefix == self.prefix and p.vrf == self.vrf and p.valid
        ]


def _local_as(node: NodeState, vrf: str) -> int | None:
    return next((p.local_as for p in node.bgp_peers or [] if p.vrf == vrf and p.local_as), None)


def _origin_as(path: Path, local_as: int | None) -> int | None:
    return path.as_path[-1] if path.as_path else local_as


def _asns(asns: list[int]) -> str:
    return ", ".join(map(str, asns))
