"""Reachability: a flow from a device succeeds or fails. Statically the engine traces it;
live, the device (or a lab host) pings the destination and traceroutes the path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from netval.checks.base import CheckSpec, Gate, Scope
from netval.checks.static_eval import eval_reachability
from netval.results import Outcome
from netval.state import Probe, State
from netval.types import IpAddress, Percent

if TYPE_CHECKING:
    from netval.static.engine import Engine


class Reachability(CheckSpec):
    """A flow from a device to a destination succeeds (or fails). `netval verify` traces
    it through the engine's data plane; `netval check` pings from the device or lab host
    (`count` packets, at most `max_loss` percent lost) and traceroutes the path. A router
    sends from its loopback address, as an operator would: a reply to a fabric link's
    address often has no way back."""

    kind: Literal["reachability"]
    from_: str = Field(alias="from", description="a device, or in a lab also a host")
    to: IpAddress
    protocol: Literal["tcp", "udp", "icmp"] = "icmp"
    port: int | None = Field(default=None, ge=1, le=65535)
    expect: Literal["success", "failure"] = "success"
    count: int = Field(default=5, ge=1, le=100, description="live: echo requests sent")
    max_loss: Percent = Field(
        default=0, description="live: the most packet loss, in percent, that still succeeds"
    )
    scope: ClassVar[Scope] = "network"
    gates: ClassVar[frozenset[Gate]] = frozenset({"live", "static"})

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def group_target(self) -> str:
        port = f":{self.port}" if self.port else ""
        return f"{self.from_}->{self.to}{port}"

    def probe_request(self) -> tuple[str, str, int] | None:
        """What the live gate must send: (source, destination, count)."""
        if self.protocol != "icmp" or self.port is not None:
            return None
        return (self.from_, self.to, self.count)

    def evaluate_static(
        self, engine: Engine, target: str, devices: list[str], base: Path | None
    ) -> Outcome:
        return eval_reachability(engine, self.from_, self.to, self.protocol, self.port, self.expect)

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        if self.probe_request() is None:
            return Outcome.error(
                f"live reachability sends ICMP echo; a {self.protocol} flow"
                + (f" to port {self.port}" if self.port else "")
                + " is checked by `netval verify`"
            )
        node = state.nodes.get(self.from_)
        probes = (node.probes or []) if node is not None else []
        probe = next((p for p in probes if p.destination == self.to), None)
        if probe is None:
            why = (node.errors.get("probes") if node else None) or "no probe was run"
            return Outcome.error(f"no reachability data from {self.from_}: {why}")
        if probe.error:
            return Outcome.error(f"probe {target}: {probe.error}")
        expected = {"expect": self.expect, "count": self.count, "max_loss": self.max_loss}
        observed = _view(probe)
        loss = probe.loss_percent
        answered = bool(probe.received)
        who = f"{self.from_} ({probe.from_address})" if probe.from_address else self.from_
        if self.expect == "failure":
            if answered:
                return Outcome.failed(
                    f"{self.to} answered {probe.received} of {probe.sent} pings from {who}"
                    + _path(probe),
                    expected=expected,
                    observed=observed,
                )
            return Outcome.passed(
                f"{self.to} does not answer {who}"
                + (f" ({probe.no_route})" if probe.no_route else _path(probe)),
                expected=expected,
                observed=observed,
            )
        if probe.no_route:
            return Outcome.failed(probe.no_route, expected=expected, observed=observed)
        if loss is None:
            return Outcome.error(f"probe {target}: ping sent nothing", observed=observed)
        if not answered or loss > self.max_loss:
            return Outcome.failed(
                f"{self.to} from {who}: {probe.received} of {probe.sent} answered "
                f"({loss:.0f}% loss, at most {self.max_loss:g}% allowed)" + _path(probe),
                expected=expected,
                observed=observed,
            )
        rtt = f", {probe.rtt_avg_ms:.2f} ms average" if probe.rtt_avg_ms is not None else ""
        return Outcome.passed(
            f"{self.to} from {who}: {probe.received} of {probe.sent} answered{rtt}" + _path(probe),
            expected=expected,
            observed=observed,
        )


def _path(probe: Probe) -> str:
    if not probe.hops:
        return ""
    hops = " > ".join(h or "*" for h in probe.hops)
    return f"; path {hops}" + ("" if probe.reached else " (destination not reached)")


def _view(probe: Probe) -> dict[str, Any]:
    return probe.model_dump(exclude={"source", "destination"}, exclude_none=True)
