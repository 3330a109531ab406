"""The data-plane questions of the engine protocol, for BuiltinEngine.

Either inherit ``DataPlaneQuestions`` (it needs only the engine's ``path`` and ``loaded``),
or call the module functions with the engine. The data plane is computed once per engine,
on first use; a reference snapshot's data plane is computed once per path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from weakref import WeakKeyDictionary

from netval.errors import InputError
from netval.state import State
from netval.static.builtin.dataplane.answers import (
    answer_bgp_rib,
    answer_bgp_session_status,
    answer_issues,
    answer_routes,
)
from netval.static.builtin.dataplane.compute import DataPlane
from netval.static.builtin.dataplane.diff import answer_differential_routes
from netval.static.builtin.dataplane.flow_answers import (
    answer_differential_reachability,
    answer_reachability,
    answer_traceroute,
)
from netval.static.builtin.dataplane.state import predicted_state
from netval.static.builtin.loader import Loaded, load
from netval.static.engine import Answer, Headers, Needs


class HasSnapshot(Protocol):
    path: Path
    loaded: Loaded


_planes: WeakKeyDictionary[object, DataPlane] = WeakKeyDictionary()
_references: dict[Path, DataPlane] = {}


def dataplane(engine: HasSnapshot) -> DataPlane:
    dp = _planes.get(engine)
    if dp is None:
        dp = _planes[engine] = DataPlane.from_loaded(engine.loaded)
    return dp


def reference_dataplane(reference: Path | str) -> DataPlane:
    path = Path(reference)
    if not path.is_dir():
        raise InputError(
            f"reference snapshot {path} is not a directory",
            hint="pass a snapshot folder such as snapshots/base (it holds configs/)",
        )
    key = path.resolve()
    dp = _references.get(key)
    if dp is None:
        dp = _references[key] = DataPlane.from_loaded(load(path))
    return dp


def bgp_session_status(engine: HasSnapshot) -> Answer:
    return answer_bgp_session_status(dataplane(engine))


def routes(engine: HasSnapshot, nodes: list[str] | None = None, rib: str = "main") -> Answer:
    dp = dataplane(engine)
    if rib == "bgp":
        return answer_bgp_rib(dp, nodes)
    return answer_routes(dp, nodes)


def traceroute(engine: HasSnapshot, start: str, headers: Headers) -> Answer:
    return answer_traceroute(dataplane(engine), start, headers)


def reachability(
    engine: HasSnapshot, start: str, headers: Headers, actions: str = "SUCCESS"
) -> Answer:
    return answer_reachability(dataplane(engine), start, headers, actions)


def differential_routes(engine: HasSnapshot, reference: Path) -> Answer:
    return answer_differential_routes(dataplane(engine), reference_dataplane(reference))


def differential_reachability(engine: HasSnapshot, reference: Path, headers: Headers) -> Answer:
    return answer_differential_reachability(
        dataplane(engine), reference_dataplane(reference), headers
    )


def dataplane_issues(engine: HasSnapshot) -> Answer:
    return answer_issues(dataplane(engine))


def state(engine: HasSnapshot, needs: Needs | None = None) -> State:
    predicted = predicted_state(
        dataplane(engine), origin=f"snapshot {engine.path} (builtin engine)", needs=needs
    )
    for name, why in engine.loaded.unparsed.items():
        if needs is None or name in needs:
            predicted.node(name).errors["device"] = f"the built-in engine predicts nothing: {why}"
    return predicted


class DataPlaneQuestions:
    """Mixin: the engine protocol's data-plane methods, answered by the built-in data plane."""

    path: Path
    loaded: Loaded

    def bgp_session_status(self) -> Answer:
        return bgp_session_status(self)

    def routes(self, nodes: list[str] | None = None) -> Answer:
        return routes(self, nodes)

    def bgp_routes(self, nodes: list[str] | None = None) -> Answer:
        return routes(self, nodes, rib="bgp")

    def traceroute(self, start: str, headers: Headers) -> Answer:
        return traceroute(self, start, headers)

    def reachability(self, start: str, headers: Headers, actions: str = "SUCCESS") -> Answer:
        return reachability(self, start, headers, actions)

    def differential_routes(self, reference: Path) -> Answer:
        return differential_routes(self, reference)

    def differential_reachability(self, reference: Path, headers: Headers) -> Answer:
        return differential_reachability(self, reference, headers)

    def dataplane_issues(self) -> Answer:
        return dataplane_issues(self)

    def state(self, needs: Needs | None = None) -> State:
        return state(self, needs)


def attach(engine: object) -> None:
    """Give an existing engine object the data-plane methods (for trying this out before the
    engine class inherits DataPlaneQuestions)."""
    import types

    for name in (
        "bgp_session_status",
        "routes",
        "bgp_routes",
        "traceroute",
        "reachability",
        "differential_routes",
        "differential_reachability",
        "state",
    ):
        method = getattr(DataPlaneQuestions, name)
        setattr(engine, name, types.MethodType(method, engine))
