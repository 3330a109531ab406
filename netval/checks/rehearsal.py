"""Rehearsal items: what a change did to a running lab while it was applied (traffic lost,
time to converge). They read the rehearsal's own record, not the devices' state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import PrivateAttr

from netval.catalog import CatalogEntry
from netval.checks.base import CheckSpec
from netval.errors import InputError
from netval.results import Outcome
from netval.runner import Target
from netval.state import Domain, State


class _Rehearsal(CheckSpec):
    _record: dict[str, Any] = PrivateAttr(default_factory=dict)
    gates: ClassVar[frozenset[Literal["live", "static"]]] = frozenset({"live"})
    domains: ClassVar[tuple[Domain, ...]] = ()
    scope: ClassVar[Literal["group"]] = "group"

    def with_record(self, data: dict[str, Any]) -> _Rehearsal:
        self._record = data
        return self


class RehearsalConvergence(_Rehearsal):
    """The lab converged after the change was applied, within the wait."""

    kind: Literal["rehearsal_convergence"] = "rehearsal_convergence"

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        conv = self._record.get("convergence") or {}
        seconds = conv.get("seconds")
        if conv.get("converged"):
            return Outcome.passed(
                f"converged {seconds:.1f} s after the apply started",
                observed={"seconds": seconds},
            )
        moving = conv.get("moving") or {}
        return Outcome.failed(
            f"not converged {conv.get('waited', 0):.0f} s after the apply; still moving: "
            + "; ".join(f"{k}: {v}" for k, v in sorted(moving.items())),
            observed={"moving": moving},
        )


class RehearsalProbe(_Rehearsal):
    """Traffic between two endpoints lost at most ``max_loss`` packets during the change."""

    kind: Literal["rehearsal_probe"] = "rehearsal_probe"
    max_loss: int = 0

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        probe = next((p for p in self._record.get("probes", []) if _label(p) == target), None)
        if probe is None:
            return Outcome.error(f"no probe {target} ran")
        if probe.get("error") or not probe.get("sent"):
            return Outcome.error(f"probe {target}: {probe.get('error') or 'sent no packet'}")
        observed = {k: probe[k] for k in ("sent", "received", "lost", "longest_outage", "interval")}
        text = (
            f"{probe['lost']} of {probe['sent']} packets lost, longest outage "
            f"{probe['longest_outage']:.2f} s (one packet every {probe['interval']:g} s)"
        )
        if probe["received"] == 0:
            return Outcome.failed(f"{target} never answered: {text}", observed=observed)
        if probe["lost"] > self.max_loss:
            return Outcome.failed(
                f"{text}; allowed {self.max_loss}",
                expected={"max_loss": self.max_loss},
                observed=observed,
            )
        return Outcome.passed(text, observed=observed)


def _label(probe: dict[str, Any]) -> str:
    return f"{probe.get('source')}->{probe.get('destination')}"


def rehearsal_targets(path: Path, max_loss: int) -> list[Target]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the rehearsal record {path}: {exc}") from None
    targets: list[Target] = []

    def add(spec: CheckSpec, target: str) -> None:
        entry = CatalogEntry(spec=spec, file=path, line=1, index=len(targets))
        targets.append(Target(entry, target, [], f"{spec.kind}[{target}]"))

    add(RehearsalConvergence().with_record(data), data.get("lab", "lab"))
    for probe in data.get("probes", []):
        add(RehearsalProbe(max_loss=max_loss).with_record(data), _label(probe))
    return targets
