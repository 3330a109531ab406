"""BGP session checks."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from netval.checks.base import CheckSpec
from netval.results import Outcome
from netval.state import BgpPeer, BgpState, Domain, State
from netval.types import Asn, Duration, Peer


class BgpExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["established"] = "established"
    remote_as: Asn | None = Field(default=None, description="every listed peer's AS")
    min_prefixes_received: int | None = Field(default=None, ge=0)
    max_prefixes_received: int | None = Field(default=None, ge=0)
    min_prefixes_sent: int | None = Field(default=None, ge=0)
    max_prefixes_sent: int | None = Field(
        default=None, ge=0, description="an upper bound on what the device sends (a leak)"
    )
    no_reset_within: Duration | None = Field(
        default=None, description="each session up for at least this long (no recent reset)"
    )

    @model_validator(mode="after")
    def _bounds_agree(self) -> BgpExpect:
        for way in ("received", "sent"):
            low = getattr(self, f"min_prefixes_{way}")
            high = getattr(self, f"max_prefixes_{way}")
            if low is not None and high is not None and low > high:
                raise ValueError(f"min_prefixes_{way}: {low} is above max_prefixes_{way}: {high}")
        return self


def _describe(peer: BgpPeer) -> str:
    asn = f" (AS {peer.remote_as})" if peer.remote_as is not None else ""
    vrf = f" vrf {peer.vrf}" if peer.vrf != "default" else ""
    return f"{peer.peer}{asn}{vrf}"


class BgpSessions(CheckSpec):
    """Every configured BGP peer (or the listed ones) is Established, with the expected AS,
    prefix counts and uptime."""

    kind: Literal["bgp_sessions"]
    peers: list[Peer] | None = Field(
        default=None,
        min_length=1,
        description="peer addresses (or interface names); default: all configured",
    )
    remote_as: dict[Peer, Asn] | None = Field(default=None, description="peer -> expected AS")
    vrf: str | None = None
    expect: BgpExpect = Field(default_factory=BgpExpect)

    domains: ClassVar[tuple[Domain, ...]] = ("bgp",)

    @model_validator(mode="after")
    def _remote_as_names_listed_peers(self) -> BgpSessions:
        if self.peers is not None and self.remote_as:
            stray = sorted(set(self.remote_as) - set(self.peers))
            if stray:
                raise ValueError(f"remote_as names {', '.join(stray)}, which peers: does not list")
        return self

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        node = state.nodes[target]
        peers = [p for p in node.bgp_peers or [] if self.vrf is None or p.vrf == self.vrf]
        problems: list[str] = []
        if self.peers is not None:
            by_name = {p.peer: p for p in peers}
            for wanted in self.peers:
                if wanted not in by_name:
                    problems.append(f"peer {wanted} is not configured")
            peers = [by_name[w] for w in self.peers if w in by_name]
        elif not peers:
            return Outcome.error(
                f"{target} reports no BGP peers"
                + (f" in vrf {self.vrf}" if self.vrf else "")
                + "; expected at least one configured session",
                expected="established sessions",
                observed=[],
            )
        exp = self.expect
        unknown: list[str] = []  # peers whose prefix counts the source does not give
        for peer in peers:
            where = _describe(peer)
            if peer.state is not BgpState.ESTABLISHED:
                problems.append(f"{where} is {peer.state.value}, expected established")
                continue
            want_as = (self.remote_as or {}).get(peer.peer, exp.remote_as)
            if want_as is not None and peer.remote_as != want_as:
                problems.append(f"{where} has remote AS {peer.remote_as}, expected {want_as}")
            for way, got, low, high, verb in (
                ("received", peer.prefixes_received, exp.min_prefixes_received,
                 exp.max_prefixes_received, "sent"),
                ("sent", peer.prefixes_sent, exp.min_prefixes_sent, exp.max_prefixes_sent,
                 "was sent"),
            ):  # fmt: skip
                if low is None and high is None:
                    continue
                if got is None:
                    unknown.append(f"{way}-prefix count of {where}")
                elif low is not None and got < low:
                    problems.append(f"{where} {verb} {got} prefixes, expected at least {low}")
                elif high is not None and got > high:
                    problems.append(f"{where} {verb} {got} prefixes, expected at most {high}")
            if exp.no_reset_within is not None:
                if peer.uptime_seconds is None:
                    problems.append(f"{where}: session uptime unknown")
                elif peer.uptime_seconds < exp.no_reset_within:
                    problems.append(
                        f"{where} was reset {peer.uptime_seconds:.0f} s ago, expected no reset "
                        f"within {exp.no_reset_within:.0f} s"
                    )
        configured = {p.peer for p in peers}
        for wanted in sorted(set(self.remote_as or {}) - configured - set(self.peers or [])):
            problems.append(f"peer {wanted} (named in remote_as) is not configured")
        observed: dict[str, Any] = {
            p.peer: {
                "state": p.state.value,
                "remote_as": p.remote_as,
                "prefixes_received": p.prefixes_received,
                "prefixes_sent": p.prefixes_sent,
            }
            for p in peers
        }
        if problems:
            return Outcome.failed("; ".join(problems), expected=self._expected(), observed=observed)
        if unknown:
            counts = ", ".join(unknown)
            if state.source == "predicted":
                # an engine that does not predict counts has not checked them: never a pass
                return Outcome.skipped(
                    f"{len(peers)} session(s) established; the engine does not predict {counts}"
                )
            return Outcome.error(
                f"{target} did not report the {counts}",
                expected=self._expected(),
                observed=observed,
            )
        return Outcome.passed(
            f"{len(peers)} session(s) established", expected=self._expected(), observed=observed
        )

    def _expected(self) -> dict[str, Any]:
        return self.expect.model_dump(exclude_none=True) | (
            {"peers": self.peers} if self.peers else {}
        )
