"""Interface state checks."""

from __future__ import annotations

from fnmatch import fnmatch
from typing import ClassVar, Literal

from pydantic import Field

from netval.checks.base import CheckSpec
from netval.results import Outcome
from netval.state import Domain, State


class Interfaces(CheckSpec):
    """The listed interfaces (default: all but ``exclude``) are admin and oper up."""

    kind: Literal["interfaces"]
    interfaces: list[str] | None = Field(default=None, min_length=1)
    exclude: list[str] = Field(
        # loopback, the lab's management link, and FRR's VRRP macvlans (down on a backup)
        default_factory=lambda: ["lo", "nvmgmt", "vrrp4-*", "vrrp6-*"],
        description="glob patterns left out when `interfaces` is not given",
    )
    admin_up: bool = True
    oper_up: bool = True

    domains: ClassVar[tuple[Domain, ...]] = ("interfaces",)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        have = {i.name: i for i in node.interfaces or []}
        problems = []
        if self.interfaces is not None:
            names = self.interfaces
            problems += [f"{n} does not exist" for n in names if n not in have]
        else:
            names = sorted(n for n in have if not any(fnmatch(n, p) for p in self.exclude))
            if not names:
                return Outcome.error(f"{target} reports no interfaces")
        observed = {}
        for name in names:
            iface = have.get(name)
            if iface is None:
                continue
            observed[name] = {"admin_up": iface.admin_up, "oper_up": iface.oper_up}
            if self.admin_up and iface.admin_up is not True:
                problems.append(f"{name} is admin down")
            elif self.oper_up and iface.oper_up is not True:
                problems.append(f"{name} is oper down")
        expected = {"admin_up": self.admin_up, "oper_up": self.oper_up, "interfaces": names}
        if problems:
            return Outcome.failed("; ".join(problems), expected=expected, observed=observed)
        return Outcome.passed(f"{len(names)} interface(s) up", expected=expected, observed=observed)
