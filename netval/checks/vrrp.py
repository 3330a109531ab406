"""VRRP group checks: one item per group, judged across the routers that run it."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from netval.checks.base import CheckSpec, missing_data
from netval.results import Outcome
from netval.state import Domain, State, VrrpRole
from netval.types import IpAddress, Vrid


class Vrrp(CheckSpec):
    """Exactly one master among the routers running the group; optionally the expected
    master and backups, the virtual IPs and the priorities."""

    kind: Literal["vrrp"]
    interface: str
    vrid: Vrid
    master: str | None = None
    backups: list[str] | None = None
    vips: list[IpAddress] | None = None
    priority: int | dict[str, int] | None = Field(
        default=None, description="one priority for all, or device -> priority"
    )

    domains: ClassVar[tuple[Domain, ...]] = ("vrrp",)
    scope: ClassVar[Literal["group"]] = "group"

    def group_target(self) -> str:
        return f"{self.interface}/{self.vrid}"

    def members(self, devices: list[str]) -> list[str]:
        named = ([self.master] if self.master else []) + (self.backups or [])
        return named if named and self.devices is None else devices

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        roles: dict[str, str] = {}
        observed: dict[str, Any] = {}
        problems: list[str] = []
        members = self.members(devices)
        for device in members:
            why = missing_data(state.nodes.get(device), device, self.domains)
            if why:
                return Outcome.error(f"cannot judge VRRP group {target}: {why}")
            group = next(
                (
                    g
                    for g in state.nodes[device].vrrp or []
                    if g.interface == self.interface and g.vrid == self.vrid
                ),
                None,
            )
            if group is None:
                if device in ([self.master] if self.master else []) + (self.backups or []):
                    problems.append(f"{device} does not run VRRP group {target}")
                continue
            roles[device] = group.role.value
            observed[device] = {
                "role": group.role.value,
                "priority": group.priority,
                "vips": group.vips,
            }
            if self.vips is not None and sorted(group.vips) != sorted(self.vips):
                problems.append(f"{device} has VIPs {group.vips}, expected {self.vips}")
            want_prio = (
                self.priority.get(device) if isinstance(self.priority, dict) else self.priority
            )
            if want_prio is not None and group.priority != want_prio:
                problems.append(f"{device} has priority {group.priority}, expected {want_prio}")
        if not roles:
            return Outcome.error(
                f"no router among {', '.join(members)} reports VRRP group {target}"
            )
        masters = sorted(d for d, r in roles.items() if r == VrrpRole.MASTER.value)
        if len(masters) != 1:
            problems.insert(
                0, f"{len(masters)} masters ({', '.join(masters) or 'none'}), expected exactly one"
            )
        if self.master is not None and masters != [self.master]:
            got = ", ".join(masters) or "no router"
            problems.insert(0, f"master is {got}, expected {self.master}")
        for backup in self.backups or []:
            if backup in roles and roles[backup] != VrrpRole.BACKUP.value:
                problems.append(f"{backup} is {roles[backup]}, expected backup")
        expected = {"master": self.master, "backups": self.backups, "vips": self.vips}
        if problems:
            return Outcome.failed(
                f"VRRP {target}: " + "; ".join(problems), expected=expected, observed=observed
            )
        return Outcome.passed(
            f"VRRP {target}: master {masters[0]}", expected=expected, observed=observed
        )
