"""Static engines: answer questions about a snapshot before it is deployed.

``open_engine`` picks one. Batfish is used when a service is configured (``BATFISH_HOST``);
otherwise the built-in engine, which needs no JVM. Both are imported only when chosen, so
using one never pays for loading the other (pybatfish pulls in pandas).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from netval.errors import EngineError, InputError, require_extra
from netval.static.engine import Answer, Engine, Headers, RouteInput

__all__ = [
    "Answer",
    "Engine",
    "EngineKind",
    "Headers",
    "RouteInput",
    "close_engine",
    "open_engine",
]

EngineKind = Literal["auto", "batfish", "builtin"]
ENGINE_KINDS: tuple[EngineKind, ...] = ("auto", "batfish", "builtin")

_BUILTIN_MODULE = "netval.static.builtin"


def _batfish(snapshot: Path, batfish: Mapping[str, Any] | None) -> Engine:
    require_extra(
        "batfish", "pybatfish", "the batfish engine", " (or --engine builtin: it needs nothing)"
    )
    from netval.static.batfish import BatfishEngine
    from netval.static.batfish_settings import BatfishSettings

    return BatfishEngine(snapshot, BatfishSettings.from_env(overrides=batfish))


_NO_ENGINE = (
    "no static engine is available: set BATFISH_HOST to a running Batfish service "
    "(e.g. `docker run -d -p 9996:9996 batfish/allinone`, then BATFISH_HOST=localhost)"
    "; the built-in engine is not installed yet"
)


def _builtin(snapshot: Path) -> Engine:
    try:
        module = importlib.import_module(_BUILTIN_MODULE)
    except ModuleNotFoundError as exc:
        # Only the built-in engine's own absence; a module it fails to import is a bug to see.
        if exc.name != _BUILTIN_MODULE:
            raise
        raise EngineError(_NO_ENGINE) from exc
    # A package directory without its engine yet imports as an empty namespace package.
    engine_class = getattr(module, "BuiltinEngine", None)
    if engine_class is None:
        raise EngineError(_NO_ENGINE)
    engine: Engine = engine_class(snapshot)
    return engine


def open_engine(
    snapshot: Path | str, kind: str = "auto", batfish: Mapping[str, Any] | None = None
) -> Engine:
    """The engine ``kind`` for ``snapshot``: ``batfish``, ``builtin``, or ``auto`` (Batfish
    when ``BATFISH_HOST`` or a host in ``batfish`` is set, else built-in).

    ``batfish``: Batfish settings from the command line (see ``BatfishSettings.from_env``),
    None for each one not given. Close the engine with ``close_engine`` when done.
    """
    path = Path(snapshot)
    if kind == "batfish":
        return _batfish(path, batfish)
    if kind == "builtin":
        return _builtin(path)
    if kind == "auto":
        if os.environ.get("BATFISH_HOST", "").strip() or (batfish or {}).get("host"):
            return _batfish(path, batfish)
        return _builtin(path)
    raise InputError(f"unknown engine {kind!r}", hint=f"use one of: {', '.join(ENGINE_KINDS)}")


def close_engine(engine: Engine | None) -> list[str]:
    """Release what the engine holds elsewhere (a Batfish service's snapshots); returns what
    it could not release, for the caller to report."""
    close = getattr(engine, "close", None)
    if close is None:
        return []
    problems: list[str] = close()
    return problems
