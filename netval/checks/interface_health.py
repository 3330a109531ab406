"""Interface health (live): error and discard counters, MTU and speed per interface, and
MTU agreement across the interfaces that share a subnet."""

from __future__ import annotations

import ipaddress
from fnmatch import fnmatch
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec, missing_data
from netval.results import Outcome
from netval.state import Domain, Interface, State

_EXCLUDED = ["lo", "nvmgmt", "vrrp4-*", "vrrp6-*"]


def _chosen(
    interfaces: list[Interface], names: list[str] | None, exclude: list[str]
) -> list[Interface]:
    if names is not None:
        return [i for i in interfaces if i.name in names]
    return [i for i in interfaces if not any(fnmatch(i.name, p) for p in exclude)]


class InterfaceHealth(CheckSpec):
    """Each interface (the listed ones, default all but ``exclude``) has at most
    ``max_errors`` input plus output errors and ``max_discards`` discards since its counters
    were last cleared, the expected MTU, and at least ``min_speed_mbps``. A bound on a value
    the platform does not report is an error, never a pass: FRR's vtysh shows no counters."""

    kind: Literal["interface_health"]
    interfaces: list[str] | None = Field(default=None, min_length=1)
    exclude: list[str] = Field(
        default_factory=lambda: list(_EXCLUDED),
        description="glob patterns left out when `interfaces` is not given",
    )
    max_errors: int | None = Field(default=None, ge=0, description="input + output errors")
    max_discards: int | None = Field(default=None, ge=0, description="input + output discards")
    mtu: int | None = Field(default=None, ge=68)
    min_speed_mbps: int | None = Field(default=None, ge=1)

    domains: ClassVar[tuple[Domain, ...]] = ("interfaces",)
    # configs give MTU, never counters or negotiated speed: this is observed state
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    @model_validator(mode="after")
    def _something(self) -> InterfaceHealth:
        if all(
            v is None for v in (self.max_errors, self.max_discards, self.mtu, self.min_speed_mbps)
        ):
            raise ValueError("give max_errors, max_discards, mtu or min_speed_mbps")
        return self

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        have = state.nodes[target].interfaces or []
        chosen = _chosen(have, self.interfaces, self.exclude)
        problems = [
            f"{n} does not exist" for n in self.interfaces or [] if all(i.name != n for i in have)
        ]
        if not chosen and not problems:
            return Outcome.error(f"{target} reports no interfaces to judge")
        unknown: list[str] = []
        observed: dict[str, Any] = {}
        for iface in chosen:
            observed[iface.name] = {
                k: getattr(iface, k)
                for k in ("mtu", "speed_mbps", "in_errors", "out_errors", "in_discards",
                          "out_discards")
            }  # fmt: skip
            for bound, counters, word in (
                (self.max_errors, (iface.in_errors, iface.out_errors), "errors"),
                (self.max_discards, (iface.in_discards, iface.out_discards), "discards"),
            ):
                if bound is None:
                    continue
                if any(c is None for c in counters):
                    unknown.append(f"{iface.name} {word}")
                    continue
                total = sum(c for c in counters if c is not None)
                if total > bound:
                    problems.append(
                        f"{iface.name} has {total} {word} (in {counters[0]}, out {counters[1]}), "
                        f"expected at most {bound}"
                    )
            if self.mtu is not None:
                if iface.mtu is None:
                    unknown.append(f"{iface.name} MTU")
                elif iface.mtu != self.mtu:
                    problems.append(f"{iface.name} has MTU {iface.mtu}, expected {self.mtu}")
            if self.min_speed_mbps is not None:
                if iface.speed_mbps is None:
                    unknown.append(f"{iface.name} speed")
                elif iface.speed_mbps < self.min_speed_mbps:
                    problems.append(
                        f"{iface.name} runs at {iface.speed_mbps} Mb/s, expected at least "
                        f"{self.min_speed_mbps}"
                    )
        expected = {
            k: v
            for k, v in {
                "max_errors": self.max_errors,
                "max_discards": self.max_discards,
                "mtu": self.mtu,
                "min_speed_mbps": self.min_speed_mbps,
            }.items()
            if v is not None
        }
        if problems:
            return Outcome.failed("; ".join(problems), expected=expected, observed=observed)
        if unknown:
            return Outcome.error(
                f"{target} does not report {', '.join(unknown[:5])}"
                + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
                + " (not shown by the platform's command)",
                expected=expected,
                observed=observed,
            )
        return Outcome.passed(
            f"{len(chosen)} interface(s) healthy", expected=expected, observed=observed
        )


class LinkMtu(CheckSpec):
    """Interfaces that share a subnet across the selected devices (the two ends of a link,
    or every router on a segment) have the same MTU: a mismatch stalls OSPF adjacencies and
    drops large packets silently."""

    kind: Literal["link_mtu"]
    exclude: list[str] = Field(
        default_factory=lambda: list(_EXCLUDED),
        description="glob patterns of interfaces left out",
    )

    domains: ClassVar[tuple[Domain, ...]] = ("interfaces",)
    scope: ClassVar[Literal["group"]] = "group"
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})

    def group_target(self) -> str:
        return "links"

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        segments: dict[str, list[tuple[str, Interface]]] = {}
        for device in devices:
            why = missing_data(state.nodes.get(device), device, self.domains)
            if why:
                return Outcome.error(f"cannot judge link MTUs: {why}")
            for iface in _chosen(state.nodes[device].interfaces or [], None, self.exclude):
                for address in iface.addresses:
                    subnet = ipaddress.ip_interface(address).network
                    if subnet.prefixlen < subnet.max_prefixlen and not subnet.is_link_local:
                        segments.setdefault(str(subnet), []).append((device, iface))
        shared = {net: ends for net, ends in segments.items() if len({d for d, _ in ends}) > 1}
        if not shared:
            return Outcome.error(
                f"no subnet is shared by two of the selected devices ({', '.join(devices)}): "
                "there is no link to judge"
            )
        problems: list[str] = []
        unknown: list[str] = []
        observed: dict[str, dict[str, int | None]] = {}
        for net, ends in sorted(shared.items()):
            mtus = {f"{d}:{i.name}": i.mtu for d, i in ends}
            observed[net] = mtus
            if any(m is None for m in mtus.values()):
                unknown += [end for end, m in mtus.items() if m is None]
            elif len(set(mtus.values())) > 1:
                problems.append(
                    f"{net}: " + ", ".join(f"{end} MTU {m}" for end, m in sorted(mtus.items()))
                )
        if problems:
            return Outcome.failed("MTU mismatch on " + "; ".join(problems), observed=observed)
        if unknown:
            return Outcome.error(f"MTU not reported for {', '.join(unknown)}", observed=observed)
        return Outcome.passed(f"{len(shared)} link(s), MTU equal on every end", observed=observed)
