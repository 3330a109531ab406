"""Static engines: answer questions about a snapshot before it is deployed.

``open_engine`` picks one. Batfish is used when a service is configured (``BATFISH_HOST``);
otherwise the built-in engine, which needs no JVM. Both are imported only when chosen, so
using one never pays for loading the other (pybatfish pulls in pandas).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Literal

from netval.errors import EngineError, InputError, require_extra
from netval.static.engine import Answer, Engine, Headers, RouteInput

__all__ = ["Answer", "Engine", "EngineKind", "Headers", "RouteInput", "open_engine"]

EngineKind = Literal["auto", "batfish", "builtin"]
ENGINE_KINDS: tuple[EngineKind, ...] = ("auto", "batfish", "builtin")

_BUILTIN_MODULE = "netval.static.builtin"


def _batfish(snapshot: Path) -> Engine:
    require_extra(
        "batfish", "pybatfish", "the batfish engine", " (or --engine builtin: it needs nothing)"
    )
    from netval.static.batfish import BatfishEngine, BatfishSettings

    return BatfishEngine(snapshot, BatfishSettings.from_env())


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


def open_engine(snapshot: Path | str, kind: str = "auto") -> Engine:
    """The engine ``kind`` for ``snapshot``: ``batfish``, ``builtin``, or ``auto`` (Batfish
    when ``BATFISH_HOST`` is set, else built-in)."""
    path = Path(snapshot)
    if kind == "batfish":
        return _batfish(path)
    if kind == "builtin":
        return _builtin(path)
    if kind == "auto":
        if os.environ.get("BATFISH_HOST", "").strip():
            return _batfish(path)
        return _builtin(path)
    raise InputError(f"unknown engine {kind!r}", hint=f"use one of: {', '.join(ENGINE_KINDS)}")
