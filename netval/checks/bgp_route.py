"""BGP path attribute checks: what a device's BGP table holds for a prefix (observed, or
predicted by the engine)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from netval.checks.base import CheckSpec, bgp_table_gap
from netval.results import Outcome
from netval.state import BgpRoute as Path
from netval.state import Domain, State
from netval.types import Asn, Community, IpAddress, Prefix


class BgpRoute(CheckSpec):
    """The BGP path for ``prefix`` (the best one, or the one from ``peer``) is there, or is
    not, and carries the expected attributes: communities (standard, large and well-known
    names), local-pref, MED, origin, AS path (exact, or a regex where `_` matches a
    separator) and next hop."""

    kind: Literal["bgp_route"]
    prefix: Prefix
    vrf: str = "default"
    peer: IpAddress | None = Field(
        default=None, description="judge the path from this neighbor (default: the best path)"
    )
    present: bool = True
    best: bool | None = Field(default=None, description="the path must (not) be the best one")
    communities: list[Community] | None = Field(
        default=None, description="all of these are on the path (others may be too)"
    )
    no_communities: list[Community] | None = Field(
        default=None, description="none of these is on the path"
    )
    local_pref: int | None = Field(default=None, ge=0)
    med: int | None = Field(default=None, ge=0)
    origin: Literal["igp", "egp", "incomplete"] | None = None
    as_path: list[Asn] | None = Field(default=None, description="exactly this AS path")
    as_path_regex: str | None = Field(
        default=None, description="the AS path (ASNs joined by spaces) matches this"
    )
    next_hop: IpAddress | None = None

    domains: ClassVar[tuple[Domain, ...]] = ("bgp_routes",)

    @model_validator(mode="after")
    def _consistent(self) -> BgpRoute:
        if self.as_path_regex is not None:
            # the built-in engine's package is heavy: a live run imports it only for a regex
            from netval.static.builtin import regexes

            why = regexes.problem(self.as_path_regex)
            if why:
                raise ValueError(f"as_path_regex: {why}")
        clash = set(self.communities or []) & set(self.no_communities or [])
        if clash:
            raise ValueError(f"{', '.join(sorted(clash))} both required and forbidden")
        attrs = [
            self.best,
            self.communities,
            self.no_communities,
            self.local_pref,
            self.med,
            self.origin,
            self.as_path,
            self.as_path_regex,
            self.next_hop,
        ]
        if not self.present and any(a is not None for a in attrs):
            raise ValueError("present: false cannot be combined with attribute expectations")
        return self

    def _expected(self) -> dict[str, Any]:
        keys = (
            "peer", "present", "best", "communities", "no_communities", "local_pref", "med",
            "origin", "as_path", "as_path_regex", "next_hop",
        )  # fmt: skip
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None}

    def evaluate(self, state: State, target: str, devices: list[str]) -> Outcome:
        gap = bgp_table_gap(state, self.prefix)
        if gap:
            return Outcome.error(gap)
        paths = [
            p
            for p in state.nodes[target].bgp_routes or []
            if p.prefix == self.prefix and p.vrf == self.vrf
        ]
        chosen = (
            [p for p in paths if p.peer == self.peer] if self.peer else [p for p in paths if p.best]
        )
        what = f"{self.prefix} from {self.peer}" if self.peer else f"best path to {self.prefix}"
        observed = [_view(p) for p in paths]
        if not self.present:
            if chosen:
                return Outcome.failed(
                    f"{what} is in {target}'s BGP table", expected={"present": False},
                    observed=observed,
                )  # fmt: skip
            return Outcome.passed(f"no {what} on {target}", expected={"present": False})
        if not chosen:
            seen = ", ".join(sorted({p.peer or "local" for p in paths})) or "no path"
            return Outcome.failed(
                f"no {what} on {target} (paths from: {seen})",
                expected=self._expected(),
                observed=observed,
            )
        path = chosen[0]
        why = self._unknowable(state, path, paths)
        if why:
            return Outcome.error(f"cannot judge {what} on {target}: {why}")
        problems = self._problems(path)
        if problems:
            return Outcome.failed(
                f"{what} on {target}: " + "; ".join(problems),
                expected=self._expected(),
                observed=_view(path),
            )
        return Outcome.passed(
            f"{what} on {target}: " + _summary(path),
            expected=self._expected(),
            observed=_view(path),
        )

    def _unknowable(self, state: State, path: Path, paths: list[Path]) -> str | None:
        """What the expectation asks of a predicted path that the engine does not know."""
        doubt = path.unsure or (
            self.peer is None and next((p.unsure for p in paths if p.unsure), None)
        )
        if doubt:
            return f"the engine cannot predict which path is sent here: {doubt}"
        if path.tied and (self.best is not None or self.peer is None):
            verdicts = {not self._problems(p) for p in paths if p.tied}
            if self.best is not None or len(verdicts) > 1:
                peers = ", ".join(sorted(p.peer or "local" for p in paths if p.tied))
                return (
                    f"the paths from {peers} tie up to their age, which FRR compares and "
                    "a prediction cannot know (`bgp bestpath compare-routerid` decides it)"
                )
        if "builtin engine" not in state.origin:
            return None
        large = [
            c
            for c in [*(self.communities or []), *(self.no_communities or [])]
            if c.count(":") == 2
        ]
        if large:
            return f"the built-in engine does not model large communities ({', '.join(large)})"
        if self.med == 0 and path.med == 0 and path.peer is not None:
            return "the built-in engine does not tell a received MED of 0 from no MED"
        return None

    def _problems(self, p: Path) -> list[str]:
        out = []
        have = set(p.communities) | set(p.large_communities)
        if self.best is not None and p.best != self.best:
            out.append("is the best path" if p.best else "is not the best path")
        missing = [c for c in self.communities or [] if c not in have]
        if missing:
            out.append(f"lacks communit(ies) {', '.join(missing)} (has: {_list(have)})")
        forbidden = [c for c in self.no_communities or [] if c in have]
        if forbidden:
            out.append(f"carries forbidden communit(ies) {', '.join(forbidden)}")
        for name, want, got in (
            ("local-pref", self.local_pref, p.local_pref),
            ("MED", self.med, p.med),
            ("origin", self.origin, p.origin),
            ("next hop", self.next_hop, p.next_hop),
        ):
            if want is not None and want != got:
                out.append(f"{name} is {got if got is not None else 'not set'}, expected {want}")
        if self.as_path is not None and p.as_path != self.as_path:
            out.append(f"AS path is {_aspath(p)}, expected {' '.join(map(str, self.as_path))}")
        if self.as_path_regex is not None and not _matches(self.as_path_regex, p.as_path):
            out.append(f"AS path {_aspath(p)} does not match {self.as_path_regex!r}")
        return out


def _matches(regex: str, as_path: list[int]) -> bool:
    from netval.static.builtin import regexes

    return regexes.search(regex, " ".join(map(str, as_path)))


def _aspath(p: Path) -> str:
    return " ".join(map(str, p.as_path)) or "(empty)"


def _list(items: set[str]) -> str:
    return ", ".join(sorted(items)) or "none"


def _summary(p: Path) -> str:
    return (
        f"AS path {_aspath(p)}, local-pref {p.local_pref}, MED {p.med}, origin {p.origin}, "
        f"communities {_list(set(p.communities) | set(p.large_communities))}"
    )


def _view(p: Path) -> dict[str, Any]:
    return p.model_dump(exclude_defaults=False, exclude={"prefix", "vrf"})
